"""One question, one answer: the policy check's routes and the lot planner's open-bid
baseline are the same on the page, in the API and in the saved plan."""

from __future__ import annotations

from typing import Any

import pytest

from saram.core.models import Role
from saram.economy.models import LedgerEntry, Programme, PurchasePlan
from saram.economy.services import lots

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_economy(shared_demo_economy: dict[str, Any]) -> dict[str, Any]:
    """Every test here reads the demo economy: loaded once for the module."""
    return shared_demo_economy


def test_the_policy_check_api_returns_the_firm_class_routes_the_page_shows(
    demo_economy: Any, client_as: Any
) -> None:
    client = client_as(Role.PROCUREMENT_OFFICER)
    query = {"category": "books", "estimated_amount_krw": 60_000_000, "requested_on": "2025-05-01"}
    body = client.get("/api/economy/policy/check", query).json()
    page = client.get(
        "/economy/policy/check/",
        {
            "category": Programme.objects.get(code="library-books").category_id,
            "estimated_amount_krw": 60_000_000,
            "requested_on": "2025-05-01",
        },
    )
    shown = [o["label"] for o in page.context["options"]]
    assert shown and [o["firm_class_label"] for o in body["options"]] == shown
    classes = {o["firm_class"] for o in body["options"]}
    assert {"social_economy", "women_owned", "disabled_owned", "small_firm"} <= classes
    for route in body["options"]:
        assert route["method"].startswith("private_contract") and route["citations"]


def test_the_open_bid_baseline_is_one_figure_on_the_page_in_the_api_and_in_the_saved_plan(
    demo_economy: Any, client_as: Any
) -> None:
    books = Programme.objects.get(code="library-books")
    history_bp = lots.open_bid_history_bp(books)
    assert history_bp is not None  # the demo ledger has open bids for books
    client = client_as(Role.PROCUREMENT_OFFICER)
    query = {"programme": books.pk, "fiscal_year": 2026, "bid_award_ratio_percent": "90"}

    page = client.get("/economy/lots/", query).context["proposal"]
    api = client.get("/api/economy/lots", {"programme": books.code, "fiscal_year": 2026}).json()
    client.post("/economy/lots/", query)
    saved = PurchasePlan.objects.get(programme=books, fiscal_year=2026)

    assert page.status_quo_local_krw == api["status_quo_local_krw"]
    assert page.status_quo_local_krw == page.planned_krw * history_bp // 10_000
    assert saved.assumptions["open_bid_local_win_bp"] == history_bp
    assert saved.assumptions["open_bid_local_win_from_registry"] == 0


def test_a_city_restricted_lot_says_what_local_counts(demo_economy: Any, client_as: Any) -> None:
    books = Programme.objects.get(code="library-books")
    client = client_as(Role.PROCUREMENT_OFFICER)
    body = client.get(
        "/economy/lots/",
        {"programme": books.pk, "fiscal_year": 2026, "bid_award_ratio_percent": "90"},
    ).content.decode()
    assert "주된 영업소" in body


def test_the_lot_planner_opens_on_a_year_that_has_demand(demo_economy: Any, client_as: Any) -> None:
    page = client_as(Role.PROCUREMENT_OFFICER).get("/economy/lots/")
    years = page.context["demand_years"]
    assert page.context["fiscal_year"] in years
    assert page.context["proposal"] is not None and page.context["proposal"].lots
    assert LedgerEntry.objects.exists()
