"""Figure: one policy check as the product answers it (`services.policy.check_purchase`, what
the policy-check page and the API call: the rules in force and the registry's firms of the
category read from the database, then the engine's decision), per request.

Baseline, in the same run: the engine's `evaluate` alone on the same requests with the rule
book and firms already in memory, so the ratio is what reading them costs. Both must agree on
every method, scope and eligible count. A temporary SQLite database holds the demo city, the
shipped rules and 300 firms over 40 categories.
Prints `RESULT policy_check <ms> ms baseline=<ms> ratio=<ms/baseline> target=<=50 ms`.
"""

from __future__ import annotations

import datetime as dt
import shutil
import statistics
import time

import numpy as np

from _economy import result, superuser, temporary_saram

N_REQUESTS = 2_000
N_SUPPLIERS = 300
N_CATEGORIES = 40


def main() -> None:
    workdir = temporary_saram("policy")
    try:
        run()
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def run() -> None:
    from saram.core.models import Organisation, OrganisationKind
    from saram.economy.engine import PurchaseKind, PurchaseRequest, evaluate
    from saram.economy.engine.registry import make_business_number
    from saram.economy.models import Category, Supplier
    from saram.economy.services.policy import check_purchase
    from saram.economy.services.rules import current_rule_book
    from saram.economy.services.suppliers import policy_suppliers

    rng = np.random.default_rng(20250101)
    categories = [
        Category.objects.create(code=f"c{i:02d}", name=f"품목 {i}", kind="goods")
        for i in range(N_CATEGORIES)
    ]
    localities = ["in_city", "in_province", "outside"]
    for i in range(N_SUPPLIERS):
        org = Organisation.objects.create(
            kind=OrganisationKind.FIRM,
            name=f"firm {i}",
            business_number=make_business_number(20_000 + i),
        )
        supplier = Supplier.objects.create(
            organisation=org,
            locality=localities[int(rng.choice(3, p=[0.4, 0.2, 0.4]))],
            is_small_firm=bool(rng.random() < 0.3),
            social_economy_type="social_enterprise" if rng.random() < 0.1 else "",
        )
        supplier.categories.set(rng.choice(categories, 3, replace=False).tolist())
    user = superuser()

    amounts = np.exp(rng.uniform(np.log(1e6), np.log(5e8), N_REQUESTS)).astype(np.int64)
    days = rng.integers(0, 3 * 365, N_REQUESTS)
    picks = rng.integers(0, N_CATEGORIES, N_REQUESTS)
    requests = [
        (categories[int(c)], int(a), dt.date(2023, 1, 1) + dt.timedelta(days=int(d)))
        for c, a, d in zip(picks, amounts, days, strict=True)
    ]

    check_purchase(by=user, category=categories[0], amount_krw=1_000_000, department=None,
                   requested_on=dt.date(2025, 1, 1))  # fmt: skip  # warm-up
    product_s: list[float] = []
    answers = []
    for category, amount, day in requests:
        started = time.perf_counter()
        answers.append(
            check_purchase(
                by=user, category=category, amount_krw=amount, department=None, requested_on=day
            )
        )
        product_s.append(time.perf_counter() - started)

    book = current_rule_book()
    firms = policy_suppliers()
    engine_s: list[float] = []
    for (category, amount, day), answer in zip(requests, answers, strict=True):
        request = PurchaseRequest(
            category=category.code,
            estimated_amount_krw=amount,
            department="",
            requested_on=day,
            kind=PurchaseKind.GOODS,
        )
        started = time.perf_counter()
        decision = evaluate(request, book, firms)
        engine_s.append(time.perf_counter() - started)
        same = (
            decision.method is answer.method
            and decision.scope is answer.scope
            and len(decision.eligible_suppliers) == len(answer.eligible_suppliers)
        )
        if not same:
            raise SystemExit(f"the product and the engine disagree on {request}")

    product_ms = statistics.median(product_s) * 1000
    engine_ms = statistics.median(engine_s) * 1000
    print(f"requests={N_REQUESTS} firms={N_SUPPLIERS} categories={N_CATEGORIES} agree=all")
    print(
        f"check_purchase median {product_ms:.3f} ms, p95 {np.percentile(product_s, 95) * 1000:.3f}"
        f" ms; engine alone median {engine_ms:.3f} ms"
    )
    result("policy_check", product_ms, "ms", baseline=engine_ms, target="<=50 ms")


if __name__ == "__main__":
    main()
