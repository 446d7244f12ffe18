"""Welfare reads, already limited to what the asking user may see; scope is applied here, once.

Officers (VIEW_PEOPLE) see the rounds, visits, cases and signals of their dongs; committee
members (VISIT_ASSIGNED) see only the visits given to them and only what a visit needs; the city
administrator sees configuration, committees and aggregates, never a person. Anything else is
404, as if it did not exist.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import (
    Count,
    DateTimeField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
)
from django.utils import timezone

from saram.core.access import Can, not_found, scope_of
from saram.core.models import Dong, Job, Organisation, Person, Role, RoleAssignment
from saram.welfare.models import (
    Alert,
    AlertLevel,
    Assignment,
    AssignmentStatus,
    Case,
    CaseNote,
    Committee,
    CommitteeMember,
    Concern,
    ConcernStatus,
    Death,
    FlaggedPerson,
    LearnedModel,
    MatchReview,
    Meeting,
    NotListed,
    OutreachEntry,
    Programme,
    Referral,
    ReferralStatus,
    Resource,
    ReviewStatus,
    Round,
    Signal,
    SignalConfig,
    SignalImport,
    SignalKind,
    Visit,
)


def _ids(user: Any, capability: Can) -> frozenset[int]:
    return scope_of(user).dong_ids(capability)


# --- Dongs -------------------------------------------------------------------------------------


def welfare_dongs_for(user: Any) -> QuerySet[Dong]:
    """Dongs whose residents the user works with (officers)."""
    return Dong.objects.filter(pk__in=_ids(user, Can.VIEW_PEOPLE)).select_related("gu")


def welfare_dong_for(user: Any, code: str) -> Dong:
    dong = welfare_dongs_for(user).filter(code=code).first()
    if dong is None:
        raise not_found()
    return dong


def coverage_dongs_for(user: Any) -> QuerySet[Dong]:
    """Dongs whose coverage (aggregates) the user may see: all for reports, else their own."""
    scope = scope_of(user)
    if scope.can(Can.VIEW_REPORTS):
        return Dong.objects.filter(pk__in=scope.dong_ids(Can.VIEW_AREAS)).select_related("gu")
    return welfare_dongs_for(user)


def coverage_dong_for(user: Any, code: str) -> Dong:
    dong = coverage_dongs_for(user).filter(code=code).first()
    if dong is None:
        raise not_found()
    return dong


def dong_officers(dong: Dong) -> list[Any]:
    """Active users holding the welfare-officer role over the dong, its gu or its city."""
    user_ids = (
        RoleAssignment.objects.filter(role__in=(Role.WELFARE_OFFICER, Role.WELFARE_SUPERVISOR))
        .filter(dong.covering())
        .values_list("user_id", flat=True)
    )
    return list(
        get_user_model().objects.filter(pk__in=user_ids, is_active=True).order_by("username")
    )


# --- Signals and imports -----------------------------------------------------------------------


def signal_kinds() -> dict[int, SignalKind]:
    return {k.id: k for k in SignalKind.objects.all()}


def imports_for(user: Any) -> QuerySet[SignalImport]:
    """Imports of the user's dongs, city-wide imports, and the user's own."""
    scope = scope_of(user)
    dongs = scope.dong_ids(Can.VIEW_PEOPLE)
    if not dongs and not scope.can(Can.CONFIGURE):
        return SignalImport.objects.none()
    return SignalImport.objects.filter(
        Q(dong_id__in=dongs) | Q(dong__isnull=True) | Q(uploaded_by=user.pk)
    ).select_related("dong", "uploaded_by")


def import_for(user: Any, pk: int) -> SignalImport:
    found = imports_for(user).filter(pk=pk).first()
    if found is None:
        raise not_found()
    return found


def may_see_import_rows(user: Any, batch: SignalImport) -> bool:
    """Row errors quote the file (names, numbers): only for its uploader or the dong's officers."""
    if batch.uploaded_by_id == user.pk:
        return True
    return batch.dong_id is not None and batch.dong_id in _ids(user, Can.VIEW_PEOPLE)


