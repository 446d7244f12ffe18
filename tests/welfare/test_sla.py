"""The SLA: every visit has a due date; past it the visit is overdue and escalated, by clock."""

from __future__ import annotations

import datetime as dt
from typing import Any

import time_machine
from django.utils import timezone

from saram.welfare.models import Assignment, DongSettings
from saram.welfare.services import coverage, rounds, visits

from .conftest import NOW, TODAY

SEOUL = dt.timezone(dt.timedelta(hours=9))


def _started(officer: Any, dong: Any, people: list[Any], add_signal: Any) -> list[Assignment]:
    for person in people:
        add_signal(person, "gas_cut_off")
    round_ = rounds.plan_round(by=officer, dong=dong, today=TODAY, list_size=len(people))
    return rounds.start_round(by=officer, round_=round_, assignees=[officer], now=NOW)


def test_a_visit_is_overdue_only_after_its_due_day_ends(
    officer: Any, dong: Any, make_person: Any, add_signal: Any
) -> None:
    (a,) = _started(officer, dong, [make_person(dong)], add_signal)
    assert a.due_on == dt.date(2025, 7, 14)

    with time_machine.travel(dt.datetime(2025, 7, 14, 23, 59, tzinfo=SEOUL), tick=False):
        assert not rounds.is_overdue(a, timezone.now())
        assert rounds.escalate_overdue(now=timezone.now()) == 0

    with time_machine.travel(dt.datetime(2025, 7, 15, 0, 1, tzinfo=SEOUL), tick=False):
        assert rounds.is_overdue(a, timezone.now())
        assert rounds.escalate_overdue(now=timezone.now()) == 1
        assert rounds.escalate_overdue(now=timezone.now()) == 0  # once is enough
    a.refresh_from_db()
    assert a.escalated_at == dt.datetime(2025, 7, 15, 0, 1, tzinfo=SEOUL)


def test_a_visit_made_in_time_is_never_escalated(
    officer: Any, dong: Any, make_person: Any, add_signal: Any
) -> None:
    (a,) = _started(officer, dong, [make_person(dong)], add_signal)
    visits.record_visit(
        by=officer,
        assignment=a,
        visited_at=NOW + dt.timedelta(days=3),
        outcome="met",
        now=NOW + dt.timedelta(days=3),
    )
    later = NOW + dt.timedelta(days=30)
    assert rounds.escalate_overdue(now=later) == 0
    a.refresh_from_db()
    assert not rounds.is_overdue(a, later)


def test_not_at_home_does_not_stop_the_clock(
    officer: Any, dong: Any, make_person: Any, add_signal: Any
) -> None:
    (a,) = _started(officer, dong, [make_person(dong)], add_signal)
    visits.record_visit(by=officer, assignment=a, visited_at=NOW, outcome="not_home", now=NOW)
    assert rounds.escalate_overdue(now=NOW + dt.timedelta(days=15)) == 1


def test_the_due_date_follows_the_dongs_sla(
    officer: Any, dong: Any, make_person: Any, add_signal: Any
) -> None:
    DongSettings.objects.create(dong=dong, sla_days=3)
    (a,) = _started(officer, dong, [make_person(dong)], add_signal)
    assert a.due_on == TODAY + dt.timedelta(days=3)
    assert rounds.escalate_overdue(now=NOW + dt.timedelta(days=4)) == 1


def test_coverage_counts_a_visit_pending_before_its_due_date_and_missed_after(
    officer: Any, dong: Any, make_person: Any, add_signal: Any
) -> None:
    early, late, never = _started(officer, dong, [make_person(dong) for _ in range(3)], add_signal)
    on_day_10 = coverage.coverage_of(dong_ids=[dong.pk], now=NOW + dt.timedelta(days=10))[0]
    row = on_day_10[dong.pk].funnel
    assert row is not None and (row.steps["flagged"], row.steps["reached"]) == (3, 0)
    assert row.pending == 3 and row.missed == 0  # not yet due: pending, not missed

    visits.record_visit(
        by=officer,
        assignment=early,
        visited_at=NOW + dt.timedelta(days=14),
        outcome="met",
        now=NOW + dt.timedelta(days=14),
    )
    visits.record_visit(
        by=officer,
        assignment=late,
        visited_at=NOW + dt.timedelta(days=20),
        outcome="refused",
        now=NOW + dt.timedelta(days=20),
    )

    on_day_30 = coverage.coverage_of(dong_ids=[dong.pk], now=NOW + dt.timedelta(days=30))[0]
    row = on_day_30[dong.pk].funnel
    # A refusal is not a meeting: it is counted as the reason the person stopped.
    assert row is not None and row.steps["reached"] == 1 and row.reached_pct == 33.3
    assert {k: n for k, n in row.stops.items() if n} == {
        "refused": 1,
        "unreachable": 1,
        "no_need": 1,
    }
    assert never.pk


def test_the_officers_home_shows_what_runs_late_on_the_frozen_day(
    client_as: Any, officer: Any, dong: Any, make_person: Any, add_signal: Any
) -> None:
    _started(officer, dong, [make_person(dong)], add_signal)
    client = client_as("welfare_officer", dong)
    with time_machine.travel(dt.datetime(2025, 7, 10, 9, 0, tzinfo=SEOUL), tick=False):
        assert '<b id="overdue-count">0</b>' in client.get("/welfare/").content.decode()
    with time_machine.travel(dt.datetime(2025, 7, 20, 9, 0, tzinfo=SEOUL), tick=False):
        # Ten idle days end the session: the officer logs in again that morning.
        client.force_login(client.user, backend="django.contrib.auth.backends.ModelBackend")
        assert '<b id="overdue-count">1</b>' in client.get("/welfare/").content.decode()


def test_the_daily_command_escalates_what_is_overdue(
    officer: Any, dong: Any, make_person: Any, add_signal: Any
) -> None:
    import io

    from django.core.management import call_command

    (a,) = _started(officer, dong, [make_person(dong)], add_signal)
    out = io.StringIO()
    with time_machine.travel(dt.datetime(2025, 8, 1, 6, 0, tzinfo=SEOUL), tick=False):
        call_command("escalate_overdue", stdout=out)
    assert "escalated 1" in out.getvalue()
    a.refresh_from_db()
    assert a.escalated_at is not None
