"""Part D in a real Chromium: services bought for welfare cases and referrals served by a
social enterprise appear on the LM3 page beside the programme's local share, and on the
social-economy page per firm."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from django.utils import timezone
from playwright.sync_api import expect

from saram.core.models import Organisation, OrganisationKind, Role
from saram.economy.engine.registry import make_business_number
from saram.economy.models import Category, Department, Supplier
from saram.economy.services import welfare_spending
from saram.welfare.models import Case, Referral, Resource

SHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"


def _welfare_money(city: Any, dong: Any, make_user: Any, make_person: Any) -> None:
    Category.objects.create(code="care", name="돌봄 서비스", kind="services")
    Department.objects.create(code="welfare", name="복지정책과")
    org = Organisation.objects.create(
        kind=OrganisationKind.SOCIAL_ENTERPRISE,
        name="한울 돌봄 사회적협동조합",
        business_number=make_business_number(77_001),
        address="전북특별자치도 전주시 덕진구 송천동 1",
        dong=dong,
    )
    firm = Supplier.objects.create(
        organisation=org, locality="in_city", social_economy_type="social_cooperative"
    )
    buyer = make_user(Role.PROCUREMENT_OFFICER)
    welfare_spending.record_welfare_purchases(
        by=buyer,
        fiscal_year=2025,
        purchases=[
            welfare_spending.WelfarePurchase(
                payment_id="W-1",
                paid_on=dt.date(2025, 5, 2),
                welfare_programme="integrated",
                welfare_programme_label="통합사례관리",
                department="복지정책과",
                category="care",
                business_number=firm.business_number,
                amount_krw=4_200_000,
            )
        ],
    )
    worker = make_user(Role.WELFARE_OFFICER, dong)
    resource = Resource.objects.create(
        city=city, name="방문 돌봄", kind="local", organisation=org, provider="한울"
    )
    when = timezone.now().replace(year=2025, month=6)
    for _i in range(3):
        case = Case.objects.create(
            person=make_person(), dong=dong, programme="integrated", opened_by=worker,
            opened_at=when,
        )  # fmt: skip
        Referral.objects.create(
            case=case, resource=resource, dong=dong, status="served", sent_by=worker,
            sent_at=when, served_at=when,
        )  # fmt: skip


def test_welfare_money_is_shown_with_the_local_share_and_lm3(
    logged_in_page: Any, city: Any, dong: Any, make_user: Any, make_person: Any
) -> None:
    _welfare_money(city, dong, make_user, make_person)
    SHOTS.mkdir(parents=True, exist_ok=True)
    page = logged_in_page(Role.PROCUREMENT_OFFICER)

    page.goto("/economy/multiplier/?year=2025")
    row = page.locator("#welfare-circulation tbody tr").first
    expect(row).to_contain_text("동네복지: 통합사례관리")
    expect(row).to_contain_text("4,200,000")
    expect(row.locator("td").nth(5)).to_have_text("3")
    page.screenshot(path=str(SHOTS / "economy-welfare-money.png"), full_page=True)

    page.goto("/economy/social/?year=2025")
    expect(page.locator("#welfare-referrals-total")).to_have_text("3")
    expect(page.locator("#social-orgs")).to_contain_text("한울 돌봄 사회적협동조합")
