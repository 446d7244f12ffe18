"""Cases: help for one person in one programme, with needs, a plan of actions with owners and
due dates, notes for the case's workers only, follow-ups and closure with a reason."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from saram.core import audit
from saram.core.access import Can, scope_of
from saram.core.errors import SaramError
from saram.core.models import AuditAction, Person
from saram.welfare.models import (
    Case,
    CaseNeed,
    CaseNote,
    ClosureReason,
    NeedCategory,
    PlanAction,
    Programme,
    ReferralStatus,
    Visit,
)


def require_case_officer(user: Any, case: Case) -> None:
    """Refuse anyone but an officer of the case's dong."""
    if case.dong_id not in scope_of(user).dong_ids(Can.MANAGE_PEOPLE):
        raise SaramError("forbidden", _("이 사례를 다룰 권한이 없습니다."))


def is_worker(user: Any, case: Case) -> bool:
    """Whether the user is one of the case's workers (who alone read its notes)."""
    return bool(user.pk) and case.workers.filter(pk=user.pk).exists()


def _require_open(case: Case) -> None:
    if not case.is_open:
        raise SaramError("case_closed", _("종결된 사례입니다."))


def _audit(by: Any, case: Case, action: str, purpose: str, **detail: Any) -> None:
    audit.record(
        actor=by,
        action=action,
        target_type="welfare_case",
        target_id=case.pk,
        purpose=purpose,
        detail=detail,
    )


def open_case(
    *,
    by: Any,
    person: Person,
    programme: str,
    needs: Sequence[tuple[str, str]] = (),
    visit: Visit | None = None,
    now: dt.datetime,
) -> Case:
    """Open a case for a resident of the officer's dong; the opener is its first worker. Refuses
    a second open case of the same person and programme (a database constraint)."""
    if person.dong_id not in scope_of(by).dong_ids(Can.MANAGE_PEOPLE):
        raise SaramError("forbidden", _("담당 행정동의 주민만 사례로 열 수 있습니다."))
    if programme not in Programme.values:
        raise SaramError("bad_programme", _("사업을 골라 주세요."))
    for category, _detail in needs:
        if category not in NeedCategory.values:
            raise SaramError("bad_need", _("알 수 없는 욕구 분야입니다: %(n)s") % {"n": category})
    if visit is not None and visit.person_id != person.pk:
        raise SaramError("bad_visit", _("다른 주민의 방문입니다."))
    try:
        with transaction.atomic():
            case = Case.objects.create(
                person=person,
                dong_id=person.dong_id,
                programme=programme,
                opened_by=by,
                opened_at=now,
                visit=visit,
            )
            case.workers.add(by)
            CaseNeed.objects.bulk_create(
                CaseNeed(case=case, category=c, detail=d.strip()[:300]) for c, d in needs
            )
            _audit(by, case, AuditAction.CREATE, _("사례 열기"), programme=programme)
    except IntegrityError:
        raise SaramError(
            "case_open",
            _("이 주민은 같은 사업의 사례가 이미 열려 있습니다."),
            params={"person": person.pk, "programme": programme},
        ) from None
    return case


def add_worker(*, by: Any, case: Case, worker: Any) -> Case:
    """A worker of the case adds an officer of the dong as a fellow worker."""
    require_case_officer(by, case)
    if not is_worker(by, case):
        raise SaramError("not_worker", _("사례 담당자만 담당자를 더할 수 있습니다."))
    if case.dong_id not in scope_of(worker).dong_ids(Can.MANAGE_PEOPLE):
        raise SaramError("bad_worker", _("이 행정동의 복지 담당만 사례를 맡을 수 있습니다."))
    case.workers.add(worker)
    _audit(by, case, AuditAction.UPDATE, _("사례 담당자 추가"), worker=worker.pk)
    return case


def add_need(*, by: Any, case: Case, category: str, detail: str = "") -> CaseNeed:
    """Add a need found in the case."""
    require_case_officer(by, case)
    _require_open(case)
    if category not in NeedCategory.values:
        raise SaramError("bad_need", _("알 수 없는 욕구 분야입니다: %(n)s") % {"n": category})
    need = CaseNeed.objects.create(case=case, category=category, detail=detail.strip()[:300])
    _audit(by, case, AuditAction.UPDATE, _("욕구 추가"), need=need.pk)
    return need


