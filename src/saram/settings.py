"""Saram's settings: every value comes from the environment, read here and nowhere else.

Documented in README.md ("Settings"). Demo defaults are safe for a laptop; with
SARAM_ENV=production Saram refuses to start on generated or missing secrets.
"""

from __future__ import annotations

import os
import secrets
import sys
from datetime import timedelta
from pathlib import Path
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from saram.safety import production_problems, refusal

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent.parent
DATA_DIR = Path(os.environ.get("SARAM_DATA_DIR", PROJECT_DIR / "var")).resolve()
ENV = os.environ.get("SARAM_ENV", "demo")  # demo | test | production
IS_PRODUCTION = ENV == "production"
TESTING = ENV == "test" or "pytest" in sys.modules


def _flag(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return raw.strip().lower() in {"1", "true", "yes", "on"}


def _secret(name: str, filename: str, nbytes: int) -> str:
    """A secret from the environment; in demo and test, one generated once and kept in DATA_DIR."""
    value = os.environ.get(name, "").strip()
    if value:
        return value
    if IS_PRODUCTION:
        return ""  # refused below, with every other problem, in one message
    if TESTING:
        return "test-" + name.lower() + "-" + "0" * 40
    path = DATA_DIR / filename
    if path.exists():
        return path.read_text().strip()
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    value = secrets.token_urlsafe(nbytes)
    path.write_text(value)
    path.chmod(0o600)
    return value


SECRET_KEY = _secret("SARAM_SECRET_KEY", "secret_key", 50)
# Master key for personal data (주민등록번호): encryption and keyed-hash keys are derived from it.
PERSONAL_DATA_KEY = _secret("SARAM_PERSONAL_DATA_KEY", "personal_data_key", 32)
# The audit chain's HMAC and its checkpoints' signatures use keys derived from this (by default
# the personal-data key): a secret outside the database, so a database writer cannot rewrite it.
SARAM_AUDIT_KEY = os.environ.get("SARAM_AUDIT_KEY", "").strip() or PERSONAL_DATA_KEY
SARAM_AUDIT_CHECKPOINT_FILE = Path(
    os.environ.get("SARAM_AUDIT_CHECKPOINT_FILE", DATA_DIR / "audit" / "checkpoints.log")
)
SARAM_AUDIT_CHECKPOINT_EVERY = int(os.environ.get("SARAM_AUDIT_CHECKPOINT_EVERY", "1"))
SARAM_AUDIT_SYSLOG = os.environ.get("SARAM_AUDIT_SYSLOG", "").strip()  # e.g. /dev/log
DEBUG = _flag("SARAM_DEBUG", False)
if IS_PRODUCTION and (_problems := production_problems(os.environ, debug=DEBUG)):
    raise ImproperlyConfigured(refusal(_problems))
ALLOWED_HOSTS = [
    h.strip()
    for h in os.environ.get("SARAM_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]").split(",")
    if h.strip()
]
CSRF_TRUSTED_ORIGINS = [
    o.strip() for o in os.environ.get("SARAM_CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()
]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "axes",
    "csp",
    "django_tasks",
    "django_tasks_db",
    "saram.core",
    "saram.welfare",
    "saram.economy",
    "saram.making",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "saram.core.middleware.IdleSessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "saram.core.middleware.LoginRequiredMiddleware",
    "saram.core.middleware.SaramErrorMiddleware",
    "saram.core.bad_input.OutOfRangeMiddleware",
    "axes.middleware.AxesMiddleware",
    "saram.core.no_store.NoStoreMiddleware",
]

ROOT_URLCONF = "saram.urls"
WSGI_APPLICATION = "saram.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "saram.core.context.saram",
            ],
        },
    }
]

