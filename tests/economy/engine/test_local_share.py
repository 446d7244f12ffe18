"""Local share and leakage by department × category × month, against a hand count."""

import datetime as dt

import numpy as np
import polars as pl
import pytest

from saram.economy.engine.local_share import (
    LedgerShapeError,
    local_share_report,
    local_share_totals,
)
from saram.economy.engine.registry import LOCALITY_CODES, Locality

CITY, PROVINCE, OUTSIDE, UNKNOWN = (LOCALITY_CODES.index(x) for x in Locality)


def ledger() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "department": ["도서관", "도서관", "도서관", "교육청", "도서관"],
            "category": ["books", "books", "books", "uniforms", "books"],
            "paid_on": [
                dt.date(2025, 1, 5),
                dt.date(2025, 1, 20),
                dt.date(2025, 1, 31),
                dt.date(2025, 1, 9),
                dt.date(2025, 2, 1),
            ],
            "amount_krw": [30_000_000, 50_000_000, 20_000_000, 7_000_000, 9_000_000],
            "locality": pl.Series([CITY, OUTSIDE, PROVINCE, UNKNOWN, CITY], dtype=pl.Int8),
        }
    )


def test_report_by_department_category_month() -> None:
    report = local_share_report(ledger(), by=["department", "category", "month"])
    rows = report.to_dicts()
    assert [(r["department"], r["month"]) for r in rows] == [
        ("교육청", dt.date(2025, 1, 1)),
        ("도서관", dt.date(2025, 1, 1)),
        ("도서관", dt.date(2025, 2, 1)),
    ]
    january = rows[1]
    assert january["total_krw"] == 100_000_000
    assert january["in_city_krw"] == 30_000_000
    assert january["leakage_krw"] == 70_000_000  # 50M outside + 20M in the province
    assert january["local_share"] == pytest.approx(0.3)
    assert january["row_count"] == 3
    unmatched = rows[0]
    assert unmatched["unknown_krw"] == 7_000_000 and unmatched["local_share"] == 0.0


def test_totals_over_the_whole_ledger() -> None:
    (total,) = local_share_totals(ledger()).to_dicts()
    assert total["total_krw"] == 116_000_000
    assert total["in_city_krw"] == 39_000_000
    assert total["outside_krw"] == 50_000_000


def test_missing_column_is_named() -> None:
    with pytest.raises(LedgerShapeError) as caught:
        local_share_report(ledger().drop("locality"), by=["department"])
    assert caught.value.column == "locality"


def test_random_ledger_matches_a_plain_python_count() -> None:
    rng = np.random.default_rng(3)
    n = 5_000
    frame = pl.DataFrame(
        {
            "department": rng.integers(0, 4, n),
            "category": rng.integers(0, 3, n),
            "amount_krw": rng.integers(1, 10_000_000, n),
            "locality": rng.integers(0, 4, n).astype(np.int8),
        }
    )
    expected: dict[tuple[int, int], list[int]] = {}
    for d, c, a, loc in frame.iter_rows():
        sums = expected.setdefault((d, c), [0, 0, 0, 0, 0])
        sums[0] += a
        sums[1 + loc] += a
    report = local_share_report(frame, by=["department", "category"])
    got = {
        (r["department"], r["category"]): [
            r["total_krw"],
            r["in_city_krw"],
            r["in_province_krw"],
            r["outside_krw"],
            r["unknown_krw"],
        ]
        for r in report.to_dicts()
    }
    assert got == expected
