"""Set-up shared by the economy benchmarks: a temporary Saram (SQLite in a temporary data
directory, migrated, the demo city and the shipped rules loaded) and a p95 helper. Imported
before Django is set up; `bench/_common.py` (the shared one) may absorb it."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT / "src") not in sys.path:
    sys.path.insert(0, str(ROOT / "src"))


def temporary_saram(prefix: str) -> Path:
    """Point Saram at a fresh data directory, set Django up, migrate, load the city and the
    shipped rules; returns the directory (left for the caller to remove)."""
    workdir = Path(tempfile.mkdtemp(prefix=f"saram-bench-{prefix}-"))
    os.environ["SARAM_DATA_DIR"] = str(workdir)
    (workdir / "static").mkdir()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "saram.settings")
    os.environ.pop("SARAM_DATABASE_URL", None)
    os.environ.pop("DATABASE_URL", None)
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    from saram.core.services.cities import load_city
    from saram.economy.services.rules import install_shipped_rules

    call_command("migrate", verbosity=0)
    load_city(settings.SARAM_CITY_DIR)
    install_shipped_rules(by=None)
    return workdir


def p95_ms(samples_s: list[float]) -> float:
    return float(np.percentile(np.array(samples_s) * 1000, 95))


def result(name: str, value: float, unit: str, *, baseline: float, target: str = "") -> None:
    """The RESULT line: ratio is exactly value / baseline, both measured in this run."""
    extra = f" target={target}" if target else ""
    print(
        f"RESULT {name} {value:.4f} {unit} baseline={baseline:.4f} "
        f"ratio={value / baseline:.4f}{extra}"
    )


def superuser(username: str = "bench") -> Any:
    from django.contrib.auth import get_user_model

    from saram.core.models import City, Role, RoleAssignment

    user = get_user_model().objects.create_user(username=username, password="bench-password-1")
    RoleAssignment.objects.create(user=user, role=Role.CITY_ADMIN, city=City.objects.get())
    return user
