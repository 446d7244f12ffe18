"""The funnel on a hand-made dong: everyone flagged is counted, the unlisted keep their reason,
visits not yet due are pending, refusals are not successes."""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pytest

from saram.welfare.engine import funnel as engine_funnel
from saram.welfare.models import (
    Case,
    CaseNeed,
    FlaggedPerson,
    NotListed,
    Visit,
)
from saram.welfare.services import funnel, rounds, visits

from .conftest import NOW, TODAY


@pytest.fixture
def world(officer: Any, dong: Any, make_person: Any, add_signal: Any) -> dict[str, Any]:
    urgent = make_person(dong, birth_date=dt.date(1940, 3, 1), lives_alone=True, name="김긴급")
    add_signal(urgent, "electricity_cut_off")
    young = [make_person(dong, birth_date=dt.date(1990, 1, 1)) for _ in range(5)]
    for person in young:
        add_signal(person, "gas_cut_off")
    in_case = make_person(dong, birth_date=dt.date(1990, 1, 1))
    add_signal(in_case, "gas_cut_off")
    Case.objects.create(
        person=in_case, dong=dong, programme="integrated", opened_by=officer, opened_at=NOW
    )
    make_person(dong)  # no signal: not flagged
    round_ = rounds.plan_round(by=officer, dong=dong, today=TODAY, list_size=3)
    assignments = rounds.start_round(by=officer, round_=round_, assignees=[officer], now=NOW)
    return {
        "round": round_,
        "urgent": urgent,
        "young": young,
        "in_case": in_case,
        "by_person": {a.person_id: a for a in assignments},
    }


def test_everyone_flagged_is_kept_with_the_reason_they_are_not_listed(
    world: dict[str, Any],
) -> None:
    flags = dict(
        FlaggedPerson.objects.filter(round=world["round"]).values_list("person_id", "status")
    )
    young = world["young"]
    assert len(flags) == 7
    # The urgent person is listed first; of five equal scores the two oldest records follow.
    assert flags[world["urgent"].pk] == NotListed.LISTED
    assert [flags[p.pk] for p in young] == ["listed", "listed"] + ["below_cutoff"] * 3
    assert flags[world["in_case"].pk] == NotListed.OPEN_CASE


def test_the_urgent_are_listed_beyond_the_cut_off_with_a_three_day_due_date(
    officer: Any, dong: Any, make_person: Any, add_signal: Any
) -> None:
    people = [make_person(dong, birth_date=dt.date(1990, 1, 1)) for _ in range(3)]
    for person in people:
        add_signal(person, "job_loss")
        add_signal(person, "electricity_arrears", TODAY, 6)
    old = make_person(dong, birth_date=dt.date(1945, 1, 1), lives_alone=True)
    add_signal(old, "water_cut_off", TODAY - dt.timedelta(days=60))  # weaker: decayed
    round_ = rounds.plan_round(by=officer, dong=dong, today=TODAY, list_size=2)
    assert round_.listed_count == 3  # 2 by score, and the urgent one the cut-off would lose
    by_person = {
        a.person_id: a
        for a in rounds.start_round(by=officer, round_=round_, assignees=[officer], now=NOW)
    }
    assert by_person[old.pk].due_on == TODAY + dt.timedelta(days=3)
    assert by_person[old.pk].is_urgent and by_person[old.pk].is_high_risk
    assert by_person[people[0].pk].due_on == TODAY + dt.timedelta(days=14)
    assert not by_person[people[0].pk].is_high_risk


