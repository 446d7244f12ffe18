"""Welfare money counted as local circulation: services bought for cases in the ledger under
the welfare programme (never the person), referrals served by social-economy firms counted."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from saram.core.models import Role
from saram.economy.models import LedgerEntry, LedgerImport
from saram.economy.selectors import LedgerFilter, local_share, welfare_referrals
from saram.economy.services import welfare_spending
from saram.welfare.models import Case, Referral, Resource

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer(make_user: Any) -> Any:
    return make_user(Role.PROCUREMENT_OFFICER)


def test_services_bought_for_cases_count_in_local_share_under_the_welfare_programme(
    officer: Any, make_supplier: Any, departments: Any
) -> None:
    cooperative = make_supplier("in_city", social_economy_type="cooperative")
    outside = make_supplier("outside")
    purchases = [
        welfare_spending.WelfarePurchase(
            payment_id=f"W-{i}",
            paid_on=dt.date(2025, 4, 1 + i),
            welfare_programme="integrated",
            welfare_programme_label="통합사례관리",
            department="가 도서관",
            category="books",
            business_number=firm.business_number,
            amount_krw=amount,
        )
        for i, (firm, amount) in enumerate([(cooperative, 3_000_000), (outside, 1_000_000)])
    ]

    made = welfare_spending.record_welfare_purchases(
        by=officer, fiscal_year=2025, purchases=purchases
    )

    assert made.source == "welfare" and LedgerImport.objects.count() == 1
    rows = local_share(officer, LedgerFilter(fiscal_year=2025), by="programme")
    (row,) = rows
    assert row.label == "동네복지: 통합사례관리"
    assert (row.in_city_krw, row.total_krw) == (3_000_000, 4_000_000)
    assert set(LedgerEntry.objects.values_list("vat_basis", flat=True)) == {"exempt"}
    # The ledger row knows the programme and the firm; it has no field for a person.
    assert "person" not in {f.name for f in LedgerEntry._meta.get_fields()}


def test_referrals_served_by_social_economy_firms_are_counted_per_programme(
    city: Any, make_supplier: Any, make_person: Any, make_user: Any, dong: Any
) -> None:
    enterprise = make_supplier("in_city", social_economy_type="social_enterprise")
    ordinary = make_supplier("in_city")
    worker = make_user(Role.WELFARE_OFFICER, dong)
    now = timezone.now().replace(year=2025)
    for firm, served in ((enterprise, 2), (ordinary, 1)):
        resource = Resource.objects.create(
            city=city, name="도시락", kind="local", organisation=firm.organisation, provider="x"
        )
        for _i in range(served):
            case = Case.objects.create(
                person=make_person(), dong=dong, programme="integrated", opened_by=worker,
                opened_at=now,
            )  # fmt: skip
            Referral.objects.create(
                case=case, resource=resource, dong=dong, status="served", sent_by=worker,
                sent_at=now, served_at=now,
            )  # fmt: skip

    reader = make_user(Role.PROCUREMENT_OFFICER)
    rows = welfare_referrals(reader, fiscal_year=2025)

    assert [(r.supplier, r.programme_label, r.served) for r in rows] == [
        (enterprise, "통합사례관리", 2)
    ]
    # The firm's referrals on the social-economy page, the programme's on the LM3 page.
    client = Client()
    client.force_login(reader, backend="django.contrib.auth.backends.ModelBackend")
    page = client.get("/economy/social/?year=2025").content.decode()
    assert 'id="welfare-referrals-total">2<' in page
    lm3 = client.get("/economy/multiplier/?year=2025").content.decode()
    table = lm3[lm3.index('id="welfare-circulation"') :]
    assert "동네복지: 통합사례관리" in table
    assert '<td class="num">2</td><td class="num">1</td>' in table
    # A welfare officer reads neither figure (the economy's pages are not theirs).
    assert welfare_referrals(worker, fiscal_year=2025) == []
