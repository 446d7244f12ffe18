"""Every economy page renders for the officers who use it, on the demo economy."""

from __future__ import annotations

from typing import Any

import pytest

from saram.core.models import Role
from saram.economy.models import LedgerImport, PlannedPurchase, PurchasePlan, Supplier

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_economy(shared_demo_economy: dict[str, Any]) -> dict[str, Any]:
    """Every test here reads the demo economy: loaded once for the module."""
    return shared_demo_economy


PAGES = (
    "/economy/",
    "/economy/?year=2023",
    "/economy/suppliers/",
    "/economy/suppliers/?review=1&social=any",
    "/economy/suppliers/new/",
    "/economy/suppliers/import/",
    "/economy/suppliers/map/",
    "/economy/suppliers/map.geojson?category=books",
    "/economy/ledger/",
    "/economy/ledger/?year=2024&by=month",
    "/economy/ledger/?year=2024&by=programme",
    "/economy/ledger/?year=2024&by=category",
    "/economy/ledger/rows/?year=2024",
    "/economy/ledger/import/",
    "/economy/ledger/imports/",
    "/economy/ledger/splits/?year=2024",
    "/economy/policy/",
    "/economy/policy/check/",
    "/economy/policy/check/?category=1&estimated_amount_krw=45000000&requested_on=2025-03-02",
    "/economy/policy/revisions/1/",
    "/economy/plans/",
    "/economy/plans/new/",
    "/economy/ocds.json?year=2025",
    "/economy/lots/",
    "/economy/lots/?programme=PROGRAMME&fiscal_year=2026&bid_award_ratio_percent=90",
    "/economy/multiplier/?year=2024",
    "/economy/surveys/new/",
    "/economy/surveys/employees/new/",
    "/economy/surveys/import/",
    "/economy/social/?year=2025",
)


@pytest.mark.parametrize("path", PAGES)
def test_procurement_officer_sees_every_page(demo_economy: Any, client_as: Any, path: str) -> None:
    from saram.economy.models import Programme

    client = client_as(Role.PROCUREMENT_OFFICER)
    path = path.replace("PROGRAMME", str(Programme.objects.get(code="library-books").pk))
    response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)


def test_object_pages_render(demo_economy: Any, client_as: Any) -> None:
    client = client_as(Role.PROCUREMENT_OFFICER)
    supplier = Supplier.objects.exclude(social_economy_type="").first()
    plan = PurchasePlan.objects.first()
    purchase = PlannedPurchase.objects.filter(stage="planning").first() or plan.purchases.first()
    imports = LedgerImport.objects.count()  # the demo's years and its welfare purchases
    for path in (
        f"/economy/suppliers/{supplier.pk}/",
        f"/economy/suppliers/{supplier.pk}/edit/",
        f"/economy/plans/{plan.pk}/",
        f"/economy/plans/{plan.pk}/export/?format=xlsx",
        f"/economy/plans/{plan.pk}/ocds.json",
        f"/economy/purchases/{purchase.pk}/award/",
        "/economy/policy/city/jeonju-2025/edit/",
        "/economy/policy/law/new/",
    ):
        response = client.get(path)
        assert response.status_code in (200, 403), (path, response.status_code)
    assert LedgerImport.objects.count() == imports  # reading the pages wrote nothing


def test_pages_render_in_english(demo_economy: Any, client_as: Any) -> None:
    client = client_as(Role.SOCIAL_ECONOMY_OFFICER)
    client.cookies["django_language"] = "en"
    body = client.get("/economy/social/?year=2025", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "사회적경제 조직과 우선구매" not in body


@pytest.mark.parametrize(
    "path",
    [
        "/economy/multiplier/?year=2024&format=csv",
        "/economy/ledger/splits/?year=2024&format=xlsx",
        "/economy/social/?year=2024&format=csv",
        "/economy/ledger/?year=2024&by=category&format=xlsx",
    ],
)
def test_every_table_can_be_exported(demo_economy: Any, client_as: Any, path: str) -> None:
    response = client_as(Role.PROCUREMENT_OFFICER).get(path)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
