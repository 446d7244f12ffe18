"""Case work as Korean practice does it (통합사례관리): 초기상담 → 욕구 사정 → 사례회의 → 계획
(팀장 결재) → 서비스 제공 → 점검 → 종결 (팀장 결재).

Every write authorizes, validates, writes and audits in one transaction. Closure is never done by
the worker alone: the worker asks, the team lead (팀장, `Can.APPROVE_CASES`) decides; while a need
is open, a referral unanswered or a follow-up due, the lead may approve only with a reason.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from saram.core import audit
from saram.core.access import Can, scope_of
from saram.core.errors import SaramError, render
from saram.core.models import AuditAction, Dong, Person
from saram.welfare.models import (
    ApprovalKind,
    ApprovalStatus,
    Case,
    CaseApproval,
    CaseConference,
    CaseNeed,
    CaseNote,
    CaseStage,
    ClosureReason,
    Death,
    NeedCategory,
    PlanAction,
    Programme,
    ReferralStatus,
    Visit,
)
from saram.welfare.selectors import dong_officers
from saram.welfare.services import life_events
from saram.welfare.services.visits import record_follow_up

# The stages in order; a case moves forward only (점검 may go back to 서비스 제공 when a new plan
# is approved).
ORDER = [
    CaseStage.INTAKE,
    CaseStage.ASSESSMENT,
    CaseStage.CONFERENCE,
    CaseStage.PLANNING,
    CaseStage.SERVICES,
    CaseStage.MONITORING,
    CaseStage.CLOSED,
]


def require_case_officer(user: Any, case: Case) -> None:
    """Refuse anyone but an officer of the case's dong."""
    if case.dong_id not in scope_of(user).dong_ids(Can.MANAGE_PEOPLE):
        raise SaramError("case_forbidden")


def require_supervisor(user: Any, case: Case) -> None:
    """Refuse anyone but a team lead (팀장) over the case's dong."""
    if case.dong_id not in scope_of(user).dong_ids(Can.APPROVE_CASES):
        raise SaramError("not_supervisor")


def is_worker(user: Any, case: Case) -> bool:
    """Whether the user is one of the case's workers (who alone read its notes)."""
    return bool(user.pk) and case.workers.filter(pk=user.pk).exists()


def _require_open(case: Case) -> None:
    if not case.is_open:
        raise SaramError("case_is_closed")


def _advance(case: Case, to: str) -> None:
    """Move the stage forward to `to` (never back)."""
    if ORDER.index(CaseStage(to)) > ORDER.index(CaseStage(case.stage)):
        case.stage = to


def _audit(by: Any, case: Case, action: str, purpose: Any, **detail: Any) -> None:
    audit.record(
        actor=by,
        action=action,
        target_type="welfare_case",
        target_id=case.pk,
        purpose=str(purpose),
        detail=detail,
    )


def _check_needs(needs: Sequence[tuple[str, str]]) -> None:
    for category, _detail in needs:
        if category not in NeedCategory.values:
            raise SaramError("case_bad_need", need=category)


def open_case(
    *,
    by: Any,
    person: Person,
    programme: str,
    needs: Sequence[tuple[str, str]] = (),
    visit: Visit | None = None,
    intake_note: str = "",
    now: dt.datetime,
) -> Case:
    """초기상담: open a case for a resident of the officer's dong; the opener is its first
    worker. Refuses a second open case of the same person and programme (a database
    constraint)."""
    if person.dong_id not in scope_of(by).dong_ids(Can.MANAGE_PEOPLE):
        raise SaramError("case_person_forbidden")
    if Death.objects.filter(person=person).exists():
        raise SaramError("case_person_died")
    if programme not in Programme.values:
        raise SaramError("case_bad_programme")
    _check_needs(needs)
    if visit is not None and visit.person_id != person.pk:
        raise SaramError("case_bad_visit")
    try:
        with transaction.atomic():
            case = Case.objects.create(
                person=person,
                dong_id=person.dong_id,
                programme=programme,
                opened_by=by,
                opened_at=now,
                visit=visit,
                intake_note=intake_note.strip(),
            )
            case.workers.add(by)
            CaseNeed.objects.bulk_create(
                CaseNeed(case=case, category=c, detail=d.strip()[:300]) for c, d in needs
            )
            _audit(by, case, AuditAction.CREATE, _("사례 열기"), programme=programme)
    except IntegrityError:
        raise SaramError("case_already_open") from None
    return case


