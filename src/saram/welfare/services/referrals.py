"""Referrals and the resource directory: a case refers a person to a service and follows the
referral round its loop, sent → accepted → served, or declined with a reason. A referral shares
the person's data with the provider, so it needs their 제3자 제공 동의 (or a lawful basis)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from saram.core import audit
from saram.core.access import Can, scope_of
from saram.core.errors import SaramError
from saram.core.models import AuditAction, City, Dong, Organisation
from saram.welfare.models import (
    Case,
    CaseNeed,
    CaseStage,
    DeclineReason,
    NeedCategory,
    Referral,
    ReferralEvent,
    ReferralStatus,
    Resource,
    ResourceKind,
)
from saram.welfare.services import consent as consents
from saram.welfare.services.cases import require_case_officer

# The loop: which status may follow which.
NEXT: dict[str, frozenset[str]] = {
    ReferralStatus.SENT: frozenset({ReferralStatus.ACCEPTED, ReferralStatus.DECLINED}),
    ReferralStatus.ACCEPTED: frozenset({ReferralStatus.SERVED, ReferralStatus.DECLINED}),
    ReferralStatus.SERVED: frozenset(),
    ReferralStatus.DECLINED: frozenset(),
}


def _audit(by: Any, referral: Referral, purpose: Any, **detail: Any) -> None:
    audit.record(
        actor=by,
        action=AuditAction.UPDATE,
        target_type="welfare_case",
        target_id=referral.case_id,
        purpose=str(purpose),
        detail={"referral": referral.pk, **detail},
    )


def refer(
    *,
    by: Any,
    case: Case,
    resource: Resource,
    need: CaseNeed | None = None,
    note: str = "",
    now: dt.datetime,
) -> Referral:
    """Send an open case's person to a resource; the case keeps ownership of the referral.
    Refused without the person's active 제3자 제공 동의 (checked under lock, so a withdrawal
    at the same moment wins)."""
    require_case_officer(by, case)
    if not case.is_open:
        raise SaramError("case_is_closed")
    if not resource.is_active:
        raise SaramError("resource_inactive")
    if resource.dong_id is not None and resource.dong_id != case.dong_id:
        raise SaramError("resource_other_dong")
    if need is not None and need.case_id != case.pk:
        raise SaramError("need_of_other_case")
    with transaction.atomic():
        consent = consents.require_sharing_consent(
            person_id=case.person_id, today=timezone.localtime(now).date()
        )
        open_same = case.referrals.filter(
            resource=resource, status__in=(ReferralStatus.SENT, ReferralStatus.ACCEPTED)
        )
        if open_same.exists():
            raise SaramError("referral_already_open")
        referral = Referral.objects.create(
            case=case,
            need=need,
            resource=resource,
            dong_id=case.dong_id,
            status=ReferralStatus.SENT,
            note=note.strip()[:300],
            sent_by=by,
            sent_at=now,
            consent=consent,
        )
        ReferralEvent.objects.create(
            referral=referral, status=ReferralStatus.SENT, at=now, by=by, note=referral.note
        )
        if case.stage in (CaseStage.PLANNING, CaseStage.CONFERENCE) and case.plan_approved_at:
            case.stage = CaseStage.SERVICES
            case.save(update_fields=["stage"])
        _audit(by, referral, _("자원 의뢰"), resource=resource.pk, consent=consent.pk)
    return referral


def update_referral(
    *,
    by: Any,
    referral: Referral,
    status: str,
    now: dt.datetime,
    answered_on: dt.date | None = None,
    decline_reason: str = "",
    note: str = "",
) -> Referral:
    """Record the provider's answer: the next step of the loop and the day the answer came
    (today unless given; never in the future nor before the referral was sent). A decline
    needs its reason; a step the loop does not allow (e.g. served before accepted) is refused."""
    require_case_officer(by, referral.case)
    today = timezone.localtime(now).date()
    answered_on = answered_on or today
    with transaction.atomic():
        locked = Referral.objects.select_for_update().get(pk=referral.pk)
        if status not in NEXT.get(locked.status, frozenset()):
            raise SaramError(
                "referral_bad_step",
                now=locked.get_status_display(),
                next=dict(ReferralStatus.choices).get(status, status),
            )
        if answered_on > today:
            raise SaramError("referral_answer_in_future")
        if answered_on < timezone.localtime(locked.sent_at).date():
            raise SaramError("referral_answer_before_sent")
        if status == ReferralStatus.DECLINED:
            if decline_reason not in DeclineReason.values:
                raise SaramError("referral_decline_reason_required")
            locked.decline_reason = decline_reason
            locked.declined_at = now
        elif status == ReferralStatus.ACCEPTED:
            locked.accepted_at = now
        elif status == ReferralStatus.SERVED:
            locked.served_at = now
        locked.status = status
        locked.answered_on = answered_on
        locked.save()
        ReferralEvent.objects.create(
            referral=locked, status=status, at=now, by=by, note=note.strip()[:300]
        )
        _audit(by, locked, _("의뢰 결과 기록"), status=status, answered_on=str(answered_on))
    referral.refresh_from_db()
    return referral


def require_resources_admin(user: Any) -> None:
    """Refuse anyone but the city administrator (who keeps the directory)."""
    if not scope_of(user).can(Can.CONFIGURE):
        raise SaramError("resources_forbidden")


def save_resource(
    *,
    by: Any,
    city: City,
    resource: Resource | None = None,
    name: str,
    kind: str,
    provider: str,
    needs: Sequence[str],
    description: str = "",
    eligibility: str = "",
    capacity: int | None = None,
    contact: str = "",
    organisation: Organisation | None = None,
    dong: Dong | None = None,
    is_active: bool = True,
) -> Resource:
    """Add a resource to the directory or change one."""
    require_resources_admin(by)
    if kind not in ResourceKind.values:
        raise SaramError("bad_resource_kind")
    unknown = [n for n in needs if n not in NeedCategory.values]
    if unknown or not needs:
        raise SaramError("resource_needs_required")
    if capacity is not None and capacity < 0:
        raise SaramError("resource_bad_capacity")
    values = {
        "city": city,
        "name": name.strip()[:200],
        "kind": kind,
        "provider": provider.strip()[:200],
        "needs": sorted(set(needs)),
        "description": description.strip()[:500],
        "eligibility": eligibility.strip()[:500],
        "capacity": capacity,
        "contact": contact.strip()[:100],
        "organisation": organisation,
        "dong": dong,
        "is_active": is_active,
    }
    with transaction.atomic():
        if resource is None:
            resource = Resource.objects.create(**values)
        else:
            for key, value in values.items():
                setattr(resource, key, value)
            resource.save()
        audit.record(
            actor=by,
            action=AuditAction.UPDATE,
            target_type="welfare_resource",
            target_id=resource.pk,
            purpose=str(_("자원 저장")),
        )
    return resource
