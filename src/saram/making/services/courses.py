"""Enrolment with a waiting list that moves up, attendance, and certificates on completion."""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

from django.db import IntegrityError, transaction

from saram.core.access import Can, scope_of
from saram.core.errors import SaramError
from saram.making.models import (
    Certificate,
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
        taken = Enrolment.objects.filter(session=session, status=EnrolmentStatus.ENROLLED).count()
        if taken >= session.capacity:
            return None
        first = (
            Enrolment.objects.select_for_update()
            .filter(session=session, status=EnrolmentStatus.WAITING)
            .order_by("created_at", "id")
            .first()
        )
        if first is None:
            return None
        first.status = EnrolmentStatus.ENROLLED
        first.save(update_fields=["status"])
        notify(
            user=first.user,
            now=now,
            code="making_notice_promoted",
            course=session.course.title,
            start=local(session.starts_at),
        )
        return first


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
) -> CourseSession:
    """Staff put a dated class of a course on the calendar."""
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
    )
