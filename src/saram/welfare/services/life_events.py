"""Life events welfare learns of, mostly at the door: a death and a move.

A death is recorded once per person; its record closes everything still open for them (cases,
referrals, scheduled visits, open 긴급 alerts, a pending transfer or move task) with the reason
"died", so nobody is visited, referred or escalated after it and the funnel counts them as
died. A move with the new dong known opens the transfer (이관) at once; without it, the dong's
officer gets a task to find where the person went, with a deadline.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from saram.core import audit
from saram.core.access import Can, scope_of
from saram.core.errors import SaramError
from saram.core.models import AuditAction, Dong, Person
from saram.welfare.models import (
    ApprovalStatus,
    Assignment,
    AssignmentStatus,
    Case,
    CaseApproval,
    CaseStage,
    ClosureReason,
    Death,
    DeclineReason,
    HelpRequest,
    MoveTask,
    MoveTaskStatus,
    Referral,
    ReferralEvent,
    ReferralStatus,
    Transfer,
    TransferStatus,
    Visit,
    VisitOutcome,
)
from saram.welfare.services import alerts, transfers

# City policy (not law): the officer finds where a moved person went within this many days.
MOVE_TASK_DAYS = 7
OPEN_REFERRALS = (ReferralStatus.SENT, ReferralStatus.ACCEPTED)


def _require_officer(by: Any, person: Person) -> None:
    if person.dong_id not in scope_of(by).dong_ids(Can.MANAGE_PEOPLE):
        raise SaramError("life_event_forbidden")


def record_death(
    *,
    by: Any,
    person: Person,
    died_on: dt.date | None = None,
    note: str = "",
    now: dt.datetime,
) -> Death:
    """An officer of the person's dong records a death learned otherwise than at a visit (a
    family's call, the registry); it closes what is open as a death at a visit does."""
    _require_officer(by, person)
    if died_on is not None and died_on > timezone.localtime(now).date():
        raise SaramError("death_in_future")
    with transaction.atomic():
        return death_learned(by=by, person=person, died_on=died_on, note=note, now=now)


def death_learned(
    *,
    by: Any,
    person: Person,
    now: dt.datetime,
    died_on: dt.date | None = None,
    visit: Visit | None = None,
    note: str = "",
) -> Death:
    """Record the death (once: a second report returns the first record) and close, with it,
    the person's open cases (no 결재: nothing more can be delivered; pending 결재 requests are
    cancelled), open referrals (withdrawn, reason died), open visits (ended, outcome died), open
    긴급 alerts (ended, no more escalation), a pending transfer and an open move task. The
    caller has authorized `by`."""
    known = Death.objects.filter(person=person).first()
    if known is not None:
        return known
    text = note.strip()[:300]
    try:
        with transaction.atomic():
            death = Death.objects.create(
                person=person,
                dong_id=person.dong_id,
                died_on=died_on,
                learned_at=now,
                recorded_by=by,
                visit=visit,
                note=text,
            )
    except IntegrityError:  # the same death recorded at the same moment from elsewhere
        return Death.objects.get(person=person)
    case_ids = list(
        Case.objects.select_for_update()
        .filter(person=person, closed_at__isnull=True)
        .values_list("id", flat=True)
    )
    Case.objects.filter(pk__in=case_ids).update(
        closed_at=now,
        closed_by=by,
        closure_reason=ClosureReason.DECEASED,
        # The reason (died) is shown from its code in the reader's language; the note keeps
        # only the recorder's own words.
        closure_note=text,
        next_follow_up_on=None,
        stage=CaseStage.CLOSED,
    )
    CaseApproval.objects.filter(case_id__in=case_ids, status=ApprovalStatus.PENDING).update(
        status=ApprovalStatus.CANCELLED,
        decided_by=by,
        decided_at=now,
        decision_note="closed_by_death",  # a note code of `welfare.notes`
    )
    referrals = list(
        Referral.objects.select_for_update().filter(case__person=person, status__in=OPEN_REFERRALS)
    )
    Referral.objects.filter(pk__in=[r.pk for r in referrals]).update(
        status=ReferralStatus.WITHDRAWN, decline_reason=DeclineReason.DIED, declined_at=now
    )
    ReferralEvent.objects.bulk_create(
        ReferralEvent(
            referral=r,
            status=ReferralStatus.WITHDRAWN,
            at=now,
            by=by,
            note="withdrawn_died",  # a note code of `welfare.notes`
        )
        for r in referrals
    )
    visits = Assignment.objects.filter(person=person, status=AssignmentStatus.OPEN).update(
        status=AssignmentStatus.ENDED, outcome=VisitOutcome.DECEASED, resolved_at=now
    )
    Transfer.objects.filter(person=person, status=TransferStatus.PENDING).update(
        status=TransferStatus.CANCELLED
    )
    MoveTask.objects.filter(person=person, status=MoveTaskStatus.OPEN).update(
        status=MoveTaskStatus.STAYED, resolved_by=by, resolved_at=now
    )
    alerts_closed = alerts.close_for_death(by=by, person_id=person.pk, now=now)
    death.closed_cases = len(case_ids)
    death.closed_referrals = len(referrals)
    death.closed_visits = visits
    death.closed_alerts = alerts_closed
    death.save(update_fields=["closed_cases", "closed_referrals", "closed_visits", "closed_alerts"])
    for case_id in case_ids:
        audit.record(
            actor=by,
            action=AuditAction.UPDATE,
            target_type="welfare_case",
            target_id=case_id,
            purpose=str(_("사망으로 사례 종결")),
            detail={"death": death.pk},
        )
    audit.record(
        actor=by,
        action=AuditAction.UPDATE,
        target_type="person",
        target_id=person.pk,
        purpose=str(_("사망 기록")),
        detail={
            "death": death.pk,
            "cases": len(case_ids),
            "referrals": len(referrals),
            "visits": visits,
            "alerts": alerts_closed,
        },
    )
    return death