def test_the_funnel_counts_each_step_against_the_flagged(
    world: dict[str, Any], officer: Any, dong: Any
) -> None:
    urgent, young = world["urgent"], world["young"]
    by_person = world["by_person"]
    visits.record_visit(
        by=officer,
        assignment=by_person[urgent.pk],
        visited_at=NOW + dt.timedelta(hours=2),
        outcome="met",
        needs=["food"],
        now=NOW + dt.timedelta(hours=2),
    )
    visits.record_visit(
        by=officer,
        assignment=by_person[young[0].pk],
        visited_at=NOW + dt.timedelta(hours=3),
        outcome="refused",
        now=NOW + dt.timedelta(hours=3),
    )
    case = Case.objects.create(
        person=urgent,
        dong=dong,
        programme="emergency",
        opened_by=officer,
        opened_at=NOW + dt.timedelta(days=1),
    )
    CaseNeed.objects.create(case=case, category="food", is_met=True)
    Visit.objects.create(
        person=urgent,
        dong=dong,
        case=case,
        visitor=officer,
        visited_at=NOW + dt.timedelta(days=5),
        outcome="met",
    )

    (row,) = funnel.funnel_by_round(dong_ids=[dong.pk], today=TODAY + dt.timedelta(days=5))
    assert row.steps == {
        "flagged": 7,
        "listed": 3,
        "reached": 1,
        "assessed": 1,
        "helped": 1,
        "followed_up": 1,
    }
    assert row.reached_pct == round(100 / 7, 1)
    assert row.not_listed == {"below_cutoff": 3, "open_case": 1}
    # The second young person is not due yet: pending, not a miss. The refusal is a refusal.
    assert {k: v for k, v in row.stops.items() if v} == {"refused": 1, "pending": 1}

    (later,) = funnel.funnel_by_round(dong_ids=[dong.pk], today=TODAY + dt.timedelta(days=20))
    assert {k: v for k, v in later.stops.items() if v} == {"refused": 1, "unreachable": 1}

    people = {
        p.person_id: (p.step, p.stop)
        for p in funnel.people_of_round(world["round"], today=TODAY + dt.timedelta(days=20))
    }
    assert people[urgent.pk] == ("followed_up", "")
    assert people[young[0].pk] == ("listed", "refused")
    assert people[young[1].pk] == ("listed", "unreachable")


def test_a_met_person_with_no_need_stops_as_no_need(
    world: dict[str, Any], officer: Any, dong: Any
) -> None:
    a = world["by_person"][world["young"][1].pk]
    visits.record_visit(by=officer, assignment=a, visited_at=NOW, outcome="met", now=NOW)
    (row,) = funnel.funnel_by_round(dong_ids=[dong.pk], today=TODAY)
    assert row.steps["reached"] == 1 and row.steps["assessed"] == 1
    assert row.stops["no_need"] == 1
    by_month = funnel.by_month([row, row])
    assert len(by_month) == 1 and by_month[0].steps["flagged"] == 14


def test_the_engine_merges_a_second_attempt_into_one_person() -> None:
    attempts = engine_funnel.Attempts(
        group=np.array([1, 1, 1], dtype=np.int64),
        person=np.array([10, 10, 11], dtype=np.int64),
        outcome=np.array([engine_funnel.Outcome.REFUSED, engine_funnel.Outcome.MET, 0], np.int8),
        is_open=np.array([False, False, True]),
        due_day=np.array([100, 110, 90], dtype=np.int32),
        need_found=np.array([-1, 1, -1], dtype=np.int8),
        assessed=np.array([False, True, False]),
        helped=np.array([False, False, False]),
        followed_up=np.array([False, False, False]),
    )
    counted = engine_funnel.count_funnel(
        groups=np.array([1]),
        flagged=np.array([5]),
        listed=np.array([2]),
        attempts=attempts,
        today_day=95,
    )
    assert counted.row(1) == {
        "flagged": 5,
        "listed": 2,
        "reached": 1,
        "assessed": 1,
        "helped": 0,
        "followed_up": 0,
    }
    assert int(counted.stops[engine_funnel.Stop.UNREACHABLE][0]) == 1  # due day 90 < 95
    assert int(counted.stops[engine_funnel.Stop.IN_PROGRESS][0]) == 1
