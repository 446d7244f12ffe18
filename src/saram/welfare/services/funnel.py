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
        """Listed, not yet met, and the visit not yet due: neither reached nor missed."""
        return self.stops.get(Stop.PENDING, 0)

    @property
    def missed(self) -> int:
        """Listed and the visit's due date passed without meeting them."""
        return self.stops.get(Stop.UNREACHABLE, 0)

    @property
    def pending_pct(self) -> float | None:
        flagged = self.steps["flagged"]
        return round(100.0 * self.pending / flagged, 1) if flagged else None

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


def _days(column: str) -> str:
    """SQL for a date column as days since 1970."""
    if connection.vendor == "postgresql":
        return f"({column} - DATE '1970-01-01')"
    return f"CAST(julianday({column}) - 2440587.5 AS INTEGER)"


def _flag(condition: str) -> str:
    """SQL for a condition as 0 or 1 (both databases aggregate integers alike)."""
    return f"CASE WHEN {condition} THEN 1 ELSE 0 END"


def _attempts_sql(marks: str) -> str:
    """Every attempt of the rounds with its step flags, computed by the database in one pass:
    each case of the person opened after the attempt was given counts for it (needs
    assessed, a need met or a referral served, a later visit or a closure that resolved)."""
    assignment, case = Assignment._meta.db_table, Case._meta.db_table
    need, referral, visit, death = (
        CaseNeed._meta.db_table,
        Referral._meta.db_table,
        Visit._meta.db_table,
        Death._meta.db_table,
    )
    outcome = (
        "CASE a.outcome "
        + " ".join(f"WHEN %s THEN {int(code)}" for code in _OUTCOME.values() if code)
        + f" ELSE (CASE WHEN a.status = %s THEN {int(engine_funnel.Outcome.RETURNED)} "
        f"ELSE {int(engine_funnel.Outcome.NONE)} END) END"
    )
    # Materialized: the per-case flags are computed once per case, not once per attempt.
    return (
        f"WITH att AS MATERIALIZED (SELECT id, round_id, person_id, outcome, status, due_on, "
        f"need_confirmed, assigned_at, reached_at FROM {assignment} "
        f"WHERE round_id IN ({marks})), "
        "cf AS MATERIALIZED (SELECT c.person_id, c.opened_at, "
        + _flag("c.closed_at IS NOT NULL AND c.closure_reason IN (%s, %s)")
        + " AS closed_well, "
        + _flag(f"EXISTS (SELECT 1 FROM {need} n WHERE n.case_id = c.id)")
        + " AS has_need, "
        + _flag(
            f"EXISTS (SELECT 1 FROM {need} n WHERE n.case_id = c.id AND n.is_met = %s) "
            f"OR EXISTS (SELECT 1 FROM {referral} r WHERE r.case_id = c.id AND r.status = %s)"
        )
        + " AS has_help, "
        f"(SELECT MAX(v.visited_at) FROM {visit} v WHERE v.case_id = c.id) AS last_visit "
        f"FROM {case} c WHERE c.person_id IN (SELECT person_id FROM att)), "
        "st AS (SELECT a.id, MAX(cf.has_need) AS has_need, MAX(cf.has_help) AS has_help, MAX("
        + _flag("cf.closed_well = 1 OR (a.reached_at IS NOT NULL AND cf.last_visit > a.reached_at)")
        + ") AS followed FROM att a JOIN cf ON cf.person_id = a.person_id "
        "AND cf.opened_at >= a.assigned_at GROUP BY a.id) "
        f"SELECT a.id, a.round_id, a.person_id, {outcome}, "
        + _flag("a.status = %s")
        + f", {_days('a.due_on')}, "
        "CASE WHEN a.need_confirmed IS NULL THEN -1 "
        "WHEN a.need_confirmed = %s THEN 1 ELSE 0 END, "
        "COALESCE(st.has_need, 0), COALESCE(st.has_help, 0), COALESCE(st.followed, 0), "
        + _flag(f"EXISTS (SELECT 1 FROM {death} d WHERE d.person_id = a.person_id)")
        + " FROM att a LEFT JOIN st ON st.id = a.id"
    )


def attempts_of(round_ids: Iterable[int]) -> tuple[engine_funnel.Attempts, list[int]]:
    """Every visit attempt of the rounds as engine columns (and the assignment ids): one
    aggregated read that returns only small integers, nothing built per row in Python."""
    ids = list(round_ids) or [0]
    marks = ", ".join(["%s"] * len(ids))
    params = [
        *ids,
        ClosureReason.RESOLVED,
        ClosureReason.CONNECTED,
        True,
        ReferralStatus.SERVED,
        *(value for value, code in _OUTCOME.items() if code),
        AssignmentStatus.RETURNED,
        AssignmentStatus.OPEN,
        True,
    ]
    with connection.cursor() as cursor:
        cursor.execute(_attempts_sql(marks), params)
        rows = cursor.fetchall()
    table = np.array(rows, dtype=np.int64).reshape(len(rows), 11)
    attempts = engine_funnel.Attempts(
        group=table[:, 1],
        person=table[:, 2],
        outcome=table[:, 3].astype(np.int8),
        is_open=table[:, 4].astype(np.bool_),
        due_day=table[:, 5].astype(np.int32),
        need_found=table[:, 6].astype(np.int8),
        assessed=table[:, 7].astype(np.bool_),
        helped=table[:, 8].astype(np.bool_),
        followed_up=table[:, 9].astype(np.bool_),
        died=table[:, 10].astype(np.bool_),
    )
    return attempts, table[:, 0].tolist()


WINDOW_DAYS = 365


def funnel_by_round(
    *, dong_ids: Iterable[int], today: dt.date, since: dt.date | None = None
) -> list[FunnelRow]:
    """One row per started round of the dongs (those of `since` or later), newest first."""
    started = Round.objects.filter(
        dong_id__in=list(dong_ids), status__in=(RoundStatus.OPEN, RoundStatus.CLOSED)
    )
    if since is not None:
        started = started.filter(as_of__gte=since)
    rounds = list(
        started.order_by("-as_of", "dong_id").values_list(
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


def city_by_month(
    rows: Iterable[FunnelRow], *, today: dt.date, months: int = 12
) -> list[FunnelRow]:
    """The rows summed per month over every dong, the last `months` months oldest first (a
    month without a round is a row of zeros): the charts' series."""
    sums: dict[dt.date, FunnelRow] = {}
    for row in rows:
        sums[row.month] = sums[row.month] + row if row.month in sums else row
    out = []
    for back in range(months - 1, -1, -1):
        year, month = divmod(today.year * 12 + today.month - 1 - back, 12)
        start = dt.date(year, month + 1, 1)
        found = sums.get(start)
        out.append(
            FunnelRow(0, None, None, start, found.steps, found.not_listed, found.stops)
            if found
            else FunnelRow(0, None, None, start, dict.fromkeys(STEPS, 0))
        )
    return out


def window_start(today: dt.date, days: int = WINDOW_DAYS) -> dt.date:
    """The first day of the month `days` ago: the pages count the rounds of the past year."""
    return (today - dt.timedelta(days=days)).replace(day=1)


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
