"""The funnel of each dong's rounds, measured against everyone flagged: counts at each step,
why people stopped, and (for officers) who they are. Visits not yet due are pending, not
misses; refusals and moves are reasons, not successes."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np
from django.db import connection
from django.db.models import Count

from saram.welfare.engine import funnel as engine_funnel
from saram.welfare.models import (
    Assignment,
    AssignmentStatus,
    Case,
    CaseNeed,
    ClosureReason,
    Death,
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


def _micros(column: str) -> str:
    """SQL for a timestamp column as microseconds since 1970 (-1 when empty): integers read
    without building a datetime per row."""
    if connection.vendor == "postgresql":
        return f"COALESCE(CAST(EXTRACT(EPOCH FROM {column}) * 1000000 AS BIGINT), -1)"
    return f"COALESCE(CAST(ROUND((julianday({column}) - 2440587.5) * 86400000000) AS INTEGER), -1)"


def _days(column: str) -> str:
    """SQL for a date column as days since 1970."""
    if connection.vendor == "postgresql":
        return f"({column} - DATE '1970-01-01')"
    return f"CAST(julianday({column}) - 2440587.5 AS INTEGER)"


def attempts_of(round_ids: Iterable[int]) -> tuple[engine_funnel.Attempts, list[int]]:
    """Every visit attempt of the rounds as engine columns (and the assignment ids): one read
    of the attempts and one of the cases of the people met, joined in columns."""
    ids = list(round_ids) or [0]
    marks = ", ".join(["%s"] * len(ids))
    assignment = Assignment._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT id, round_id, person_id, outcome, status, {_days('due_on')}, "
            f"need_confirmed, {_micros('assigned_at')}, {_micros('reached_at')}, "
            f"CASE WHEN EXISTS (SELECT 1 FROM {Death._meta.db_table} d "
            f"WHERE d.person_id = {assignment}.person_id) THEN 1 ELSE 0 END "
            f"FROM {assignment} WHERE round_id IN ({marks})",
            ids,
        )
        rows = cursor.fetchall()
        cursor.execute(
            f"SELECT c.person_id, {_micros('c.opened_at')}, "
            f"CASE WHEN c.closed_at IS NOT NULL AND c.closure_reason IN (%s, %s) "
            f"THEN 1 ELSE 0 END, "
            f"CASE WHEN EXISTS (SELECT 1 FROM {CaseNeed._meta.db_table} n "
            f"WHERE n.case_id = c.id) THEN 1 ELSE 0 END, "
            f"CASE WHEN EXISTS (SELECT 1 FROM {CaseNeed._meta.db_table} n "
            f"WHERE n.case_id = c.id AND n.is_met = %s) OR EXISTS (SELECT 1 FROM "
            f"{Referral._meta.db_table} r WHERE r.case_id = c.id AND r.status = %s) "
            f"THEN 1 ELSE 0 END, "
            f"(SELECT {_micros('MAX(v.visited_at)')} FROM {Visit._meta.db_table} v "
            "WHERE v.case_id = c.id) "
            f"FROM {Case._meta.db_table} c WHERE c.person_id IN (SELECT person_id FROM "
            f"{assignment} WHERE round_id IN ({marks}) AND outcome = %s)",
            [
                ClosureReason.RESOLVED,
                ClosureReason.CONNECTED,
                True,
                ReferralStatus.SERVED,
                *ids,
                VisitOutcome.MET,
            ],
        )
        cases = cursor.fetchall()
    n = len(rows)
    person = np.fromiter((r[2] for r in rows), np.int64, n)
    assigned_at = np.fromiter((r[7] for r in rows), np.int64, n)
    reached_at = np.fromiter((r[8] for r in rows), np.int64, n)
    assessed = np.zeros(n, dtype=np.bool_)
    helped = np.zeros(n, dtype=np.bool_)
    followed = np.zeros(n, dtype=np.bool_)
    if cases:
        case_person = np.fromiter((c[0] for c in cases), np.int64, len(cases))
        order = np.argsort(case_person, kind="stable")
        case_person = case_person[order]
        opened = np.fromiter((c[1] for c in cases), np.int64, len(cases))[order]
        closed_well = np.array([bool(c[2]) for c in cases])[order]
        has_need = np.array([bool(c[3]) for c in cases])[order]
        has_help = np.array([bool(c[4]) for c in cases])[order]
        last_visit = np.fromiter(
            (-1 if c[5] is None else c[5] for c in cases), np.int64, len(cases)
        )[order]
        # Every (attempt, case of the same person) pair, then keep cases opened after it.
        start = np.searchsorted(case_person, person, side="left")
        end = np.searchsorted(case_person, person, side="right")
        counts = end - start
        row_of_pair = np.repeat(np.arange(n), counts)
        case_of_pair = (
            np.concatenate([np.arange(a, b) for a, b in zip(start, end, strict=True) if b > a])
            if counts.sum()
            else np.empty(0, dtype=np.int64)
        )
        after = opened[case_of_pair] >= assigned_at[row_of_pair]
        rows_after, cases_after = row_of_pair[after], case_of_pair[after]
        np.logical_or.at(assessed, rows_after, has_need[cases_after])
        np.logical_or.at(helped, rows_after, has_help[cases_after])
        reached = reached_at[rows_after]
        visited_later = (reached >= 0) & (last_visit[cases_after] > reached)
        np.logical_or.at(followed, rows_after, closed_well[cases_after] | visited_later)
    outcome = [
        engine_funnel.Outcome.RETURNED
        if r[4] == AssignmentStatus.RETURNED and not r[3]
        else _OUTCOME.get(r[3], engine_funnel.Outcome.NONE)
        for r in rows
    ]
    attempts = engine_funnel.Attempts(
        group=np.fromiter((r[1] for r in rows), np.int64, n),
        person=person,
        outcome=np.array(outcome, dtype=np.int8),
        is_open=np.fromiter((r[4] == AssignmentStatus.OPEN for r in rows), np.bool_, n),
        due_day=np.fromiter((r[5] for r in rows), np.int32, n),
        need_found=np.fromiter((-1 if r[6] is None else int(bool(r[6])) for r in rows), np.int8, n),
        assessed=assessed,
        helped=helped,
        followed_up=followed,
        died=np.fromiter((bool(r[9]) for r in rows), np.bool_, n),
    )
    return attempts, [r[0] for r in rows]


def funnel_by_round(*, dong_ids: Iterable[int], today: dt.date) -> list[FunnelRow]:
    """One row per started round of the dongs, newest first."""
    rounds = list(
        Round.objects.filter(
            dong_id__in=list(dong_ids), status__in=(RoundStatus.OPEN, RoundStatus.CLOSED)
        )
        .order_by("-as_of", "dong_id")
        .values_list(
            "id", "dong_id", "number", "as_of", "scored_count", "listed_count", "flag_counts"
        )
    )
    if not rounds:
        return []
    round_ids = [r[0] for r in rounds]
    flags: dict[int, dict[str, int]] = defaultdict(dict)
    for r in rounds:
        flags[r[0]] = {str(k): int(v) for k, v in (r[6] or {}).items()}
    # Rounds scored before the counts were stored: count their flag rows once.
    missing = [r[0] for r in rounds if not r[6]]
    if missing:
        for round_id, status, n in (
            FlaggedPerson.objects.filter(round_id__in=missing)
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
    for round_id, dong_id, number, as_of, *_counts in rounds:
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
