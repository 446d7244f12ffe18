"""긴급 and what outcomes set going, on a frozen clock: the alert reaches the officer at once,
climbs to the team lead and then the city on the city's timetable until someone acts;
not at home twice, a refusal, a move and a death of a high-risk person."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from saram.core.errors import SaramError
from saram.core.models import Role
from saram.welfare.models import (
    Alert,
    AlertLevel,
    Assignment,
    AssignmentStatus,
    DongSettings,
    DueRule,
)
from saram.welfare.services import alerts, due, rounds, visits

from .conftest import NOW, TODAY

SEOUL = dt.timezone(dt.timedelta(hours=9))


@pytest.fixture
def people(
    officer: Any,
    make_user: Any,
    make_member: Any,
    dong: Any,
    city: Any,
    make_person: Any,
    add_signal: Any,
) -> dict[str, Any]:
    officer.email = "officer@example.kr"
    officer.save()
    lead = make_user(Role.WELFARE_OFFICER, dong, username="lead-park", email="lead@example.kr")
    DongSettings.objects.update_or_create(dong=dong, defaults={"team_lead": lead})
    admin = make_user(Role.CITY_ADMIN, city, username="city-admin", email="city@example.kr")
    member = make_member(username="member-lee")
    other = make_member(username="member-choi")
    frail = make_person(dong, birth_date=dt.date(1938, 5, 5), lives_alone=True, name="최노인")
    add_signal(frail, "water_cut_off")
    round_ = rounds.plan_round(by=officer, dong=dong, today=TODAY)
    (a,) = rounds.start_round(by=officer, round_=round_, assignees=[member], now=NOW)
    return {
        "lead": lead,
        "admin": admin,
        "member": member,
        "other": other,
        "a": a,
        "frail": frail,
        "round": round_,
    }


def test_a_high_risk_person_is_due_in_three_days_by_the_city_rule(
    people: dict[str, Any], city: Any
) -> None:
    a = people["a"]
    assert a.is_high_risk and a.is_urgent and a.due_on == TODAY + dt.timedelta(days=3)
    (rule,) = DueRule.objects.filter(city=city)
    assert rule.days == 3 and rule.min_age == 75 and rule.source


def test_the_city_edits_the_rule_and_the_next_round_follows_it(
    officer: Any, dong: Any, city: Any, make_user: Any, make_person: Any, add_signal: Any
) -> None:
    admin = make_user(Role.CITY_ADMIN, city)
    (rule,) = due.ensure_default_rules(city=city)
    due.save_rule(by=admin, city=city, rule=rule, days=2)
    with pytest.raises(SaramError) as refused:
        due.save_rule(by=admin, city=city, rule=rule, days=0)
    assert refused.value.code == "bad_due_days"
    with pytest.raises(SaramError):
        due.save_rule(by=officer, city=city, rule=rule, days=5)  # not the city
    frail = make_person(dong, birth_date=dt.date(1940, 1, 1), lives_alone=True)
    add_signal(frail, "gas_cut_off")
    round_ = rounds.plan_round(by=officer, dong=dong, today=TODAY)
    (a,) = rounds.start_round(by=officer, round_=round_, assignees=[officer], now=NOW)
    assert a.due_on == TODAY + dt.timedelta(days=2)


def test_an_alert_reaches_the_officer_at_once_and_climbs_until_answered(
    people: dict[str, Any], officer: Any, django_capture_on_commit_callbacks: Any
) -> None:
    member, a = people["member"], people["a"]
    with django_capture_on_commit_callbacks(execute=True):
        alert = alerts.raise_alert(by=member, assignment=a, reason="not_seen", now=NOW)
    assert alert.level == AlertLevel.OFFICER
    # The lead is an officer of the dong too: both hear at once. The mail names no resident.
    assert sorted(m.to[0] for m in mail.outbox) == ["lead@example.kr", "officer@example.kr"]
    assert all("최노인" not in m.body for m in mail.outbox)
    mail.outbox.clear()

    with time_machine.travel(NOW + dt.timedelta(minutes=59), tick=False):
        call_command("escalate_alerts", stdout=io.StringIO())
    alert.refresh_from_db()
    assert alert.level == AlertLevel.OFFICER and not mail.outbox

    with time_machine.travel(NOW + dt.timedelta(minutes=60), tick=False):
        assert alerts.escalate_alerts(now=timezone.now()) == 1
        assert alerts.escalate_alerts(now=timezone.now()) == 0  # once per level
    alert.refresh_from_db()
    assert alert.level == AlertLevel.TEAM_LEAD
    assert [m.to for m in mail.outbox] == [["lead@example.kr"]]

    with time_machine.travel(NOW + dt.timedelta(minutes=240), tick=False):
        assert alerts.escalate_alerts(now=timezone.now()) == 1
    alert.refresh_from_db()
    assert alert.level == AlertLevel.CITY
    assert mail.outbox[-1].to == ["city@example.kr"]

    alerts.answer_alert(
        by=people["admin"], alert=alert, step="door_opened", note="경찰과 함께", now=NOW
    )
    with pytest.raises(SaramError) as twice:
        alerts.answer_alert(by=officer, alert=alert, step="call", now=NOW)
    assert twice.value.code == "alert_answered"


def test_an_answered_alert_stops_climbing_and_the_city_sets_the_timetable(
    people: dict[str, Any], officer: Any, city: Any
) -> None:
    alerts.set_policy(
        by=people["admin"],
        city=city,
        team_lead_after_minutes=10,
        city_after_minutes=30,
        source="시 긴급대응 지침 2025-06",
    )
    with pytest.raises(SaramError) as bad:
        alerts.set_policy(
            by=people["admin"],
            city=city,
            team_lead_after_minutes=30,
            city_after_minutes=30,
            source="",
        )
    assert bad.value.code == "bad_escalation_minutes"
    alert = alerts.raise_alert(
        by=people["member"], assignment=people["a"], reason="danger", now=NOW
    )
    assert alerts.escalate_alerts(now=NOW + dt.timedelta(minutes=9)) == 0
    assert alerts.escalate_alerts(now=NOW + dt.timedelta(minutes=10)) == 1
    alerts.answer_alert(
        by=officer, alert=alert, step="call_119", now=NOW + dt.timedelta(minutes=11)
    )
    assert alerts.escalate_alerts(now=NOW + dt.timedelta(hours=5)) == 0
    alert.refresh_from_db()
    assert alert.level == AlertLevel.TEAM_LEAD and alert.step == "call_119"


def test_only_the_visitor_or_an_officer_may_raise_an_alert(people: dict[str, Any]) -> None:
    with pytest.raises(SaramError) as refused:
        alerts.raise_alert(by=people["other"], assignment=people["a"], reason="danger", now=NOW)
    assert refused.value.code == "alert_not_yours"
    with pytest.raises(SaramError):
        alerts.raise_alert(by=people["member"], assignment=people["a"], reason="bogus", now=NOW)
    assert not Alert.objects.exists()


def test_not_at_home_twice_for_a_high_risk_person_raises_an_alert_by_itself(
    people: dict[str, Any],
) -> None:
    member, a = people["member"], people["a"]
    visits.record_visit(by=member, assignment=a, visited_at=NOW, outcome="not_home", now=NOW)
    assert not Alert.objects.exists()
    later = NOW + dt.timedelta(days=1)
    visits.record_visit(by=member, assignment=a, visited_at=later, outcome="not_home", now=later)
    (alert,) = Alert.objects.all()
    assert alert.reason == "not_home_twice" and alert.raised_by is None
    visits.record_visit(by=member, assignment=a, visited_at=later, outcome="not_home", now=later)
    assert Alert.objects.count() == 1


def test_a_high_risk_refusal_gets_a_second_attempt_by_someone_else(
    people: dict[str, Any],
) -> None:
    member, a = people["member"], people["a"]
    visits.record_visit(by=member, assignment=a, visited_at=NOW, outcome="refused", now=NOW)
    a.refresh_from_db()
    assert a.status == AssignmentStatus.ENDED  # a refusal is not done
    second = Assignment.objects.get(previous=a)
    assert second.assignee_id != member.pk and second.status == AssignmentStatus.OPEN
    assert second.is_high_risk and second.due_on == TODAY + dt.timedelta(days=3)


def test_a_move_opens_a_transfer_and_a_death_ends_the_visit(
    people: dict[str, Any], officer: Any, dong: Any, make_person: Any, add_signal: Any
) -> None:
    member, a = people["member"], people["a"]
    visits.record_visit(by=member, assignment=a, visited_at=NOW, outcome="moved", now=NOW)
    a.refresh_from_db()
    assert a.status == AssignmentStatus.ENDED and a.transfer_note
    other = make_person(dong)
    add_signal(other, "gas_cut_off")
    round_ = rounds.plan_round(by=officer, dong=dong, today=TODAY)
    started = rounds.start_round(by=officer, round_=round_, assignees=[officer], now=NOW)
    # The one who moved is flagged again (a move is not done) until the transfer takes them.
    assert {x.person_id for x in started} == {people["frail"].pk, other.pk}
    (b,) = [x for x in started if x.person_id == other.pk]
    visits.record_visit(
        by=officer, assignment=b, visited_at=NOW, outcome="deceased", note="", now=NOW
    )
    b.refresh_from_db()
    assert b.status == AssignmentStatus.ENDED and b.outcome == "deceased"
    assert b.visits.get().outcome == "deceased"  # the record it closes with


def test_a_death_recorded_closes_the_open_alert_and_it_climbs_no_further(
    people: dict[str, Any], officer: Any, client_as: Any, dong: Any
) -> None:
    from saram.welfare.services import life_events

    alert = alerts.raise_alert(
        by=people["member"], assignment=people["a"], reason="danger", now=NOW
    )
    assert alerts.escalate_alerts(now=NOW + dt.timedelta(hours=1)) == 1  # the team lead's now
    death = life_events.record_death(
        by=officer, person=people["frail"], note="가족 연락", now=NOW + dt.timedelta(hours=2)
    )
    assert death.closed_alerts == 1
    alert.refresh_from_db()
    assert alert.answered_at == NOW + dt.timedelta(hours=2) and alert.step == "died"
    assert alerts.escalate_alerts(now=NOW + dt.timedelta(hours=5)) == 0
    alert.refresh_from_db()
    assert alert.level == AlertLevel.TEAM_LEAD  # it never reached the city
    page = client_as("welfare_officer", dong).get(f"/welfare/alerts/{alert.pk}/")
    assert "사망 기록으로 종결" in page.content.decode()
    # Nobody records a step for it afterwards, nor chooses "died" by hand.
    with pytest.raises(SaramError) as answered:
        alerts.answer_alert(by=officer, alert=alert, step="call", now=NOW + dt.timedelta(hours=3))
    assert answered.value.code == "alert_answered"
    with pytest.raises(SaramError) as by_hand:
        alerts.answer_alert(by=officer, alert=alert, step="died", now=NOW)
    assert by_hand.value.code == "bad_alert_step"


def test_the_officers_home_shows_the_alert_waiting_for_action(
    people: dict[str, Any], officer: Any, client_as: Any, dong: Any
) -> None:
    client = client_as("welfare_officer", dong)
    assert '<b id="open-alerts">0</b>' in client.get("/welfare/").content.decode()
    alert = alerts.raise_alert(
        by=people["member"], assignment=people["a"], reason="danger", now=NOW
    )
    assert '<b id="open-alerts">1</b>' in client.get("/welfare/").content.decode()
    alerts.answer_alert(by=officer, alert=alert, step="call", now=NOW)
    assert '<b id="open-alerts">0</b>' in client.get("/welfare/").content.decode()
