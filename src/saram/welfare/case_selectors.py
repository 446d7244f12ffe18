"""Reads of case work, consent, transfers, help requests and offline conflicts, limited to what
the asking user may see (scope applied here, once). Out of scope is 404."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet

from saram.core.access import Can, not_found, scope_of
from saram.core.models import Dong, Person
from saram.welfare.models import (
    ApprovalStatus,
    Assignment,
    AssignmentStatus,
    Case,
    CaseApproval,
    CaseNeed,
    Consent,
    Death,
    HelpRequest,
    HelpRequestStatus,
    MoveTask,
    MoveTaskStatus,
    PlanAction,
    Referral,
    ReferralStatus,
    Resource,
    SyncConflict,
    Transfer,
    Visit,
)
from saram.welfare.selectors import assignments_for, cases_for, concerns_for


def _ids(user: Any, capability: Can) -> frozenset[int]:
    return scope_of(user).dong_ids(capability)


def _one(qs: QuerySet[Any], pk: int) -> Any:
    found = qs.filter(pk=pk).first()
    if found is None:
        raise not_found()
    return found


def decided_approvals_for(user: Any, *, limit: int = 20) -> list[CaseApproval]:
    """The team lead's latest decided 결재 (approved or returned)."""
    return list(approvals_for(user, pending_only=False).exclude(status="pending")[:limit])


def approvals_for(user: Any, *, pending_only: bool = True) -> QuerySet[CaseApproval]:
    """결재 requests of the team lead's dongs."""
    qs = CaseApproval.objects.filter(
        case__dong_id__in=_ids(user, Can.APPROVE_CASES)
    ).select_related("case", "case__person", "requested_by")
    if pending_only:
        qs = qs.filter(status=ApprovalStatus.PENDING).prefetch_related(
            Prefetch(
                "case__actions",
                queryset=PlanAction.objects.select_related("owner", "need").order_by(
                    "due_on", "id"
                ),
            )
        )
    return qs.order_by("requested_at", "id")


def approval_for(user: Any, pk: int) -> CaseApproval:
    return _one(approvals_for(user, pending_only=False), pk)


def consents_of(user: Any, person: Person) -> QuerySet[Consent]:
    if person.dong_id not in _ids(user, Can.VIEW_PEOPLE):
        return Consent.objects.none()
    return Consent.objects.filter(person=person).select_related("recorded_by", "withdrawn_by")


def consent_for(user: Any, pk: int) -> Consent:
    return _one(
        Consent.objects.filter(person__dong_id__in=_ids(user, Can.MANAGE_PEOPLE)).select_related(
            "person"
        ),
        pk,
    )


def transfers_for(user: Any) -> QuerySet[Transfer]:
    """Transfers out of or into the user's dongs: both sides see the hand-over."""
    ids = _ids(user, Can.VIEW_PEOPLE)
    return (
        Transfer.objects.filter(Q(from_dong_id__in=ids) | Q(to_dong_id__in=ids))
        .select_related("person", "from_dong", "to_dong", "opened_by", "accepted_by")
        .order_by("-opened_at", "-id")
    )


def transfer_for(user: Any, pk: int) -> Transfer:
    return _one(transfers_for(user), pk)


def transfer_targets(person: Person) -> QuerySet[Dong]:
    """Dongs of the person's city other than theirs."""
    return (
        Dong.objects.filter(city_id=person.dong.city_id)
        .exclude(pk=person.dong_id)
        .select_related("gu")
        .order_by("gu__code", "code")
    )


def help_requests_for(user: Any, *, open_only: bool = True) -> QuerySet[HelpRequest]:
    """The dong's queue of requests from the public door, oldest deadline first."""
    qs = HelpRequest.objects.filter(dong_id__in=_ids(user, Can.VIEW_PEOPLE)).select_related(
        "dong", "person", "handled_by"
    )
    if open_only:
        qs = qs.filter(status=HelpRequestStatus.RECEIVED)
    return qs.order_by("due_on", "received_at")


def help_request_for(user: Any, pk: int) -> HelpRequest:
    return _one(help_requests_for(user, open_only=False), pk)


def help_candidates(request: HelpRequest) -> QuerySet[Person]:
    """Residents of the request's dong at its address (to link it to one)."""
    qs = Person.objects.filter(dong_id=request.dong_id)
    if request.household_id:
        return qs.filter(household_id=request.household_id).order_by("name")[:20]
    return qs.none()


