"""Booking a machine: certificate, quota, suspension and maintenance checks, then the write.

The database refuses any overlap of holding reservations (exclusion constraint on PostgreSQL,
triggers on SQLite, migration 0003): the check here only gives the nicer message, the
constraint is what makes two concurrent bookings of one slot impossible.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import QuerySet

from saram.core.access import Can
from saram.core.errors import SaramError
from saram.making.models import (
    HOLDING,
    MAX_SPAN,
    Certificate,
    Course,
    CreditEntry,
    CreditReason,
    Founder,
    Machine,
    MachineKind,
    MachineStatus,
    Material,
    Reservation,
    ReservationKind,
    ReservationStatus,
    StockReason,
    Tenant,
)
from saram.making.rules import RULES, BookingRules
from saram.making.services._common import (
    SEOUL,
    is_staff,
    local,
    lock_person_quota,
    notify,
    require,
)
from saram.making.services.stock import withdraw_stock


def _overlapping(machine: Machine, starts_at: dt.datetime, ends_at: dt.datetime) -> QuerySet[Any]:
    return Reservation.objects.filter(
        machine=machine,
        status__in=HOLDING,
        starts_at__gte=starts_at - MAX_SPAN,
        starts_at__lt=ends_at,
        ends_at__gt=starts_at,
    )


def _refuse_overlap(machine: Machine, starts_at: dt.datetime, ends_at: dt.datetime) -> None:
    clash = _overlapping(machine, starts_at, ends_at).order_by("starts_at").first()
    if clash is None:
        return
    code = (
        "making_in_maintenance" if clash.kind == ReservationKind.MAINTENANCE else "making_overlap"
    )
    raise SaramError(
        code, machine=str(machine), start=local(clash.starts_at), end=local(clash.ends_at)
    )


def unlocking_course(kind: str) -> Course | None:
    """The published course whose certificate unlocks a machine type."""
    return Course.objects.filter(unlocks=kind, is_published=True).order_by("id").first()


def is_certified(user: Any, kind: str) -> bool:
    return Certificate.objects.filter(user=user, course__unlocks=kind, is_revoked=False).exists()


def check_permission(*, user: Any, machine: Machine) -> None:
    """Refuse unless the user holds a certificate unlocking the machine's type (staff may)."""
    if is_staff(user) or is_certified(user, machine.kind):
        return
    course = unlocking_course(machine.kind)
    kind_label = MachineKind(machine.kind).label
    if course is None:
        raise SaramError("making_no_course_unlocks", kind=kind_label)
    raise SaramError("making_no_certificate", kind=kind_label, course=course.title)


def week_bounds(moment: dt.datetime) -> tuple[dt.datetime, dt.datetime]:
    """Monday 00:00 to the next Monday, Seoul time, of the week holding `moment`."""
    day = moment.astimezone(SEOUL).date()
    monday = day - dt.timedelta(days=day.weekday())
    start = dt.datetime.combine(monday, dt.time(0), tzinfo=SEOUL)
    return start, start + dt.timedelta(days=7)


def booked_hours_in_week(user: Any, moment: dt.datetime) -> float:
    start, end = week_bounds(moment)
    rows = Reservation.objects.filter(
        user=user,
        kind=ReservationKind.BOOKING,
        status__in=HOLDING,
        starts_at__gte=start,
        starts_at__lt=end,
    ).values_list("starts_at", "ends_at")
    return sum((e - s).total_seconds() for s, e in rows) / 3600


def suspended_until(user: Any, now: dt.datetime, rules: BookingRules = RULES) -> dt.datetime | None:
    """When repeated no-shows suspend booking: the end of the suspension, else None."""
    since = now - dt.timedelta(days=rules.no_show_window_days)
    no_shows = list(
        Reservation.objects.filter(
            user=user, status=ReservationStatus.NO_SHOW, starts_at__gte=since, starts_at__lt=now
        )
        .order_by("-starts_at")
        .values_list("starts_at", flat=True)[: rules.no_show_limit]
    )
    if len(no_shows) < rules.no_show_limit:
        return None
    until = no_shows[0] + dt.timedelta(days=rules.suspension_days)
    return until if until > now else None