def reviews_for(user: Any, *, status: str = ReviewStatus.PENDING) -> QuerySet[MatchReview]:
    return (
        MatchReview.objects.filter(dong_id__in=_ids(user, Can.MANAGE_PEOPLE), status=status)
        .select_related("kind", "batch", "dong")
        .order_by("batch_id", "row_number")
    )


def review_for(user: Any, pk: int) -> MatchReview:
    found = (
        MatchReview.objects.filter(pk=pk, dong_id__in=_ids(user, Can.MANAGE_PEOPLE))
        .select_related("kind", "batch", "dong")
        .first()
    )
    if found is None:
        raise not_found()
    return found


def review_candidates(user: Any, review: MatchReview) -> QuerySet[Person]:
    return Person.objects.filter(
        pk__in=review.candidates, dong_id__in=_ids(user, Can.MANAGE_PEOPLE)
    ).select_related("dong")


def signals_of(user: Any, person: Person) -> QuerySet[Signal]:
    if person.dong_id not in _ids(user, Can.VIEW_PEOPLE):
        return Signal.objects.none()
    return (
        Signal.objects.filter(person=person).select_related("kind").order_by("-observed_on", "-id")
    )


# --- Rounds and outreach lists -----------------------------------------------------------------


def rounds_for(user: Any, *, dong: Dong | None = None) -> QuerySet[Round]:
    qs = Round.objects.filter(dong_id__in=_ids(user, Can.VIEW_PEOPLE)).select_related(
        "dong", "config"
    )
    if dong is not None:
        qs = qs.filter(dong=dong)
    return qs.order_by("dong__code", "-number")


def round_for(user: Any, pk: int) -> Round:
    found = rounds_for(user).filter(pk=pk).first()
    if found is None:
        raise not_found()
    return found


def latest_round(user: Any, dong: Dong) -> Round | None:
    return rounds_for(user, dong=dong).order_by("-number").first()


def entries_for(user: Any, round_: Round) -> QuerySet[OutreachEntry]:
    """The round's ranked list, read from its stored table (index on round, rank)."""
    if round_.dong_id not in _ids(user, Can.VIEW_PEOPLE):
        return OutreachEntry.objects.none()
    return (
        OutreachEntry.objects.filter(round=round_)
        .select_related("person", "assignment", "assignment__assignee")
        .only(
            "id",
            "rank",
            "score",
            "reasons",
            "person__id",
            "person__name",
            "person__birth_date",
            "person__address",
            "person__lives_alone",
            "assignment__id",
            "assignment__status",
            "assignment__due_on",
            "assignment__outcome",
            "assignment__reached_at",
            "assignment__escalated_at",
            "assignment__assignee__id",
            "assignment__assignee__username",
            "assignment__assignee__first_name",
            "assignment__assignee__last_name",
        )
        .order_by("rank")
    )


OUTREACH_ROW_FIELDS = (
    "rank",
    "score",
    "reasons",
    "person_id",
    "person__name",
    "person__address",
    "assignment__id",
    "assignment__status",
    "assignment__due_on",
    "assignment__assignee__username",
    "assignment__assignee__first_name",
    "assignment__assignee__last_name",
)


def outreach_rows(user: Any, round_: Round, *, offset: int, limit: int) -> list[dict[str, Any]]:
    """One page of the round's stored list as plain rows (the page's only large read: no
    model instances, just the columns it prints, by the (round, rank) index)."""
    if round_.dong_id not in _ids(user, Can.VIEW_PEOPLE):
        return []
    return list(
        OutreachEntry.objects.filter(round=round_, rank__gt=offset, rank__lte=offset + limit)
        .order_by("rank")
        .values(*OUTREACH_ROW_FIELDS)
    )


# --- Assignments and visits --------------------------------------------------------------------


def assignments_for(
    user: Any, *, dong: Dong | None = None, statuses: tuple[str, ...] = ()
) -> QuerySet[Assignment]:
    """The visits of the officer's dongs."""
    qs = Assignment.objects.filter(dong_id__in=_ids(user, Can.VIEW_PEOPLE)).select_related(
        "person", "assignee", "round", "dong"
    )
    if dong is not None:
        qs = qs.filter(dong=dong)
    if statuses:
        qs = qs.filter(status__in=statuses)
    return qs.order_by("due_on", "id")


