"""Figure: import 5,000,000 signal rows from CSV into the database, beside polars.read_csv.

Prepares a temporary installation (SQLite by default, or the PostgreSQL of --database-url /
SARAM_DATABASE_URL, which it migrates and fills) with 1,000,000 demo residents, writes a CSV of
signal rows for them (98 % keyed by 주민등록번호, 2 % by name + birth date + address), and
times the import service exactly as the job runs it: read, check every row, match every
resident, write all in one transaction. The baseline is `polars.read_csv` of the same file in
the same run: the least any import must do.

    PYTHONPATH=src .venv/bin/python bench/signal_import.py [--rows N] [--residents N]
        [--database-url postgres://...]

Last line: RESULT signal_import <s> s baseline=<polars_read_csv_s> ratio=<import/baseline>
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

from _common import bench_environment, django_setup

LIMIT_S = 60.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=5_000_000)
    parser.add_argument("--residents", type=int, default=1_000_000)
    parser.add_argument("--database-url", default=os.environ.get("SARAM_DATABASE_URL", ""))
    args = parser.parse_args()

    if args.database_url:
        os.environ["SARAM_DATABASE_URL"] = args.database_url
    with bench_environment("signals", postgresql=bool(args.database_url)) as workdir:
        return run(args, workdir)


def run(args: argparse.Namespace, workdir: Path) -> int:
    django_setup(migrate=False)
    import numpy as np
    import polars as pl
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection

    from saram.core.imports import keep_upload
    from saram.core.models import Person, Role, RoleAssignment
    from saram.core.services import demo
    from saram.core.services.cities import load_city
    from saram.welfare.engine import DEFAULT_SIGNAL_TYPES, SeverityUnit
    from saram.welfare.models import ImportStatus, Signal
    from saram.welfare.services import signals
    from saram.welfare.services.config import ensure_default_config

    print(
        f"database: {connection.vendor} {connection.settings_dict['NAME']}  cpus: {os.cpu_count()}"
    )
    t = time.perf_counter()
    call_command("migrate", interactive=False, verbosity=0)
    city = load_city(settings.SARAM_CITY_DIR).city
    ensure_default_config(city=city)
    prepared = demo.prepare_residents(city=city, count=args.residents)
    demo.write_residents(prepared)
    print(f"prepared {args.residents:,} residents in {time.perf_counter() - t:.1f} s")

    # The file: people drawn at random, several signals each, the catalogue's kinds and units.
    t = time.perf_counter()
    rng = np.random.default_rng(5)
    residents = prepared.residents
    n = args.rows
    who = rng.integers(0, residents.count, n)
    kinds = rng.integers(0, len(DEFAULT_SIGNAL_TYPES), n)
    codes = np.array([k.code for k in DEFAULT_SIGNAL_TYPES])[kinds]
    units = np.array([k.unit.value for k in DEFAULT_SIGNAL_TYPES])[kinds]
    today = np.datetime64("today", "D")
    days = (today - rng.integers(0, 365, n)).astype(str)
    months = rng.integers(1, 13, n)
    amounts = rng.integers(1, 500, n) * 10_000
    values = np.where(
        units == SeverityUnit.MONTHS.value,
        months.astype(str),
        np.where(units == SeverityUnit.KRW.value, amounts.astype(str), ""),
    )
    by_name = rng.random(n) < 0.02
    addresses = residents.household_address[residents.household]
    frame = pl.DataFrame(
        {
            "주민등록번호": np.where(by_name, "", residents.rrn[who]),
            "이름": np.where(by_name, residents.name[who], ""),
            "생년월일": np.where(by_name, residents.birth_date[who].astype(str), ""),
            "주소": np.where(by_name, addresses[who], ""),
            "신호유형": codes,
            "기준일": days,
            "값": values,
            "출처": np.array(["한국전력", "국민건강보험공단", "LH", "고용보험", "통신사"])[
                kinds % 5
            ],
        }
    )
    path = workdir / "signals.csv"
    frame.write_csv(path)
    del frame
    size_mb = path.stat().st_size / 1e6
    print(f"wrote {n:,} rows ({size_mb:.0f} MB) in {time.perf_counter() - t:.1f} s")

    admin = get_user_model().objects.create_user("bench-admin", password="bench-password-123")
    RoleAssignment.objects.create(user=admin, role=Role.CITY_ADMIN, city=city)

    t = time.perf_counter()
    baseline = pl.read_csv(path)
    baseline_s = time.perf_counter() - t
    assert baseline.height == n
    del baseline
    print(f"baseline polars.read_csv {baseline_s:7.2f} s")

    t = time.perf_counter()
    with path.open("rb") as source:
        upload = keep_upload(source, "signals.csv", max_bytes=path.stat().st_size)
    batch = signals.start_import(by=admin, city=city, dong=None, upload=upload)
    print(f"upload kept            {time.perf_counter() - t:7.2f} s")

    stages: list[tuple[str, float]] = []  # (stage, seconds): a report starts the next stage
    current = ["start", time.perf_counter()]

    def progress(done: int, total: int, message: str) -> None:
        now = time.perf_counter()
        if message != current[0]:
            stages.append((str(current[0]), now - float(current[1])))
            current[:] = [message, now]

    started = time.perf_counter()
    done = signals.import_signals(by=admin, batch=batch, progress=progress)
    import_s = time.perf_counter() - started
    stages.append((str(current[0]), time.perf_counter() - float(current[1])))
    for message, seconds in stages[1:]:
        print(f"  {message:<20} {seconds:7.2f} s")
    print(
        f"import                 {import_s:7.2f} s  ({done.imported_count:,} signals, "
        f"{done.review_count:,} to review, {done.error_count:,} bad rows)"
    )
    assert done.status == ImportStatus.IMPORTED
    assert Signal.objects.count() == done.imported_count == n - done.review_count
    assert Person.objects.count() == args.residents
    verdict = "within" if import_s <= LIMIT_S else "OVER"
    print(f"{verdict} the {LIMIT_S:.0f} s budget on {connection.vendor}")
    print(
        f"RESULT signal_import {import_s:.2f} s baseline={baseline_s:.2f} "
        f"ratio={import_s / baseline_s:.1f}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
