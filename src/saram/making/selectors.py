"""Reads of the making app, already narrowed to what the user may see."""

from __future__ import annotations

import datetime as dt
from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied
from django.db import connection
from django.db.models import Count, F, Q, QuerySet, Sum
from django.shortcuts import get_object_or_404

from saram.core import audit
from saram.core.access import Can, not_found, scope_of
from saram.core.models import AuditAction, Dong, RoleAssignment
from saram.making.models import (
    MAX_SPAN,
    Certificate,
    ClusterMember,
    Course,
    CourseSession,
    CreditEntry,
    Enrolment,
    EnrolmentStatus,
    Event,
    EventRegistration,
    Founder,
    GalleryProject,
    Machine,
    Material,
    Notice,
    RegistrationStatus,
    Reservation,
    ReservationKind,
    ReservationStatus,
    Tenant,
)


def _can(user: Any, *caps: Can) -> bool:
    scope = scope_of(user)
    return any(scope.can(c) for c in caps)


_Row = TypeVar("_Row")


def _own_or_staff(user: Any, qs: QuerySet[_Row], pk: int) -> _Row:
    """The row with this id if it is the user's own (the centre's staff: anyone's); else 404."""
    if not _can(user, Can.MANAGE_MAKING):
        qs = qs.filter(user=user)
    found = qs.filter(pk=pk).first()
    if found is None:
        raise not_found()
    return found


# --- Machines and materials ----------------------------------------------------------------------


def machines_for(user: Any) -> QuerySet[Machine]:
    if not _can(user, Can.SELF_SERVICE, Can.MANAGE_MAKING, Can.TEACH, Can.MANAGE_INCUBATOR):
        raise PermissionDenied
    qs = Machine.objects.select_related("room", "loaded_material").order_by("kind", "code")
    if not _can(user, Can.MANAGE_MAKING):
        qs = qs.filter(is_bookable=True, retired_on__isnull=True)
    return qs


def machine_to_edit(user: Any, pk: int) -> Machine:
    """A machine staff may change or retire (retired ones only shown, never changed)."""
    scope_of(user).require(Can.MANAGE_MAKING)
    return get_object_or_404(Machine.objects.select_related("room", "loaded_material"), pk=pk)


def machine_page(machine: Machine, *, staff: bool) -> dict[str, Any]:
    """What a machine's page lists besides the machine: materials it accepts, its log."""
    return {
        "accepted": list(machine.accepted_materials.order_by("kind", "name")),
        "log": list(machine.log.select_related(None)[:20]) if staff else [],
    }


def future_bookings_count(machine: Machine, *, since: dt.datetime) -> int:
    return Reservation.objects.filter(
        machine=machine, kind="booking", status="booked", starts_at__gt=since
    ).count()


def machine_for(user: Any, pk: int) -> Machine:
    return get_object_or_404(machines_for(user), pk=pk)


def materials_for(user: Any) -> QuerySet[Material]:
    scope_of(user).require(Can.MANAGE_MAKING)
    return Material.objects.order_by("kind", "name")


def material_for(user: Any, pk: int) -> Material:
    return get_object_or_404(materials_for(user), pk=pk)


def material_to_edit(user: Any, pk: int) -> Material:
    return material_for(user, pk)


def materials_to_reorder(user: Any) -> QuerySet[Material]:
    return materials_for(user).filter(is_active=True, stock_g__lte=F("reorder_level_g"))


# The week calendar's one query, as plain SQL: on a year of bookings the ORM's compiling of
# the query cost several times the query itself (bench/reservations.py).
CALENDAR_SQL = (
    "SELECT id, kind, status, starts_at, ends_at, user_id FROM making_reservation "
    "WHERE machine_id = %s AND status IN ('booked', 'attended', 'no_show') "
    "AND starts_at >= %s AND starts_at < %s AND ends_at > %s ORDER BY starts_at"
)


def calendar_params(machine_id: int, start: dt.datetime, end: dt.datetime) -> list[Any]:
    adapt = connection.ops.adapt_datetimefield_value
    return [machine_id, adapt(start - MAX_SPAN), adapt(end), adapt(start)]


def _moment(value: Any) -> dt.datetime:
    if isinstance(value, str):  # SQLite keeps UTC as text
        value = dt.datetime.fromisoformat(value)
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value  # type: ignore[no-any-return]


def calendar_rows(machine_id: int, start: dt.datetime, end: dt.datetime) -> list[tuple[Any, ...]]:
    """The machine's holding rows between start and end, as plain tuples (the week calendar)."""
    with connection.cursor() as cursor:
        cursor.execute(CALENDAR_SQL, calendar_params(machine_id, start, end))
        rows = cursor.fetchall()
    return [
        (pk, kind, status, _moment(s), _moment(e), user) for pk, kind, status, s, e, user in rows
    ]


