"""Referrals and the resource directory: a case refers a person to a service and follows the
referral round its loop, sent → accepted → served, or declined with a reason."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from saram.core import audit
from saram.core.access import Can, scope_of
from saram.core.errors import SaramError
from saram.core.models import AuditAction, City, Dong, Organisation
from saram.welfare.models import (
    Case,
    CaseNeed,
    DeclineReason,
    NeedCategory,
    Referral,
    ReferralEvent,
    ReferralStatus,
    Resource,
    ResourceKind,
)
from saram.welfare.services.cases import require_case_officer

# The loop: which status may follow which.
NEXT: dict[str, frozenset[str]] = {
    ReferralStatus.SENT: frozenset({ReferralStatus.ACCEPTED, ReferralStatus.DECLINED}),
    ReferralStatus.ACCEPTED: frozenset({ReferralStatus.SERVED, ReferralStatus.DECLINED}),
    ReferralStatus.SERVED: frozenset(),
    ReferralStatus.DECLINED: frozenset(),
}


def _audit(by: Any, referral: Referral, purpose: str, **detail: Any) -> None:
    audit.record(
        actor=by,
        action=AuditAction.UPDATE,
        target_type="welfare_case",
        target_id=referral.case_id,
        purpose=purpose,
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
    """Send an open case's person to a resource; the case keeps ownership of the referral."""
    require_case_officer(by, case)
    if not case.is_open:
        raise SaramError("case_closed", _("종결된 사례입니다."))
    if not resource.is_active:
        raise SaramError("resource_closed", _("운영하지 않는 자원입니다."))
    if resource.dong_id is not None and resource.dong_id != case.dong_id:
        raise SaramError("resource_elsewhere", _("다른 행정동의 자원입니다."))
    if need is not None and need.case_id != case.pk:
        raise SaramError("bad_need", _("다른 사례의 욕구입니다."))
    open_same = case.referrals.filter(
        resource=resource, status__in=(ReferralStatus.SENT, ReferralStatus.ACCEPTED)
    )
    if open_same.exists():
        raise SaramError("already_referred", _("같은 자원에 진행 중인 의뢰가 있습니다."))
    with transaction.atomic():
        referral = Referral.objects.create(
            case=case,
            need=need,
            resource=resource,
            dong_id=case.dong_id,
            status=ReferralStatus.SENT,
            note=note.strip()[:300],
            sent_by=by,
            sent_at=now,
        )
        ReferralEvent.objects.create(
            referral=referral, status=ReferralStatus.SENT, at=now, by=by, note=referral.note
        )
        _audit(by, referral, _("자원 의뢰"), resource=resource.pk)
    return referral


def update_referral(
    *,
    by: Any,
    referral: Referral,
    status: str,
    now: dt.datetime,
    decline_reason: str = "",
    note: str = "",
) -> Referral:
    """Record the next step of a referral's loop; a decline needs its reason, and a step the
    loop does not allow (e.g. served before accepted) is refused."""
    require_case_officer(by, referral.case)
    with transaction.atomic():
        locked = Referral.objects.select_for_update().get(pk=referral.pk)
        if status not in NEXT.get(locked.status, frozenset()):
            raise SaramError(
                "bad_step",
                _("'%(now)s' 다음에는 '%(next)s'(으)로 바꿀 수 없습니다.")
                % {
                    "now": locked.get_status_display(),
                    "next": dict(ReferralStatus.choices).get(status, status),
                },
            )
        if status == ReferralStatus.DECLINED:
            if decline_reason not in DeclineReason.values:
                raise SaramError("reason_required", _("거절 사유를 골라 주세요."))
            locked.decline_reason = decline_reason
            locked.declined_at = now
        elif status == ReferralStatus.ACCEPTED:
            locked.accepted_at = now
        elif status == ReferralStatus.SERVED:
            locked.served_at = now
        locked.status = status
        locked.save()
        ReferralEvent.objects.create(
            referral=locked, status=status, at=now, by=by, note=note.strip()[:300]
        )
        _audit(by, locked, _("의뢰 결과 기록"), status=status)
    referral.refresh_from_db()
    return referral


def require_resources_admin(user: Any) -> None:
    """Refuse anyone but the city administrator (who keeps the directory)."""
    if not scope_of(user).can(Can.CONFIGURE):
        raise SaramError("forbidden", _("자원 목록은 시청 관리자가 관리합니다."))


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
        raise SaramError("bad_kind", _("자원 구분을 골라 주세요."))
    unknown = [n for n in needs if n not in NeedCategory.values]
    if unknown or not needs:
        raise SaramError("bad_need", _("돕는 욕구 분야를 하나 이상 골라 주세요."))
    if capacity is not None and capacity < 0:
        raise SaramError("bad_capacity", _("수용 인원은 0 이상이어야 합니다."))
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
    if resource is None:
        return Resource.objects.create(**values)
    for key, value in values.items():
        setattr(resource, key, value)
    resource.save()
    return resource
