"""What must hold when officers work at the same moment (threads, real transactions)."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connections

from saram.core.errors import SaramError
from saram.core.imports import keep_upload
from saram.core.models import Role
from saram.economy.models import LedgerEntry, PlannedPurchase
from saram.economy.services import ledger, plans
from saram.economy.services.rules import install_shipped_rules

pytestmark = pytest.mark.django_db(transaction=True)


def _together(work: Callable[[int], Any], n: int = 2) -> tuple[list[Any], list[BaseException]]:
    barrier = threading.Barrier(n)
    results: list[Any] = []
    errors: list[BaseException] = []

    def run(i: int) -> None:
        try:
            barrier.wait()
            results.append(work(i))
        except BaseException as exc:  # reported in the test thread
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results, errors


def test_two_imports_of_the_same_payments_store_them_once(
    make_user: Any, make_supplier: Any, ledger_csv: Any
) -> None:
    officer = make_user(Role.PROCUREMENT_OFFICER)
    firm = make_supplier("in_city")
    rows = [
        (f"C-{i}", "2024-05-01", "회계과", "", "books", firm.business_number, "", 1000, "")
        for i in range(200)
    ]
    raw = ledger_csv(rows)

    results, errors = _together(
        lambda i: (
            ledger.import_ledger(
                by=officer, upload=keep_upload(raw, f"{i}.csv"), fiscal_year=2024
            ).rows
        )
    )

    assert results == [200]
    assert len(errors) == 1 and isinstance(errors[0], SaramError)
    assert LedgerEntry.objects.count() == 200


def test_two_planners_cannot_split_one_purchase_between_them(
    make_user: Any, departments: Any, categories: Any
) -> None:
    install_shipped_rules(by=None)
    officer = make_user(Role.PROCUREMENT_OFFICER)
    plan_a = plans.create_plan(by=officer, title="A", fiscal_year=2025)
    plan_b = plans.create_plan(by=officer, title="B", fiscal_year=2025)

    def add(i: int) -> Any:
        return plans.add_purchase(
            by=officer,
            plan=(plan_a, plan_b)[i],
            title=f"도서 {i}",
            department=departments["lib-a"],
            category=categories["books"],
            amount_krw=12_000_000,
            order_on=dt.date(2025, 3, 2 + i * 5),
        )

    results, errors = _together(add)

    assert len(results) == 1 and len(errors) == 1
    assert isinstance(errors[0], SaramError) and errors[0].code == "unlawful_split"
    assert PlannedPurchase.objects.count() == 1
