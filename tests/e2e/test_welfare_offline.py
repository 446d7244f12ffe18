"""Visits that work offline, in Chromium on a phone-sized screen: the member opens their visits
once, loses the signal, records visits, and they are stored when the phone is back online; a
visit the office changed meanwhile becomes a conflict the officer sees, not an overwrite."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone
from playwright.sync_api import expect

from saram.core.models import Dong, Role
from saram.welfare.models import Committee, CommitteeMember, Signal, SignalKind, SyncConflict, Visit
from saram.welfare.services import rounds, visits
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


def _record_offline(page: Any, base_url: str, assignment: Any, outcome: str, note: str) -> None:
    """Open the visit without a connection and record it: the service worker shows the app
    shell, which keeps the visit on the phone."""
    page.goto(f"{base_url}/welfare/my/{assignment.pk}/")
    form = page.locator("#offline-visit-form")
    expect(form).to_be_visible()
    expect(page.locator("#offline-app h1")).to_have_text(assignment.person.name)
    form.locator(f"input[name=outcome][value={outcome}]").check()
    if outcome == "met":
        form.locator("input[name=needs][value=food]").check()
    form.locator("textarea[name=note]").fill(note)
    with page.expect_navigation():
        form.locator("#offline-save").click()


def test_visits_recorded_offline_are_synced_and_a_conflict_is_kept(
    browser: Any,
    live_server: Any,
    city: Any,
    make_user: Any,
    make_person: Any,
    tmp_path: Any,
) -> None:
    dong = Dong.objects.get(name="송천1동")
    ensure_default_config(city=city)
    officer = make_user(Role.WELFARE_OFFICER, dong, first_name="김주무관")
    member = make_user(Role.COMMITTEE_MEMBER, dong, first_name="이위원")
    committee = Committee.objects.create(dong=dong, name="송천1동 복지위원회")
    CommitteeMember.objects.create(
        committee=committee, name="이위원", user=member, joined_on=dt.date(2024, 1, 1)
    )
    gas = SignalKind.objects.get(code="gas_cut_off")
    for name in ("박순자", "최영희", "정말순"):
        person = make_person(dong, name=name, lives_alone=True, birth_date=dt.date(1944, 3, 1))
        Signal.objects.create(
            person=person, kind=gas, observed_on=timezone.localdate(), value=1, source="e2e"
        )
    round_ = rounds.plan_round(by=officer, dong=dong)
    made = rounds.start_round(by=officer, round_=round_, assignees=[member], now=timezone.now())
    first, second, third = sorted(made, key=lambda a: a.person.name)

    context = browser.new_context(viewport=PHONE, locale="ko-KR", timezone_id="Asia/Seoul")
    phone = _login(context, live_server.url, member)
    phone.goto(f"{live_server.url}/welfare/my/")
    expect(phone.locator("html[data-offline-ready='1']")).to_have_count(1)
    phone.evaluate("navigator.serviceWorker.ready.then(() => true)")
    phone.reload()  # now controlled by the service worker
    expect(phone.locator("html[data-offline-ready='1']")).to_have_count(1)

    context.set_offline(True)
    _record_offline(phone, live_server.url, first, "met", "쌀이 떨어졌다고 함")
    _record_offline(phone, live_server.url, second, "not_home", "문 앞에 쪽지")
    # Meanwhile in the office, the third person's visit is recorded by the officer.
    visits.record_visit(
        by=officer,
        assignment=third,
        visited_at=timezone.now(),
        outcome="moved",
        note="전출 확인",
        now=timezone.now(),
    )
    _record_offline(phone, live_server.url, third, "met", "만났어요")
    expect(phone.locator(".offline-queued")).to_contain_text("3")
    assert not Visit.objects.filter(visitor=member).exists()  # nothing left the phone yet
    phone.screenshot(path=str(tmp_path / "offline-queued.png"))

    context.set_offline(False)
    phone.evaluate("window.dispatchEvent(new Event('online'))")
    expect(phone.locator("html[data-offline-synced]")).to_have_count(1, timeout=15_000)
    stored = Visit.objects.filter(visitor=member, client_id__isnull=False)
    assert sorted(stored.values_list("note", flat=True)) == ["문 앞에 쪽지", "쌀이 떨어졌다고 함"]
    third.refresh_from_db()
    assert (third.outcome, third.status) == (
        "moved",
        "ended",
    )  # the office's record stands (a move ends the visit, not done)
    assert SyncConflict.objects.get().payload["note"] == "만났어요"

    office = _login(browser.new_context(locale="ko-KR"), live_server.url, officer)
    office.goto(f"{live_server.url}/welfare/conflicts/")
    expect(office.locator(".conflict")).to_contain_text("만났어요")

    # Logging out deletes what the phone kept.
    phone.goto(f"{live_server.url}/welfare/my/")
    with phone.expect_navigation():
        phone.locator("form[action$='/accounts/logout/'] button").click()
    names = phone.evaluate("indexedDB.databases().then(d => d.map(x => x.name))")
    assert "saram-offline" not in names
    context.close()