def assignment_for(user: Any, pk: int) -> Assignment:
    found = assignments_for(user).filter(pk=pk).first()
    if found is None:
        raise not_found()
    return found


# What a committee member may know of a person given to them, and nothing else.
VISIT_CARD_FIELDS = (
    "id",
    "due_on",
    "purpose",
    "status",
    "outcome",
    "dong_id",
    "person__id",
    "person__name",
    "person__address",
    "person__phone",
    "is_urgent",
    "entry_id",
)


def my_assignments(user: Any, *, open_only: bool = True) -> QuerySet[Assignment]:
    """The visits given to the user (a committee member or an officer), with only what a visit
    needs: name, address, phone, purpose and due date."""
    dong_ids = _ids(user, Can.VISIT_ASSIGNED) | _ids(user, Can.MANAGE_PEOPLE)
    qs = Assignment.objects.filter(assignee_id=user.pk, dong_id__in=dong_ids)
    if open_only:
        qs = qs.filter(status=AssignmentStatus.OPEN)
    # Urgent first, then by due date, then along the street (addresses sort by road and number).
    return (
        qs.select_related("person")
        .only(*VISIT_CARD_FIELDS)
        .order_by("-is_urgent", "due_on", "person__address", "id")
    )


def my_assignment(user: Any, pk: int) -> Assignment:
    """One open visit given to the user now: a visit given back, reassigned or ended no longer
    shows the person's name, address or phone (access ends with the duty)."""
    found = my_assignments(user, open_only=True).filter(pk=pk).first()
    if found is None:
        raise not_found()
    return found


def my_visits(user: Any, assignment: Assignment) -> QuerySet[Visit]:
    """The user's own visits of one assignment given to them."""
    return Visit.objects.filter(assignment=assignment, visitor_id=user.pk).only(
        "id", "visited_at", "outcome", "needs"
    )


def visits_of(user: Any, person: Person) -> QuerySet[Visit]:
    if person.dong_id not in _ids(user, Can.VIEW_PEOPLE):
        return Visit.objects.none()
    return Visit.objects.filter(person=person).select_related("visitor").order_by("-visited_at")


def visit_of(user: Any, person: Person, pk: int) -> Visit | None:
    """One of the person's visits (in the user's area), or None."""
    return visits_of(user, person).filter(pk=pk).first()


# A met visit that found needs should become a case (or be looked at) within this many days.
CASE_BACKLOG_DAYS = 7


def visits_needing_a_case(user: Any, *, dong: Dong | None = None) -> QuerySet[Visit]:
    """Met visits that found needs while the person has no open case yet; a visit that a case
    was opened from, or that came before a case of the person (open or closed), has had its
    answer and never returns here; nor does anyone whose death is recorded. Each carries
    `case_due_at` (the deadline to act on it)."""
    open_cases = Case.objects.filter(closed_at__isnull=True).values("person_id")
    answered = Case.objects.filter(
        Q(visit_id=OuterRef("pk"))
        | Q(person_id=OuterRef("person_id"), opened_at__gte=OuterRef("visited_at"))
    )
    qs = (
        Visit.objects.filter(dong_id__in=_ids(user, Can.VIEW_PEOPLE), outcome="met")
        .exclude(needs=[])
        .exclude(person_id__in=open_cases)
        .exclude(person_id__in=Death.objects.values("person_id"))
        .filter(case__isnull=True)
        .exclude(Exists(answered))
        .annotate(
            case_due_at=ExpressionWrapper(
                F("visited_at") + dt.timedelta(days=CASE_BACKLOG_DAYS),
                output_field=DateTimeField(),
            )
        )
        .select_related("person", "visitor")
    )
    if dong is not None:
        qs = qs.filter(dong=dong)
    return qs.order_by("visited_at", "id")  # the oldest deadline first


# --- Cases -------------------------------------------------------------------------------------


