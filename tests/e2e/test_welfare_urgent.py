"""긴급 end to end in Chromium: a committee member on a phone (390×844) raises an urgent alert
from the visit page with one tap and a reason; the officer finds it on the alert list and
records the step taken."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone
from playwright.sync_api import expect

from saram.core.models import Dong, Role
from saram.welfare.models import Alert, Committee, CommitteeMember, Signal, SignalKind
from saram.welfare.services import rounds
from saram.welfare.services.config import ensure_default_config

PHONE = {"width": 390, "height": 844}


def _login(context: Any, base_url: str, user: Any) -> Any:
    page = context.new_page()
    page.goto(f"{base_url}/accounts/login/")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", user.raw_password)
    with page.expect_navigation():
        page.press("input[name=password]", "Enter")
    return page


def test_member_raises_urgent_and_officer_records_the_step(
    browser: Any, live_server: Any, city: Any, make_user: Any, make_person: Any
) -> None:
    dong = Dong.objects.get(name="송천1동")
    ensure_default_config(city=city)
    elder = make_person(dong, name="정말순", birth_date=dt.date(1941, 2, 2), lives_alone=True)
    Signal.objects.create(
        person=elder,
        kind=SignalKind.objects.get(code="electricity_cut_off"),
        observed_on=timezone.localdate(),
        value=1,
    )
    officer = make_user(Role.WELFARE_OFFICER, dong, username="officer-e2e", first_name="김주무관")
    member = make_user(Role.COMMITTEE_MEMBER, dong, username="member-urgent", first_name="이위원")
    committee = Committee.objects.create(dong=dong, name="송천1동 복지위원회")
    CommitteeMember.objects.create(
        committee=committee, name="이위원", user=member, joined_on=dt.date(2024, 1, 1)
    )
    round_ = rounds.plan_round(by=officer, dong=dong)
    (a,) = rounds.start_round(by=officer, round_=round_, assignees=[member], now=timezone.now())
    assert a.is_urgent and a.due_on == timezone.localdate() + dt.timedelta(days=3)

    phone = browser.new_context(viewport=PHONE, locale="ko-KR", timezone_id="Asia/Seoul")
    page = _login(phone, live_server.url, member)
    page.goto(f"{live_server.url}/welfare/my/")
    card = page.locator(f'[data-assignment="{a.pk}"]')
    expect(card).to_contain_text("긴급")
    card.click()
    expect(page.locator("#why-listed")).to_contain_text("생활 요금")
    page.get_by_label("며칠째 보이지 않음").check()
    button = page.locator("#raise-urgent")
    box = button.bounding_box()
    assert box is not None and box["width"] >= 300  # one thumb-sized tap on a phone
    button.click()
    expect(page.locator("body")).to_contain_text("긴급 알림을 보냈습니다")
    phone.close()

    desk = browser.new_context(locale="ko-KR", timezone_id="Asia/Seoul")
    page = _login(desk, live_server.url, officer)
    page.goto(f"{live_server.url}/welfare/alerts/")
    row = page.locator("#alerts tbody tr").first
    expect(row).to_contain_text("며칠째 보이지 않음")
    expect(row).to_contain_text("조치 전")
    row.locator("a").click()
    expect(page.locator("h1")).to_contain_text("정말순")
    page.get_by_label("경찰과 함께 문 개방").check()
    page.fill("input[name=note]", "112와 함께 개방, 119 이송")
    page.locator("#record-step").click()
    expect(page.locator("#alert-answer")).to_contain_text("경찰과 함께 문 개방")
    desk.close()
    alert = Alert.objects.get()
    assert alert.step == "door_opened" and alert.answered_by == officer