def prefilled_needs(case: Case) -> list[str]:
    """욕구 사정 starts from what the visit found: the needs of the case's visit (or the latest
    met visit of the person) not yet recorded in the case."""
    visit = case.visit
    if visit is None:
        visit = (
            Visit.objects.filter(person_id=case.person_id, outcome="met")
            .exclude(needs=[])
            .order_by("-visited_at")
            .first()
        )
    found = list(visit.needs) if visit is not None else []
    have = set(case.needs.values_list("category", flat=True))
    return [n for n in found if n not in have and n in NeedCategory.values]


def assess(
    *,
    by: Any,
    case: Case,
    needs: Sequence[tuple[str, str]],
    note: str = "",
    now: dt.datetime,
) -> Case:
    """욕구 사정: record the assessed needs (at least one) and the worker's view."""
    require_case_officer(by, case)
    _require_open(case)
    _check_needs(needs)
    if not needs and not case.needs.exists():
        raise SaramError("assessment_needs_required")
    with transaction.atomic():
        have = set(case.needs.values_list("category", flat=True))
        CaseNeed.objects.bulk_create(
            CaseNeed(case=case, category=c, detail=d.strip()[:300])
            for c, d in needs
            if c not in have
        )
        case.assessed_at = now
        case.assessment_note = note.strip()
        _advance(case, CaseStage.CONFERENCE)
        case.save(update_fields=["assessed_at", "assessment_note", "stage"])
        _audit(by, case, AuditAction.UPDATE, _("욕구 사정"), needs=[c for c, _d in needs])
    return case


def hold_conference(
    *,
    by: Any,
    case: Case,
    held_on: dt.date,
    attendees: str,
    decisions: str,
    now: dt.datetime,
) -> CaseConference:
    """사례회의: who attended and what was decided; the case then goes to planning."""
    require_case_officer(by, case)
    _require_open(case)
    if case.assessed_at is None:
        raise SaramError("assessment_first")
    if not attendees.strip() or not decisions.strip():
        raise SaramError("conference_incomplete")
    if held_on > timezone.localtime(now).date():
        raise SaramError("conference_in_future")
    with transaction.atomic():
        conference = CaseConference.objects.create(
            case=case,
            held_on=held_on,
            attendees=attendees.strip()[:500],
            decisions=decisions.strip(),
            recorded_by=by,
            recorded_at=now,
        )
        _advance(case, CaseStage.PLANNING)
        case.save(update_fields=["stage"])
        _audit(by, case, AuditAction.UPDATE, _("사례회의 기록"), conference=conference.pk)
    return conference


def add_worker(*, by: Any, case: Case, worker: Any) -> Case:
    """A worker of the case adds an officer of the dong as a fellow worker."""
    require_case_officer(by, case)
    if not is_worker(by, case):
        raise SaramError("case_not_worker")
    if case.dong_id not in scope_of(worker).dong_ids(Can.MANAGE_PEOPLE):
        raise SaramError("case_bad_worker")
    case.workers.add(worker)
    _audit(by, case, AuditAction.UPDATE, _("사례 담당자 추가"), worker=worker.pk)
    return case


