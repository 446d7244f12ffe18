"""Booking a machine: certificate, quota, times, cancellation deadline, no-shows, maintenance."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.utils import translation
from tests.making.conftest import NOW, at

from saram.core.errors import SaramError
from saram.core.models import Role
from saram.making.models import Machine, Notice, Reservation, ReservationStatus
from saram.making.services import reservations

pytestmark = pytest.mark.django_db


def _book(user: Any, machine: Machine, start: dt.datetime, hours: float = 2, **kw: Any) -> Any:
    return reservations.book(
        by=user,
        machine=machine,
        starts_at=start,
        ends_at=start + dt.timedelta(hours=hours),
        now=kw.pop("now", NOW),
        **kw,
    )


def _refused(code: str, fn: Any, *args: Any, **kwargs: Any) -> SaramError:
    before = Reservation.objects.count()
    with pytest.raises(SaramError) as info:
        fn(*args, **kwargs)
    assert info.value.code == code
    assert Reservation.objects.count() == before
    return info.value


def test_a_certified_citizen_books_a_free_slot(citizen: Any, printer: Machine) -> None:
    booking = _book(citizen, printer, at(8, 10))
    assert booking.status == ReservationStatus.BOOKED
    assert booking.user == citizen


def test_without_the_certificate_the_refusal_names_the_course(
    make_user: Any, printer: Machine, fdm_course: Any
) -> None:
    stranger = make_user(Role.CITIZEN)
    error = _refused("making_no_certificate", _book, stranger, printer, at(8, 10))
    with translation.override("ko"):
        assert "FDM 3D프린터 기초" in error.message
    with translation.override("en"):
        assert "FDM 3D프린터 기초" in error.message  # the course's own title
        assert "certificate" in error.message.lower()


def test_an_overlapping_slot_is_refused_with_the_taken_time(
    citizen: Any, make_user: Any, certify: Any, printer: Machine
) -> None:
    _book(citizen, printer, at(8, 10))
    other = make_user(Role.CITIZEN)
    certify(other)
    error = _refused("making_overlap", _book, other, printer, at(8, 11))
    with translation.override("ko"):
        assert "10:00" in error.message


def test_back_to_back_slots_do_not_overlap(citizen: Any, printer: Machine) -> None:
    _book(citizen, printer, at(8, 10))
    _book(citizen, printer, at(8, 12))
    assert Reservation.objects.count() == 2


@pytest.mark.parametrize(
    ("start", "hours", "code"),
    [
        (at(8, 10), -1, "making_ends_before_start"),
        (at(8, 10), 0, "making_ends_before_start"),
        (at(6, 10), 1, "making_in_past"),
        (at(8, 10), 5, "making_too_long"),
        (at(7, 10) + dt.timedelta(days=40), 1, "making_too_far"),
    ],
)
def test_bad_times_are_refused(
    citizen: Any, printer: Machine, start: dt.datetime, hours: float, code: str
) -> None:
    _refused(code, _book, citizen, printer, start, hours)


def test_the_weekly_quota_counts_hours_in_the_week(citizen: Any, printer: Machine) -> None:
    _book(citizen, printer, at(8, 9), 4)
    _book(citizen, printer, at(9, 9), 4)  # 8 hours: the quota
    error = _refused("making_over_quota", _book, citizen, printer, at(10, 9), 1)
    with translation.override("en"):
        assert "8" in error.message
    # Next week is a new week.
    _book(citizen, printer, at(14, 9), 4)


def test_cancelling_before_the_deadline_frees_the_slot(
    citizen: Any, printer: Machine, make_user: Any, certify: Any
) -> None:
    booking = _book(citizen, printer, at(9, 10))
    reservations.cancel(by=citizen, reservation=booking, now=at(8, 9))
    other = make_user(Role.CITIZEN)
    certify(other)
    assert _book(other, printer, at(9, 10)).status == ReservationStatus.BOOKED


def test_cancelling_after_the_deadline_is_refused(citizen: Any, printer: Machine) -> None:
    booking = _book(citizen, printer, at(9, 10))
    with pytest.raises(SaramError) as info:
        reservations.cancel(by=citizen, reservation=booking, now=at(8, 11))
    assert info.value.code == "making_cancel_too_late"
    booking.refresh_from_db()
    assert booking.status == ReservationStatus.BOOKED


def test_three_no_shows_suspend_booking_for_two_weeks(
    citizen: Any, printer: Machine, staff: Any
) -> None:
    for day in (8, 9, 10):
        booking = _book(citizen, printer, at(day, 10), 1)
        with time_machine.travel(at(day, 11)):
            reservations.mark_no_show(by=staff, reservation=booking, now=at(day, 11))
    later = at(11, 8)
    error = _refused("making_suspended", _book, citizen, printer, at(12, 10), 1, now=later)
    with translation.override("ko"):
        assert "2026-12-24" in error.message
    # After the suspension ends the citizen may book again.
    free = at(25, 8)
    assert _book(citizen, printer, at(26, 10), 1, now=free).status == ReservationStatus.BOOKED


def test_a_broken_machine_cannot_be_booked(citizen: Any, printer: Machine) -> None:
    printer.status = "broken"
    printer.save()
    _refused("making_machine_unavailable", _book, citizen, printer, at(8, 10))


def test_a_maintenance_window_moves_bookings_and_tells_each_person(
    citizen: Any, printer: Machine, staff: Any, make_user: Any, certify: Any
) -> None:
    first = _book(citizen, printer, at(9, 10), 2)
    other = make_user(Role.CITIZEN)
    certify(other)
    second = _book(other, printer, at(9, 12), 2)
    _window, moved, cancelled = reservations.block_maintenance(
        by=staff, machine=printer, starts_at=at(9, 9), ends_at=at(9, 13), now=NOW
    )
    assert {b.pk for b in moved} == {first.pk, second.pk}
    assert cancelled == []
    first.refresh_from_db()
    second.refresh_from_db()
    for booking in (first, second):
        assert booking.starts_at >= at(9, 13)
        assert booking.moved_from_start is not None
    assert Notice.objects.filter(user=citizen, code="making_notice_moved").count() == 1
    assert Notice.objects.filter(user=other, code="making_notice_moved").count() == 1
    # The window itself is now on the calendar and refuses bookings.
    _refused("making_in_maintenance", _book, citizen, printer, at(9, 10), 1)


def test_a_booking_that_cannot_move_the_same_day_is_cancelled(
    citizen: Any, printer: Machine, staff: Any
) -> None:
    booking = _book(citizen, printer, at(9, 18), 2)
    _w, moved, cancelled = reservations.block_maintenance(
        by=staff, machine=printer, starts_at=at(9, 17), ends_at=at(9, 21), now=NOW
    )
    assert moved == [] and [b.pk for b in cancelled] == [booking.pk]
    notice = Notice.objects.get(user=citizen)
    assert notice.code == "making_notice_cancelled"


def test_a_citizen_may_not_block_maintenance(citizen: Any, printer: Machine) -> None:
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        reservations.block_maintenance(
            by=citizen, machine=printer, starts_at=at(9, 9), ends_at=at(9, 10), now=NOW
        )
    assert Reservation.objects.count() == 0


def test_attending_draws_the_material_from_stock(
    citizen: Any, printer: Machine, staff: Any, pla: Any
) -> None:
    booking = _book(citizen, printer, at(8, 10), 1, material=pla, material_g=120)
    reservations.mark_attended(by=staff, reservation=booking, now=at(8, 10, 5))
    pla.refresh_from_db()
    assert pla.stock_g == 880
    assert pla.movements.get().delta_g == -120
