"""Coverage: of the people flagged in a dong, how many were reached within the SLA, how many are
overdue, and how many cases and referrals are still open. Aggregates only, never a person.

Everything is computed as of a moment `now`, so a past month is read the same way as today.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Count, F, Q, QuerySet
from django.db.models.functions import TruncMonth
from django.utils import timezone

from saram.welfare.models import Assignment, Case, Referral

WINDOW_DAYS = 365


@dataclass(frozen=True)
class Coverage:
    """One dong's (or the city's) outreach and follow-up, as of a moment."""

    flagged: int = 0  # people given to a visitor in the window
    reached_in_sla: int = 0  # met or spoken to on or before the due date
    reached_late: int = 0
    settled_otherwise: int = 0  # moved, deceased, ... without being reached
    overdue: int = 0  # past the due date and not settled: escalated
    in_progress: int = 0  # not settled, not yet due
    open_cases: int = 0
    pending_referrals: int = 0

    @property
    def coverage_pct(self) -> float | None:
        """Share of flagged people reached within the SLA, in percent."""
        if not self.flagged:
            return None
        return round(100.0 * self.reached_in_sla / self.flagged, 1)

    def __add__(self, other: Coverage) -> Coverage:
        return Coverage(*(getattr(self, f) + getattr(other, f) for f in self.__dataclass_fields__))


def total(coverages: Iterable[Coverage]) -> Coverage:
    """The sum of several dongs' coverage (the city's)."""
    return sum(coverages, Coverage())


def _reached(now: dt.datetime) -> Q:
    return Q(reached_at__isnull=False, reached_at__lte=now)


def _in_sla(now: dt.datetime) -> Q:
    return _reached(now) & Q(reached_on__lte=F("due_on"))


def _open_cases(now: dt.datetime, ids: list[int] | None) -> QuerySet[Case]:
    cases = Case.objects.filter(opened_at__lte=now).filter(
        Q(closed_at__isnull=True) | Q(closed_at__gt=now)
    )
    return cases if ids is None else cases.filter(dong_id__in=ids)


def _pending_referrals(now: dt.datetime, ids: list[int] | None) -> QuerySet[Referral]:
    referrals = (
        Referral.objects.filter(sent_at__lte=now)
        .filter(Q(served_at__isnull=True) | Q(served_at__gt=now))
        .filter(Q(declined_at__isnull=True) | Q(declined_at__gt=now))
    )
    return referrals if ids is None else referrals.filter(dong_id__in=ids)


def coverage_by_dong(
    *, now: dt.datetime, dong_ids: Iterable[int] | None = None, window_days: int = WINDOW_DAYS
) -> dict[int, Coverage]:
    """Coverage per dong id as of `now`, over the people assigned in the window before it."""
    today = timezone.localtime(now).date()
    ids = list(dong_ids) if dong_ids is not None else None
    assignments = Assignment.objects.filter(
        assigned_at__gt=now - dt.timedelta(days=window_days), assigned_at__lte=now
    )
    if ids is not None:
        assignments = assignments.filter(dong_id__in=ids)
    settled = Q(resolved_at__isnull=False, resolved_at__lte=now)
    rows = (
        assignments.order_by()
        .values("dong_id")
        .annotate(
            flagged=Count("id"),
            reached_in_sla=Count("id", filter=_in_sla(now)),
            reached=Count("id", filter=_reached(now)),
            settled=Count("id", filter=settled),
            overdue=Count("id", filter=~settled & Q(due_on__lt=today)),
            in_progress=Count("id", filter=~settled & Q(due_on__gte=today)),
        )
    )
    result: dict[int, dict[str, int]] = {}
    for row in rows:
        result[row["dong_id"]] = {
            "flagged": row["flagged"],
            "reached_in_sla": row["reached_in_sla"],
            "reached_late": row["reached"] - row["reached_in_sla"],
            "settled_otherwise": row["settled"] - row["reached"],
            "overdue": row["overdue"],
            "in_progress": row["in_progress"],
        }
    for dong_id, n in (
        _open_cases(now, ids).order_by().values_list("dong_id").annotate(n=Count("id"))
    ):
        result.setdefault(dong_id, {})["open_cases"] = n
    pending = _pending_referrals(now, ids).order_by().values_list("dong_id").annotate(n=Count("id"))
    for dong_id, n in pending:
        result.setdefault(dong_id, {})["pending_referrals"] = n
    return {dong_id: Coverage(**values) for dong_id, values in result.items()}


def open_work_by_dong(*, now: dt.datetime, dong_ids: Iterable[int]) -> dict[int, tuple[int, int]]:
    """Per dong id: (cases open, referrals waiting for an answer) as of `now`; two grouped
    queries for any number of dongs."""
    ids = list(dong_ids)
    found: dict[int, list[int]] = {}
    for dong_id, n in (
        _open_cases(now, ids).order_by().values_list("dong_id").annotate(n=Count("id"))
    ):
        found.setdefault(dong_id, [0, 0])[0] = n
    pending = _pending_referrals(now, ids).order_by().values_list("dong_id").annotate(n=Count("id"))
    for dong_id, n in pending:
        found.setdefault(dong_id, [0, 0])[1] = n
    return {dong_id: (cases, referrals) for dong_id, (cases, referrals) in found.items()}


@dataclass(frozen=True)
class MonthPoint:
    """One month: people assigned in it, how many of them were reached within the SLA (as of
    now), and the cases and referrals still open at the month's end."""

    month: dt.date  # the first day of the month
    flagged: int
    reached_in_sla: int
    open_cases: int
    pending_referrals: int

    @property
    def coverage_pct(self) -> float | None:
        return round(100.0 * self.reached_in_sla / self.flagged, 1) if self.flagged else None


def _month_starts(today: dt.date, months: int) -> list[dt.date]:
    starts = []
    for back in range(months - 1, -1, -1):
        year, month = divmod(today.year * 12 + today.month - 1 - back, 12)
        starts.append(dt.date(year, month + 1, 1))
    return starts


def _midnight(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time()))


def monthly(
    *, now: dt.datetime, dong_ids: Iterable[int] | None = None, months: int = 12
) -> list[MonthPoint]:
    """The past `months` months, oldest first, for the charts."""
    ids = list(dong_ids) if dong_ids is not None else None
    starts = _month_starts(timezone.localtime(now).date(), months)
    assignments = Assignment.objects.filter(
        assigned_at__gte=_midnight(starts[0]), assigned_at__lte=now
    )
    if ids is not None:
        assignments = assignments.filter(dong_id__in=ids)
    per_month: dict[dt.date, dict[str, int]] = {}
    for row in (
        assignments.order_by()
        .annotate(month=TruncMonth("assigned_at"))
        .values("month")
        .annotate(flagged=Count("id"), reached_in_sla=Count("id", filter=_in_sla(now)))
    ):
        month = row["month"]
        key = timezone.localtime(month).date() if isinstance(month, dt.datetime) else month
        per_month[key.replace(day=1)] = row
    points = []
    for start in starts:
        year, month = divmod(start.year * 12 + start.month, 12)
        end = min(now, _midnight(dt.date(year, month + 1, 1)) - dt.timedelta(microseconds=1))
        row = per_month.get(start, {})
        points.append(
            MonthPoint(
                month=start,
                flagged=row.get("flagged", 0),
                reached_in_sla=row.get("reached_in_sla", 0),
                open_cases=_open_cases(end, ids).count(),
                pending_referrals=_pending_referrals(end, ids).count(),
            )
        )
    return points
