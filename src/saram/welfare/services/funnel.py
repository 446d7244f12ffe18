"""The funnel of each dong's rounds, measured against everyone flagged: counts at each step,
why people stopped, and (for officers) who they are. Visits not yet due are pending, not
misses; refusals and moves are reasons, not successes."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from django.db.models import Count, Exists, OuterRef, Q

from saram.welfare.engine import funnel as engine_funnel
from saram.welfare.models import (
    Assignment,
    AssignmentStatus,
    Case,
    CaseNeed,
    ClosureReason,
    FlaggedPerson,
    NotListed,
    Referral,
    ReferralStatus,
    Round,
    RoundStatus,
    Visit,
    VisitOutcome,
)

STEPS = engine_funnel.STEPS
Stop = engine_funnel.Stop
_OUTCOME = {
    "": engine_funnel.Outcome.NONE,
    VisitOutcome.NOT_HOME: engine_funnel.Outcome.NOT_HOME,
    VisitOutcome.REFUSED: engine_funnel.Outcome.REFUSED,
    VisitOutcome.MOVED: engine_funnel.Outcome.MOVED,
    VisitOutcome.DECEASED: engine_funnel.Outcome.DECEASED,
    VisitOutcome.MET: engine_funnel.Outcome.MET,
}


@dataclass(frozen=True)
class FunnelRow:
    """One dong's round (or a sum of them): the count at each step and the reasons."""

    dong_id: int
    round_id: int | None
    number: int | None
    month: dt.date
    steps: dict[str, int]
    not_listed: dict[str, int] = field(default_factory=dict)
    stops: dict[str, int] = field(default_factory=dict)

    @property
    def reached_pct(self) -> float | None:
        """Reached (met) against the flagged, in percent."""
        flagged = self.steps["flagged"]
        return round(100.0 * self.steps["reached"] / flagged, 1) if flagged else None

    @property
    def pending(self) -> int:
        return self.stops.get(Stop.PENDING, 0)

    def __add__(self, other: FunnelRow) -> FunnelRow:
        def add(a: dict[str, int], b: dict[str, int]) -> dict[str, int]:
            return {k: a.get(k, 0) + b.get(k, 0) for k in {*a, *b}}

        return FunnelRow(
            dong_id=self.dong_id if self.dong_id == other.dong_id else 0,
            round_id=None,
            number=None,
            month=min(self.month, other.month),
            steps=add(self.steps, other.steps),
            not_listed=add(self.not_listed, other.not_listed),
            stops=add(self.stops, other.stops),
        )


def _day(value: dt.date) -> int:
    return (value - dt.date(1970, 1, 1)).days


def attempts_of(round_ids: Iterable[int]) -> tuple[engine_funnel.Attempts, list[int]]:
    """Every visit attempt of the rounds as engine columns (and the assignment ids)."""
    person = OuterRef("person_id")
    since = OuterRef("assigned_at")
    in_case = {"case__person_id": person, "case__opened_at__gte": since}
    rows = list(
        Assignment.objects.filter(round_id__in=list(round_ids))
        .annotate(
            assessed=Exists(CaseNeed.objects.filter(**in_case)),
            need_met=Exists(CaseNeed.objects.filter(is_met=True, **in_case)),
            served=Exists(Referral.objects.filter(status=ReferralStatus.SERVED, **in_case)),
            follow_up=Exists(
                Visit.objects.filter(
                    case__person_id=person, case__opened_at__gte=since, case__isnull=False
                ).filter(Q(visited_at__gt=OuterRef("reached_at")))
            ),
        )
        .order_by()
        .values_list(
            "id",
            "round_id",
            "person_id",
            "outcome",
            "status",
            "due_on",
            "need_confirmed",
            "assessed",
            "need_met",
            "served",
            "follow_up",
        )
    )
    closed_well = _closed_well_people(rows)
    ids = [r[0] for r in rows]
    outcome = [
        engine_funnel.Outcome.RETURNED
        if r[4] == AssignmentStatus.RETURNED and not r[3]
        else _OUTCOME.get(r[3], engine_funnel.Outcome.NONE)
        for r in rows
    ]
    attempts = engine_funnel.Attempts(
        group=np.array([r[1] for r in rows], dtype=np.int64),
        person=np.array([r[2] for r in rows], dtype=np.int64),
        outcome=np.array(outcome, dtype=np.int8),
        is_open=np.array([r[4] == AssignmentStatus.OPEN for r in rows], dtype=np.bool_),
        due_day=np.array([_day(r[5]) for r in rows], dtype=np.int32),
        need_found=np.array([-1 if r[6] is None else int(r[6]) for r in rows], dtype=np.int8),
        assessed=np.array([r[7] for r in rows], dtype=np.bool_),
        helped=np.array([r[8] or r[9] for r in rows], dtype=np.bool_),
        followed_up=np.array([r[10] or r[2] in closed_well for r in rows], dtype=np.bool_),
    )
    return attempts, ids


