"""No double booking, ever: many clients at once on overlapping slots, exactly one wins.

Runs on SQLite (triggers) and, under `scripts/pg run`, on PostgreSQL (exclusion constraint).
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import IntegrityError, connection, connections, transaction
from tests.making.conftest import NOW, at

from saram.core.errors import SaramError
from saram.core.models import Role
from saram.making.models import Machine, Reservation
from saram.making.services import reservations

pytestmark = pytest.mark.django_db(transaction=True)

ATTEMPTS = 24


def _together(work: Callable[[int], Any], n: int) -> tuple[list[Any], list[BaseException]]:
    barrier = threading.Barrier(n)
    results: list[Any] = []
    errors: list[BaseException] = []

    def run(i: int) -> None:
        try:
            barrier.wait()
            results.append(work(i))
        except BaseException as exc:  # reported in the test thread
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results, errors


def test_parallel_bookings_of_overlapping_slots_leave_exactly_one(
    make_user: Any, certify: Any, printer: Machine
) -> None:
    people = []
    for _ in range(ATTEMPTS):
        user = make_user(Role.CITIZEN)
        certify(user)
        people.append(user)

    def attempt(i: int) -> Reservation:
        # Every slot overlaps every other: they all contain 11:00–11:30.
        start = at(8, 10) + dt.timedelta(minutes=5 * (i % 6))
        return reservations.book(
            by=people[i], machine=printer, starts_at=start, ends_at=at(8, 11, 30), now=NOW
        )

    results, errors = _together(attempt, ATTEMPTS)

    assert len(results) == 1, errors
    assert len(errors) == ATTEMPTS - 1
    assert all(isinstance(e, SaramError) and e.code == "making_overlap" for e in errors), errors
    assert Reservation.objects.filter(machine=printer).count() == 1


def test_the_database_refuses_an_overlap_that_skips_the_service(
    citizen: Any, printer: Machine
) -> None:
    reservations.book(by=citizen, machine=printer, starts_at=at(8, 10), ends_at=at(8, 12), now=NOW)
    with pytest.raises(IntegrityError), transaction.atomic():
        Reservation.objects.create(
            machine=printer, user=citizen, starts_at=at(8, 11), ends_at=at(8, 13), created_at=NOW
        )
    # A cancelled row does not hold the slot; moving a row onto a taken slot is refused too.
    free = Reservation.objects.create(
        machine=printer, user=citizen, starts_at=at(8, 12), ends_at=at(8, 13), created_at=NOW
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        Reservation.objects.filter(pk=free.pk).update(starts_at=at(8, 11))
    assert Reservation.objects.count() == 2
    assert connection.vendor in {"sqlite", "postgresql"}


def test_the_database_refuses_a_row_longer_than_the_longest_span(
    staff: Any, printer: Machine
) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        Reservation.objects.create(
            machine=printer,
            user=staff,
            kind="maintenance",
            starts_at=at(8, 10),
            ends_at=at(8, 10) + dt.timedelta(days=15),
            created_at=NOW,
        )
    assert Reservation.objects.count() == 0


QUOTA_ATTEMPTS = 8


def test_parallel_bookings_by_one_person_never_pass_the_weekly_quota(
    citizen: Any, printer: Machine
) -> None:
    # Eight 2-hour slots that do not overlap, all in one week: the quota (8 hours) lets four in.
    quota = reservations.RULES.weekly_quota_hours
    slots = [(at(8 + i // 3, 9 + 3 * (i % 3)), 2) for i in range(QUOTA_ATTEMPTS)]
    assert len({s for s, _h in slots}) == QUOTA_ATTEMPTS

    def attempt(i: int) -> Reservation:
        start, hours = slots[i]
        return reservations.book(
            by=citizen,
            machine=printer,
            starts_at=start,
            ends_at=start + dt.timedelta(hours=hours),
            now=NOW,
        )

    results, errors = _together(attempt, QUOTA_ATTEMPTS)

    assert len(results) == quota // 2, errors
    assert all(isinstance(e, SaramError) and e.code == "making_over_quota" for e in errors), errors
    booked = Reservation.objects.filter(user=citizen, status="booked")
    assert sum((r.ends_at - r.starts_at).total_seconds() for r in booked) / 3600 == quota