def cases_for(
    user: Any, *, dong: Dong | None = None, open_only: bool = True, person: Person | None = None
) -> QuerySet[Case]:
    qs = Case.objects.filter(dong_id__in=_ids(user, Can.VIEW_PEOPLE)).select_related(
        "person", "dong", "opened_by"
    )
    if dong is not None:
        qs = qs.filter(dong=dong)
    if person is not None:
        qs = qs.filter(person=person)
    if open_only:
        qs = qs.filter(closed_at__isnull=True)
    return qs.order_by("-opened_at")


def case_for(user: Any, pk: int) -> Case:
    found = cases_for(user, open_only=False).filter(pk=pk).first()
    if found is None:
        raise not_found()
    return found


def case_notes_for(user: Any, case: Case) -> QuerySet[CaseNote]:
    """Case notes are sensitive: only the case's own workers read them."""
    if (
        case.dong_id not in _ids(user, Can.VIEW_PEOPLE)
        or not case.workers.filter(pk=user.pk).exists()
    ):
        return CaseNote.objects.none()
    return case.notes.select_related("author")


def referrals_for(
    user: Any, *, dong: Dong | None = None, pending_only: bool = True
) -> QuerySet[Referral]:
    qs = Referral.objects.filter(dong_id__in=_ids(user, Can.VIEW_PEOPLE)).select_related(
        "resource", "case", "case__person"
    )
    if dong is not None:
        qs = qs.filter(dong=dong)
    if pending_only:
        qs = qs.filter(status__in=("sent", "accepted"))
    return qs


def referral_for(user: Any, pk: int) -> Referral:
    found = referrals_for(user, pending_only=False).filter(pk=pk).first()
    if found is None:
        raise not_found()
    return found


def resources_for(user: Any, *, active_only: bool = True) -> QuerySet[Resource]:
    scope = scope_of(user)
    if not (scope.can(Can.CONFIGURE) or scope.dong_ids(Can.VIEW_PEOPLE)):
        return Resource.objects.none()
    qs = Resource.objects.select_related("organisation", "dong")
    if active_only:
        qs = qs.filter(is_active=True)
    return qs.order_by("kind", "name")


def resource_for(user: Any, pk: int) -> Resource:
    found = resources_for(user, active_only=False).filter(pk=pk).first()
    if found is None:
        raise not_found()
    return found


# --- Concerns ----------------------------------------------------------------------------------


def concerns_for(user: Any, *, status: str | None = ConcernStatus.NEW) -> QuerySet[Concern]:
    """Officers: the concerns reported in their dongs. Committee members: their own."""
    scope = scope_of(user)
    qs = Concern.objects.filter(
        Q(dong_id__in=scope.dong_ids(Can.VIEW_PEOPLE))
        | Q(reported_by=user.pk, dong_id__in=scope.dong_ids(Can.VISIT_ASSIGNED))
    ).select_related("dong", "reported_by")
    if status is not None:
        qs = qs.filter(status=status)
    return qs


def concern_for_officer(user: Any, pk: int) -> Concern:
    found = (
        Concern.objects.filter(pk=pk, dong_id__in=_ids(user, Can.VIEW_PEOPLE))
        .select_related("dong", "reported_by", "person")
        .first()
    )
    if found is None:
        raise not_found()
    return found


def concern_candidates(user: Any, concern: Concern) -> QuerySet[Person]:
    return Person.objects.filter(
        dong_id=concern.dong_id, name=concern.name, dong_id__in=_ids(user, Can.MANAGE_PEOPLE)
    ).order_by("address", "id")


# --- Committees and configuration --------------------------------------------------------------


def committees_for(user: Any) -> QuerySet[Committee]:
    """The administrator sees every committee; officers their dongs' committees."""
    scope = scope_of(user)
    if scope.can(Can.CONFIGURE):
        ids = scope.dong_ids(Can.VIEW_AREAS)
    else:
        ids = scope.dong_ids(Can.VIEW_PEOPLE)
    return Committee.objects.filter(dong_id__in=ids).select_related("dong", "dong__gu")