def add_need(*, by: Any, case: Case, category: str, detail: str = "") -> CaseNeed:
    """Add a need found in the case."""
    require_case_officer(by, case)
    _require_open(case)
    _check_needs([(category, detail)])
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
    when. A plan changed after its approval needs approving again."""
    require_case_officer(by, case)
    _require_open(case)
    if not action.strip():
        raise SaramError("plan_action_required")
    if owner is None and not owner_name.strip():
        raise SaramError("plan_owner_required")
    if owner is not None and case.dong_id not in scope_of(owner).dong_ids(Can.MANAGE_PEOPLE):
        raise SaramError("plan_bad_owner")
    if need is not None and need.case_id != case.pk:
        raise SaramError("need_of_other_case")
    with transaction.atomic():
        step = PlanAction.objects.create(
            case=case,
            need=need,
            action=action.strip()[:300],
            owner=owner,
            owner_name=owner_name.strip()[:100],
            due_on=due_on,
            created_by=by,
        )
        _advance(case, CaseStage.PLANNING)
        case.save(update_fields=["stage"])
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
        raise SaramError("case_not_worker")
    if not text.strip():
        raise SaramError("case_note_required")
    note = CaseNote.objects.create(case=case, author=by, written_at=now, text=text.strip())
    _audit(by, case, AuditAction.UPDATE, _("사례 기록 작성"), note=note.pk)
    return note


def schedule_follow_up(*, by: Any, case: Case, on: dt.date | None) -> Case:
    """Set (or clear) the day of the next follow-up (점검)."""
    require_case_officer(by, case)
    _require_open(case)
    case.next_follow_up_on = on
    case.save(update_fields=["next_follow_up_on"])
    return case


def record_check(
    *,
    by: Any,
    case: Case,
    visited_at: dt.datetime,
    outcome: str,
    needs: Sequence[str] = (),
    note: str = "",
    next_follow_up_on: dt.date | None = None,
    now: dt.datetime,
    moved_to: Dong | None = None,
    new_address: str = "",
) -> Visit:
    """점검: a follow-up visit of a case in service; the case moves to monitoring (or closes,
    when the visit found the person had died)."""
    visit = record_follow_up(
        by=by,
        case=case,
        visited_at=visited_at,
        outcome=outcome,
        needs=needs,
        note=note,
        now=now,
        next_follow_up_on=next_follow_up_on,
        moved_to=moved_to,
        new_address=new_address,
    )
    case.refresh_from_db()
    if case.stage == CaseStage.SERVICES:
        case.stage = CaseStage.MONITORING
        case.save(update_fields=["stage"])
    return visit


# --- 결재 (approval) ---------------------------------------------------------------------------


def closure_blockers(case: Case, *, today: dt.date) -> list[dict[str, Any]]:
    """What stands in the way of closing: open needs, referrals without an answer, a follow-up
    that is due. Plain data ({"code", "n"}), shown to the worker and the team lead."""
    blockers = []
    open_needs = case.needs.filter(is_met=False).count()
    if open_needs:
        blockers.append({"code": "closure_open_needs", "n": open_needs})
    pending = case.referrals.filter(
        status__in=(ReferralStatus.SENT, ReferralStatus.ACCEPTED)
    ).count()
    if pending:
        blockers.append({"code": "closure_pending_referrals", "n": pending})
    if case.next_follow_up_on is not None and case.next_follow_up_on <= today:
        blockers.append({"code": "closure_follow_up_due", "n": 1})
    return blockers


def _pending(case: Case, kind: str) -> CaseApproval | None:
    return case.approvals.filter(kind=kind, status=ApprovalStatus.PENDING).first()


def request_plan_approval(*, by: Any, case: Case, note: str = "", now: dt.datetime) -> CaseApproval:
    """Ask the team lead to approve the plan (at least one step, after the case conference)."""
    require_case_officer(by, case)
    _require_open(case)
    if not case.conferences.exists():
        raise SaramError("conference_first")
    if not case.actions.exists():
        raise SaramError("plan_empty")
    try:
        with transaction.atomic():
            approval = CaseApproval.objects.create(
                case=case,
                kind=ApprovalKind.PLAN,
                requested_by=by,
                requested_at=now,
                note=note.strip()[:300],
            )
            _audit(by, case, AuditAction.UPDATE, _("계획 결재 요청"), approval=approval.pk)
    except IntegrityError:
        raise SaramError("approval_pending") from None
    return approval


def request_closure(
    *, by: Any, case: Case, reason: str, note: str = "", now: dt.datetime
) -> CaseApproval:
    """Ask the team lead to approve closing the case; what is still open is recorded with the
    request, so the lead decides knowing it."""
    require_case_officer(by, case)
    _require_open(case)
    if reason not in ClosureReason.values:
        raise SaramError("closure_reason_required")
    blockers = closure_blockers(case, today=timezone.localtime(now).date())
    if blockers and not note.strip():
        raise SaramError("closure_blocked_note_required", what=describe_blockers(blockers))
    try:
        with transaction.atomic():
            approval = CaseApproval.objects.create(
                case=case,
                kind=ApprovalKind.CLOSURE,
                requested_by=by,
                requested_at=now,
                closure_reason=reason,
                note=note.strip()[:300],
                blockers=blockers,
            )
            _audit(by, case, AuditAction.UPDATE, _("종결 결재 요청"), reason=reason)
    except IntegrityError:
        raise SaramError("approval_pending") from None
    return approval


def describe_blockers(blockers: Sequence[dict[str, Any]]) -> str:
    """The blockers in words, in the reader's language."""
    return " ".join(render(b["code"], {"n": b["n"]}) for b in blockers)


