"""Figure: the local-share report over 1,000,000 ledger rows by department × category × month.

Target ≤ 1 s and within 2× of a DuckDB group-by on the same data in the same process (the data
is loaded into DuckDB before its clock starts). Both reports must agree on every group.
Prints `RESULT local_share <s> s baseline=<duckdb_s> ratio=<s/duckdb_s>`.
"""

from __future__ import annotations

import datetime as dt
import tempfile
import time
from pathlib import Path

import duckdb
import numpy as np
import polars as pl

from saram.economy.engine.local_share import local_share_report

N_ROWS = 1_000_000
KEYS = ["department", "category", "month"]
RUNS = 5

DUCKDB_REPORT = """
select department, category, date_trunc('month', paid_on)::date as month,
       count(*) as row_count,
       sum(amount_krw) as total_krw,
       coalesce(sum(amount_krw) filter (where locality = 0), 0) as in_city_krw,
       coalesce(sum(amount_krw) filter (where locality = 1), 0) as in_province_krw,
       coalesce(sum(amount_krw) filter (where locality = 2), 0) as outside_krw,
       coalesce(sum(amount_krw) filter (where locality = 3), 0) as unknown_krw
from ledger
group by all
order by department, category, month
"""


def make_ledger(rng: np.random.Generator) -> pl.DataFrame:
    departments = np.array([f"부서-{i:02d}" for i in range(40)])
    categories = np.array([f"category-{i:02d}" for i in range(60)])
    start = np.datetime64("2023-01-01")
    return pl.DataFrame(
        {
            "department": departments[rng.integers(0, len(departments), N_ROWS)],
            "category": categories[rng.integers(0, len(categories), N_ROWS)],
            "paid_on": start + rng.integers(0, 3 * 365, N_ROWS).astype("timedelta64[D]"),
            "amount_krw": rng.integers(10_000, 50_000_000, N_ROWS, dtype=np.int64),
            "locality": rng.choice(4, N_ROWS, p=[0.35, 0.15, 0.45, 0.05]).astype(np.int8),
        }
    )


def median_seconds(run: object) -> tuple[float, object]:
    assert callable(run)
    run()  # warm-up
    timings, result = [], None
    for _ in range(RUNS):
        started = time.perf_counter()
        result = run()
        timings.append(time.perf_counter() - started)
    return float(np.median(timings)), result


def main() -> None:
    ledger = make_ledger(np.random.default_rng(20250101))
    ours_s, ours = median_seconds(lambda: local_share_report(ledger, by=KEYS))
    assert isinstance(ours, pl.DataFrame)

    con = duckdb.connect()
    with tempfile.TemporaryDirectory() as tmp:
        # polars writes parquet without pyarrow; DuckDB copies it into its own table.
        path = Path(tmp) / "ledger.parquet"
        ledger.write_parquet(path)
        con.execute(f"create table ledger as select * from read_parquet('{path}')")
    duck_s, duck = median_seconds(lambda: con.execute(DUCKDB_REPORT).fetchnumpy())
    assert isinstance(duck, dict)

    if len(ours) != len(duck["total_krw"]):
        raise SystemExit(f"group counts differ: {len(ours)} vs {len(duck['total_krw'])}")
    for column in ("department", "category"):
        if ours[column].to_list() != [str(v) for v in duck[column]]:
            raise SystemExit(f"{column} keys differ")
    months = [m.astype("datetime64[D]").astype(dt.date) for m in duck["month"]]
    if ours["month"].to_list() != months:
        raise SystemExit("month keys differ")
    for column in (
        "row_count",
        "total_krw",
        "in_city_krw",
        "in_province_krw",
        "outside_krw",
        "unknown_krw",
    ):
        if not np.array_equal(ours[column].to_numpy(), np.asarray(duck[column], dtype=np.int64)):
            raise SystemExit(f"{column} differs")
    share = int(ours["in_city_krw"].sum()) / int(ours["total_krw"].sum())
    print(f"rows={N_ROWS} groups={len(ours)} agree=all city share={share:.4f}")
    print(f"local_share_report median of {RUNS}: {ours_s:.4f} s; DuckDB: {duck_s:.4f} s")
    print(f"RESULT local_share {ours_s:.4f} s baseline={duck_s:.4f} ratio={ours_s / duck_s:.2f}")


if __name__ == "__main__":
    main()
