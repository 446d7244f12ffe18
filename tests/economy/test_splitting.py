"""Anti-splitting in plans (a planner cannot save a split) and in the ledger (flags)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from saram.core.errors import SaramError
from saram.core.imports import keep_upload
from saram.core.models import Role
from saram.economy.models import PlannedPurchase
from saram.economy.services import ledger, plans

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer(make_user: Any) -> Any:
    return make_user(Role.PROCUREMENT_OFFICER)


@pytest.fixture
def plan(rules: None, officer: Any) -> Any:
    return plans.create_plan(by=officer, title="2025 회계과 구매", fiscal_year=2025)


def _add(officer: Any, plan: Any, department: Any, category: Any, amount: int, on: str) -> Any:
    return plans.add_purchase(
        by=officer,
        plan=plan,
        title=f"{category.name} {on}",
        department=department,
        category=category,
        amount_krw=amount,
        order_on=dt.date.fromisoformat(on),
    )


def test_a_split_under_the_private_contract_limit_is_refused_with_evidence(
    officer: Any, plan: Any, departments: Any, categories: Any
) -> None:
    books, lib = categories["books"], departments["lib-a"]
    _add(officer, plan, lib, books, 12_000_000, "2025-03-02")

    with pytest.raises(SaramError) as exc:
        _add(officer, plan, lib, books, 9_000_000, "2025-03-20")

    assert exc.value.code == "unlawful_split"
    (flag,) = exc.value.params["flags"]
    assert flag["total_krw"] == 21_000_000 and flag["threshold_krw"] == 20_000_000
    assert (flag["window"], flag["threshold_layer"]) == ("fiscal_year", "law")
    assert "제7조" in exc.value.params["evidence"][0]
    assert "2025 회계연도" in exc.value.params["evidence"][0]
    assert "법령" in exc.value.params["evidence"][0]
    assert PlannedPurchase.objects.count() == 1


@pytest.mark.parametrize(
    ("department", "category", "amount", "on"),
    [
        ("lib-b", "books", 9_000_000, "2025-03-20"),  # another department orders its own
        ("lib-a", "uniforms", 9_000_000, "2025-03-20"),  # another category
        ("lib-a", "books", 8_000_000, "2025-03-20"),  # the sum stays at the limit
    ],
)
def test_purchases_that_are_not_a_split_are_accepted(
    officer: Any,
    plan: Any,
    departments: Any,
    categories: Any,
    department: str,
    category: str,
    amount: int,
    on: str,
) -> None:
    _add(officer, plan, departments["lib-a"], categories["books"], 12_000_000, "2025-03-02")
    _add(officer, plan, departments[department], categories[category], amount, on)
    assert PlannedPurchase.objects.count() == 2


def test_orders_above_the_laws_cap_are_no_split_of_the_citys_own_bid_limit(
    officer: Any, plan: Any, departments: Any, categories: Any
) -> None:
    books, lib = categories["books"], departments["lib-a"]
    _add(officer, plan, lib, books, 30_000_000, "2025-05-02")
    _add(officer, plan, lib, books, 25_000_000, "2025-05-12")
    assert PlannedPurchase.objects.count() == 2


def test_eight_single_quote_orders_of_19_9_million_in_a_year_are_refused(
    officer: Any, plan: Any, departments: Any, categories: Any
) -> None:
    books, lib = categories["books"], departments["lib-a"]
    _add(officer, plan, lib, books, 19_900_000, "2025-01-15")
    with pytest.raises(SaramError) as exc:
        _add(officer, plan, lib, books, 19_900_000, "2025-08-15")
    (flag,) = exc.value.params["flags"]
    assert flag["threshold_krw"] == 20_000_000


def test_vat_included_payments_are_compared_without_their_vat(
    officer: Any, make_supplier: Any, ledger_csv: Any, rules: None, client_as: Any
) -> None:
    # 10.9M + 10.9M paid with VAT are 19.8M without it: under the 20M cap, no split. The same
    # amounts recorded without VAT are 21.8M: a split.
    firm = make_supplier("in_city")

    def rows(prefix: str, vat: str) -> list[tuple[Any, ...]]:
        return [
            (f"{prefix}-{i}", f"2025-0{i + 2}-01", "급식과", "books", firm.business_number,
             10_900_000, vat)
            for i in range(2)
        ]  # fmt: skip

    header = "지급번호,지급일,부서,품목,사업자등록번호,금액,부가세"
    ledger.import_ledger(
        by=officer, upload=keep_upload(ledger_csv(rows("V", "포함"), header=header), "v.csv"),
        fiscal_year=2025,
    )  # fmt: skip
    client = client_as(Role.PROCUREMENT_OFFICER)
    assert client.get("/api/economy/ledger/splits?year=2025").json() == []

    ledger.import_ledger(
        by=officer, upload=keep_upload(ledger_csv(rows("X", "별도"), header=header), "x.csv"),
        fiscal_year=2025,
    )  # fmt: skip
    (flag,) = client.get("/api/economy/ledger/splits?year=2025").json()
    assert {"X-0", "X-1"} <= set(flag["payment_ids"])


def test_a_planned_purchase_that_splits_with_a_paid_order_is_refused(
    officer: Any, plan: Any, departments: Any, categories: Any, make_supplier: Any, ledger_csv: Any
) -> None:
    firm = make_supplier("in_city")
    raw = ledger_csv(
        [("PAID-1", "2025-03-05", "가 도서관", "", "books", firm.business_number, "", 15e6, "")]
    )
    ledger.import_ledger(by=officer, upload=keep_upload(raw, "paid.csv"), fiscal_year=2025)

    with pytest.raises(SaramError) as exc:
        _add(officer, plan, departments["lib-a"], categories["books"], 10_000_000, "2025-03-15")
    assert "paid:PAID-1" in exc.value.params["flags"][0]["purchase_ids"]


def test_each_purchase_gets_the_method_the_rules_give(
    officer: Any, plan: Any, departments: Any, categories: Any
) -> None:
    small = _add(officer, plan, departments["lib-a"], categories["books"], 8_000_000, "2025-02-01")
    big = _add(officer, plan, departments["lib-b"], categories["books"], 45_000_000, "2025-02-01")
    assert (small.method, small.scope) == ("private_contract_single", "city")
    assert (big.method, big.scope) == ("restricted_bid", "city")
    assert {c["rule_id"] for c in big.citations} >= {"jeonju.city_bid"}
    plan.refresh_from_db()
    assert plan.planned_krw == 53_000_000


def test_the_plan_page_refuses_a_split_and_shows_the_evidence(
    plan: Any, departments: Any, categories: Any, client_as: Any
) -> None:
    client = client_as(Role.PROCUREMENT_OFFICER)
    form = {
        "title": "도서",
        "department": departments["lib-a"].pk,
        "category": categories["books"].pk,
        "amount_krw": 12_000_000,
        "order_on": "2025-03-02",
    }
    assert client.post(f"/economy/plans/{plan.pk}/", form).status_code == 302
    refused = client.post(
        f"/economy/plans/{plan.pk}/", form | {"amount_krw": 9_000_000, "order_on": "2025-03-20"}
    )
    assert refused.status_code == 200
    body = refused.content.decode()
    assert "split-evidence" in body and "21,000,000" in body
    assert PlannedPurchase.objects.count() == 1


def test_an_award_outside_the_bid_area_is_refused(
    officer: Any, plan: Any, departments: Any, categories: Any, make_supplier: Any
) -> None:
    from django.utils import timezone

    purchase = _add(
        officer, plan, departments["lib-a"], categories["books"], 45_000_000, "2025-02-01"
    )
    outsider = make_supplier("outside")
    with pytest.raises(SaramError) as exc:
        plans.record_award(
            by=officer,
            purchase=purchase,
            supplier=outsider,
            amount_krw=40_000_000,
            awarded_at=timezone.now(),
        )
    assert exc.value.code == "supplier_outside_scope"


def test_the_ledger_flags_the_demo_split_with_its_payments(
    demo_economy: Any, client_as: Any
) -> None:
    client = client_as(Role.PROCUREMENT_OFFICER)
    body = client.get("/economy/ledger/splits/?year=2024").content.decode()
    assert "2024-office-split-1" in body and "2024-office-split-3" in body
    assert "20,000,000" in body

    flags = client.get("/api/economy/ledger/splits", {"year": 2024}).json()
    # Summed over the fiscal year, the planted split joins the office's other small orders.
    planted = {"2024-office-split-1", "2024-office-split-2", "2024-office-split-3"}
    assert any(planted <= set(f["payment_ids"]) for f in flags)


def test_payments_under_a_contract_won_by_bid_are_not_parts_of_a_split(
    officer: Any, make_supplier: Any, ledger_csv: Any, rules: None, client_as: Any
) -> None:
    firm = make_supplier("in_city")
    rows = [
        (f"B-{i}", f"2025-06-{i + 1:02d}", "급식과", "", "books", firm.business_number, "", 9e6, m)
        for i, m in enumerate(["일반경쟁입찰", "일반경쟁입찰", "일반경쟁입찰"])
    ]
    ledger.import_ledger(
        by=officer, upload=keep_upload(ledger_csv(rows), "b.csv"), fiscal_year=2025
    )
    flags = client_as(Role.PROCUREMENT_OFFICER).get("/api/economy/ledger/splits?year=2025").json()
    assert flags == []
