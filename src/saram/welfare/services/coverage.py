"""Coverage of each dong: its funnel over the past year (flagged → listed → reached → assessed
→ helped → followed up, with why people stopped) and the cases and referrals open now.
Aggregates only, never a person. One computation for the pages and the API.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from saram.welfare.models import Case, Referral
from saram.welfare.services import funnel


@dataclass(frozen=True)
class DongCoverage:
    """One dong's funnel over the past year (None: no round started) and its open work."""

    funnel: funnel.FunnelRow | None
    open_cases: int = 0
    pending_referrals: int = 0


def coverage_of(
    *, dong_ids: Iterable[int], now: dt.datetime
) -> tuple[dict[int, DongCoverage], list[funnel.FunnelRow]]:
    """Per dong id its coverage as of `now` (every dong asked for has an entry), and the funnel
    rows of the rounds counted (the charts' months are summed from them)."""
    ids = list(dong_ids)
    today = timezone.localtime(now).date()
    rows = funnel.funnel_by_round(dong_ids=ids, today=today, since=funnel.window_start(today))
    by_dong = funnel.by_dong(rows)
    work = open_work_by_dong(now=now, dong_ids=ids)
    found = {
        dong_id: DongCoverage(by_dong.get(dong_id), *work.get(dong_id, (0, 0))) for dong_id in ids
    }
    return found, rows


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
