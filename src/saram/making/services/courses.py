"""Enrolment with a waiting list that moves up, attendance, and certificates on completion."""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

from django.db import IntegrityError, transaction

from saram.core.access import Can, scope_of
from saram.core.errors import SaramError
from saram.core.models import Organisation
from saram.making.models import (
    Certificate,
    Course,
    CourseSession,
    Enrolment,
    EnrolmentStatus,
)
from saram.making.services._common import is_staff, local, notify, require

# Crockford-style alphabet: no I, L, O, U, so a code read aloud or typed from paper survives.
_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def new_certificate_code() -> str:
    """A random 12-character code in groups of four (XXXX-XXXX-XXXX), 60 bits."""
    raw = "".join(secrets.choice(_ALPHABET) for _ in range(12))
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


def normalise_code(code: str) -> str:
    cleaned = "".join(ch for ch in code.upper() if ch.isalnum())
    cleaned = cleaned.replace("O", "0").replace("I", "1").replace("L", "1")
    if len(cleaned) != 12:
        return cleaned
    return f"{cleaned[:4]}-{cleaned[4:8]}-{cleaned[8:]}"


def enrol(
    *,
    by: Any,
    session: CourseSession,
    now: dt.datetime,
    name: str = "",
    dong_id: int | None = None,
    birth_year: int | None = None,
) -> Enrolment:
    """Take a place in a session, or the next place on its waiting list when it is full."""
    require(by, Can.SELF_SERVICE, Can.MANAGE_MAKING)
    with transaction.atomic():
        locked = CourseSession.objects.select_for_update().get(pk=session.pk)
        if locked.is_cancelled:
            raise SaramError("making_session_cancelled")
        if locked.starts_at <= now:
            raise SaramError("making_session_started")
        if locked.school_id is not None:
            # The school books the class for its pupils; a person cannot take a place in it.
            raise SaramError("making_session_school_booked", school=_school_name(locked))
        if (
            Enrolment.objects.filter(session=locked, user=by)
            .exclude(status=EnrolmentStatus.CANCELLED)
            .exists()
        ):
            raise SaramError("making_already_enrolled")
        taken = Enrolment.objects.filter(session=locked, status=EnrolmentStatus.ENROLLED).count()
        status = EnrolmentStatus.ENROLLED if taken < locked.capacity else EnrolmentStatus.WAITING
        try:
            with transaction.atomic():
                return Enrolment.objects.create(
                    session=locked,
                    user=by,
                    name=name or by.get_full_name() or by.get_username(),
                    dong_id=dong_id,
                    birth_year=birth_year,
                    status=status,
                    created_at=now,
                )
        except IntegrityError as exc:
            raise SaramError("making_already_enrolled") from exc


def _school_name(session: CourseSession) -> str:
    return str(
        Organisation.objects.filter(pk=session.school_id).values_list("name", flat=True).first()
        or ""
    )


def cancel_enrolment(*, by: Any, enrolment: Enrolment, now: dt.datetime) -> Enrolment | None:
    """Give up a place; the first on the waiting list moves up and is told. Returns them."""
    if enrolment.user_id != by.pk and not is_staff(by):
        raise SaramError("making_not_enrolled")
    with transaction.atomic():
        session = (
            CourseSession.objects.select_for_update()
            .select_related("course")
            .get(pk=enrolment.session_id)
        )
        locked = Enrolment.objects.select_for_update().get(pk=enrolment.pk)
        if locked.status == EnrolmentStatus.CANCELLED:
            raise SaramError("making_not_enrolled")
        was_enrolled = locked.status == EnrolmentStatus.ENROLLED
        locked.status = EnrolmentStatus.CANCELLED
        locked.cancelled_at = now
        locked.save(update_fields=["status", "cancelled_at"])
        if not was_enrolled:
            return None
        promoted = _promote_waiting(session, now=now)
        return promoted[0] if promoted else None