def conflicts_for(user: Any, *, open_only: bool = True) -> QuerySet[SyncConflict]:
    qs = SyncConflict.objects.filter(dong_id__in=_ids(user, Can.MANAGE_PEOPLE)).select_related(
        "assignment", "assignment__person", "submitted_by"
    )
    if open_only:
        qs = qs.filter(resolved_at__isnull=True)
    return qs.order_by("submitted_at")


def conflict_for(user: Any, pk: int) -> SyncConflict:
    return _one(conflicts_for(user, open_only=False), pk)


def help_move_targets(request: HelpRequest) -> QuerySet[Dong]:
    """Dongs a help request's resident may have moved to: the city's others."""
    return (
        Dong.objects.filter(city_id=request.dong.city_id)
        .exclude(pk=request.dong_id)
        .select_related("gu")
        .order_by("gu__code", "code")
    )


def move_tasks_for(user: Any, *, open_only: bool = True) -> QuerySet[MoveTask]:
    """Moves learned at the door without the new dong, for the officers of the old dong."""
    qs = MoveTask.objects.filter(dong_id__in=_ids(user, Can.MANAGE_PEOPLE)).select_related(
        "person", "learned_by", "dong"
    )
    if open_only:
        qs = qs.filter(status=MoveTaskStatus.OPEN)
    return qs.order_by("due_on", "id")


def move_task_for(user: Any, pk: int) -> MoveTask:
    return _one(move_tasks_for(user, open_only=False), pk)


def person_to_manage(user: Any, pk: int) -> Person:
    """A resident of a dong the user manages (officers and team leads), else 404."""
    return _one(
        Person.objects.filter(dong_id__in=_ids(user, Can.MANAGE_PEOPLE)).select_related("dong__gu"),
        pk,
    )


def death_of(user: Any, person: Person) -> Death | None:
    """The person's death record, for those who may see the person."""
    if person.dong_id not in _ids(user, Can.VIEW_PEOPLE):
        return None
    return Death.objects.filter(person=person).select_related("recorded_by", "visit").first()


def case_list_for(user: Any, *, closed: bool) -> QuerySet[Case]:
    """The user's dongs' open cases, or their closed ones."""
    qs = cases_for(user, open_only=not closed)
    return qs.filter(closed_at__isnull=False) if closed else qs


def case_need(case: Case, pk: Any) -> CaseNeed | None:
    """One need of the case (None for another case's or an unknown id)."""
    return case.needs.filter(pk=pk).first() if pk and str(pk).isdigit() else None


def plan_step(case: Case, pk: Any) -> PlanAction:
    """One step of the case's plan, else 404."""
    if not (pk and str(pk).isdigit()):
        raise not_found()
    return _one(PlanAction.objects.filter(case=case), int(pk))


def open_referral_counts(resource_ids: list[int]) -> dict[int, int]:
    """Referrals still waiting (sent or accepted) per resource: how busy each one is."""
    return dict(
        Referral.objects.filter(
            resource_id__in=resource_ids,
            status__in=(ReferralStatus.SENT, ReferralStatus.ACCEPTED),
        )
        .order_by()
        .values_list("resource_id")
        .annotate(n=Count("id"))
        .values_list("resource_id", "n")
    )


def resources_helping(resources: QuerySet[Resource], need: str) -> list[Resource]:
    """The resources (already scoped) that help with `need` (all of them without one)."""
    return [r for r in resources if not need or need in r.needs]


def help_candidate(request: HelpRequest, pk: Any) -> Person | None:
    """One resident the request may be linked to, else None."""
    if not (pk and str(pk).isdigit()):
        return None
    return help_candidates(request).filter(pk=int(pk)).first()


def visits_to_follow(user: Any, *, show: str, today: dt.date) -> QuerySet[Assignment]:
    """The dongs' visits that need an officer: overdue (the default), returned, or open."""
    if show == "returned":
        return assignments_for(user, statuses=(AssignmentStatus.RETURNED,))
    qs = assignments_for(user, statuses=(AssignmentStatus.OPEN,))
    return qs if show == "open" else qs.filter(due_on__lt=today)


def visits_of_assignment(assignment: Assignment) -> QuerySet[Visit]:
    """The visits recorded on one (already scoped) assignment, with their visitors."""
    return assignment.visits.select_related("visitor")


def concerns_reported_by(user: Any, *, limit: int = 20) -> QuerySet[Any]:
    """The concerns a committee member reported, newest first."""
    return concerns_for(user, status=None).filter(reported_by=user).order_by("-reported_at")[:limit]