DATABASE_URL = os.environ.get("SARAM_DATABASE_URL") or os.environ.get("DATABASE_URL")
# WAL lets the web server read while the task worker writes; IMMEDIATE takes the write lock at
# BEGIN so that concurrent writers queue instead of failing half-way.
_SQLITE_OPTIONS = {
    "init_command": (
        "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
        "PRAGMA busy_timeout=20000; PRAGMA cache_size=-65536;"
    ),
    "transaction_mode": "IMMEDIATE",
    "timeout": 20,
}
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
else:
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(DATA_DIR / "saram.sqlite3"),
            # A file, not shared-cache memory: concurrency tests then see SQLite's real locking.
            "TEST": {"NAME": str(DATA_DIR / "test.sqlite3")},
        }
    }
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Kept open between requests, as PostgreSQL's are: a new SQLite connection parses the whole
    # schema and runs the pragmas above before its first query (~6 ms of CPU on every request),
    # and its page cache would start cold each time.
    DATABASES["default"]["CONN_MAX_AGE"] = 60
    DATABASES["default"]["OPTIONS"] = _SQLITE_OPTIONS | DATABASES["default"].get("OPTIONS", {})
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "saram.core.demo_passwords.RefuseDemoPasswordBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = int(os.environ.get("SARAM_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("SARAM_LOGIN_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "core/locked_out.html"
AXES_VERBOSE = False
# Behind a reverse proxy every request comes from the proxy's address: the client's is read from
# X-Forwarded-For, trusting only the proxies listed here (addresses or networks), so a client
# cannot claim another's address and nobody can lock another's account from outside.
SARAM_TRUSTED_PROXIES = [
    p.strip() for p in os.environ.get("SARAM_TRUSTED_PROXIES", "").split(",") if p.strip()
]
AXES_CLIENT_IP_CALLABLE = "saram.core.client_ip.client_ip"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
SESSION_COOKIE_HTTPONLY = True
# A session ends after this many idle minutes (activity starts the count again: the session is
# saved when its last save is older than SARAM_SESSION_REFRESH_S, not on every request).
SESSION_COOKIE_AGE = 60 * int(os.environ.get("SARAM_SESSION_IDLE_MINUTES", "30"))
SARAM_SESSION_REFRESH_S = int(os.environ.get("SARAM_SESSION_REFRESH_S", "60"))
# 주민등록번호 look-ups (registration, import): per user and window, at most this many look-ups
# and this many numbers found registered outside the user's area; beyond, refused and flagged.
SARAM_RRN_LOOKUP_WINDOW_MINUTES = int(os.environ.get("SARAM_RRN_LOOKUP_WINDOW_MINUTES", "60"))
SARAM_RRN_LOOKUP_LIMIT = int(os.environ.get("SARAM_RRN_LOOKUP_LIMIT", "60"))
SARAM_RRN_OUTSIDE_LIMIT = int(os.environ.get("SARAM_RRN_OUTSIDE_LIMIT", "3"))
# API tokens: the lifetime given when none is asked for, and the longest allowed.
SARAM_TOKEN_DEFAULT_DAYS = int(os.environ.get("SARAM_TOKEN_DEFAULT_DAYS", "90"))
SARAM_TOKEN_MAX_DAYS = int(os.environ.get("SARAM_TOKEN_MAX_DAYS", "365"))
SESSION_COOKIE_SECURE = IS_PRODUCTION
CSRF_COOKIE_SECURE = IS_PRODUCTION

LANGUAGE_CODE = "ko"
# Each language is named in itself, as a language menu should show it.
LANGUAGES = [("ko", "한국어"), ("en", "English")]
LOCALE_PATHS: list[Path] = []  # each app keeps its catalogue in <app>/locale
TIME_ZONE = "Asia/Seoul"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
NODE_MODULES = PROJECT_DIR / "node_modules"
# Front-end libraries come from npm (package-lock.json) and are served from node_modules.
STATICFILES_DIRS = [
    ("vendor/leaflet", NODE_MODULES / "leaflet" / "dist"),
    ("vendor/htmx", NODE_MODULES / "htmx.org" / "dist"),
    ("vendor/chartjs", NODE_MODULES / "chart.js" / "dist"),
    ("vendor/swagger-ui", NODE_MODULES / "swagger-ui-dist"),
    # The offline visit app: Workbox's loader and the modules it loads, and idb for IndexedDB.
    ("vendor/workbox", NODE_MODULES / "workbox-sw" / "build"),
    ("vendor/workbox", NODE_MODULES / "workbox-core" / "build"),
    ("vendor/workbox", NODE_MODULES / "workbox-routing" / "build"),
    ("vendor/workbox", NODE_MODULES / "workbox-strategies" / "build"),
    ("vendor/idb", NODE_MODULES / "idb" / "build"),
    ("vendor/fullcalendar", NODE_MODULES / "fullcalendar"),
    ("vendor/fullcalendar-locales", NODE_MODULES / "@fullcalendar" / "core" / "locales"),
    ("vendor/three", NODE_MODULES / "three" / "build"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
if TESTING or DEBUG:
    STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
WHITENOISE_USE_FINDERS = TESTING or DEBUG
MEDIA_ROOT = DATA_DIR / "media"
# The print service: the largest model a citizen may upload (MB); read in chunks, refused early.
SARAM_PRINT_MAX_UPLOAD_MB = int(os.environ.get("SARAM_PRINT_MAX_UPLOAD_MB", "100"))
MEDIA_URL = "/media/"
DATA_UPLOAD_MAX_MEMORY_SIZE = 50 * 1024 * 1024
# Uploads: spooled to a private temporary file past 2.5 MB, cut off past SARAM_UPLOAD_MAX_MB,
# kept only for their job (rejected files' masked bad rows: SARAM_UPLOAD_KEEP_DAYS, then
# `saram purge_uploads`); read in a child process capped at SARAM_IMPORT_MEMORY_MB and
# SARAM_IMPORT_TIMEOUT_S.
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_TEMP_DIR = str(DATA_DIR / "uploads" / "incoming")
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700
FILE_UPLOAD_HANDLERS = [
    "saram.core.imports.uploads.CappedUploadHandler",
    "saram.core.imports.uploads.SmallUploadHandler",
    "saram.core.imports.uploads.SpoolUploadHandler",
]
SARAM_UPLOAD_MAX_MB = int(os.environ.get("SARAM_UPLOAD_MAX_MB", "100"))
SARAM_UPLOAD_KEEP_DAYS = int(os.environ.get("SARAM_UPLOAD_KEEP_DAYS", "7"))
SARAM_IMPORT_MEMORY_MB = int(os.environ.get("SARAM_IMPORT_MEMORY_MB", "1024"))
SARAM_IMPORT_TIMEOUT_S = int(os.environ.get("SARAM_IMPORT_TIMEOUT_S", "300"))

TASKS = {
    "default": {
        "BACKEND": (
            "django_tasks.backends.immediate.ImmediateBackend"
            if _flag("SARAM_TASKS_IMMEDIATE", TESTING)
            else "django_tasks_db.DatabaseBackend"
        ),
    }
}

CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

LOGGING: dict[str, Any] = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"refusals": {"()": "saram.core.logging.RefusalWithoutTraceback"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["refusals"]}},
    "root": {"handlers": ["console"], "level": os.environ.get("SARAM_LOG_LEVEL", "WARNING")},
}
if SARAM_AUDIT_SYSLOG:
    # Each audit checkpoint also goes to syslog (another machine, when syslog forwards).
    _host, _, _port = SARAM_AUDIT_SYSLOG.rpartition(":")
    LOGGING["handlers"]["audit_syslog"] = {
        "class": "logging.handlers.SysLogHandler",
        "address": (
            SARAM_AUDIT_SYSLOG if SARAM_AUDIT_SYSLOG.startswith("/") else (_host, int(_port))
        ),
    }
    LOGGING["loggers"] = {"saram.audit.checkpoint": {"handlers": ["audit_syslog"], "level": "INFO"}}

SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
# HTTPS: HSTS for this many seconds (0 = off; one year in production unless set) and the
# redirect of plain HTTP, both from the environment.
SECURE_HSTS_SECONDS = int(
    os.environ.get("SARAM_HSTS_SECONDS", "31536000" if IS_PRODUCTION else "0")
)
SECURE_HSTS_INCLUDE_SUBDOMAINS = _flag("SARAM_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = _flag("SARAM_HSTS_PRELOAD", False)
SECURE_SSL_REDIRECT = _flag("SARAM_SSL_REDIRECT", IS_PRODUCTION)
SECURE_REFERRER_POLICY = "same-origin"
if SARAM_TRUSTED_PROXIES:
    # The trusted proxy terminates TLS and says so; nobody else reaches the server directly.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Joining the browsers' HSTS preload list is the city's decision (SARAM_HSTS_PRELOAD), so the
# deploy check does not insist on it.
SILENCED_SYSTEM_CHECKS = ["security.W021"]
# Content Security Policy (django-csp): scripts only from Saram's own static files, so no
# inline script or inline event handler runs; style attributes are allowed (no script runs
# from them), images also as data: URLs (map markers).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
# The OCDS ocid prefix the city publishes under (`ocds-xxxxxx`, registered with the Open
# Contracting Partnership); empty: Saram's own prefix with the city's code, fine until publishing.
SARAM_OCID_PREFIX = os.environ.get("SARAM_OCID_PREFIX", "")
SARAM_CITY_DIR = Path(os.environ.get("SARAM_CITY_DIR", PROJECT_DIR / "data" / "cities" / "jeonju"))

# Mail (a 긴급 alert e-mails the dong's officers): console in the demo, SMTP when configured.
EMAIL_BACKEND = os.environ.get(
    "SARAM_EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if os.environ.get("SARAM_EMAIL_HOST")
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_HOST = os.environ.get("SARAM_EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("SARAM_EMAIL_PORT", "25"))
DEFAULT_FROM_EMAIL = os.environ.get("SARAM_EMAIL_FROM", "saram@localhost")