def reservation_for(user: Any, pk: int) -> Reservation:
    return _own_or_staff(user, Reservation.objects.select_related("machine", "tenant"), pk)


def reservations_of(user: Any, *, since: dt.datetime) -> QuerySet[Reservation]:
    return (
        Reservation.objects.filter(user=user, kind="booking", ends_at__gte=since)
        .select_related("machine", "tenant__organisation")
        .order_by("starts_at")
    )


def upcoming_bookings(user: Any, *, since: dt.datetime, limit: int = 50) -> QuerySet[Reservation]:
    scope_of(user).require(Can.MANAGE_MAKING)
    return (
        Reservation.objects.filter(kind="booking", status="booked", ends_at__gte=since)
        .select_related("machine", "user")
        .order_by("starts_at")[:limit]
    )


# --- Courses and certificates --------------------------------------------------------------------


def published_courses(*, audience: str = "") -> QuerySet[Course]:
    qs = Course.objects.filter(is_published=True)
    if audience:
        qs = qs.filter(audience=audience)
    return qs.order_by("audience", "code")


def open_sessions(*, since: dt.datetime, course: Course | None = None) -> QuerySet[CourseSession]:
    qs = (
        CourseSession.objects.filter(
            is_cancelled=False, starts_at__gte=since, course__is_published=True
        )
        .select_related("course", "room", "school")
        .annotate(
            taken=Count("enrolments", filter=Q(enrolments__status=EnrolmentStatus.ENROLLED)),
            waiting=Count("enrolments", filter=Q(enrolments__status=EnrolmentStatus.WAITING)),
        )
        .order_by("starts_at")
    )
    if course is not None:
        qs = qs.filter(course=course)
    return qs


def courses_for(user: Any, *, audience: str = "") -> QuerySet[Course]:
    """The catalogue a reader sees: published courses, and staff see unpublished ones too."""
    if not _can(user, Can.MANAGE_MAKING):
        return published_courses(audience=audience)
    qs = Course.objects.all()
    if audience:
        qs = qs.filter(audience=audience)
    return qs.order_by("audience", "code")


def sessions_for(user: Any, *, since: dt.datetime, audience: str = "") -> QuerySet[CourseSession]:
    """Open sessions from `since`; staff also see those of unpublished courses."""
    if not _can(user, Can.MANAGE_MAKING):
        qs = open_sessions(since=since)
    else:
        qs = (
            CourseSession.objects.filter(is_cancelled=False, starts_at__gte=since)
            .select_related("course", "room", "school")
            .annotate(
                taken=Count("enrolments", filter=Q(enrolments__status=EnrolmentStatus.ENROLLED)),
                waiting=Count("enrolments", filter=Q(enrolments__status=EnrolmentStatus.WAITING)),
            )
            .order_by("starts_at")
        )
    if audience:
        qs = qs.filter(course__audience=audience)
    return qs


def enrolled_session_ids(user: Any) -> set[int]:
    if not getattr(user, "is_authenticated", False):
        return set()
    return set(enrolments_of(user).values_list("session_id", flat=True))


def course_to_edit(user: Any, pk: int) -> Course:
    scope_of(user).require(Can.MANAGE_MAKING)
    return get_object_or_404(Course, pk=pk)


def session_to_edit(user: Any, pk: int) -> CourseSession:
    """A session the user may change: staff any, an instructor only their own (else 404)."""
    return session_to_teach(user, pk)


def session_to_cancel(user: Any, pk: int) -> CourseSession:
    """Only staff cancel a session (its instructor asks them)."""
    scope_of(user).require(Can.MANAGE_MAKING)
    return session_to_edit(user, pk)


def roster_counts(session: CourseSession) -> dict[str, int]:
    rows = session.enrolments.values("status").annotate(n=Count("id"))
    return {r["status"]: r["n"] for r in rows}


def course_public(pk: int) -> Course:
    return get_object_or_404(Course, pk=pk, is_published=True)


def session_for_enrolment(user: Any, pk: int) -> CourseSession:
    return get_object_or_404(CourseSession.objects.select_related("course"), pk=pk)


def session_to_teach(user: Any, pk: int) -> CourseSession:
    """A session whose roster the user may see: its instructor, or centre staff."""
    qs = CourseSession.objects.select_related("course", "room", "instructor", "school")
    if not _can(user, Can.MANAGE_MAKING):
        scope_of(user).require(Can.TEACH)
        qs = qs.filter(instructor=user)
    found = qs.filter(pk=pk).first()
    if found is None:
        raise not_found()
    return found


