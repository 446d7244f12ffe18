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

import dj_database_url

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
        raise RuntimeError(f"{name} must be set when SARAM_ENV=production")
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
DEBUG = _flag("SARAM_DEBUG", False)
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
    "django_tasks",
    "django_tasks_db",
    "saram.core",
    "saram.welfare",
    "saram.economy",
    "saram.making",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "saram.core.middleware.LoginRequiredMiddleware",
    "saram.core.middleware.SaramErrorMiddleware",
    "axes.middleware.AxesMiddleware",
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
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = _SQLITE_OPTIONS | DATABASES["default"].get("OPTIONS", {})
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = int(os.environ.get("SARAM_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("SARAM_LOGIN_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "core/locked_out.html"
AXES_VERBOSE = False

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
    # The offline visit app: Workbox's loader and the modules it loads, and idb for IndexedDB.
    ("vendor/workbox", NODE_MODULES / "workbox-sw" / "build"),
    ("vendor/workbox", NODE_MODULES / "workbox-core" / "build"),
    ("vendor/workbox", NODE_MODULES / "workbox-routing" / "build"),
    ("vendor/workbox", NODE_MODULES / "workbox-strategies" / "build"),
    ("vendor/idb", NODE_MODULES / "idb" / "build"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
if TESTING or DEBUG:
    STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
WHITENOISE_USE_FINDERS = TESTING or DEBUG
MEDIA_ROOT = DATA_DIR / "media"
MEDIA_URL = "/media/"
DATA_UPLOAD_MAX_MEMORY_SIZE = 50 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

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

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("SARAM_LOG_LEVEL", "WARNING")},
}

SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SARAM_CITY_DIR = Path(os.environ.get("SARAM_CITY_DIR", PROJECT_DIR / "data" / "cities" / "jeonju"))