def _balance(tenant: Tenant) -> int:
    last = CreditEntry.objects.filter(tenant=tenant).order_by("-at", "-id").first()
    return last.balance_minutes if last else 0


def credit_tenant(
    *,
    by: Any,
    tenant: Tenant,
    minutes: int,
    now: dt.datetime,
    reason: str = CreditReason.GRANT,
    reservation: Reservation | None = None,
) -> CreditEntry:
    """Add (or, negative, draw) machine minutes on a tenant's ledger; never below zero."""
    with transaction.atomic():
        locked = Tenant.objects.select_for_update().select_related("organisation").get(pk=tenant.pk)
        balance = _balance(locked)
        if balance + minutes < 0:
            raise SaramError(
                "making_credit_short", tenant=str(locked), balance=balance, asked=-minutes
            )
        return CreditEntry.objects.create(
            tenant=locked,
            at=now,
            minutes=minutes,
            balance_minutes=balance + minutes,
            reason=reason,
            reservation=reservation,
        )


def _validate_times(
    starts_at: dt.datetime, ends_at: dt.datetime, now: dt.datetime, rules: BookingRules
) -> None:
    if ends_at <= starts_at:
        raise SaramError("making_ends_before_start")
    if starts_at < now:
        raise SaramError("making_in_past")
    if ends_at - starts_at > dt.timedelta(hours=rules.max_hours):
        raise SaramError("making_too_long", hours=rules.max_hours)
    if starts_at > now + dt.timedelta(days=rules.horizon_days):
        raise SaramError("making_too_far", days=rules.horizon_days)


