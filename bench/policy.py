"""Figure: decide 100,000 purchase requests with `evaluate_many` (target ≤ 1 s).

Baseline: the same requests decided one by one with `evaluate`, in the same run. Both must
agree on every row's method, scope, citations and eligible-supplier count.
Prints `RESULT policy <s> s baseline=<s> ratio=<s/baseline>`.
"""

from __future__ import annotations

import datetime as dt
import time

import numpy as np

from saram.economy.engine.policy import (
    KIND_CODES,
    PurchaseRequest,
    RequestColumns,
    Supplier,
    default_rule_book,
    evaluate,
    evaluate_many,
)
from saram.economy.engine.registry import LOCALITY_CODES, make_business_number

N_REQUESTS = 100_000
N_SUPPLIERS = 300
CATEGORIES = np.array([f"category-{i:02d}" for i in range(40)])


def make_suppliers(rng: np.random.Generator) -> tuple[Supplier, ...]:
    localities = rng.choice(3, N_SUPPLIERS, p=[0.4, 0.2, 0.4])  # city, province, outside
    return tuple(
        Supplier(
            business_number=make_business_number(10_000 + i),
            name=f"firm {i}",
            locality=LOCALITY_CODES[int(localities[i])],
            categories=frozenset(rng.choice(CATEGORIES, 3, replace=False).tolist()),
        )
        for i in range(N_SUPPLIERS)
    )


def make_requests(rng: np.random.Generator) -> RequestColumns:
    # Amounts log-uniform from 1M to 1B KRW, so every rung of the ladder is used.
    amount = np.exp(rng.uniform(np.log(1e6), np.log(1e9), N_REQUESTS)).astype(np.int64)
    days = rng.integers(0, 3 * 365, N_REQUESTS).astype("timedelta64[D]")
    return RequestColumns(
        category=CATEGORIES[rng.integers(0, len(CATEGORIES), N_REQUESTS)],
        amount_krw=amount,
        requested_on=np.datetime64("2023-01-01") + days,
        kind=rng.choice(len(KIND_CODES), N_REQUESTS, p=[0.6, 0.3, 0.1]).astype(np.int8),
        is_remainder=rng.random(N_REQUESTS) < 0.05,
    )


def as_requests(columns: RequestColumns) -> list[PurchaseRequest]:
    return [
        PurchaseRequest(
            category=str(c),
            estimated_amount_krw=int(a),
            department="dept",
            requested_on=d.astype(dt.date),
            kind=KIND_CODES[int(k)],
            is_remainder=bool(r),
        )
        for c, a, d, k, r in zip(
            columns.category,
            columns.amount_krw,
            columns.requested_on,
            columns.kind,
            columns.is_remainder,
            strict=True,
        )
    ]


def main() -> None:
    rng = np.random.default_rng(20250101)
    rules = default_rule_book()
    suppliers = make_suppliers(rng)
    columns = make_requests(rng)

    evaluate_many(columns, rules, suppliers)  # warm-up: imports, first allocations
    timings = []
    for _ in range(5):
        started = time.perf_counter()
        batch = evaluate_many(columns, rules, suppliers)
        timings.append(time.perf_counter() - started)
    batch_s = float(np.median(timings))

    requests = as_requests(columns)
    started = time.perf_counter()
    one_by_one = [evaluate(r, rules, suppliers) for r in requests]
    baseline_s = time.perf_counter() - started

    for i, decision in enumerate(one_by_one):
        same = (
            batch.method_of(i) is decision.method
            and batch.scope_of(i) is decision.scope
            and batch.citations_of(i) == decision.citations
            and int(batch.eligible_count[i]) == len(decision.eligible_suppliers)
        )
        if not same:
            raise SystemExit(f"row {i} disagrees: {requests[i]}")
    methods = np.bincount(batch.method, minlength=4)
    print(f"requests={N_REQUESTS} suppliers={N_SUPPLIERS} rows agree=all")
    print(f"evaluate_many median of 5: {batch_s:.4f} s (runs: {[round(t, 4) for t in timings]})")
    print(f"evaluate one by one: {baseline_s:.3f} s; methods per code: {methods.tolist()}")
    print(
        f"RESULT policy {batch_s:.4f} s baseline={baseline_s:.3f} ratio={batch_s / baseline_s:.4f}"
    )


if __name__ == "__main__":
    main()