def _closed_well_people(rows: list[tuple[Any, ...]]) -> set[int]:
    """People whose case closed resolved or connected: the help was followed through."""
    people = {r[2] for r in rows if r[6]}
    if not people:
        return set()
    return set(
        Case.objects.filter(
            person_id__in=people,
            closed_at__isnull=False,
            closure_reason__in=(ClosureReason.RESOLVED, ClosureReason.CONNECTED),
        ).values_list("person_id", flat=True)
    )


def funnel_by_round(*, dong_ids: Iterable[int], today: dt.date) -> list[FunnelRow]:
    """One row per started round of the dongs, newest first."""
    rounds = list(
        Round.objects.filter(
            dong_id__in=list(dong_ids), status__in=(RoundStatus.OPEN, RoundStatus.CLOSED)
        )
        .order_by("-as_of", "dong_id")
        .values_list("id", "dong_id", "number", "as_of", "scored_count", "listed_count")
    )
    if not rounds:
        return []
    round_ids = [r[0] for r in rounds]
    flags: dict[int, dict[str, int]] = defaultdict(dict)
    for round_id, status, n in (
        FlaggedPerson.objects.filter(round_id__in=round_ids)
        .order_by()
        .values_list("round_id", "status")
        .annotate(n=Count("id"))
        .values_list("round_id", "status", "n")
    ):
        flags[round_id][status] = n
    flagged = np.array(
        [sum(flags[r[0]].values()) if flags[r[0]] else r[4] for r in rounds], dtype=np.int64
    )
    listed = np.array(
        [flags[r[0]].get(NotListed.LISTED, 0) if flags[r[0]] else r[5] for r in rounds],
        dtype=np.int64,
    )
    attempts, _ids = attempts_of(round_ids)
    counted = engine_funnel.count_funnel(
        groups=np.array(round_ids, dtype=np.int64),
        flagged=flagged,
        listed=listed,
        attempts=attempts,
        today_day=_day(today),
    )
    result = []
    for round_id, dong_id, number, as_of, _scored, _listed in rounds:
        row = int(np.searchsorted(counted.groups, round_id))
        result.append(
            FunnelRow(
                dong_id=dong_id,
                round_id=round_id,
                number=number,
                month=as_of.replace(day=1),
                steps=dict(zip(STEPS, counted.steps[row].tolist(), strict=True)),
                not_listed={k: v for k, v in flags[round_id].items() if k != NotListed.LISTED},
                stops={s.value: int(counted.stops[s][row]) for s in Stop},
            )
        )
    return result


def by_month(rows: Iterable[FunnelRow]) -> list[FunnelRow]:
    """The rows summed per dong and month, newest month first."""
    sums: dict[tuple[int, dt.date], FunnelRow] = {}
    for row in rows:
        key = (row.dong_id, row.month)
        sums[key] = sums[key] + row if key in sums else row
    return sorted(
        (
            FunnelRow(r.dong_id, None, None, r.month, r.steps, r.not_listed, r.stops)
            for r in sums.values()
        ),
        key=lambda r: (r.month, r.dong_id),
        reverse=True,
    )


def by_dong(rows: Iterable[FunnelRow]) -> dict[int, FunnelRow]:
    """The rows summed per dong (the city view and the map)."""
    sums: dict[int, FunnelRow] = {}
    for row in rows:
        sums[row.dong_id] = sums[row.dong_id] + row if row.dong_id in sums else row
    return sums


def total(rows: Iterable[FunnelRow]) -> FunnelRow | None:
    found = list(rows)
    if not found:
        return None
    out = found[0]
    for row in found[1:]:
        out = out + row
    return out


@dataclass(frozen=True)
class StepPerson:
    person_id: int
    step: str
    stop: str


def people_of_round(round_: Round, *, today: dt.date) -> list[StepPerson]:
    """Each listed person of a round with the furthest step reached and why they stopped."""
    attempts, _ids = attempts_of([round_.pk])
    people = engine_funnel.person_steps(attempts, today_day=_day(today))
    return [
        StepPerson(int(p), STEPS[int(s)], str(why))
        for p, s, why in zip(
            people.person.tolist(), people.step.tolist(), people.stop.tolist(), strict=True
        )
    ]