def book(
    *,
    by: Any,
    machine: Machine,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    now: dt.datetime,
    purpose: str = "",
    material: Material | None = None,
    material_g: int = 0,
    tenant: Tenant | None = None,
    dong_id: int | None = None,
    birth_year: int | None = None,
    audience: str = "",
    rules: BookingRules = RULES,
) -> Reservation:
    """Book a slot on a machine for `by`; every rule checked, the overlap refused by the DB too."""
    require(by, Can.SELF_SERVICE, Can.MANAGE_MAKING, Can.MANAGE_INCUBATOR, Can.TEACH)
    _validate_times(starts_at, ends_at, now, rules)
    if machine.status != MachineStatus.AVAILABLE or not machine.is_bookable:
        raise SaramError(
            "making_machine_unavailable",
            machine=str(machine),
            status=MachineStatus(machine.status).label,
        )
    check_permission(user=by, machine=machine)
    if material is not None and not machine.accepted_materials.filter(pk=material.pk).exists():
        raise SaramError(
            "making_material_not_accepted", machine=str(machine), material=str(material)
        )
    if tenant is not None and not (
        is_staff(by) or Founder.objects.filter(tenant=tenant, user=by).exists()
    ):
        raise SaramError("making_not_founder")
    minutes = int((ends_at - starts_at).total_seconds() // 60)
    with transaction.atomic():
        # One booking per person at a time: the quota is re-read under this lock.
        lock_person_quota(by)
        until = suspended_until(by, now, rules)
        if until is not None:
            raise SaramError("making_suspended", count=rules.no_show_limit, until=local(until))
        if not is_staff(by):
            used = booked_hours_in_week(by, starts_at)
            asked = minutes / 60
            if used + asked > rules.weekly_quota_hours:
                raise SaramError(
                    "making_over_quota",
                    quota=rules.weekly_quota_hours,
                    used=_hours(used),
                    asked=_hours(asked),
                )
        _refuse_overlap(machine, starts_at, ends_at)
        try:
            with transaction.atomic():
                reservation = Reservation.objects.create(
                    machine=machine,
                    kind=ReservationKind.BOOKING,
                    user=by,
                    starts_at=starts_at,
                    ends_at=ends_at,
                    purpose=purpose,
                    material=material,
                    material_g=material_g,
                    tenant=tenant,
                    dong_id=dong_id,
                    birth_year=birth_year,
                    audience=audience,
                    created_at=now,
                )
        except IntegrityError as exc:
            # Raced by a concurrent booking: the database's constraint decided.
            raise SaramError(
                "making_overlap", machine=str(machine), start=local(starts_at), end=local(ends_at)
            ) from exc
        if tenant is not None:
            credit_tenant(
                by=by,
                tenant=tenant,
                minutes=-minutes,
                now=now,
                reason=CreditReason.RESERVATION,
                reservation=reservation,
            )
    return reservation


def _hours(value: float) -> str:
    return f"{value:g}"


def cancel(
    *, by: Any, reservation: Reservation, now: dt.datetime, rules: BookingRules = RULES
) -> Reservation:
    """Cancel one's own booking before the deadline (staff at any time); credits come back."""
    staff = is_staff(by)
    if not staff and reservation.user_id != by.pk:
        raise SaramError("making_not_cancellable")
    with transaction.atomic():
        locked = Reservation.objects.select_for_update().get(pk=reservation.pk)
        if locked.status != ReservationStatus.BOOKED or locked.ends_at <= now:
            raise SaramError("making_not_cancellable")
        deadline = locked.starts_at - dt.timedelta(hours=rules.cancel_deadline_hours)
        if not staff and now > deadline:
            raise SaramError("making_cancel_too_late", hours=rules.cancel_deadline_hours)
        _release(locked, now=now, by=by)
    return locked


def _release(reservation: Reservation, *, now: dt.datetime, by: Any) -> None:
    reservation.status = ReservationStatus.CANCELLED
    reservation.cancelled_at = now
    reservation.save(update_fields=["status", "cancelled_at"])
    if reservation.tenant_id is not None:
        minutes = int((reservation.ends_at - reservation.starts_at).total_seconds() // 60)
        credit_tenant(
            by=by,
            tenant=reservation.tenant,  # type: ignore[arg-type]
            minutes=minutes,
            now=now,
            reason=CreditReason.REFUND,
            reservation=reservation,
        )


def cancel_future_bookings(
    *, by: Any, machine: Machine, now: dt.datetime, notice: str
) -> list[Reservation]:
    """Cancel every booking of the machine not yet started (credits refunded), telling each
    person with the notice `notice`. The caller holds the machine's row lock."""
    require(by, Can.MANAGE_MAKING)
    rows = list(
        # Only the bookings are locked (PostgreSQL refuses FOR UPDATE on the nullable tenant).
        Reservation.objects.select_for_update(of=("self",))
        .filter(
            machine=machine,
            kind=ReservationKind.BOOKING,
            status=ReservationStatus.BOOKED,
            starts_at__gt=now,
        )
        .select_related("tenant", "user")
        .order_by("starts_at")
    )
    for booking in rows:
        _release(booking, now=now, by=by)
        notify(
            user=booking.user,
            now=now,
            code=notice,
            machine=str(machine),
            old_start=local(booking.starts_at),
        )
    return rows


def mark_attended(*, by: Any, reservation: Reservation, now: dt.datetime) -> Reservation:
    """Staff confirm the person came; the material they used is drawn from stock."""
    require(by, Can.MANAGE_MAKING)
    with transaction.atomic():
        locked = Reservation.objects.select_for_update().get(pk=reservation.pk)
        if locked.status != ReservationStatus.BOOKED:
            raise SaramError("making_not_cancellable")
        if locked.starts_at > now:
            raise SaramError("making_not_started")
        locked.status = ReservationStatus.ATTENDED
        locked.save(update_fields=["status"])
        if locked.material_id and locked.material_g:
            withdraw_stock(
                by=by,
                material=locked.material,  # type: ignore[arg-type]
                grams=locked.material_g,
                now=now,
                reason=StockReason.RESERVATION,
                source_type="reservation",
                source_id=locked.pk,
            )
    return locked


def mark_no_show(*, by: Any, reservation: Reservation, now: dt.datetime) -> Reservation:
    """Staff record that the person did not come; repeated no-shows suspend booking."""
    require(by, Can.MANAGE_MAKING)
    with transaction.atomic():
        locked = Reservation.objects.select_for_update().get(pk=reservation.pk)
        if locked.status != ReservationStatus.BOOKED:
            raise SaramError("making_not_cancellable")
        if locked.starts_at > now:
            raise SaramError("making_not_started")
        locked.status = ReservationStatus.NO_SHOW
        locked.save(update_fields=["status"])
    return locked


# Bookings moved out of a maintenance window land the same day, before the centre closes.
CLOSING = dt.time(21, 0)


def _free_slot_after(
    machine: Machine, start: dt.datetime, length: dt.timedelta, *, skip: set[int]
) -> dt.datetime | None:
    closing = dt.datetime.combine(start.astimezone(SEOUL).date(), CLOSING, tzinfo=SEOUL)
    for _attempt in range(50):
        end = start + length
        if end > closing:
            return None
        clash = _overlapping(machine, start, end).exclude(pk__in=skip).order_by("-ends_at").first()
        if clash is None:
            return start
        start = clash.ends_at
    return None


def block_maintenance(
    *,
    by: Any,
    machine: Machine,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    now: dt.datetime,
    reason: str = "",
) -> tuple[Reservation, list[Reservation], list[Reservation]]:
    """Block a maintenance window; each booking it hits moves to the next free slot that day
    or is cancelled, and its holder gets a notice. Returns (window, moved, cancelled)."""
    require(by, Can.MANAGE_MAKING)
    if ends_at <= starts_at:
        raise SaramError("making_ends_before_start")
    if starts_at < now:
        raise SaramError("making_in_past")
    if ends_at - starts_at > MAX_SPAN:
        raise SaramError("making_window_too_long", days=MAX_SPAN.days)
    moved: list[Reservation] = []
    cancelled: list[Reservation] = []
    with transaction.atomic():
        Machine.objects.select_for_update().filter(pk=machine.pk).first()
        hit = list(
            _overlapping(machine, starts_at, ends_at)
            .select_related("tenant", "user")
            .order_by("starts_at")
        )
        for other in hit:
            if other.kind == ReservationKind.MAINTENANCE or other.status != "booked":
                raise SaramError(
                    "making_in_maintenance",
                    machine=str(machine),
                    start=local(other.starts_at),
                    end=local(other.ends_at),
                )
        for booking in hit:
            old_start = booking.starts_at
            length = booking.ends_at - booking.starts_at
            new_start = _free_slot_after(machine, ends_at, length, skip={booking.pk})
            if new_start is not None:
                booking.moved_from_start = old_start
                booking.starts_at = new_start
                booking.ends_at = new_start + length
                booking.save(update_fields=["moved_from_start", "starts_at", "ends_at"])
                moved.append(booking)
                notify(
                    user=booking.user,
                    now=now,
                    code="making_notice_moved",
                    machine=str(machine),
                    old_start=local(old_start),
                    new_start=local(booking.starts_at),
                    new_end=local(booking.ends_at),
                )
            else:
                _release(booking, now=now, by=by)
                cancelled.append(booking)
                notify(
                    user=booking.user,
                    now=now,
                    code="making_notice_cancelled",
                    machine=str(machine),
                    old_start=local(old_start),
                )
        try:
            with transaction.atomic():
                window = Reservation.objects.create(
                    machine=machine,
                    kind=ReservationKind.MAINTENANCE,
                    user=by,
                    starts_at=starts_at,
                    ends_at=ends_at,
                    purpose=reason,
                    created_at=now,
                )
        except IntegrityError as exc:
            raise SaramError(
                "making_overlap", machine=str(machine), start=local(starts_at), end=local(ends_at)
            ) from exc
    return window, moved, cancelled