def sessions_to_teach(user: Any, *, since: dt.datetime) -> QuerySet[CourseSession]:
    qs = CourseSession.objects.select_related("course").filter(ends_at__gte=since)
    if not _can(user, Can.MANAGE_MAKING):
        scope_of(user).require(Can.TEACH)
        qs = qs.filter(instructor=user)
    return qs.order_by("starts_at")[:50]


def roster(session: CourseSession) -> QuerySet[Enrolment]:
    return (
        session.enrolments.exclude(status=EnrolmentStatus.CANCELLED)
        .select_related("certificate")
        .order_by("status", "created_at", "id")
    )


def enrolment_to_mark(user: Any, pk: int) -> Enrolment:
    enrolment = get_object_or_404(Enrolment.objects.select_related("session__course"), pk=pk)
    session_to_teach(user, enrolment.session_id)
    return enrolment


def own_enrolment(user: Any, pk: int) -> Enrolment:
    return _own_or_staff(user, Enrolment.objects.select_related("session__course"), pk)


def enrolments_of(user: Any) -> QuerySet[Enrolment]:
    return (
        Enrolment.objects.filter(user=user)
        .exclude(status=EnrolmentStatus.CANCELLED)
        .select_related("session__course")
        .order_by("-session__starts_at")
    )


def certificates_of(user: Any) -> QuerySet[Certificate]:
    return Certificate.objects.filter(user=user).select_related("course").order_by("-issued_at")


def certificate_for(user: Any, pk: int) -> Certificate:
    return _own_or_staff(
        user, Certificate.objects.select_related("course", "enrolment__session"), pk
    )


def notices_of(user: Any, *, limit: int = 20) -> QuerySet[Notice]:
    return Notice.objects.filter(user=user).order_by("-at", "-id")[:limit]


# --- Incubator -----------------------------------------------------------------------------------


def tenants_for(user: Any) -> QuerySet[Tenant]:
    if not _can(user, Can.MANAGE_INCUBATOR, Can.MANAGE_MAKING):
        scope_of(user).require(Can.MANAGE_INCUBATOR)
    return Tenant.objects.select_related("organisation", "room").order_by("organisation__name")


def tenant_for(user: Any, pk: int) -> Tenant:
    return get_object_or_404(tenants_for(user), pk=pk)


def credit_balances(tenant_ids: list[int]) -> dict[int, int]:
    """Each tenant's balance: the newest ledger line's balance."""
    latest: dict[int, int] = {}
    rows = (
        CreditEntry.objects.filter(tenant_id__in=tenant_ids)
        .order_by("tenant_id", "-at", "-id")
        .values_list("tenant_id", "balance_minutes")
    )
    for tenant_id, balance in rows:
        latest.setdefault(tenant_id, balance)
    return latest


def credit_use(tenant_ids: list[int]) -> dict[int, int]:
    rows = (
        CreditEntry.objects.filter(tenant_id__in=tenant_ids, minutes__lt=0)
        .values("tenant_id")
        .annotate(used=Sum("minutes"))
    )
    return {r["tenant_id"]: -int(r["used"] or 0) for r in rows}


def tenants_of_founder(user: Any) -> QuerySet[Tenant]:
    """The firms the user founded, each once (even if listed twice among its founders)."""
    founded = Founder.objects.filter(user=user).values("tenant")
    return Tenant.objects.filter(pk__in=founded).select_related("organisation")


# --- Cluster, events, gallery (public) -----------------------------------------------------------


def cluster_directory(
    *, role: str = "", sector: str = "", query: str = ""
) -> QuerySet[ClusterMember]:
    qs = ClusterMember.objects.select_related(
        "organisation", "organisation__dong"
    ).prefetch_related("led_projects", "projects")
    if role:
        qs = qs.filter(role=role)
    if sector:
        qs = qs.filter(sector=sector)
    if query:
        qs = qs.filter(Q(organisation__name__icontains=query) | Q(summary__icontains=query))
    return qs.order_by("role", "organisation__name")


def public_events(*, since: dt.datetime | None = None) -> QuerySet[Event]:
    qs = Event.objects.filter(is_published=True).annotate(
        taken=Count("registrations", filter=Q(registrations__status=RegistrationStatus.REGISTERED))
    )
    if since is not None:
        qs = qs.filter(ends_at__gte=since)
    return qs.order_by("starts_at")


def public_event(pk: int) -> Event:
    return get_object_or_404(public_events(), pk=pk)