def committee_dongs_for(user: Any) -> QuerySet[Dong]:
    scope = scope_of(user)
    ids = (
        scope.dong_ids(Can.VIEW_AREAS)
        if scope.can(Can.CONFIGURE)
        else scope.dong_ids(Can.VIEW_PEOPLE)
    )
    return Dong.objects.filter(pk__in=ids).select_related("gu").order_by("gu__code", "code")


def committee_dong_for(user: Any, code: str) -> Dong:
    dong = committee_dongs_for(user).filter(code=code).first()
    if dong is None:
        raise not_found()
    return dong


def configs_for(user: Any) -> QuerySet[SignalConfig]:
    scope = scope_of(user)
    if not (scope.can(Can.CONFIGURE) or scope.dong_ids(Can.VIEW_PEOPLE)):
        return SignalConfig.objects.none()
    return SignalConfig.objects.select_related("created_by").order_by("-version")


def config_for(user: Any, pk: int) -> SignalConfig:
    found = configs_for(user).filter(pk=pk).first()
    if found is None:
        raise not_found()
    return found


def config_weights(version: SignalConfig) -> list[Any]:
    """A configuration version's signal weights with their kinds, for its page and its form."""
    return list(version.weights.select_related("kind"))


def rounds_of_config_for(user: Any, version: SignalConfig, *, limit: int = 50) -> list[Round]:
    """The latest rounds (in the user's area) that ranked people under this version."""
    return list(rounds_for(user).filter(config=version)[:limit])


def person_for_officer(user: Any, pk: int) -> Person:
    found = (
        Person.objects.filter(pk=pk, dong_id__in=_ids(user, Can.VIEW_PEOPLE))
        .select_related("dong", "household")
        .first()
    )
    if found is None:
        raise not_found()
    return found


def served_referrals_by_organisation(*, year: int) -> list[dict[str, Any]]:
    """Referrals served in a year by local organisations, counted per organisation and welfare
    programme: aggregates only, no case or person (for the economy's local-circulation
    figures, which follow money to programmes, never to people)."""
    rows = list(
        Referral.objects.filter(
            status=ReferralStatus.SERVED,
            served_at__year=year,
            resource__organisation__isnull=False,
        )
        .values("resource__organisation_id", "case__programme")
        .annotate(served=Count("id"))
        .order_by("resource__organisation_id", "case__programme")
    )
    labels = dict(Programme.choices)
    return [r | {"programme_label": str(labels.get(r["case__programme"], ""))} for r in rows]


# --- Funnel, urgent alerts, printable lists ----------------------------------------------------


def alerts_for(user: Any, *, open_only: bool = False) -> QuerySet[Alert]:
    """긴급 alerts of the officer's dongs; the city administrator sees those that reached the
    city. Newest first, open ones before answered ones."""
    scope = scope_of(user)
    where = Q(dong_id__in=scope.dong_ids(Can.VIEW_PEOPLE))
    if scope.can(Can.CONFIGURE):
        where |= Q(level=AlertLevel.CITY, dong_id__in=scope.dong_ids(Can.VIEW_AREAS))
    qs = Alert.objects.filter(where).select_related("person", "dong", "raised_by", "answered_by")
    if open_only:
        qs = qs.filter(answered_at__isnull=True)
    return qs.order_by(F("answered_at").desc(nulls_first=True), "-raised_at", "-id")


def alert_for(user: Any, pk: int) -> Alert:
    found = alerts_for(user).filter(pk=pk).first()
    if found is None:
        raise not_found()
    return found


def not_listed_for(user: Any, round_: Round, *, limit: int = 200) -> QuerySet[FlaggedPerson]:
    """The round's flagged people who are not on its list, highest risk first, with why."""
    if round_.dong_id not in _ids(user, Can.VIEW_PEOPLE):
        return FlaggedPerson.objects.none()
    return (
        FlaggedPerson.objects.filter(round=round_)
        .exclude(status=NotListed.LISTED)
        .select_related("person")
        .only(
            "id",
            "score",
            "risk_pct",
            "status",
            "is_urgent",
            "person__id",
            "person__name",
            "person__address",
        )
        .order_by("-score", "person_id")[:limit]
    )


