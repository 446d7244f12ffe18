"""One outreach round end to end in Chromium: the officer imports a signal file and starts a round,
a committee member records the visit on a phone, the officer opens a case and a referral, and
the dong's coverage shows it."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from playwright.sync_api import expect

from saram.core.models import Dong, Role
from saram.welfare.models import Committee, CommitteeMember, Resource
from saram.welfare.services.config import ensure_default_config

PHONE = {"width": 390, "height": 844}


def _shots() -> Path:
    out = Path(__file__).resolve().parents[2] / "var" / "screenshots"
    out.mkdir(parents=True, exist_ok=True)
    return out


def _login(context: Any, base_url: str, user: Any) -> Any:
    page = context.new_page()
    page.goto(f"{base_url}/accounts/login/")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", user.raw_password)
    with page.expect_navigation():
        page.press("input[name=password]", "Enter")
    return page


def test_officer_member_case_referral_coverage(
    logged_in_page: Any,
    browser: Any,
    live_server: Any,
    city: Any,
    make_user: Any,
    make_person: Any,
    tmp_path: Path,
) -> None:
    dong = Dong.objects.get(name="송천1동")
    config = ensure_default_config(city=city)
    assert config.version == 1
    elder = make_person(dong, name="박순자", birth_date=dt.date(1946, 5, 2), lives_alone=True)
    neighbour = make_person(dong, name="김철수", birth_date=dt.date(1980, 1, 1))
    member = make_user(Role.COMMITTEE_MEMBER, dong, username="member-e2e", first_name="이위원")
    committee = Committee.objects.create(dong=dong, name="송천1동 복지위원회")
    CommitteeMember.objects.create(
        committee=committee, name="이위원", user=member, joined_on=dt.date(2024, 1, 1)
    )
    Resource.objects.create(
        city=city,
        name="긴급복지지원 (생계지원)",
        kind="public",
        provider="전주시",
        needs=["income", "food"],
    )
    today = dt.date.today()
    signal_file = tmp_path / "signals.csv"
    signal_file.write_text(
        "주민등록번호,이름,생년월일,주소,신호유형,기준일,값,출처\n"
        f"{elder.rrn},,,,electricity_arrears,{today - dt.timedelta(days=3)},3,한국전력\n"
        f"{elder.rrn},,,,단수,{today - dt.timedelta(days=10)},,수도사업소\n"
        f",김철수,1980-01-01,{neighbour.address},telecom_arrears,{today},2,통신사\n",
        encoding="utf-8",
    )

    # The officer imports the file.
    officer = logged_in_page(Role.WELFARE_OFFICER, dong, username="officer-e2e")
    officer.goto(f"{live_server.url}/welfare/signals/")
    officer.set_input_files("input[name=file]", str(signal_file))
    officer.select_option("select[name=dong]", dong.code)
    officer.click("#upload")
    officer.wait_for_url("**/welfare/signals/*/")
    expect(officer.locator("#import-status")).to_have_attribute(
        "data-status", "imported", timeout=15_000
    )
    expect(officer.locator("#imported-count")).to_have_text("3")

    # ... makes the list and starts the round, giving the visits to the committee member.
    officer.goto(f"{live_server.url}/welfare/outreach/{dong.code}/")
    officer.click("#plan")
    expect(officer.locator("#round-info")).to_have_attribute("data-status", "draft", timeout=15_000)
    first = officer.locator("#outreach tbody tr").first
    expect(first.locator(".reasons")).to_contain_text("전기요금 체납 3개월")
    expect(first.locator(".reasons")).to_contain_text("혼자 삶")
    expect(first.locator(".reasons")).to_contain_text(f"{_age(elder.birth_date)}세")
    officer.uncheck(f"input[name=assignees][value='{officer.user.pk}']")
    officer.check(f"input[name=assignees][value='{member.pk}']")
    officer.click("#start-round")
    expect(officer.locator("#round-info")).to_have_attribute("data-status", "open")
    officer.screenshot(path=str(_shots() / "welfare-round.png"), full_page=True)

    # The member records the visit on a phone.
    phone_context = browser.new_context(viewport=PHONE, locale="ko-KR", timezone_id="Asia/Seoul")
    phone = _login(phone_context, live_server.url, member)
    phone.goto(f"{live_server.url}/welfare/my/")
    card = phone.locator(".visit-card", has_text="박순자")
    expect(card).to_be_visible()
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    phone.screenshot(path=str(_shots() / "welfare-member-list.png"), full_page=True)
    card.click()
    expect(phone.locator("h1")).to_have_text("박순자")
    expect(phone.locator("body")).not_to_contain_text("전기요금")  # no reasons for members
    phone.check("input[name=outcome][value=met]")
    phone.check("input[name=needs][value=food]")
    phone.check("input[name=needs][value=income]")
    phone.fill("textarea[name=note]", "냉장고가 비어 있음")
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    phone.screenshot(path=str(_shots() / "welfare-member-visit.png"), full_page=True)
    phone.click("#save-visit")
    phone.wait_for_url("**/welfare/my/")
    expect(phone.locator(".visit-card", has_text="박순자")).to_have_count(0)
    phone_context.close()

    # The officer opens a case and makes a referral.
    officer.goto(f"{live_server.url}/welfare/people/{elder.pk}/")
    officer.select_option("#open-case select[name=programme]", "integrated")
    officer.check("#open-case input[name=needs][value=food]")
    officer.click("#open-case button[type=submit]")
    officer.wait_for_url("**/welfare/cases/*/")
    expect(officer.locator("#case-status")).to_contain_text("진행 중")
    case_url = officer.url
    # A referral shares her data with the provider: her consent is recorded first.
    officer.goto(f"{live_server.url}/welfare/people/{elder.pk}/consent/")
    officer.select_option("#consent-form select[name=kind]", "third_party")
    officer.fill("#consent-form input[name=scope]", "긴급복지지원 연계")
    officer.check("#consent-form input[name=method][value=verbal]")
    officer.fill("#consent-form input[name=witness]", "이위원")
    with officer.expect_navigation():
        officer.click("#consent-form button[type=submit]")
    officer.goto(case_url)
    officer.select_option("#refer select[name=resource]", label="긴급복지지원 (생계지원) · 전주시")
    officer.fill("#refer input[name=note]", "생계비 긴급 지원")
    officer.click("#refer button[type=submit]")
    expect(officer.locator("#referrals tbody tr[data-status=sent]")).to_have_count(1)
    officer.screenshot(path=str(_shots() / "welfare-case.png"), full_page=True)

    # Coverage: both flagged people counted, the one met reached, one open case, one referral
    # waiting.
    officer.goto(f"{live_server.url}/welfare/coverage/{dong.code}/")
    expect(officer.locator("#flagged")).to_have_text("2")
    expect(officer.locator("#reached")).to_have_text("1")
    expect(officer.locator("#open-cases")).to_have_text("1")
    expect(officer.locator("#pending-referrals")).to_have_text("1")
    expect(officer.locator("body[data-charts-ready='1']")).to_be_attached(timeout=10_000)
    officer.screenshot(path=str(_shots() / "welfare-coverage.png"), full_page=True)


def _age(born: dt.date) -> int:
    today = dt.date.today()
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))
