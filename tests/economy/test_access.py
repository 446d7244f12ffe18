"""Who may use the economy pages: 403 for a list without the capability, 404 for a record."""

from __future__ import annotations

from typing import Any

import pytest

from saram.core.models import Job, Role
from saram.economy.models import PlannedPurchase, PurchasePlan, Supplier

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_economy(shared_demo_economy: dict[str, Any]) -> dict[str, Any]:
    """Every test here reads the demo economy: loaded once for the module."""
    return shared_demo_economy


LISTS = (
    "/economy/",
    "/economy/suppliers/",
    "/economy/suppliers/map/",
    "/economy/suppliers/map.geojson",
    "/economy/ledger/",
    "/economy/ledger/rows/",
    "/economy/ledger/imports/",
    "/economy/ledger/splits/",
    "/economy/policy/",
    "/economy/policy/check/",
    "/economy/plans/",
    "/economy/lots/",
    "/economy/multiplier/",
    "/economy/social/",
    "/economy/ocds.json",
    "/api/economy/suppliers",
    "/api/economy/ledger/local-share?year=2024",
    "/api/economy/plans",
)
OUTSIDERS = (
    Role.WELFARE_OFFICER,
    Role.COMMITTEE_MEMBER,
    Role.MAKING_STAFF,
    Role.INSTRUCTOR,
    Role.CITIZEN,
)


@pytest.mark.parametrize("role", OUTSIDERS)
def test_roles_outside_the_economy_get_403_for_lists_and_404_for_records(
    demo_economy: Any, client_as: Any, role: Role, dong: Any
) -> None:
    client = client_as(
        role, dong if role in (Role.WELFARE_OFFICER, Role.COMMITTEE_MEMBER) else None
    )
    for path in LISTS:
        assert client.get(path).status_code == 403, path
    supplier = Supplier.objects.first()
    plan = PurchasePlan.objects.first()
    purchase = PlannedPurchase.objects.first()
    assert supplier and plan and purchase
    for path in (
        f"/economy/suppliers/{supplier.pk}/",
        f"/economy/plans/{plan.pk}/",
        f"/economy/plans/{plan.pk}/ocds.json",
        f"/economy/purchases/{purchase.pk}/award/",
        "/economy/policy/revisions/1/",
        f"/api/economy/suppliers/{supplier.pk}",
        f"/api/economy/plans/{plan.pk}",
    ):
        assert client.get(path).status_code == 404, path


@pytest.mark.parametrize(
    ("role", "path", "status"),
    [
        (Role.CITY_ADMIN, "/economy/ledger/import/", 403),
        (Role.CITY_ADMIN, "/economy/policy/city/jeonju-2025/edit/", 200),
        (Role.CITY_ADMIN, "/economy/social/support/new/", 403),
        (Role.SOCIAL_ECONOMY_OFFICER, "/economy/ledger/import/", 403),
        (Role.SOCIAL_ECONOMY_OFFICER, "/economy/social/support/new/", 200),
        (Role.SOCIAL_ECONOMY_OFFICER, "/economy/suppliers/new/", 200),
        (Role.SOCIAL_ECONOMY_OFFICER, "/economy/plans/new/", 403),
        (Role.PROCUREMENT_OFFICER, "/economy/ledger/import/", 200),
        (Role.PROCUREMENT_OFFICER, "/economy/policy/city/jeonju-2025/edit/", 403),
        (Role.PROCUREMENT_OFFICER, "/economy/policy/law/new/", 403),
        (Role.PROCUREMENT_OFFICER, "/economy/social/support/new/", 403),
    ],
)
def test_each_officer_changes_only_what_is_theirs(
    demo_economy: Any, client_as: Any, role: Role, path: str, status: int
) -> None:
    assert client_as(role).get(path).status_code == status


def test_an_unknown_rule_version_is_404(demo_economy: Any, client_as: Any) -> None:
    client = client_as(Role.CITY_ADMIN)
    assert client.get("/economy/policy/city/none/edit/").status_code == 404
    assert client.get("/economy/policy/nolayer/new/").status_code == 404


def test_someone_elses_import_job_is_404(demo_economy: Any, client_as: Any, make_user: Any) -> None:
    other = make_user(Role.PROCUREMENT_OFFICER)
    job = Job.objects.create(kind="economy.ledger", label="x", created_by=other)
    client = client_as(Role.PROCUREMENT_OFFICER)
    assert client.get(f"/economy/ledger/jobs/{job.pk}/").status_code == 404
    assert client.post(f"/economy/ledger/jobs/{job.pk}/review/").status_code == 404


def test_the_menu_shows_each_officer_their_economy_pages(client_as: Any, city: Any) -> None:
    procurement = client_as(Role.PROCUREMENT_OFFICER).get("/").content.decode()
    social = client_as(Role.SOCIAL_ECONOMY_OFFICER).get("/").content.decode()
    citizen = client_as(Role.CITIZEN).get("/").content.decode()
    assert '/economy/lots/"' in procurement and '/economy/social/"' not in procurement
    assert '/economy/social/"' in social and '/economy/lots/"' not in social
    assert "/economy/" not in citizen
