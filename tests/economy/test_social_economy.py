"""The social-economy support unit: organisations, support given, priority-purchase progress."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied

from saram.core.errors import SaramError
from saram.core.imports import keep_upload
from saram.core.models import AuditEntry, Role
from saram.economy import selectors
from saram.economy.models import SupportRecord
from saram.economy.services import ledger
from saram.economy.services import social_economy as support

pytestmark = pytest.mark.django_db


@pytest.fixture
def unit(make_user: Any) -> Any:
    return make_user(Role.SOCIAL_ECONOMY_OFFICER)


def test_support_is_recorded_for_a_social_economy_organisation(
    unit: Any, rules: None, make_supplier: Any
) -> None:
    coop = make_supplier("in_city", social_economy_type="social_cooperative")
    record = support.record_support(
        by=unit,
        supplier=coop,
        kind="grant",
        given_on=dt.date(2025, 3, 1),
        amount_krw=15_000_000,
        description="일자리 사업비",
    )
    assert record.amount_krw == 15_000_000
    assert AuditEntry.objects.filter(target_type="economy.support").count() == 1


@pytest.mark.parametrize(
    ("social", "kind", "amount", "code"),
    [
        ("", "training", 0, "economy_not_social_economy"),
        ("cooperative", "grant", 0, "economy_grant_without_amount"),
        ("cooperative", "training", -1, "economy_bad_support_amount"),
    ],
)
def test_bad_support_records_are_refused(
    unit: Any, rules: None, make_supplier: Any, social: str, kind: str, amount: int, code: str
) -> None:
    firm = make_supplier("in_city", social_economy_type=social)
    with pytest.raises(SaramError) as exc:
        support.record_support(
            by=unit,
            supplier=firm,
            kind=kind,
            given_on=dt.date(2025, 3, 1),
            amount_krw=amount,
            description="x",
        )
    assert exc.value.code == code
    assert not SupportRecord.objects.exists()


def test_only_the_support_unit_records_support(
    make_user: Any, rules: None, make_supplier: Any
) -> None:
    coop = make_supplier("in_city", social_economy_type="cooperative")
    with pytest.raises(PermissionDenied):
        support.record_support(
            by=make_user(Role.PROCUREMENT_OFFICER),
            supplier=coop,
            kind="training",
            given_on=dt.date(2025, 3, 1),
            amount_krw=0,
            description="x",
        )


def test_priority_purchase_progress_against_the_target_in_the_rules(
    unit: Any, make_user: Any, rules: None, make_supplier: Any, ledger_csv: Any
) -> None:
    officer = make_user(Role.PROCUREMENT_OFFICER)
    coop = make_supplier("in_city", social_economy_type="village_enterprise")
    firm = make_supplier("outside")
    works = make_supplier("in_city", categories_=("construction",))
    rows = [
        ("Q-1", "2025-04-01", "회계과", "", "books", coop.business_number, "", 50_000, ""),
        ("Q-2", "2025-04-02", "회계과", "", "books", firm.business_number, "", 950_000, ""),
        ("Q-3", "2025-04-03", "도로과", "", "construction", works.business_number, "", 9e6, ""),
    ]
    ledger.import_ledger(
        by=officer, upload=keep_upload(ledger_csv(rows), "q.csv"), fiscal_year=2025
    )

    progress = selectors.priority_purchase(unit, fiscal_year=2025)

    assert progress is not None
    assert (progress.eligible_krw, progress.social_krw) == (1_000_000, 50_000)  # works excluded
    assert progress.target_bp == 1000  # 10 %, from the city's rule
    assert progress.share_percent == 5.0 and progress.progress_percent == 50.0
    ((row),) = [r for r in selectors.social_economy_rows(unit, fiscal_year=2025)]
    assert row.sales_krw == 50_000


def test_the_page_shows_organisations_support_sales_and_progress(
    demo_economy: Any, client_as: Any
) -> None:
    client = client_as(Role.SOCIAL_ECONOMY_OFFICER)
    page = client.get("/economy/social/?year=2025")
    body = page.content.decode()
    assert "priority-purchase" in body and "target-progress" in body
    rows = page.context["rows"]
    assert len(rows) >= 8 and any(r.support_krw for r in rows) and any(r.sales_krw for r in rows)
    assert client.get("/economy/social/?year=2025&format=xlsx").status_code == 200

    coop = rows[0].supplier
    form = client.post(
        "/economy/social/support/new/",
        {
            "supplier": coop.pk,
            "kind": "consulting",
            "given_on": "2025-05-01",
            "amount_krw": 0,
            "description": "회계 컨설팅",
        },
    )
    assert form.status_code == 302
    assert SupportRecord.objects.filter(description="회계 컨설팅").exists()