def people_named(user: Any, person_ids: list[int]) -> dict[int, Person]:
    """Residents of the officer's dongs by id (name and address only)."""
    return {
        p.pk: p
        for p in Person.objects.filter(
            pk__in=person_ids, dong_id__in=_ids(user, Can.VIEW_PEOPLE)
        ).only("id", "name", "address")
    }


def visit_list_for(user: Any, round_: Round) -> QuerySet[Assignment]:
    """A round's open visits for the printed list: only for the dong's officers."""
    if round_.dong_id not in _ids(user, Can.MANAGE_PEOPLE):
        raise not_found()
    return (
        Assignment.objects.filter(round=round_, status=AssignmentStatus.OPEN)
        .select_related("person", "assignee", "member")
        .only(
            *VISIT_CARD_FIELDS,
            "is_urgent",
            "assignee__id",
            "assignee__username",
            "assignee__first_name",
            "assignee__last_name",
            "member__id",
            "member__name",
        )
        .order_by("assignee_id", "member_id", "-is_urgent", "due_on", "person__address")
    )


def my_finished(user: Any) -> list[dict[str, Any]]:
    """The user's ended or given-back visits: no address, no phone, the name only masked."""
    return list(
        Assignment.objects.filter(assignee_id=user.pk)
        .exclude(status=AssignmentStatus.OPEN)
        .order_by("-assigned_at", "-id")
        .values("id", "status", "outcome", "person__name")[:20]
    )


def members_without_login(user: Any, dong_id: int) -> QuerySet[CommitteeMember]:
    if dong_id not in _ids(user, Can.MANAGE_PEOPLE):
        return CommitteeMember.objects.none()
    return CommitteeMember.objects.filter(
        committee__dong_id=dong_id, user__isnull=True, left_on__isnull=True
    ).order_by("name")


def entry_reasons(user: Any, assignment: Assignment) -> list[dict[str, Any]]:
    """The stored reasons a visit's person is on the list (for the member's short note)."""
    dong_ids = _ids(user, Can.VISIT_ASSIGNED) | _ids(user, Can.VIEW_PEOPLE)
    if assignment.dong_id not in dong_ids or assignment.entry_id is None:
        return []
    found = OutreachEntry.objects.filter(pk=assignment.entry_id).values_list("reasons", flat=True)
    return list(found.first() or [])


def member_for(user: Any, pk: int) -> CommitteeMember:
    """A committee member of a committee the user may see."""
    found = (
        CommitteeMember.objects.filter(pk=pk, committee__dong__in=committee_dongs_for(user))
        .select_related("committee__dong")
        .first()
    )
    if found is None:
        raise not_found()
    return found


def committee_of(dong: Dong) -> Committee | None:
    """The dong's committee (the caller has checked the dong with `committee_dong_for`)."""
    return Committee.objects.filter(dong=dong).first()


def active_member_counts(committees: Any) -> dict[int, int]:
    """Serving members per dong id of the given committees: one grouped query."""
    return dict(
        CommitteeMember.objects.filter(committee__in=committees, left_on__isnull=True)
        .values_list("committee__dong_id")
        .annotate(n=Count("id"))
    )


def committee_members(committee: Committee | None, *, serving_only: bool = False) -> list[Any]:
    """A committee's members with their organisation and login (none without a committee)."""
    if committee is None:
        return []
    members = committee.members.select_related("organisation", "user")
    if serving_only:
        members = members.filter(left_on__isnull=True)
    return list(members)


def committee_meetings(committee: Committee | None, *, limit: int = 20) -> list[Any]:
    """A committee's latest meetings with their decisions (none without a committee)."""
    if committee is None:
        return []
    return list(committee.meetings.prefetch_related("decisions")[:limit])


def referrals_of(case: Case) -> list[Any]:
    """A case's referrals with their resource (the case already read through `case_for`)."""
    return list(case.referrals.select_related("resource"))


