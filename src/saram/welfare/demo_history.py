"""Past years of the welfare demo: closed cases whose referrals the city's social-economy
organisations served.

The welfare demo's rounds, visits and cases run over the months before today; the economy's
ledger holds whole past fiscal years. For the economy's count of welfare money in the local
economy (#13 Part D) to read the same years, the economy demo asks for a modest history of
closed cases in its ledger years, each with one referral served by one of the organisations
it pays for services. Nothing here runs unless asked for, and a second call adds nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

import numpy as np
from django.db import transaction
from django.utils import timezone

from saram.core.models import City, Person, Role, RoleAssignment
from saram.welfare.models import (
    Case,
    CaseNeed,
    CaseNote,
    CaseStage,
    ClosureReason,
    Programme,
    Referral,
    ReferralEvent,
    ReferralStatus,
    Resource,
)

# Cases a year per organisation's resource, and the programmes they fall under.
CASES_PER_RESOURCE = (3, 9)
PROGRAMMES = (Programme.INTEGRATED, Programme.SIMPLE, Programme.EMERGENCY)
PROGRAMME_WEIGHTS = (0.5, 0.35, 0.15)


def load_past_cases(
    *, city: City, years: Sequence[int], organisation_ids: Iterable[int], seed: int
) -> int:
    """Closed cases of `years` (past years only), each with one referral served in that year by
    a resource of one of `organisation_ids`; returns the referrals made (0 when the history is
    there already, or nothing to refer to)."""
    today = timezone.localdate()
    years = [y for y in years if y < today.year]
    resources = list(
        Resource.objects.filter(
            city=city, organisation_id__in=list(organisation_ids), is_active=True
        )
        .select_related("organisation")
        .order_by("id")
    )
    if not years or not resources:
        return 0
    if Referral.objects.filter(
        resource__in=resources, status=ReferralStatus.SERVED, served_at__year__in=years
    ).exists():
        return 0
    officers = dict(
        RoleAssignment.objects.filter(
            role=Role.WELFARE_OFFICER, dong__city=city, dong__isnull=False
        )
        .order_by("-id")
        .values_list("dong_id", "user_id")
    )
    if not officers:
        return 0
    rng = np.random.default_rng([seed, 11])
    zone = timezone.get_current_timezone()
    plans: list[tuple[Case, Resource, str, dt.datetime]] = []
    for resource in resources:
        dong_id = resource.dong_id or (
            resource.organisation.dong_id if resource.organisation else None
        )
        officer_id = officers.get(dong_id) if dong_id else None
        if officer_id is None:
            continue
        people = list(
            Person.objects.filter(dong_id=dong_id).order_by("id").values_list("id", flat=True)[:400]
        )
        if not people:
            continue
        need = (resource.needs or ["care"])[0]
        for year in years:
            count = int(rng.integers(CASES_PER_RESOURCE[0], CASES_PER_RESOURCE[1] + 1))
            for person_id in rng.choice(people, size=min(count, len(people)), replace=False):
                opened = dt.datetime(year, 1, 5, 10, tzinfo=zone) + dt.timedelta(
                    days=int(rng.integers(0, 300))
                )
                served = opened + dt.timedelta(days=int(rng.integers(10, 40)))
                case = Case(
                    person_id=int(person_id),
                    dong_id=dong_id,
                    programme=str(rng.choice(PROGRAMMES, p=PROGRAMME_WEIGHTS)),
                    opened_by_id=officer_id,
                    opened_at=opened,
                    stage=CaseStage.CLOSED,
                    closed_at=served + dt.timedelta(days=int(rng.integers(5, 20))),
                    closed_by_id=officer_id,
                    closure_reason=ClosureReason.CONNECTED,
                )
                plans.append((case, resource, need, served))
    if not plans:
        return 0
    with transaction.atomic():
        cases = Case.objects.bulk_create([c for c, _r, _n, _s in plans])
        needs = CaseNeed.objects.bulk_create(
            CaseNeed(case=case, category=need, is_met=True)
            for case, (_c, _r, need, _s) in zip(cases, plans, strict=True)
        )
        CaseNote.objects.bulk_create(
            CaseNote(
                case=case,
                author_id=case.opened_by_id,
                written_at=case.opened_at,
                text="초기 상담 후 지역 사회적경제 기관의 서비스로 연계.",
            )
            for case in cases
        )
        referrals = Referral.objects.bulk_create(
            Referral(
                case=case,
                need=need_row,
                resource=resource,
                dong_id=case.dong_id,
                status=ReferralStatus.SERVED,
                sent_by_id=case.opened_by_id,
                sent_at=case.opened_at + dt.timedelta(days=2),
                accepted_at=case.opened_at + dt.timedelta(days=5),
                served_at=served,
            )
            for case, need_row, (_c, resource, _n, served) in zip(cases, needs, plans, strict=True)
        )
        ReferralEvent.objects.bulk_create(
            ReferralEvent(referral=referral, status=status, at=at, by_id=referral.sent_by_id)
            for referral in referrals
            for status, at in (
                (ReferralStatus.SENT, referral.sent_at),
                (ReferralStatus.ACCEPTED, referral.accepted_at),
                (ReferralStatus.SERVED, referral.served_at),
            )
        )
    return len(referrals)
