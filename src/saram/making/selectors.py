"""Reads of the making app, already narrowed to what the user may see."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import connection
from django.db.models import Count, Q, QuerySet, Sum
from django.shortcuts import get_object_or_404

from saram.core.access import Can, not_found, scope_of
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
    GalleryProject,
    Machine,
    Material,
    Notice,
    RegistrationStatus,
    Reservation,
    Tenant,
)


def _can(user: Any, *caps: Can) -> bool:
    scope = scope_of(user)
    return any(scope.can(c) for c in caps)


# --- Machines and materials ----------------------------------------------------------------------


def machines_for(user: Any) -> QuerySet[Machine]:
    if not _can(user, Can.SELF_SERVICE, Can.MANAGE_MAKING, Can.TEACH, Can.MANAGE_INCUBATOR):
        raise PermissionDenied
    qs = Machine.objects.select_related("room", "loaded_material").order_by("kind", "code")
    if not _can(user, Can.MANAGE_MAKING):
        qs = qs.filter(is_bookable=True)
    return qs


def machine_for(user: Any, pk: int) -> Machine:
    return get_object_or_404(machines_for(user), pk=pk)


def materials_for(user: Any) -> QuerySet[Material]:
    scope_of(user).require(Can.MANAGE_MAKING)
    return Material.objects.order_by("kind", "name")


def material_for(user: Any, pk: int) -> Material:
    return get_object_or_404(materials_for(user), pk=pk)


def materials_to_reorder(user: Any) -> QuerySet[Material]:
    from django.db.models import F

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
    qs = Reservation.objects.select_related("machine", "tenant")
    if not _can(user, Can.MANAGE_MAKING):
        qs = qs.filter(user=user)
    found = qs.filter(pk=pk).first()
    if found is None:
        raise not_found()
    return found


def reservations_of(user: Any, *, since: dt.datetime) -> QuerySet[Reservation]:
    return (
        Reservation.objects.filter(user=user, kind="booking", ends_at__gte=since)
        .select_related("machine")
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
        .select_related("course", "room")
        .annotate(
            taken=Count("enrolments", filter=Q(enrolments__status=EnrolmentStatus.ENROLLED)),
            waiting=Count("enrolments", filter=Q(enrolments__status=EnrolmentStatus.WAITING)),
        )
        .order_by("starts_at")
    )
    if course is not None:
        qs = qs.filter(course=course)
    return qs


def course_public(pk: int) -> Course:
    return get_object_or_404(Course, pk=pk, is_published=True)


def session_for_enrolment(user: Any, pk: int) -> CourseSession:
    return get_object_or_404(CourseSession.objects.select_related("course"), pk=pk)


def session_to_teach(user: Any, pk: int) -> CourseSession:
    """A session whose roster the user may see: its instructor, or centre staff."""
    qs = CourseSession.objects.select_related("course", "room", "instructor")
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
    qs = Enrolment.objects.select_related("session__course")
    if not _can(user, Can.MANAGE_MAKING):
        qs = qs.filter(user=user)
    found = qs.filter(pk=pk).first()
    if found is None:
        raise not_found()
    return found


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
    qs = Certificate.objects.select_related("course", "enrolment__session")
    if not _can(user, Can.MANAGE_MAKING):
        qs = qs.filter(user=user)
    found = qs.filter(pk=pk).first()
    if found is None:
        raise not_found()
    return found


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
    return Tenant.objects.filter(founders__user=user).select_related("organisation")


# --- Cluster, events, gallery (public) -----------------------------------------------------------


def cluster_directory(
    *, role: str = "", sector: str = "", query: str = ""
) -> QuerySet[ClusterMember]:
    qs = ClusterMember.objects.select_related(
        "organisation", "organisation__dong"
    ).prefetch_related("led_projects")
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


def registrations_of(user: Any) -> QuerySet[EventRegistration]:
    return EventRegistration.objects.filter(user=user).exclude(status="cancelled")


def gallery() -> QuerySet[GalleryProject]:
    return GalleryProject.objects.filter(is_published=True).select_related("machine")
