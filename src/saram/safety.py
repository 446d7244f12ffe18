"""What Saram refuses to run with in production: weak or missing keys, debug mode.

Plain Python (no Django), called by `settings.py` while the settings are read, so that every
`saram` command, `saram check` included, and the web server stop with the same clear message.
"""

from __future__ import annotations

from collections.abc import Mapping

# The one password every demo login has (see `saram demo`); accounts that carry it are disabled
# in production (`saram.core.safety.RefuseDemoPasswordBackend`).
DEMO_PASSWORD = "saram-demo-2025"

# Django's own rule for SECRET_KEY (security.W009); a personal-data key is a 256-bit secret
# (`python -c "import secrets; print(secrets.token_urlsafe(32))"` gives 43 characters).
MIN_SECRET_KEY_LENGTH = 50
MIN_SECRET_KEY_DISTINCT = 5
MIN_DATA_KEY_LENGTH = 32
MIN_DATA_KEY_DISTINCT = 12


def _weak(value: str, *, length: int, distinct: int) -> bool:
    return len(value) < length or len(set(value)) < distinct


def production_problems(env: Mapping[str, str], *, debug: bool) -> list[str]:
    """Every reason the environment is unsafe for production (empty when it is safe)."""
    problems = []
    secret = env.get("SARAM_SECRET_KEY", "").strip()
    data_key = env.get("SARAM_PERSONAL_DATA_KEY", "").strip()
    audit_key = env.get("SARAM_AUDIT_KEY", "").strip()
    if not secret:
        problems.append("SARAM_SECRET_KEY is not set")
    elif _weak(secret, length=MIN_SECRET_KEY_LENGTH, distinct=MIN_SECRET_KEY_DISTINCT):
        problems.append(
            f"SARAM_SECRET_KEY is too weak (at least {MIN_SECRET_KEY_LENGTH} characters, "
            f"{MIN_SECRET_KEY_DISTINCT} different)"
        )
    if not data_key:
        problems.append("SARAM_PERSONAL_DATA_KEY is not set")
    elif _weak(data_key, length=MIN_DATA_KEY_LENGTH, distinct=MIN_DATA_KEY_DISTINCT):
        problems.append(
            f"SARAM_PERSONAL_DATA_KEY is too weak (at least {MIN_DATA_KEY_LENGTH} characters, "
            f"{MIN_DATA_KEY_DISTINCT} different)"
        )
    if audit_key and _weak(audit_key, length=MIN_DATA_KEY_LENGTH, distinct=MIN_DATA_KEY_DISTINCT):
        problems.append(
            f"SARAM_AUDIT_KEY is too weak (at least {MIN_DATA_KEY_LENGTH} characters, "
            f"{MIN_DATA_KEY_DISTINCT} different)"
        )
    if secret and secret in (data_key, audit_key):
        problems.append("SARAM_SECRET_KEY must differ from the personal-data and audit keys")
    if debug:
        problems.append("SARAM_DEBUG is on (it shows code and settings to anyone on an error)")
    return problems


def refusal(problems: list[str]) -> str:
    lines = "\n".join(f"  - {p}" for p in problems)
    return (
        "Saram refuses to run with SARAM_ENV=production:\n"
        f"{lines}\n"
        "Set strong keys from a secret store and turn debug off (see README, Settings)."
    )