def set_need_met(*, by: Any, need: CaseNeed, is_met: bool) -> CaseNeed:
    """Mark a need as met (or not met again)."""
    require_case_officer(by, need.case)
    _require_open(need.case)
    need.is_met = is_met
    need.save(update_fields=["is_met"])
    _audit(by, need.case, AuditAction.UPDATE, _("욕구 해결 표시"), need=need.pk, met=is_met)
    return need


def add_action(
    *,
    by: Any,
    case: Case,
    action: str,
    due_on: dt.date,
    owner: Any = None,
    owner_name: str = "",
    need: CaseNeed | None = None,
) -> PlanAction:
    """Add a step to the plan: what, who owns it (an officer, or a named organisation) and by
    when."""
    require_case_officer(by, case)
    _require_open(case)
    if not action.strip():
        raise SaramError("action_required", _("할 일을 적어 주세요."))
    if owner is None and not owner_name.strip():
        raise SaramError("owner_required", _("담당자나 담당 기관을 정해 주세요."))
    if owner is not None and case.dong_id not in scope_of(owner).dong_ids(Can.MANAGE_PEOPLE):
        raise SaramError("bad_owner", _("담당자는 이 행정동의 복지 담당이어야 합니다."))
    if need is not None and need.case_id != case.pk:
        raise SaramError("bad_need", _("다른 사례의 욕구입니다."))
    step = PlanAction.objects.create(
        case=case,
        need=need,
        action=action.strip()[:300],
        owner=owner,
        owner_name=owner_name.strip()[:100],
        due_on=due_on,
        created_by=by,
    )
    _audit(by, case, AuditAction.UPDATE, _("계획 추가"), step=step.pk)
    return step


def complete_action(*, by: Any, step: PlanAction, now: dt.datetime) -> PlanAction:
    """Mark a plan step done."""
    require_case_officer(by, step.case)
    _require_open(step.case)
    if step.done_at is None:
        step.done_at = now
        step.save(update_fields=["done_at"])
        _audit(by, step.case, AuditAction.UPDATE, _("계획 완료"), step=step.pk)
    return step


def add_note(*, by: Any, case: Case, text: str, now: dt.datetime) -> CaseNote:
    """A case note; only the case's workers may write (and read) them."""
    require_case_officer(by, case)
    if not is_worker(by, case):
        raise SaramError("not_worker", _("사례 담당자만 사례 기록을 쓸 수 있습니다."))
    if not text.strip():
        raise SaramError("note_required", _("기록할 내용을 적어 주세요."))
    note = CaseNote.objects.create(case=case, author=by, written_at=now, text=text.strip())
    _audit(by, case, AuditAction.UPDATE, _("사례 기록 작성"), note=note.pk)
    return note


def schedule_follow_up(*, by: Any, case: Case, on: dt.date | None) -> Case:
    """Set (or clear) the day of the next follow-up."""
    require_case_officer(by, case)
    _require_open(case)
    case.next_follow_up_on = on
    case.save(update_fields=["next_follow_up_on"])
    return case


def close_case(*, by: Any, case: Case, reason: str, note: str = "", now: dt.datetime) -> Case:
    """Close a case with a reason; refused while a referral still waits for its result, so that
    every referral's loop is closed first."""
    require_case_officer(by, case)
    _require_open(case)
    if reason not in ClosureReason.values:
        raise SaramError("reason_required", _("종결 사유를 골라 주세요."))
    pending = case.referrals.filter(status__in=(ReferralStatus.SENT, ReferralStatus.ACCEPTED))
    if pending.exists():
        raise SaramError(
            "referrals_pending",
            _("결과를 기다리는 의뢰가 %(n)s건 있습니다. 의뢰 결과를 먼저 기록하세요.")
            % {"n": pending.count()},
        )
    with transaction.atomic():
        case.closed_at = now
        case.closed_by = by
        case.closure_reason = reason
        case.closure_note = note.strip()[:300]
        case.next_follow_up_on = None
        case.save()
        _audit(by, case, AuditAction.UPDATE, _("사례 종결"), reason=reason)
    return case


def officers_of(case: Case) -> list[Any]:
    """Officers who may be given plan steps or join the case."""
    from saram.welfare.selectors import dong_officers

    return dong_officers(case.dong)
