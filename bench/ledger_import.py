"""Figure: import 1,000,000 ledger rows from CSV, on SQLite and on PostgreSQL, against a raw
write of the same rows.

Each database runs in its own process on a fresh database (`_common.bench_environment`):
SQLite in a temporary directory; PostgreSQL in the cluster named by SARAM_DATABASE_URL (a
fresh database, dropped afterwards) or, with --pg, a throwaway cluster from scripts/pg. The
import is the whole product path of the task worker (`saram.economy.services.ledger.
import_ledger` on the kept upload): read the file in the capped child process, validate every
row (dates, amounts, 사업자등록번호 checksums, registry matches, duplicate payment ids), and
write all rows in one transaction. The baseline writes the very rows the import wrote, into
an empty copy of the ledger table with the same indexes, in the fastest raw way: one COPY on
PostgreSQL, one `executemany` on SQLite.

    PYTHONPATH=src .venv/bin/python bench/ledger_import.py [--rows N] [--pg] [--sqlite-only]

Last line: RESULT ledger_import <import_s> s baseline=<raw_write_s> ratio=<import/raw>
(the database with the larger ratio), target: ratio <= 3.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

from _common import bench_environment, django_setup, result

ROOT = Path(__file__).resolve().parent.parent
SRC = ROOT / "src"
SUPPLIERS = 2_000
YEAR = 2024
PROGRAMMES = ["도서 구입", "교복 지원", "학교급식 식재료", "청사 관리", "인쇄 홍보"]


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
            f"{r['database']:<11} rows {r['rows']:,}  import {r['import_s']:.2f} s "
            f"(read {r['parse_s']:.2f}, validate {r['validate_s']:.2f}, write {r['write_s']:.2f})"
            f"  raw write {r['raw_s']:.2f} s  ratio {r['import_s'] / r['raw_s']:.2f}"
        )
    worst = max(results, key=lambda r: r["import_s"] / r["raw_s"])
    result("ledger_import", worst["import_s"], "s", baseline=worst["raw_s"], target="ratio<=3")
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
    with bench_environment("ledger", postgresql=database == "postgresql") as workdir:
        return _run(database, rows, workdir)


def _make_file(path: Path, rows: int, numbers: list[str]) -> None:
    import numpy as np
    import polars as pl

    rng = np.random.default_rng(2024)
    days = np.datetime64(f"{YEAR}-01-01") + rng.integers(0, 366, rows).astype("timedelta64[D]")
    departments = [f"부서{i:02d}" for i in range(40)]
    programmes = PROGRAMMES
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
    django_setup(migrate=False)
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection

    from saram.core.errors import SaramError
    from saram.core.imports import Upload
    from saram.core.models import Organisation, OrganisationKind, Role, RoleAssignment
    from saram.core.services.cities import load_city
    from saram.economy.engine.registry import make_business_number
    from saram.economy.models import Category, LedgerEntry, Locality, Programme, Supplier
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
    # The city's programmes are known (a new 사업 in a file is a row error until reviewed).
    for i, name in enumerate(PROGRAMMES):
        Programme.objects.get_or_create(name=name, defaults={"code": f"bench-{i}"})
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

    upload = Upload(path, "ledger.csv")  # as the web request keeps it
    t = time.perf_counter()
    try:
        done = ledger.import_ledger(by=user, upload=upload, fiscal_year=YEAR)
    except SaramError as exc:
        first = [(e.row, e.field, e.message) for e in exc.row_errors[:5]]
        raise SystemExit(f"the import refused the file: {exc.message} {first}") from None
    import_s = time.perf_counter() - t
    stages = done.timings_s
    assert LedgerEntry.objects.count() == rows
    print(f"import ({database})     {import_s:7.2f} s  ({done.rows:,} rows)")
    raw_s = _raw_write(LedgerEntry._meta.db_table)
    print(f"raw write ({database})  {raw_s:7.2f} s")
    print(
        "CHILD "
        + json.dumps(
            {
                "database": database,
                "rows": rows,
                "import_s": import_s,
                "parse_s": stages["parse"],
                "validate_s": stages["validate"],
                "write_s": stages["write"],
                "raw_s": raw_s,
            }
        )
    )
    return 0


def _raw_write(table: str) -> float:
    """Seconds to write the rows the import wrote into an empty copy of its table (same
    columns, same indexes): one COPY on PostgreSQL, one executemany on SQLite."""
    import io

    from django.db import connection

    copy = "bench_raw_ledger"
    with connection.cursor() as cursor:
        columns = [c.name for c in connection.introspection.get_table_description(cursor, table)]
        names = ", ".join(connection.ops.quote_name(c) for c in columns if c != "id")
        if connection.vendor == "postgresql":
            cursor.execute(f"CREATE TABLE {copy} (LIKE {table} INCLUDING ALL)")
            buffer = io.BytesIO()
            with cursor.cursor.copy(f"COPY (SELECT {names} FROM {table}) TO STDOUT") as out:
                for block in out:
                    buffer.write(block)
            data = buffer.getvalue()
            t = time.perf_counter()
            with cursor.cursor.copy(f"COPY {copy} ({names}) FROM STDIN") as into:
                into.write(data)
            return time.perf_counter() - t
        cursor.execute("SELECT sql FROM sqlite_master WHERE tbl_name = %s AND sql IS NOT NULL",
                       [table])  # fmt: skip
        statements = [row[0].replace(f'"{table}"', f'"{copy}"') for row in cursor.fetchall()]
        statements = [sql.replace('CREATE INDEX "', f'CREATE INDEX "{copy}_') for sql in statements]
        for sql in statements:
            cursor.execute(sql)
        cursor.execute(f"SELECT {names} FROM {table}")
        data = cursor.fetchall()
        marks = ", ".join(["?"] * len(data[0]))
        raw = connection.connection
        t = time.perf_counter()
        # One transaction, as the import writes (the connection is in autocommit mode, where
        # each row would be a transaction of its own).
        raw.execute("BEGIN")
        raw.executemany(f"INSERT INTO {copy} ({names}) VALUES ({marks})", data)
        raw.execute("COMMIT")
        return time.perf_counter() - t


if __name__ == "__main__":
    raise SystemExit(main())
