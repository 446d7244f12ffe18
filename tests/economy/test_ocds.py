"""OCDS export of plans, tenders and awards, valid against the release schema, and back in."""

from __future__ import annotations

import json
from typing import Any

import pytest
import time_machine
from django.test import override_settings
from django.utils import timezone

from saram.core.errors import SaramError
from saram.core.imports import keep_upload
from saram.core.models import Role
from saram.economy.engine import validate_release, validate_release_package
from saram.economy.models import LedgerEntry, PlannedPurchase, Programme, PurchasePlan, Stage
from saram.economy.services import ledger, lots, ocds, plans

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_economy(shared_demo_economy: dict[str, Any]) -> dict[str, Any]:
    """Every test here reads the demo economy: loaded once for the module."""
    return shared_demo_economy


@pytest.fixture
def officer(make_user: Any) -> Any:
    return make_user(Role.PROCUREMENT_OFFICER)


def test_every_release_of_plans_tenders_and_awards_is_valid(
    demo_economy: Any, officer: Any
) -> None:
    books = Programme.objects.get(code="library-books")
    plan_2026 = lots.save_lot_plan(by=officer, programme=books, fiscal_year=2026)
    plans.record_tender(by=officer, purchase=plan_2026.purchases.order_by("reference").first())
    purchases = PlannedPurchase.objects.filter(
        plan__in=[plan_2026, PurchasePlan.objects.get(programme=books, fiscal_year=2025)]
    )

    package = ocds.release_package(by=officer, purchases=purchases)

    releases = package["releases"]
    tags = {r["tag"][0] for r in releases}
    assert tags == {"planning", "tender", "award"}
    for release in releases:
        assert validate_release(release) == (), release["id"]
        assert {"ocid", "id", "date", "tag", "initiationType"} <= set(release)
        assert release["tender"]["procurementMethod"] in {"open", "selective", "limited", "direct"}
        assert release["tender"]["procurementMethodDetails"]
        assert release["tender"]["items"][0]["classification"]["id"] == "books"
    award = next(r for r in releases if r["tag"] == ["award"])
    (supplier,) = [p for p in award["parties"] if "supplier" in p["roles"]]
    assert supplier["identifier"]["scheme"] == "KR-BRN"
    assert len(supplier["identifier"]["id"]) == 10
    assert package["version"] == "1.1" and json.dumps(package, ensure_ascii=False)


def test_a_restricted_bid_names_the_city_in_its_method_details(
    demo_economy: Any, officer: Any
) -> None:
    purchase = PlannedPurchase.objects.filter(scope="city", method="restricted_bid").first()
    assert purchase is not None
    (planning, *_rest) = ocds.releases_of(purchase)
    assert planning["tender"]["procurementMethod"] == "selective"
    assert planning["tender"]["procurementMethodDetails"].endswith("전주시")
    assert "jeonju.city_bid" in planning["tender"]["procurementMethodRationale"]


def test_a_release_that_breaks_the_schema_is_never_published(
    demo_economy: Any, officer: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    original = ocds.build_release

    def broken(*args: Any, **kwargs: Any) -> dict[str, Any]:
        release = original(*args, **kwargs)
        release["tag"] = ["not-a-tag"]
        return release

    monkeypatch.setattr(ocds, "build_release", broken)
    with pytest.raises(SaramError) as exc:
        ocds.release_package(by=officer, purchases=PlannedPurchase.objects.all()[:1])
    assert exc.value.code == "ocds_invalid"


def test_the_plan_exports_ocds_from_its_page(demo_economy: Any, client_as: Any) -> None:
    plan = PurchasePlan.objects.get(fiscal_year=2025)
    client = client_as(Role.CITY_ADMIN)
    response = client.get(f"/economy/plans/{plan.pk}/ocds.json")
    package = json.loads(response.content)
    assert response["Content-Disposition"].startswith("attachment")
    assert len(package["releases"]) == 3 * plan.purchases.count()
    api = client.get(f"/api/economy/plans/{plan.pk}/ocds").json()
    assert len(api["releases"]) == len(package["releases"])


def test_awards_exported_as_ocds_read_back_as_the_same_payments(
    demo_economy: Any, officer: Any
) -> None:
    plan = PurchasePlan.objects.get(fiscal_year=2025)
    package = ocds.release_package(by=officer, purchases=plan.purchases.all())
    awards_only = {"releases": [r for r in package["releases"] if r["tag"] == ["award"]]}
    LedgerEntry.objects.filter(payment_id__startswith="2025-library-books").delete()

    result = ledger.import_ledger(
        by=officer,
        upload=keep_upload(json.dumps(awards_only, ensure_ascii=False).encode(), "awards.json"),
        fiscal_year=2025,
    )

    awarded = plan.purchases.filter(stage=Stage.AWARD)
    assert result.rows == awarded.count()
    assert result.total_krw == sum(p.award_amount_krw or 0 for p in awarded)


def test_the_package_is_valid_against_the_published_package_schema_and_dates_are_stages(
    demo_economy: Any, officer: Any
) -> None:
    plan = PurchasePlan.objects.get(fiscal_year=2025)
    package = ocds.release_package(by=officer, purchases=plan.purchases.all())

    assert validate_release_package(package) == ()
    awarded = plan.purchases.filter(stage=Stage.AWARD).order_by("reference").first()
    award = next(
        r for r in package["releases"]
        if r["tag"] == ["award"] and r["ocid"].endswith(f"{awarded.plan_id}-{awarded.reference}")
    )  # fmt: skip
    assert award["date"] == timezone.localtime(awarded.awarded_at).isoformat(timespec="seconds")
    planning = next(
        r for r in package["releases"] if r["ocid"] == award["ocid"] and r["tag"] == ["planning"]
    )
    assert planning["date"] == timezone.localtime(awarded.created_at).isoformat(timespec="seconds")


def test_the_same_data_exports_the_same_ids_at_any_time(demo_economy: Any, officer: Any) -> None:
    plan = PurchasePlan.objects.get(fiscal_year=2025)
    with time_machine.travel("2026-01-05 10:00 +09:00"):
        first = ocds.release_package(by=officer, purchases=plan.purchases.all())
    with time_machine.travel("2026-07-30 18:00 +09:00"):
        second = ocds.release_package(by=officer, purchases=plan.purchases.all())

    assert [r["id"] for r in first["releases"]] == [r["id"] for r in second["releases"]]
    assert first == second
    assert len({r["id"] for r in first["releases"]}) == len(first["releases"])


def test_an_empty_year_is_refused_with_a_message(demo_economy: Any, client_as: Any) -> None:
    response = client_as(Role.CITY_ADMIN).get("/economy/ocds.json?year=2031")
    assert response.status_code == 400
    assert "2031" in response.content.decode()


@override_settings(SARAM_OCID_PREFIX="ocds-abc123")
def test_the_ocid_prefix_is_a_setting(demo_economy: Any, officer: Any) -> None:
    plan = PurchasePlan.objects.get(fiscal_year=2025)
    package = ocds.release_package(by=officer, purchases=plan.purchases.all()[:1])
    assert all(r["ocid"].startswith("ocds-abc123-") for r in package["releases"])