def overdue_assignments_for(user: Any) -> QuerySet[Assignment]:
    """Open assignments in the user's area whose due day has passed."""
    return assignments_for(user, statuses=(AssignmentStatus.OPEN,)).filter(
        due_on__lt=timezone.localdate()
    )


def follow_ups_due_for(user: Any) -> QuerySet[Case]:
    """Cases in the user's area whose next follow-up falls today or earlier."""
    return cases_for(user).filter(next_follow_up_on__lte=timezone.localdate())


def config_versions_for(user: Any, city: Any, *, limit: int = 30) -> list[SignalConfig]:
    """The latest configuration versions of the city that the user may read."""
    return list(configs_for(user).filter(city=city)[:limit])


def member_choices(dong: Dong) -> tuple[list[Any], list[Any]]:
    """What a new member of the dong's committee can be tied to: the dong's organisations and
    the accounts holding the dong's committee-member role."""
    organisations = list(Organisation.objects.filter(dong=dong).order_by("kind", "name"))
    users = list(
        get_user_model()
        .objects.filter(
            pk__in=RoleAssignment.objects.filter(role=Role.COMMITTEE_MEMBER, dong=dong).values(
                "user_id"
            )
        )
        .order_by("username")
    )
    return organisations, users


def organisation_of_dong(dong: Dong, pk: int | None) -> Any:
    """The dong's organisation with this id, or None (none chosen, or another dong's)."""
    return Organisation.objects.filter(dong=dong, pk=pk or 0).first()


def member_account_of_dong(dong: Dong, pk: str | int | None) -> Any:
    """The account with this id among those holding the dong's committee-member role, or None
    (none chosen, or not one of them)."""
    if not pk:
        return None
    return (
        get_user_model()
        .objects.filter(
            pk=pk,
            pk__in=RoleAssignment.objects.filter(role=Role.COMMITTEE_MEMBER, dong=dong).values(
                "user_id"
            ),
        )
        .first()
    )


def meeting_for(user: Any, pk: int) -> Meeting:
    """A meeting of a committee the user may see, with its attendees and decisions."""
    found = (
        Meeting.objects.filter(pk=pk, committee__dong__in=committee_dongs_for(user))
        .select_related("committee__dong")
        .prefetch_related("attendees", "decisions")
        .first()
    )
    if found is None:
        raise not_found()
    return found


MODEL_CHECK_JOB = "welfare_model_check"


def latest_model_check(user: Any, *, k: int) -> Job | None:
    """The newest comparison of the two models for `k` (aggregates only, no person)."""
    scope = scope_of(user)
    if not (scope.can(Can.CONFIGURE) or scope.dong_ids(Can.VIEW_PEOPLE)):
        return None
    return (
        Job.objects.filter(kind=MODEL_CHECK_JOB, params__k=k)
        .exclude(status__in=("queued",))
        .order_by("-created_at")
        .first()
    )


def learned_models_for(user: Any, city: Any, *, limit: int = 5) -> list[LearnedModel]:
    """The city's stored learned models, newest first, with the one in use among them (the
    numbers only, no person): for the city administrator and the dongs' officers."""
    scope = scope_of(user)
    if not (scope.can(Can.CONFIGURE) or scope.dong_ids(Can.VIEW_PEOPLE)):
        return []
    newest = list(
        LearnedModel.objects.filter(city=city).select_related("chosen_by", "fitted_by")[:limit]
    )
    in_use = next((m for m in newest if m.is_in_use), None)
    if in_use is None:
        in_use = (
            LearnedModel.objects.filter(city=city, chosen_at__isnull=False, retired_at__isnull=True)
            .select_related("chosen_by", "fitted_by")
            .first()
        )
        if in_use is not None:
            newest.append(in_use)
    return newest


def learned_model_for(user: Any, pk: int) -> LearnedModel:
    """A stored learned model the user may put in use: the city administrator's only."""
    scope = scope_of(user)
    cities = {a.city_id for a in scope.assignments if a.city_id}
    found = LearnedModel.objects.filter(pk=pk, city_id__in=cities).first()
    if found is None or not scope.can(Can.CONFIGURE):
        raise not_found()
    return found