def _promote_waiting(session: CourseSession, *, now: dt.datetime) -> list[Enrolment]:
    """Fill the session's free places from its waiting list, oldest first; each is told.
    The caller holds the session's row lock."""
    taken = Enrolment.objects.filter(session=session, status=EnrolmentStatus.ENROLLED).count()
    free = session.capacity - taken
    if free <= 0:
        return []
    moving = list(
        Enrolment.objects.select_for_update()
        .filter(session=session, status=EnrolmentStatus.WAITING)
        .select_related("user")
        .order_by("created_at", "id")[:free]
    )
    for enrolment in moving:
        enrolment.status = EnrolmentStatus.ENROLLED
        enrolment.save(update_fields=["status"])
        notify(
            user=enrolment.user,
            now=now,
            code="making_notice_promoted",
            course=session.course.title,
            start=local(session.starts_at),
        )
    return moving


def _may_take_attendance(by: Any, session: CourseSession) -> bool:
    return is_staff(by) or (session.instructor_id == by.pk and scope_of(by).can(Can.TEACH))


def mark_attendance(
    *, by: Any, enrolment: Enrolment, present: bool, now: dt.datetime
) -> Certificate | None:
    """The instructor (or staff) marks one learner present or absent; present completes the
    course and issues its certificate (returned), absent takes nothing away that was issued."""
    session = enrolment.session
    if not _may_take_attendance(by, session):
        raise SaramError("making_not_your_session")
    with transaction.atomic():
        locked = Enrolment.objects.select_for_update().get(pk=enrolment.pk)
        if locked.status != EnrolmentStatus.ENROLLED:
            raise SaramError("making_not_enrolled")
        locked.attended = present
        locked.marked_at = now
        locked.save(update_fields=["attended", "marked_at"])
        if not present:
            return None
        return _issue(enrolment=locked, now=now)


def _issue(*, enrolment: Enrolment, now: dt.datetime) -> Certificate:
    existing = Certificate.objects.filter(enrolment=enrolment).first()
    if existing is not None:
        return existing
    course = enrolment.session.course
    certificate = Certificate.objects.create(
        enrolment=enrolment,
        user_id=enrolment.user_id,
        course=course,
        code=new_certificate_code(),
        holder_name=enrolment.name,
        issued_at=now,
    )
    notify(
        user=enrolment.user,
        now=now,
        code="making_notice_certificate",
        course=course.title,
        code_=certificate.code,
    )
    return certificate


def verify_certificate(*, code: str) -> Certificate:
    """The certificate with this code, or a refusal naming the code (forged, unknown, revoked)."""
    wanted = normalise_code(code)
    shown = wanted[:20]
    certificate = (
        Certificate.objects.select_related("course").filter(code=wanted).first()
        if len(wanted) == 14
        else None
    )
    if certificate is None:
        raise SaramError("making_certificate_unknown", params={"code": shown})
    if certificate.is_revoked:
        raise SaramError("making_certificate_revoked", params={"code": shown})
    return certificate


def schedule_session(
    *,
    by: Any,
    course: Any,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    capacity: int,
    now: dt.datetime,
    instructor: Any = None,
    room: Any = None,
    school: Any = None,
) -> CourseSession:
    """Staff put a dated class of a course on the calendar (booked by a school, if given)."""
    require(by, Can.MANAGE_MAKING)
    if ends_at <= starts_at:
        raise SaramError("making_ends_before_start")
    if starts_at < now:
        raise SaramError("making_in_past")
    if capacity <= 0:
        raise SaramError("making_bad_capacity")
    return CourseSession.objects.create(
        course=course,
        starts_at=starts_at,
        ends_at=ends_at,
        capacity=capacity,
        instructor=instructor,
        room=room,
        school=school,
    )


# --- The catalogue, kept by staff --------------------------------------------------------------

COURSE_FIELDS = ("code", "title", "audience", "summary", "hours", "fee_krw", "unlocks")


def add_course(*, by: Any, values: dict[str, Any]) -> Course:
    """Staff add a course to the catalogue (published or not)."""
    require(by, Can.MANAGE_MAKING)
    return Course.objects.create(**_course_values(values))


