"""Figure: generate and load 1,000,000 demo residents into SQLite, beside a raw executemany.

Runs on a fresh SQLite file in a temporary directory. Stages: generate (numpy), seal (AES-GCM
per 주민등록번호), rows (tuples for INSERT), load (households and people, one transaction).
The baseline inserts the same prepared person rows with a bare `executemany` into a fresh
table identical to the people table (same columns, constraints and indexes).

    PYTHONPATH=src .venv/bin/python bench/demo_load.py [--residents N]

Last line: RESULT demo_load <total_s> s baseline=<raw_executemany_s> ratio=<load_s/raw_s>
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import time
from pathlib import Path

from _common import bench_environment, django_setup


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--residents", type=int, default=1_000_000)
    args = parser.parse_args()

    with bench_environment("demo") as workdir:
        return run(args.residents, workdir)


def run(count: int, workdir: Path) -> int:
    django_setup(migrate=False)
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection, transaction

    from saram.core.bulk import bulk_writes
    from saram.core.models import Person
    from saram.core.services import demo
    from saram.core.services.cities import load_city

    print(f"database: {connection.settings_dict['NAME']}  cpus: {os.cpu_count()}")
    started = time.perf_counter()
    call_command("migrate", interactive=False, verbosity=0)
    city = load_city(settings.SARAM_CITY_DIR).city
    print(f"migrate + city        {time.perf_counter() - started:7.2f} s")

    stages: dict[str, float] = {}

    def stage(name: str, since: float) -> float:
        now = time.perf_counter()
        stages[name] = now - since
        print(f"{name:<21} {stages[name]:7.2f} s")
        return now

    t = time.perf_counter()
    dongs = demo.dong_specs(city, directory=settings.SARAM_CITY_DIR)
    place = demo.Place(city.province, city.name)
    residents = demo.generate_residents(count=count, dongs=dongs, place=place)
    t = stage("generate", t)
    ciphers, digests = demo.seal_all(residents.rrn.tolist())
    t = stage("seal", t)
    prepared = demo.PreparedResidents(residents, dongs, ciphers, digests, demo.DEMO_SEED)
    prepared.build_rows(first_household_id=1)
    t = stage("rows", t)
    demo.write_residents(prepared)
    t = stage("load", t)
    total_s = sum(stages.values())
    print(
        f"{'total':<21} {total_s:7.2f} s  ({count:,} residents, "
        f"{len(prepared.households):,} households)"
    )

    # Baseline: the same person rows, bare executemany into a fresh identical table.
    table = Person._meta.db_table
    copy = f"{table}_baseline"
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT type, sql FROM sqlite_master WHERE tbl_name = %s AND sql IS NOT NULL "
            "ORDER BY type DESC",
            [table],
        )
        ddl = [sql for _type, sql in cursor.fetchall()]
        for sql in ddl:
            sql = re.sub(rf'"{table}"', f'"{copy}"', sql)
            sql = re.sub(r'INDEX "([^"]+)"', r'INDEX "\1_baseline"', sql)
            cursor.execute(sql)
    print(f"baseline table: {len(ddl)} statements (table and indexes) copied from {table}")
    rows = prepared.people
    sql = demo.insert_sql(Person, demo.PERSON_FIELDS, table=copy)
    t = time.perf_counter()
    # Same connection settings as the load stage (bulk_writes), so only the work differs.
    with bulk_writes(), transaction.atomic(), connection.cursor() as cursor:
        cursor.executemany(sql, rows)
    raw_s = time.perf_counter() - t
    print(f"{'raw executemany':<21} {raw_s:7.2f} s  (people only, one call)")
    size_mb = Path(connection.settings_dict["NAME"]).stat().st_size / 1e6
    print(f"{'database size':<21} {size_mb:7.0f} MB")
    ratio = stages["load"] / raw_s
    print(f"RESULT demo_load {total_s:.1f} s baseline={raw_s:.1f} ratio={ratio:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
