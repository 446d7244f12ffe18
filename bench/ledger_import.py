"""Figure: import 1,000,000 ledger rows from CSV, on SQLite and on PostgreSQL.

Each database runs in its own process on a fresh database: SQLite in a temporary directory;
PostgreSQL on the cluster named by SARAM_DATABASE_URL (a fresh database is created in it and
dropped afterwards) or, with --pg, on a throwaway cluster from scripts/pg. The import goes
through the real service (`saram.economy.services.ledger.import_ledger`): read and parse the
file, validate every row with polars expressions (dates, amounts, 사업자등록번호 checksums,
registry matches, duplicate payment ids), then write all rows in one transaction
(executemany on SQLite, COPY on PostgreSQL). The baseline is `polars.read_csv` of the same file
in the same process.

    PYTHONPATH=src .venv/bin/python bench/ledger_import.py [--rows N] [--pg] [--sqlite-only]

Last line: RESULT ledger_import <total_s> s baseline=<polars_read_csv_s>
    ratio=<parse_validate_s / polars_s>
(total and ratio of the slowest database run).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from saram.core.imports import keep_upload

ROOT = Path(__file__).resolve().parent.parent
SRC = ROOT / "src"
SUPPLIERS = 2_000
YEAR = 2024


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--pg", action="store_true", help="start a throwaway PostgreSQL cluster")
    parser.add_argument("--sqlite-only", action="store_true")
    parser.add_argument("--child", choices=["sqlite", "postgresql"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return child(args.child, args.rows)

    results = [run_child("sqlite", args.rows, env={})]
    if not args.sqlite_only:
        url = os.environ.get("SARAM_DATABASE_URL") or os.environ.get("DATABASE_URL")
        if url and not args.pg:
            results.append(run_child("postgresql", args.rows, env={"SARAM_DATABASE_URL": url}))
        else:
            results.append(run_child("postgresql", args.rows, env={}, via_pg=True))
    print()
    for r in results:
        print(
            f"{r['database']:<11} rows {r['rows']:,}  polars.read_csv {r['baseline_s']:.2f} s  "
            f"parse+validate {r['parse_validate_s']:.2f} s  write {r['write_s']:.2f} s  "
            f"total {r['total_s']:.2f} s  ratio {r['ratio']:.2f}"
        )
    worst = max(results, key=lambda r: r["total_s"])
    ratio = max(r["ratio"] for r in results)
    baseline = worst["baseline_s"]
    print(
        f"RESULT ledger_import {worst['total_s']:.2f} s baseline={baseline:.2f} ratio={ratio:.2f}"
    )
    return 0


def run_child(database: str, rows: int, *, env: dict[str, str], via_pg: bool = False) -> dict:
    command = [sys.executable, __file__, "--child", database, "--rows", str(rows)]
    if via_pg:
        command = [str(ROOT / "scripts" / "pg"), "run", "--", *command]
    full_env = os.environ.copy() | env | {"PYTHONPATH": str(SRC)}
    if database == "sqlite":
        full_env.pop("SARAM_DATABASE_URL", None)
        full_env.pop("DATABASE_URL", None)
    completed = subprocess.run(command, env=full_env, capture_output=True, text=True)
    sys.stdout.write(completed.stdout)
    if completed.returncode != 0:
        sys.stderr.write(completed.stderr)
        raise SystemExit(f"{database} run failed")
    line = next(x for x in completed.stdout.splitlines() if x.startswith("CHILD "))
    return json.loads(line.removeprefix("CHILD "))


def child(database: str, rows: int) -> int:
    workdir = Path(tempfile.mkdtemp(prefix="saram-bench-ledger-"))
    os.environ["SARAM_DATA_DIR"] = str(workdir)
    os.environ["DJANGO_SETTINGS_MODULE"] = "saram.settings"
    os.environ.setdefault("SARAM_ENV", "demo")
    sys.path.insert(0, str(SRC))
    dropped: list[str] = []
    try:
        if database == "postgresql":
            dropped.append(_fresh_pg_database())
        return _run(database, rows, workdir)
    finally:
        if dropped and dropped[0]:
            _drop_pg_database(dropped[0])
        shutil.rmtree(workdir, ignore_errors=True)


def _fresh_pg_database() -> str:
    """A new database in the cluster of SARAM_DATABASE_URL, so the run starts empty."""
    import psycopg

    url = os.environ["SARAM_DATABASE_URL"]
    name = f"saram_bench_{os.getpid()}"
    base, _, _db = url.rpartition("/")
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    os.environ["SARAM_DATABASE_URL"] = f"{base}/{name}"
    return f"{base}/postgres|{name}"


def _drop_pg_database(spec: str) -> None:
    import psycopg
    from django.db import connections

    connections.close_all()
    admin_url, name = spec.split("|")
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name}")


def _make_file(path: Path, rows: int, numbers: list[str]) -> None:
    import numpy as np
    import polars as pl

    rng = np.random.default_rng(2024)
    days = np.datetime64(f"{YEAR}-01-01") + rng.integers(0, 366, rows).astype("timedelta64[D]")
    departments = [f"부서{i:02d}" for i in range(40)]
    programmes = ["도서 구입", "교복 지원", "학교급식 식재료", "청사 관리", "인쇄 홍보"]
    categories = ["books", "uniforms", "produce", "printing", "construction", "processed_food"]
    methods = ["일반경쟁입찰", "제한경쟁입찰", "수의계약", ""]
    frame = pl.DataFrame(
        {
            "지급번호": [f"{YEAR}-{i:08d}" for i in range(rows)],
            "지급일": pl.Series(days).cast(pl.Date).cast(pl.String),
            "부서": pl.Series(departments)[rng.integers(0, len(departments), rows)],
            "사업": pl.Series(programmes)[rng.integers(0, len(programmes), rows)],
            "품목": pl.Series(categories)[rng.integers(0, len(categories), rows)],
            "사업자등록번호": pl.Series(numbers)[rng.integers(0, len(numbers), rows)],
            "거래처명": pl.Series([""] * 1)[np.zeros(rows, dtype=np.int64)],
            "금액": rng.integers(10_000, 50_000_000, rows),
            "계약방법": pl.Series(methods)[rng.integers(0, len(methods), rows)],
        }
    )
    frame.write_csv(path)


def _run(database: str, rows: int, workdir: Path) -> int:
    import django

    django.setup()
    import polars as pl
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection

    from saram.core.models import Organisation, OrganisationKind, Role, RoleAssignment
    from saram.core.services.cities import load_city
    from saram.economy.engine.registry import make_business_number
    from saram.economy.models import Category, Locality, Supplier
    from saram.economy.services import ledger

    print(f"--- {database}: {connection.settings_dict['NAME']}  cpus: {os.cpu_count()}")
    t = time.perf_counter()
    call_command("migrate", interactive=False, verbosity=0)
    city = load_city(settings.SARAM_CITY_DIR).city
    for code, kind in [
        ("books", "goods"),
        ("uniforms", "goods"),
        ("produce", "goods"),
        ("printing", "services"),
        ("construction", "works"),
        ("processed_food", "goods"),
    ]:
        Category.objects.get_or_create(code=code, defaults={"name": code, "kind": kind})
    numbers = [make_business_number(700_000_000 + i) for i in range(SUPPLIERS)]
    orgs = Organisation.objects.bulk_create(
        [
            Organisation(kind=OrganisationKind.FIRM, name=f"업체 {i}", business_number=n)
            for i, n in enumerate(numbers)
        ]
    )
    localities = [Locality.IN_CITY, Locality.IN_PROVINCE, Locality.OUTSIDE]
    Supplier.objects.bulk_create(
        [Supplier(organisation=o, locality=localities[i % 3]) for i, o in enumerate(orgs)]
    )
    user = get_user_model().objects.create_user("bench", password="bench-password-2024")
    RoleAssignment.objects.create(user=user, role=Role.PROCUREMENT_OFFICER, city=city)
    path = workdir / "ledger.csv"
    _make_file(path, rows, numbers)
    size_mb = path.stat().st_size / 1e6
    print(f"setup + file ({size_mb:.0f} MB)  {time.perf_counter() - t:7.2f} s")

    pl.read_csv(path, n_rows=1000)  # start polars' thread pool before timing anything
    t = time.perf_counter()
    baseline = pl.read_csv(path)
    baseline_s = time.perf_counter() - t
    assert baseline.height == rows
    del baseline
    print(f"polars.read_csv       {baseline_s:7.2f} s")

    t = time.perf_counter()
    raw = path.read_bytes()
    read_s = time.perf_counter() - t
    result = ledger.import_ledger(by=user, upload=keep_upload(raw, "ledger.csv"), fiscal_year=YEAR)
    stages = result.timings_s
    parse_validate_s = read_s + stages["parse"] + stages["validate"]
    total_s = parse_validate_s + stages["write"]
    print(f"read bytes            {read_s:7.2f} s")
    print(f"parse                 {stages['parse']:7.2f} s")
    print(f"validate              {stages['validate']:7.2f} s")
    print(f"write ({database})    {stages['write']:7.2f} s")
    print(f"total                 {total_s:7.2f} s  ({result.rows:,} rows)")
    from saram.economy.models import LedgerEntry

    assert LedgerEntry.objects.count() == rows
    print(
        "CHILD "
        + json.dumps(
            {
                "database": database,
                "rows": rows,
                "baseline_s": baseline_s,
                "parse_validate_s": parse_validate_s,
                "write_s": stages["write"],
                "total_s": total_s,
                "ratio": parse_validate_s / baseline_s,
            }
        )
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
