"""The lot planner: lawful lots for the library books, why each is lawful, saved and exported."""

from __future__ import annotations

import io
from typing import Any

import numpy as np
import pytest
import tablib

from saram.core.errors import SaramError
from saram.core.imports import keep_upload
from saram.core.models import Role
from saram.economy.engine import find_splits
from saram.economy.engine.policy import PurchaseKind
from saram.economy.models import (
    Department,
    PlannedPurchase,
    Programme,
    ProgrammeDemand,
    PurchasePlan,
    Stage,
)
from saram.economy.services import lots, plans
from saram.economy.services.rules import current_rule_book

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer(make_user: Any) -> Any:
    return make_user(Role.PROCUREMENT_OFFICER)


@pytest.fixture
def books(demo_economy: Any) -> Programme:
    return Programme.objects.get(code="library-books")


def test_the_demo_books_are_planned_in_lawful_lots_with_reasons(officer: Any, books: Any) -> None:
    plan = lots.propose_lots(by=officer, programme=books, fiscal_year=2026)

    assert plan.planned_krw == sum(
        ProgrammeDemand.objects.filter(programme=books, fiscal_year=2026).values_list(
            "amount_krw", flat=True
        )
    )
    assert find_splits(plan.as_purchases("books", PurchaseKind.GOODS), current_rule_book()) == ()
    assert all(lot.reasons and lot.citations for lot in plan.lots)
    libraries = {lot.department for lot in plan.lots}
    assert len(libraries) == 8  # each library orders its own books
    for lot in plan.lots:
        if lot.scope.value == "city":
            assert lot.eligible_suppliers, lot.lot_id
            assert all(s.locality.value == "in_city" for s in lot.eligible_suppliers)
    assert plan.expected_local_krw > plan.status_quo_local_krw