def events_for(user: Any, *, since: dt.datetime) -> QuerySet[Event]:
    """Events a reader sees from `since`: published ones, and staff see unpublished too."""
    if not _can(user, Can.MANAGE_MAKING):
        return public_events(since=since)
    return (
        Event.objects.filter(ends_at__gte=since)
        .annotate(
            taken=Count(
                "registrations", filter=Q(registrations__status=RegistrationStatus.REGISTERED)
            ),
            waiting=Count(
                "registrations", filter=Q(registrations__status=RegistrationStatus.WAITING)
            ),
        )
        .order_by("starts_at")
    )


def event_to_edit(user: Any, pk: int) -> Event:
    scope_of(user).require(Can.MANAGE_MAKING)
    return get_object_or_404(Event, pk=pk)


def event_registration_count(event: Event) -> int:
    return event.registrations.exclude(status=RegistrationStatus.CANCELLED).count()


def registrations_of(user: Any) -> QuerySet[EventRegistration]:
    return EventRegistration.objects.filter(user=user).exclude(status="cancelled")


def registrations_to_show(user: Any) -> QuerySet[EventRegistration]:
    return registrations_of(user).select_related("event").order_by("-event__starts_at")


def own_registration(user: Any, pk: int) -> EventRegistration:
    """One's own event registration (staff: anyone's); others answer 404."""
    return _own_or_staff(user, EventRegistration.objects.select_related("event"), pk)


def registered_event_ids(user: Any) -> set[int]:
    if not getattr(user, "is_authenticated", False):
        return set()
    return set(registrations_of(user).values_list("event_id", flat=True))


def gallery() -> QuerySet[GalleryProject]:
    return GalleryProject.objects.filter(is_published=True).select_related("machine")


def gallery_for(user: Any) -> QuerySet[GalleryProject]:
    """The gallery a reader sees: published projects, and staff see unpublished ones too."""
    if not _can(user, Can.MANAGE_MAKING):
        return gallery()
    return GalleryProject.objects.select_related("machine").order_by("-made_on", "-id")


def project_to_edit(user: Any, pk: int) -> GalleryProject:
    scope_of(user).require(Can.MANAGE_MAKING)
    return get_object_or_404(GalleryProject.objects.select_related("machine"), pk=pk)


def published_photo(pk: int) -> GalleryProject:
    """A published project with a photo (the public photo route), else 404."""
    return get_object_or_404(GalleryProject.objects.exclude(photo=""), pk=pk, is_published=True)


# --- Who is asking (copied onto bookings and enrolments for the statistics) --------------------


def profile_of(user: Any) -> dict[str, Any]:
    """The dong and birth year of the user's own resident record, for the statistics; reading
    the record, even one's own, is audited."""

    row = (
        RoleAssignment.objects.filter(user=user, person__isnull=False)
        .values_list("person_id", "person__dong_id", "person__birth_date")
        .first()
    )
    if row is None:
        return {"dong_id": None, "birth_year": None}
    audit.record(
        actor=user,
        action=AuditAction.VIEW,
        target_type="person",
        target_id=row[0],
        purpose="3D프린팅 이용 통계: 동과 출생 연도 복사",
    )
    return {"dong_id": row[1], "birth_year": row[2].year if row[2] else None}


def founder_tenant(user: Any, pk: int | None) -> Tenant | None:
    """The incubated firm `pk` if the user is one of its founders; None when no pk is given."""
    if not pk:
        return None
    return tenants_of_founder(user).filter(pk=pk).first()


def is_founder(user: Any) -> bool:
    return tenants_of_founder(user).exists()


# --- Statistics (rows; presenters count them) --------------------------------------------------


def participation_rows(start: dt.datetime, end: dt.datetime) -> dict[str, list[tuple[Any, ...]]]:
    """Course places, event places and machine bookings of a period, as plain tuples."""
    return {
        "enrol": list(
            Enrolment.objects.filter(
                status=EnrolmentStatus.ENROLLED,
                session__starts_at__gte=start,
                session__starts_at__lt=end,
            ).values_list("session__course__audience", "birth_year", "dong_id")
        ),
        "events": list(
            EventRegistration.objects.filter(
                status=RegistrationStatus.REGISTERED,
                event__starts_at__gte=start,
                event__starts_at__lt=end,
            ).values_list("audience", "birth_year", "dong_id")
        ),
        "bookings": list(
            Reservation.objects.filter(
                kind=ReservationKind.BOOKING,
                status__in=[ReservationStatus.ATTENDED, ReservationStatus.BOOKED],
                starts_at__gte=start,
                starts_at__lt=end,
            ).values_list("audience", "birth_year", "dong_id", "starts_at", "ends_at")
        ),
    }


def dongs_by_id(ids: set[int]) -> dict[int, Any]:
    return {d.id: d for d in Dong.objects.filter(id__in=ids)}