def decide(
    *, by: Any, approval: CaseApproval, approve: bool, note: str = "", now: dt.datetime
) -> CaseApproval:
    """The team lead's 결재: approve or return a plan or a closure. Closing while something is
    still open (needs, unanswered referrals, a due follow-up) needs the lead's reason; a return
    needs one too."""
    case = approval.case
    require_supervisor(by, case)
    with transaction.atomic():
        locked = CaseApproval.objects.select_for_update().get(pk=approval.pk)
        if locked.status != ApprovalStatus.PENDING:
            raise SaramError("approval_decided")
        case = Case.objects.select_for_update().get(pk=locked.case_id)
        _require_open(case)
        if not approve and not note.strip():
            raise SaramError("rejection_reason_required")
        if approve and locked.kind == ApprovalKind.CLOSURE:
            blockers = closure_blockers(case, today=timezone.localtime(now).date())
            if blockers and not note.strip():
                raise SaramError("closure_override_reason", what=describe_blockers(blockers))
            locked.blockers = blockers
            _close(case, by=by, reason=locked.closure_reason, note=locked.note, now=now)
        elif approve:
            case.plan_approved_at = now
            case.plan_approved_by = by
            _advance(case, CaseStage.SERVICES)
            if case.stage == CaseStage.MONITORING:
                case.stage = CaseStage.SERVICES
            case.save(update_fields=["plan_approved_at", "plan_approved_by", "stage"])
        locked.status = ApprovalStatus.APPROVED if approve else ApprovalStatus.REJECTED
        locked.decided_by = by
        locked.decided_at = now
        locked.decision_note = note.strip()[:300]
        locked.save()
        _audit(
            by,
            case,
            AuditAction.UPDATE,
            _("팀장 결재"),
            approval=locked.pk,
            kind=locked.kind,
            approved=approve,
        )
    approval.refresh_from_db()
    return approval


def _close(case: Case, *, by: Any, reason: str, note: str, now: dt.datetime) -> None:
    case.closed_at = now
    case.closed_by = by
    case.closure_reason = reason
    case.closure_note = note.strip()[:300]
    case.next_follow_up_on = None
    case.stage = CaseStage.CLOSED
    case.save()
    _audit(by, case, AuditAction.UPDATE, _("사례 종결"), reason=reason)


def close_case(
    *, by: Any, case: Case, reason: str, note: str = "", override: str = "", now: dt.datetime
) -> Case:
    """A team lead closes a case at once (their own 결재). Refused while something is open
    unless `override` gives the lead's reason. Workers use `request_closure`."""
    require_supervisor(by, case)
    approval = request_closure(by=by, case=case, reason=reason, note=note or override, now=now)
    decide(by=by, approval=approval, approve=True, note=override, now=now)
    case.refresh_from_db()
    return case


def close_on_death(*, by: Any, case: Case, note: str = "", now: dt.datetime) -> Case:
    """A death closes the case with its record, without waiting for 결재: nothing further can
    be delivered. The death's record closes the person's other open work too."""
    require_case_officer(by, case)
    _require_open(case)
    person = Person.objects.select_related("dong").get(pk=case.person_id)
    with transaction.atomic():
        life_events.death_learned(by=by, person=person, note=note, now=now)
    case.refresh_from_db()
    return case


def officers_of(case: Case) -> list[Any]:
    """Officers who may be given plan steps or join the case."""
    return dong_officers(case.dong)