def move_learned(
    *,
    by: Any,
    person: Person,
    now: dt.datetime,
    to_dong: Dong | None = None,
    new_address: str = "",
    visit: Visit | None = None,
    help_request: HelpRequest | None = None,
    note: str = "",
) -> Transfer | MoveTask:
    """A move learned at the door. With the new dong known (another dong of the city) the
    transfer opens at once, its hand-over note saying where the move was learned; otherwise
    (or when the person already has a pending transfer) the officer's task. The caller has
    authorized `by`; a person already moving keeps their pending transfer."""
    pending = Transfer.objects.filter(person=person, status=TransferStatus.PENDING).first()
    if pending is not None:
        return pending
    today = timezone.localtime(now).date()
    moves_within_city = (
        to_dong is not None
        and to_dong.pk != person.dong_id
        and to_dong.gu.city_id == person.dong.gu.city_id
    )
    if to_dong is not None and moves_within_city:
        code, params = _handover(visit, help_request, today)
        return transfers.open_for_move(
            by=by,
            person=person,
            to_dong=to_dong,
            new_address=new_address,
            handover_code=code,
            handover_params=params,
            handover_note=note,
            now=now,
        )
    task = MoveTask.objects.filter(person=person, status=MoveTaskStatus.OPEN).first()
    if task is not None:
        return task
    task = MoveTask.objects.create(
        person=person,
        dong_id=person.dong_id,
        learned_at=now,
        learned_by=by,
        visit=visit,
        help_request=help_request,
        new_address=new_address.strip()[:300],
        due_on=today + dt.timedelta(days=MOVE_TASK_DAYS),
    )
    audit.record(
        actor=by,
        action=AuditAction.CREATE,
        target_type="person",
        target_id=person.pk,
        purpose=str(_("전출 확인 (새 행정동 모름)")),
        detail={"move_task": task.pk},
    )
    return task


def _handover(
    visit: Visit | None, help_request: HelpRequest | None, today: dt.date
) -> tuple[str, dict[str, str]]:
    """Where the move was learned, as a note code of `welfare.notes` and its parameters."""
    if visit is not None:
        return "moved_at_visit", {"date": timezone.localtime(visit.visited_at).date().isoformat()}
    if help_request is not None:
        return "moved_via_request", {"receipt": help_request.receipt}
    return "moved", {"date": today.isoformat()}


def close_move_task(*, by: Any, task: MoveTask, now: dt.datetime) -> MoveTask:
    """The officer found the person did not move after all: the task is closed (a transfer,
    when they did move, closes it by itself)."""
    if task.dong_id not in scope_of(by).dong_ids(Can.MANAGE_PEOPLE):
        raise SaramError("life_event_forbidden")
    with transaction.atomic():
        locked = MoveTask.objects.select_for_update().get(pk=task.pk)
        if locked.status != MoveTaskStatus.OPEN:
            raise SaramError("move_task_closed")
        locked.status = MoveTaskStatus.STAYED
        locked.resolved_by = by
        locked.resolved_at = now
        locked.save(update_fields=["status", "resolved_by", "resolved_at"])
        audit.record(
            actor=by,
            action=AuditAction.UPDATE,
            target_type="person",
            target_id=locked.person_id,
            purpose=str(_("이사하지 않음 확인")),
            detail={"move_task": locked.pk},
        )
    task.refresh_from_db()
    return task
