"""Visits and what visitors see: recording a visit, and a committee member's concern about a
neighbour who is on no list yet (it becomes a signal of its own, "committee observation")."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from saram.core import audit
from saram.core.access import Can, scope_of
from saram.core.errors import SaramError
from saram.core.models import AuditAction, Dong, Person
from saram.welfare.models import (
    AlertReason,
    Assignment,
    AssignmentStatus,
    Case,
    Concern,
    ConcernStatus,
    MoveTask,
    NeedCategory,
    Visit,
    VisitOutcome,
)
from saram.welfare.services import alerts, life_events, rounds
from saram.welfare.services.signals import record_signal

OBSERVATION_KIND = "committee_observation"
# A visit may be recorded a little after the fact, but never ahead of the clock.
CLOCK_SKEW = dt.timedelta(minutes=10)
# Reached means met: a refusal at the door or a move is not help, and never counts as done.
REACHED = (VisitOutcome.MET,)
# Over: nobody left to visit on this assignment, but nobody was helped either.
ENDING = (VisitOutcome.REFUSED, VisitOutcome.MOVED, VisitOutcome.DECEASED)
NOT_HOME_ALERT_AFTER = 2


def _check(outcome: str, needs: Sequence[str], visited_at: dt.datetime, now: dt.datetime) -> None:
    if outcome not in VisitOutcome.values:
        raise SaramError("visit_bad_outcome")
    unknown = [n for n in needs if n not in NeedCategory.values]
    if unknown:
        raise SaramError("visit_bad_need", n=", ".join(unknown))
    if needs and outcome != VisitOutcome.MET:
        raise SaramError("visit_needs_without_meeting")
    if visited_at > now + CLOCK_SKEW:
        raise SaramError("visit_in_future")


def record_visit(
    *,
    by: Any,
    assignment: Assignment,
    visited_at: dt.datetime,
    outcome: str,
    needs: Sequence[str] = (),
    note: str = "",
    now: dt.datetime,
    moved_to: Dong | None = None,
    new_address: str = "",
) -> Visit:
    """Record a visit of an assignment by its visitor (or a dong officer); any outcome but
    'not at home' settles it, and a meeting records whether a need was confirmed. A move
    opens the transfer to `moved_to` (or the officer's task when the new dong is not known);
    a death closes what is open for the person."""
    is_visitor = assignment.assignee_id == by.pk and scope_of(by).can(Can.VISIT_ASSIGNED)
    is_officer = assignment.dong_id in scope_of(by).dong_ids(Can.MANAGE_PEOPLE)
    if not (is_visitor or is_officer):
        raise SaramError("visit_not_yours")
    _check(outcome, needs, visited_at, now)
    with transaction.atomic():
        locked = Assignment.objects.select_for_update().get(pk=assignment.pk)
        if locked.status != AssignmentStatus.OPEN:
            raise SaramError("visit_not_open")
        visit = Visit.objects.create(
            person_id=locked.person_id,
            dong_id=locked.dong_id,
            assignment=locked,
            visitor=by,
            visited_at=visited_at,
            outcome=outcome,
            needs=sorted(set(needs)),
            note=note.strip(),
        )
        locked.outcome = outcome
        if outcome in REACHED and locked.reached_at is None:
            locked.reached_at = visited_at
            locked.reached_on = timezone.localtime(visited_at).date()
        if outcome == VisitOutcome.MET:
            locked.status = AssignmentStatus.DONE
            locked.resolved_at = visited_at
            locked.need_confirmed = bool(needs)
        elif outcome in ENDING:
            locked.status = AssignmentStatus.ENDED
            locked.resolved_at = visited_at
        locked.save()
        _after_outcome(locked, visit, by=by, now=now, moved_to=moved_to, new_address=new_address)
        audit.record(
            actor=by,
            action=AuditAction.CREATE,
            target_type="welfare_visit",
            target_id=visit.pk,
            purpose=_("방문 기록"),
            detail={"person": locked.person_id, "outcome": outcome},
        )
    assignment.refresh_from_db()
    return visit


def _after_outcome(
    assignment: Assignment,
    visit: Visit,
    *,
    by: Any,
    now: dt.datetime,
    moved_to: Dong | None = None,
    new_address: str = "",
) -> None:
    """What an outcome sets going: not at home twice for a high-risk person raises 긴급 by
    itself; a high-risk refusal gets a second attempt by someone else; a move opens a
    transfer to the new dong; a death closes the person's open work with its record."""
    outcome = visit.outcome
    if outcome == VisitOutcome.NOT_HOME and assignment.is_high_risk:
        misses = Visit.objects.filter(assignment=assignment, outcome=VisitOutcome.NOT_HOME).count()
        if misses >= NOT_HOME_ALERT_AFTER:
            alerts.raise_automatic(
                assignment=assignment, reason=AlertReason.NOT_HOME_TWICE, now=now
            )
    elif outcome == VisitOutcome.REFUSED and assignment.is_high_risk:
        _second_attempt(assignment, now=now)
    elif outcome == VisitOutcome.MOVED:
        _moved(assignment, visit, by=by, now=now, moved_to=moved_to, new_address=new_address)
    elif outcome == VisitOutcome.DECEASED:
        person = Person.objects.get(pk=assignment.person_id)
        life_events.death_learned(by=by, person=person, visit=visit, note=visit.note, now=now)


def _second_attempt(assignment: Assignment, *, now: dt.datetime) -> Assignment | None:
    """The same person again, by the eligible visitor with the fewest open visits who is not
    the one refused (and who may visit them); none when nobody else may."""
    if assignment.previous_id is not None:
        return None  # a second refusal stands: the officer decides what comes next
    others = [
        u for u in rounds.eligible_visitors(assignment.dong) if u.pk != assignment.assignee_id
    ]
    household = (
        Person.objects.filter(pk=assignment.person_id)
        .values_list("household_id", flat=True)
        .first()
    )
    visitors = [
        v
        for v in rounds.visitors_for(assignment.dong, others)
        if v.may_visit(assignment.person_id, household)
    ]
    if not visitors:
        return None
    chosen = min(visitors, key=lambda v: v.load)
    days = max(1, (assignment.due_on - timezone.localtime(assignment.assigned_at).date()).days)
    return Assignment.objects.create(
        round_id=assignment.round_id,
        person_id=assignment.person_id,
        dong_id=assignment.dong_id,
        assignee_id=chosen.user_id,
        assigned_at=now,
        purpose=assignment.purpose,
        due_on=timezone.localtime(now).date() + dt.timedelta(days=days),
        is_urgent=assignment.is_urgent,
        is_high_risk=True,
        previous=assignment,
    )


def _moved(
    assignment: Assignment,
    visit: Visit,
    *,
    by: Any,
    now: dt.datetime,
    moved_to: Dong | None,
    new_address: str,
) -> None:
    """The transfer to the new dong opens at once when the visitor learned where the person
    went; otherwise the dong's officer gets the task of finding out (a visitor learns of a
    move at the door, rarely where the person went)."""
    person = Person.objects.select_related("dong__gu").get(pk=assignment.person_id)
    found = life_events.move_learned(
        by=by,
        person=person,
        to_dong=moved_to,
        new_address=new_address,
        visit=visit,
        note=visit.note,
        now=now,
    )
    if isinstance(found, MoveTask):
        code, params = "find_new_dong", {}
    else:
        code, params = (
            "transfer_requested",
            {"dong": {"ko": found.to_dong.name, "en": found.to_dong.name_en}},
        )
    Assignment.objects.filter(pk=assignment.pk).update(transfer_note=code, transfer_params=params)


def record_follow_up(
    *,
    by: Any,
    case: Case,
    visited_at: dt.datetime,
    outcome: str,
    needs: Sequence[str] = (),
    note: str = "",
    now: dt.datetime,
    next_follow_up_on: dt.date | None = None,
    moved_to: Dong | None = None,
    new_address: str = "",
) -> Visit:
    """A follow-up visit of an open case by one of its workers or a dong officer; a move or
    a death found at it is acted on as at any visit."""
    if case.dong_id not in scope_of(by).dong_ids(Can.MANAGE_PEOPLE):
        raise SaramError("case_forbidden")
    if not case.is_open:
        raise SaramError("case_is_closed")
    _check(outcome, needs, visited_at, now)
    with transaction.atomic():
        visit = Visit.objects.create(
            person_id=case.person_id,
            dong_id=case.dong_id,
            case=case,
            visitor=by,
            visited_at=visited_at,
            outcome=outcome,
            needs=sorted(set(needs)),
            note=note.strip(),
        )
        case.next_follow_up_on = next_follow_up_on
        case.save(update_fields=["next_follow_up_on"])
        person = Person.objects.select_related("dong__gu").get(pk=case.person_id)
        if outcome == VisitOutcome.DECEASED:
            life_events.death_learned(by=by, person=person, visit=visit, note=note, now=now)
        elif outcome == VisitOutcome.MOVED:
            life_events.move_learned(
                by=by,
                person=person,
                to_dong=moved_to,
                new_address=new_address,
                visit=visit,
                note=note,
                now=now,
            )
        audit.record(
            actor=by,
            action=AuditAction.CREATE,
            target_type="welfare_visit",
            target_id=visit.pk,
            purpose=_("사례 확인 방문 기록"),
            detail={"case": case.pk, "outcome": outcome},
        )
    return visit


def _normal(text: str) -> str:
    return re.sub(r"\s+", "", text).lower()


def report_concern(
    *,
    by: Any,
    name: str,
    address: str,
    phone: str = "",
    description: str,
    now: dt.datetime,
    dong: Dong | None = None,
) -> Concern:
    """A committee member's concern about a neighbour; when exactly one resident of the dong
    has that name and address it becomes a committee-observation signal at once."""
    dong_ids = scope_of(by).dong_ids(Can.VISIT_ASSIGNED)
    if not dong_ids:
        raise SaramError("concern_forbidden")
    if dong is None:
        if len(dong_ids) != 1:
            raise SaramError("concern_dong_required")
        dong = Dong.objects.get(pk=next(iter(dong_ids)))
    elif dong.pk not in dong_ids:
        raise SaramError("concern_not_your_dong")
    if not name.strip() or not address.strip() or not description.strip():
        raise SaramError("concern_incomplete")
    with transaction.atomic():
        concern = Concern.objects.create(
            dong=dong,
            reported_by=by,
            reported_at=now,
            name=name.strip()[:50],
            address=address.strip()[:300],
            phone=phone.strip()[:20],
            description=description.strip()[:500],
        )
        # Matched at once only among the residents given to this member to visit: matching
        # anyone else would tell the member that such a resident exists. Others wait for the
        # dong's officer, whatever the registry holds, and the member sees the same answer.
        candidates = [
            p
            for p in Person.objects.filter(
                dong=dong,
                name=concern.name,
                welfare_assignments__assignee_id=by.pk,
                welfare_assignments__status=AssignmentStatus.OPEN,
            )
            .distinct()
            .only("id", "address")
            if _normal(p.address) == _normal(concern.address)
        ]
        if len(candidates) == 1:
            _match(concern, candidates[0], by=None, now=now)
        audit.record(
            actor=by,
            action=AuditAction.CREATE,
            target_type="welfare_concern",
            target_id=concern.pk,
            purpose=_("이웃 어려움 알림"),
        )
    return concern


def status_seen_by(user: Any, concern: Concern) -> str:
    """The concern's status as its reporter may see it. A member who may not see the dong's
    residents learns "matched" only for a resident given to them (matched when reported);
    once the officer has decided, only that it is closed, not whether a resident was found."""
    if concern.dong_id in scope_of(user).dong_ids(Can.VIEW_PEOPLE):
        return concern.status
    if concern.status == ConcernStatus.MATCHED and concern.resolved_by_id is None:
        return ConcernStatus.MATCHED
    if concern.status == ConcernStatus.NEW:
        return ConcernStatus.NEW
    return ConcernStatus.DISMISSED


def _match(concern: Concern, person: Person, *, by: Any, now: dt.datetime) -> None:
    signal = record_signal(
        person=person,
        kind_code=OBSERVATION_KIND,
        observed_on=timezone.localtime(concern.reported_at).date(),
        source=_("복지위원 관찰"),
    )
    concern.person = person
    concern.signal = signal
    concern.status = ConcernStatus.MATCHED
    concern.resolved_by = by
    concern.resolved_at = now
    concern.save()


def resolve_concern(
    *, by: Any, concern: Concern, person: Person | None, now: dt.datetime
) -> Concern:
    """An officer links a concern to a resident of the dong (making it a signal) or closes it."""
    if concern.dong_id not in scope_of(by).dong_ids(Can.MANAGE_PEOPLE):
        raise SaramError("concern_resolve_forbidden")
    if concern.status != ConcernStatus.NEW:
        raise SaramError("concern_already_resolved")
    with transaction.atomic():
        if person is None:
            concern.status = ConcernStatus.DISMISSED
            concern.resolved_by = by
            concern.resolved_at = now
            concern.save()
        else:
            if person.dong_id != concern.dong_id:
                raise SaramError("concern_person_other_dong")
            _match(concern, person, by=by, now=now)
        audit.record(
            actor=by,
            action=AuditAction.UPDATE,
            target_type="welfare_concern",
            target_id=concern.pk,
            purpose=_("이웃 어려움 알림 처리"),
            detail={"status": concern.status},
        )
    return concern