@pytest.mark.parametrize("seed", range(6))
def test_the_planner_never_produces_an_unlawful_split(
    officer: Any, rules: None, programme: Any, make_supplier: Any, seed: int
) -> None:
    """Random demand (few or many libraries, tiny to large lines): no lot group is a split."""
    rng = np.random.default_rng(seed)
    make_supplier("in_city")
    libraries = [
        Department.objects.create(code=f"lib-{seed}-{i}", name=f"도서관 {seed}-{i}")
        for i in range(int(rng.integers(1, 6)))
    ]
    scale = [1_000_000, 8_000_000, 30_000_000][seed % 3]
    for library in libraries:
        for quarter in range(1, 5):
            for subject in ("문학", "아동", "과학")[: int(rng.integers(1, 4))]:
                ProgrammeDemand.objects.create(
                    programme=programme,
                    fiscal_year=2026,
                    department=library,
                    subject=subject,
                    quarter=quarter,
                    amount_krw=int(rng.integers(scale // 4, scale)) // 1000 * 1000,
                )
    proposal = lots.propose_lots(by=officer, programme=programme, fiscal_year=2026)
    assert (
        find_splits(proposal.as_purchases("books", PurchaseKind.GOODS), current_rule_book()) == ()
    )

    saved = lots.save_lot_plan(by=officer, programme=programme, fiscal_year=2026)
    assert plans.plan_flags(saved) == ()
    assert saved.planned_krw == proposal.planned_krw


def test_saving_again_replaces_the_earlier_lot_plan(officer: Any, books: Any) -> None:
    first = lots.save_lot_plan(by=officer, programme=books, fiscal_year=2026)
    second = lots.save_lot_plan(by=officer, programme=books, fiscal_year=2026)

    assert not PurchasePlan.objects.filter(pk=first.pk).exists()
    assert second.purchases.count() == first.purchases.count() or second.purchases.exists()


def test_lots_already_tendered_cannot_be_planned_again(officer: Any, books: Any) -> None:
    plan = lots.save_lot_plan(by=officer, programme=books, fiscal_year=2026)
    plans.record_tender(by=officer, purchase=plan.purchases.first())

    with pytest.raises(SaramError) as exc:
        lots.save_lot_plan(by=officer, programme=books, fiscal_year=2026)
    assert exc.value.code == "lots_tendered"


def test_lots_that_would_split_with_orders_already_paid_are_refused(
    officer: Any, books: Any
) -> None:
    """2025 is paid lot by lot in the demo; planning it as new lots would double every order."""
    PurchasePlan.objects.filter(programme=books, fiscal_year=2025).delete()
    with pytest.raises(SaramError) as exc:
        lots.save_lot_plan(by=officer, programme=books, fiscal_year=2025)
    assert exc.value.code == "unlawful_split"
    assert exc.value.params["evidence"]


def test_the_saved_plan_keeps_each_lots_method_firms_and_reasons(officer: Any, books: Any) -> None:
    plan = lots.save_lot_plan(by=officer, programme=books, fiscal_year=2026)

    purchase = plan.purchases.order_by("reference").first()
    assert purchase is not None
    assert purchase.reasons and purchase.citations and purchase.eligible_supplier_ids
    assert plan.expected_local_krw and plan.status_quo_local_krw is not None
    assert plan.policy_revision is not None


def test_lots_are_exported_as_csv_and_xlsx(officer: Any, books: Any) -> None:
    plan = lots.save_lot_plan(by=officer, programme=books, fiscal_year=2026)

    csv_text = lots.export_lots(by=officer, plan=plan, fmt="csv").read().decode("utf-8-sig")
    data = tablib.Dataset().load(csv_text, format="csv")
    assert data.height == plan.purchases.count()
    assert data.headers[0] == "번호" and "적법한이유" in data.headers
    assert all(row[data.headers.index("적법한이유")] for row in data)
    xlsx = tablib.Dataset().load(lots.export_lots(by=officer, plan=plan, fmt="xlsx").read(), "xlsx")
    assert xlsx.height == data.height


def test_the_planner_page_proposes_then_saves(books: Any, client_as: Any) -> None:
    client = client_as(Role.PROCUREMENT_OFFICER)
    query = {"programme": books.pk, "fiscal_year": 2026, "bid_award_ratio_percent": "90"}
    page = client.get("/economy/lots/", query)
    body = page.content.decode()
    assert page.status_code == 200
    assert body.count('class="lot"') == len(page.context["lots"]) > 8
    assert "별도 부서" in body  # why a library's lots are not summed with another's

    saved = client.post("/economy/lots/", query)
    assert saved.status_code == 302
    plan = PurchasePlan.objects.get(programme=books, fiscal_year=2026)
    assert saved["Location"] == f"/economy/plans/{plan.pk}/"
    assert client.get(saved["Location"]).status_code == 200


def test_a_planner_without_the_capability_cannot_save(books: Any, client_as: Any) -> None:
    client = client_as(Role.CITY_ADMIN)
    query = {"programme": books.pk, "fiscal_year": 2026, "bid_award_ratio_percent": "90"}
    assert client.get("/economy/lots/", query).status_code == 200  # reads the proposal
    assert client.post("/economy/lots/", query).status_code == 403


def test_demand_is_imported_all_or_nothing(officer: Any, books: Any) -> None:
    good = (
        "부서,분야,분기,금액\n"
        "전주시립 완산도서관,문학,1,12000000\n"
        "lib-songcheon,아동,2분기,8000000\n"
    )
    assert (
        lots.import_demand(
            by=officer,
            programme=books,
            fiscal_year=2027,
            upload=keep_upload(good.encode(), "d.csv"),
        )
        == 2
    )
    bad = io.StringIO(
        "부서,분야,분기,금액\n없는 도서관,문학,1,100\n전주시립 완산도서관,문학,5,-3\n"
    )
    with pytest.raises(SaramError) as exc:
        lots.import_demand(
            by=officer,
            programme=books,
            fiscal_year=2027,
            upload=keep_upload(bad.getvalue().encode(), "d.csv"),
        )
    assert {(e.row, e.field) for e in exc.value.row_errors} == {
        (2, "부서"),
        (3, "분기"),
        (3, "금액"),
    }
    assert ProgrammeDemand.objects.filter(programme=books, fiscal_year=2027).count() == 2


def test_demo_lots_of_2025_were_awarded_and_paid(books: Any) -> None:
    plan = PurchasePlan.objects.get(programme=books, fiscal_year=2025)
    assert not plan.purchases.exclude(stage=Stage.AWARD).exists()
    assert PlannedPurchase.objects.filter(plan=plan).count() > 8