def update_course(*, by: Any, course: Course, values: dict[str, Any]) -> Course:
    """Staff change a course; its sessions, enrolments and certificates stay as they are."""
    require(by, Can.MANAGE_MAKING)
    for name, value in _course_values(values).items():
        setattr(course, name, value)
    course.save()
    return course


def _course_values(values: dict[str, Any]) -> dict[str, Any]:
    return {k: values[k] for k in (*COURSE_FIELDS, "is_published") if k in values}


def update_session(
    *,
    by: Any,
    session: CourseSession,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    capacity: int,
    now: dt.datetime,
    instructor: Any = None,
    room: Any = None,
    school: Any = None,
) -> CourseSession:
    """Staff, or the session's own instructor, move or resize a session before it starts:
    capacity never below those enrolled, a larger one moves the waiting list up, a new time is
    told to everyone on the roster. An instructor changes time, room and capacity only."""
    staff = is_staff(by)
    if not staff:
        require(by, Can.TEACH)
    if ends_at <= starts_at:
        raise SaramError("making_ends_before_start")
    with transaction.atomic():
        locked = (
            CourseSession.objects.select_for_update().select_related("course").get(pk=session.pk)
        )
        if not staff:
            if locked.instructor_id != by.pk:
                raise SaramError("making_not_your_session_edit")
            if _pk(instructor) != locked.instructor_id or _pk(school) != locked.school_id:
                raise SaramError("making_instructor_keeps_teacher")
        if locked.is_cancelled:
            raise SaramError("making_already_cancelled")
        if locked.starts_at <= now:
            raise SaramError("making_session_has_started")
        if starts_at != locked.starts_at and starts_at < now:
            raise SaramError("making_in_past")
        taken = Enrolment.objects.filter(session=locked, status=EnrolmentStatus.ENROLLED).count()
        if capacity < taken:
            raise SaramError("making_capacity_below_taken", taken=taken)
        old_start = locked.starts_at
        locked.starts_at, locked.ends_at = starts_at, ends_at
        locked.capacity, locked.instructor, locked.room = capacity, instructor, room
        locked.school = school
        locked.save(
            update_fields=["starts_at", "ends_at", "capacity", "instructor", "room", "school"]
        )
        if old_start != starts_at:
            for enrolment in _roster_rows(locked):
                notify(
                    user=enrolment.user,
                    now=now,
                    code="making_notice_session_moved",
                    course=locked.course.title,
                    old_start=local(old_start),
                    new_start=local(starts_at),
                )
        _promote_waiting(locked, now=now)
    return locked


def _pk(row: Any) -> Any:
    return getattr(row, "pk", row)


def _roster_rows(session: CourseSession) -> list[Enrolment]:
    return list(
        Enrolment.objects.select_for_update()
        .filter(session=session)
        .exclude(status=EnrolmentStatus.CANCELLED)
        .select_related("user")
    )


def cancel_session(*, by: Any, session: CourseSession, now: dt.datetime) -> int:
    """Staff cancel a session before it starts: every place and waiting-list place is given
    up and each person is told. Returns how many people were told."""
    require(by, Can.MANAGE_MAKING)
    with transaction.atomic():
        locked = (
            CourseSession.objects.select_for_update().select_related("course").get(pk=session.pk)
        )
        if locked.is_cancelled:
            raise SaramError("making_already_cancelled")
        if locked.starts_at <= now:
            raise SaramError("making_session_has_started")
        locked.is_cancelled = True
        locked.save(update_fields=["is_cancelled"])
        rows = _roster_rows(locked)
        for enrolment in rows:
            enrolment.status = EnrolmentStatus.CANCELLED
            enrolment.cancelled_at = now
            enrolment.save(update_fields=["status", "cancelled_at"])
            notify(
                user=enrolment.user,
                now=now,
                code="making_notice_session_cancelled",
                course=locked.course.title,
                start=local(locked.starts_at),
            )
    return len(rows)
