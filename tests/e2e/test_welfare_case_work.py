"""The officer's day from a case to its closure, in Chromium: intake, assessment prefilled from
the visit, case conference, plan and the team lead's approval, a referral with consent and its
answer, a closure refused while work is open, asked for and approved by the team lead.
(The alert that starts the day is the urgency pages' own test.)"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone
from playwright.sync_api import expect

from saram.core.models import Dong, Role
from saram.welfare.models import Case, Resource, Visit
from saram.welfare.services import cases
from saram.welfare.services.config import ensure_default_config


def _login(context: Any, base_url: str, user: Any) -> Any:
    page = context.new_page()
    page.goto(f"{base_url}/accounts/login/")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", user.raw_password)
    with page.expect_navigation():
        page.press("input[name=password]", "Enter")
    return page


def _submit(page: Any, form: str) -> None:
    with page.expect_navigation():
        page.locator(f"{form} button[type=submit]").first.click()


def test_case_to_closure_with_the_team_leads_approval(
    browser: Any, live_server: Any, city: Any, make_user: Any, make_person: Any
) -> None:
    dong = Dong.objects.get(name="송천1동")
    ensure_default_config(city=city)
    officer = make_user(Role.WELFARE_OFFICER, dong, first_name="김주무관")
    lead = make_user(Role.WELFARE_SUPERVISOR, dong, first_name="박팀장")
    person = make_person(dong, name="박순자", birth_date=dt.date(1946, 5, 2), lives_alone=True)
    visit = Visit.objects.create(
        person=person,
        dong=dong,
        visitor=officer,
        visited_at=timezone.now(),
        outcome="met",
        needs=["food", "health"],
    )
    case = cases.open_case(
        by=officer,
        person=person,
        programme="integrated",
        visit=visit,
        intake_note="긴급 알림 뒤 방문 상담",
        now=timezone.now(),
    )
    food_bank = Resource.objects.create(
        city=city, name="전주푸드뱅크", kind="local", provider="전주푸드뱅크", needs=["food"]
    )
    base = live_server.url
    page = _login(browser.new_context(locale="ko-KR"), base, officer)
    page.goto(f"{base}/welfare/cases/{case.pk}/")
    expect(page.locator("#case-steps .current")).to_have_text("초기상담")

    # 욕구 사정: the visit's needs are already ticked.
    expect(page.locator("#assessment input[value=food]")).to_be_checked()
    expect(page.locator("#assessment input[value=health]")).to_be_checked()
    _submit(page, "#assessment form")
    expect(page.locator("#case-steps .current")).to_have_text("사례회의")

    page.fill("#conference input[name=attendees]", "김주무관, 박팀장, 복지관 사례관리자")
    page.fill("#conference textarea[name=decisions]", "푸드뱅크 연계, 2주 뒤 점검")
    _submit(page, "#conference form")
    expect(page.locator("#case-steps .current")).to_have_text("서비스 계획")

    page.locator("summary", has_text="계획 더하기").click()
    page.fill("input[name=action]", "푸드뱅크 연계")
    page.fill("input[name=owner_name]", "전주푸드뱅크")
    page.fill("input[name=due_on]", timezone.localdate().isoformat())
    _submit(page, "form[action$='/actions/']")
    _submit(page, "#ask-plan-approval")
    expect(page.locator("#pending-approval")).to_contain_text("계획 결재")

    lead_page = _login(browser.new_context(locale="ko-KR"), base, lead)
    lead_page.goto(f"{base}/welfare/approvals/")
    lead_page.locator(".approval input[value=approve]").check()
    _submit(lead_page, ".approval form")
    page.goto(f"{base}/welfare/cases/{case.pk}/")
    expect(page.locator("#case-steps .current")).to_have_text("서비스 제공")

    # A referral needs consent first.
    expect(page.locator("#consent-status")).to_contain_text("제3자 제공 동의 없음")
    page.goto(f"{base}/welfare/people/{person.pk}/consent/")
    page.select_option("select[name=kind]", "third_party")
    page.fill("input[name=scope]", "푸드뱅크 연계를 위한 제공")
    page.locator("input[name=method][value=verbal]").check()
    page.fill("input[name=witness]", "이통장")
    _submit(page, "#consent-form")
    page.goto(f"{base}/welfare/cases/{case.pk}/")
    page.select_option("#refer select[name=resource]", str(food_bank.pk))
    _submit(page, "#refer")
    expect(page.locator("#referrals")).to_contain_text("의뢰함")

    # Closing now is refused: needs and the referral are still open.
    page.select_option("#close-case select[name=reason]", "connected")
    _submit(page, "#close-case")
    expect(page.locator(".messages")).to_contain_text("해결되지 않은 욕구 2건")
    assert Case.objects.get(pk=case.pk).is_open

    row = page.locator("#referrals tr[data-status=sent]")
    row.locator("select[name=status]").select_option("accepted")
    _submit(page, "#referrals tr[data-status=sent] form")
    row = page.locator("#referrals tr[data-status=accepted]")
    row.locator("select[name=status]").select_option("served")
    _submit(page, "#referrals tr[data-status=accepted] form")
    for _ in range(2):
        _submit(page, "form[action$='/needs/met/']:has(input[name=met][value='1'])")
    page.select_option("#close-case select[name=reason]", "connected")
    _submit(page, "#close-case")
    expect(page.locator("#pending-approval")).to_contain_text("종결 결재")
    assert Case.objects.get(pk=case.pk).is_open  # the officer asked; the lead decides

    lead_page.goto(f"{base}/welfare/cases/{case.pk}/")
    lead_page.locator("#decide input[value=approve]").check()
    _submit(lead_page, "#decide")
    expect(lead_page.locator("#case-status")).to_contain_text("종결")
    closed = Case.objects.get(pk=case.pk)
    assert (closed.is_open, closed.closed_by, closed.stage) == (False, lead, "closed")
