"""Fixtures of the making tests: a machine and its material, a course that unlocks it,
citizens with and without its certificate, and a fixed 'now'."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from saram.core.models import Role
from saram.making.models import (
    Audience,
    Certificate,
    Course,
    CourseSession,
    Enrolment,
    EnrolmentStatus,
    Machine,
    MachineKind,
    Material,
    MaterialKind,
)

SEOUL = ZoneInfo("Asia/Seoul")
# A Monday morning; bookings in the tests fall in this week unless they say otherwise.
NOW = dt.datetime(2026, 12, 7, 8, 0, tzinfo=SEOUL)
_serial = itertools.count(1)


def at(day: int, hour: int, minute: int = 0) -> dt.datetime:
    """A moment in December 2026, Seoul time."""
    return dt.datetime(2026, 12, day, hour, minute, tzinfo=SEOUL)


@pytest.fixture
def pla(db: None) -> Material:
    return Material.objects.create(
        code="PLA-W",
        name="PLA",
        kind=MaterialKind.PLA,
        colour="흰색",
        density_g_cm3="1.240",
        price_per_kg_krw=25_000,
        stock_g=1_000,
        reorder_level_g=500,
    )


@pytest.fixture
def printer(pla: Material) -> Machine:
    machine = Machine.objects.create(
        code="FDM-01",
        name="FDM 프린터 1호기",
        kind=MachineKind.FDM,
        build_x_mm=250,
        build_y_mm=210,
        build_z_mm=220,
        nozzle_mm="0.40",
        hourly_rate_krw=3_000,
        loaded_material=pla,
    )
    machine.accepted_materials.add(pla)
    return machine


@pytest.fixture
def fdm_course(db: None) -> Course:
    return Course.objects.create(
        code="FDM-101",
        title="FDM 3D프린터 기초",
        audience=Audience.PUBLIC,
        unlocks=MachineKind.FDM,
    )


@pytest.fixture
def session_of(fdm_course: Course) -> Callable[..., CourseSession]:
    def _make(
        capacity: int = 2, starts_at: dt.datetime | None = None, **fields: Any
    ) -> CourseSession:
        start = starts_at or at(10, 14)
        return CourseSession.objects.create(
            course=fdm_course,
            starts_at=start,
            ends_at=start + dt.timedelta(hours=3),
            capacity=capacity,
            **fields,
        )

    return _make


@pytest.fixture
def certify(fdm_course: Course) -> Callable[[Any], Certificate]:
    """Give a user the FDM course's certificate, as a completed session would."""

    def _certify(user: Any) -> Certificate:
        session = CourseSession.objects.create(
            course=fdm_course,
            starts_at=at(1, 10),
            ends_at=at(1, 13),
            capacity=30,
        )
        enrolment = Enrolment.objects.create(
            session=session,
            user=user,
            name=user.username,
            status=EnrolmentStatus.ENROLLED,
            attended=True,
            created_at=at(1, 9),
        )
        return Certificate.objects.create(
            enrolment=enrolment,
            user=user,
            course=fdm_course,
            code=f"TEST-0000-{next(_serial):04d}",
            holder_name=user.username,
            issued_at=at(1, 13),
        )

    return _certify


@pytest.fixture
def citizen(make_user: Any, certify: Callable[[Any], Certificate]) -> Any:
    user = make_user(Role.CITIZEN)
    certify(user)
    return user


@pytest.fixture
def staff(make_user: Any) -> Any:
    return make_user(Role.MAKING_STAFF)
