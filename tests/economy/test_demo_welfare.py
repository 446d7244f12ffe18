"""#13 Part D on the demo: services bought for welfare cases are in the demo's ledger under the
welfare programmes, paid to the city's social-economy organisations (the ones the welfare
resource directory sends people to) and to a few firms from elsewhere, so the LM3 page's
welfare table shows real figures, not its empty state."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from saram.core.models import Organisation, OrganisationKind, Role
from saram.economy import selectors
from saram.economy.demo import load_demo
from saram.economy.engine.registry import make_business_number
from saram.economy.models import ImportSource, LedgerEntry, LedgerImport
from saram.economy.selectors import LedgerFilter
from saram.welfare.models import Case, Referral, Resource

pytestmark = pytest.mark.django_db

PROVIDER_KINDS = (
    OrganisationKind.SOCIAL_ENTERPRISE,
    OrganisationKind.COOPERATIVE,
    OrganisationKind.SELF_SUFFICIENCY,
)


@pytest.fixture
def providers(city: Any, dong: Any) -> list[Organisation]:
    """Social-economy organisations of the city, as the core demo makes them."""
    return [
        Organisation.objects.create(
            kind=kind,
            name=f"전주 {kind} {i}",
            business_number=make_business_number(402_050_000 + 10 * n + i),
            dong=dong,
            address=f"전북특별자치도 전주시 완산구 {dong.name} {n}{i}",
        )
        for n, kind in enumerate(PROVIDER_KINDS)
        for i in range(2)
    ]


def test_the_demo_buys_welfare_services_and_the_lm3_page_shows_them(
    city: Any, providers: list[Organisation], make_user: Any, make_person: Any, dong: Any
) -> None:
    # What the welfare demo leaves: a directory entry for one provider, its dong's officer and
    # residents.
    resource = Resource.objects.create(
        city=city, name="반찬 배달", kind="local", organisation=providers[0], provider="x",
        needs=["food"],
    )  # fmt: skip
    make_user(Role.WELFARE_OFFICER, dong)
    for _n in range(12):
        make_person()
    loaded = load_demo(city=city, seed=7, with_meals=False)

    assert loaded["welfare_purchases"] > 0
    imports = LedgerImport.objects.filter(source=ImportSource.WELFARE)
    assert sorted(imports.values_list("fiscal_year", flat=True)) == [2023, 2024, 2025]
    # Paid to the city's organisations the welfare directory uses, and to firms elsewhere.
    paid = LedgerEntry.objects.filter(programme__code__startswith="welfare-", fiscal_year=2025)
    firms = set(paid.values_list("supplier__organisation_id", flat=True))
    assert {p.pk for p in providers} & firms
    assert paid.exclude(supplier__locality="in_city").exists()
    # Instalments of yearly agreements won in an open call: not flagged as split contracts.
    flags = selectors.ledger_split_flags(make_user(Role.PROCUREMENT_OFFICER), fiscal_year=2025)
    welfare_ids = set(paid.values_list("payment_id", flat=True))
    assert all(p.startswith("W2025-") for p in welfare_ids)  # a number, no internal code
    assert not [p for f in flags for p in f.purchase_ids if p in welfare_ids]

    # The organisations' referrals fall in the ledger's years too (the welfare demo's own cases
    # are this year's): closed cases of 2023-2025 whose referrals they served, counted per
    # programme beside the spending. A second load adds none.
    assert loaded["welfare_past_referrals"] > 0
    served = Referral.objects.filter(status="served", resource=resource)
    assert {r.served_at.year for r in served} == {2023, 2024, 2025}
    assert not Case.objects.filter(referrals__in=served, closed_at__isnull=True).exists()
    assert load_demo(city=city, seed=7, with_meals=False)["welfare_past_referrals"] == 0

    reader = make_user(Role.PROCUREMENT_OFFICER)
    shares = {
        r.key: r
        for r in selectors.local_share(reader, LedgerFilter(fiscal_year=2025), by="programme")
    }
    report = selectors.lm3_report(reader, fiscal_year=2025)
    rows = selectors.welfare_circulation(reader, fiscal_year=2025, report=report, shares=shares)
    by_label = {r.label: r for r in rows}
    assert set(by_label) == {
        "동네복지: 통합사례관리",
        "동네복지: 긴급 지원",
        "동네복지: 단순 서비스 연계",
    }
    for row in rows:
        assert row.spent_krw > row.in_city_krw > 0
        assert row.local_percent is not None and 40 < row.local_percent < 95
        assert row.lm3 is not None and row.lm3 > 1
    assert sum(r.referrals for r in rows) == served.filter(served_at__year=2025).count() > 0
    assert {r.firms for r in rows if r.referrals} == {1}

    client = Client()
    client.force_login(reader, backend="django.contrib.auth.backends.ModelBackend")
    page = client.get("/economy/multiplier/?year=2025").content.decode()
    table = page[
        page.index('id="welfare-circulation"') : page.index(
            "</table>", page.index('id="welfare-circulation"')
        )
    ]
    assert 'class="empty"' not in table
    assert "동네복지: 긴급 지원" in table
    client.cookies["django_language"] = "en"
    english = client.get("/economy/multiplier/?year=2025", HTTP_ACCEPT_LANGUAGE="en")
    assert (
        "동네복지"
        not in english.content.decode().split('id="welfare-circulation"')[1].split("</table>")[0]
    )
