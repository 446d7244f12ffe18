"""Every making route × method × role: allowed, refused (403/404/login), and refused writes
change nothing. The expected roles come from tests/access/routes_making.py."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from tests.access.routes_making import INCUBATOR_ROUTES, OWNED, STAFF
from tests.access.routes_making import ROUTES as ALL_ROUTES
from tests.making.conftest import NOW, at

from saram.core.models import Job, Organisation, OrganisationKind, Role
from saram.making import models as m
from saram.making.services import courses, events, reservations

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", *[r.value for r in Role]]
# The incubator's and cluster's routes are walked by test_access_incubator.py.
ROUTES = {k: v for k, v in ALL_ROUTES.items() if k not in INCUBATOR_ROUTES}


def _png() -> bytes:
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (2, 2)).save(out, "PNG")
    return out.getvalue()


# An instructor sees only the sessions they teach: another's answers 404.
TAUGHT = {"making:session", "making:attendance", "making:session_edit"}


def _counts() -> dict[str, int]:
    ended = {
        "retired machines": m.Machine.objects.filter(retired_on__isnull=False).count(),
        "cancelled sessions": m.CourseSession.objects.filter(is_cancelled=True).count(),
        "unpublished events": m.Event.objects.filter(is_published=False).count(),
        "cancelled registrations": m.EventRegistration.objects.filter(status="cancelled").count(),
        "machine rows": hash(tuple(m.Machine.objects.values_list("code", "name", "status"))),
        "material rows": hash(tuple(m.Material.objects.values_list("code", "name", "is_active"))),
        "course rows": hash(tuple(m.Course.objects.values_list("code", "title", "is_published"))),
        "session rows": hash(tuple(m.CourseSession.objects.values_list("starts_at", "capacity"))),
        "event rows": hash(tuple(m.Event.objects.values_list("title", "capacity"))),
        "project rows": hash(tuple(m.GalleryProject.objects.values_list("title", "is_published"))),
        "jobs": Job.objects.count(),
    }
    return ended | {
        model.__name__: model.objects.count()
        for model in (
            m.Reservation,
            m.Enrolment,
            m.Certificate,
            m.StockMovement,
            m.MachineLogEntry,
            m.CreditEntry,
            m.EventRegistration,
            m.Notice,
            m.Machine,
            m.Material,
            m.Course,
            m.CourseSession,
            m.Event,
            m.GalleryProject,
        )
    }


@pytest.fixture
def world(
    citizen: Any, printer: m.Machine, pla: m.Material, make_user: Any, session_of: Any
) -> dict[str, int]:
    booking = reservations.book(
        by=citizen, machine=printer, starts_at=at(9, 10), ends_at=at(9, 12), now=NOW
    )
    session = session_of(instructor=make_user(Role.INSTRUCTOR))
    enrolment = courses.enrol(by=citizen, session=session, now=NOW)
    certificate = m.Certificate.objects.get(user=citizen)
    event = m.Event.objects.create(
        title="오픈 데이",
        kind=m.EventKind.OPEN_DAY,
        starts_at=at(12, 10),
        ends_at=at(12, 16),
        place="센터",
        capacity=50,
    )
    registration = events.register(by=citizen, event=event, now=NOW)
    org = Organisation.objects.create(kind=OrganisationKind.FIRM, name="카본랩")
    tenant = m.Tenant.objects.create(
        organisation=org,
        field="복합소재",
        term_starts_on=dt.date(2026, 3, 1),
        term_ends_on=dt.date(2028, 2, 28),
    )
    project = m.GalleryProject.objects.create(
        title="탄소섬유 의자",
        maker_name="메이커",
        description="연속 탄소섬유",
        licence=m.Licence.CC_BY,
        made_on=dt.date(2026, 11, 1),
        photo=SimpleUploadedFile("chair.png", _png()),
    )
    return {
        "project": project.pk,
        "registration": registration.pk,
        "course": session.course_id,
        "machine": printer.pk,
        "reservation": booking.pk,
        "material": pla.pk,
        "session": session.pk,
        "enrolment": enrolment.pk,
        "certificate": certificate.pk,
        "event": event.pk,
        "tenant": tenant.pk,
    }


ARGS = {
    "making:machine": "machine",
    "making:machine_events": "machine",
    "making:book": "machine",
    "making:maintenance": "machine",
    "making:machine_log": "machine",
    "making:cancel_reservation": "reservation",
    "making:mark_reservation": "reservation",
    "making:material_stock": "material",
    "making:session": "session",
    "making:enrol": "session",
    "making:cancel_enrolment": "enrolment",
    "making:attendance": "enrolment",
    "making:certificate_pdf": "certificate",
    "making:event_register": "event",
    "making:machine_edit": "machine",
    "making:machine_retire": "machine",
    "making:material_edit": "material",
    "making:course_edit": "course",
    "making:session_edit": "session",
    "making:session_cancel": "session",
    "making:event_edit": "event",
    "making:event_cancel": "event",
    "making:gallery_edit": "project",
    "making:gallery_delete": "project",
    "making:gallery_photo": "project",
    "making:cancel_registration": "registration",
}


def _url(name: str, world: dict[str, int]) -> str:
    key = ARGS.get(name)
    return reverse(name, args=[world[key]]) if key else reverse(name)


@pytest.mark.parametrize("role", ROLES)
def test_every_route_answers_each_role_as_the_matrix_says(
    role: str, world: dict[str, int], client_as: Any
) -> None:
    client = Client() if role == "anonymous" else client_as(role)
    seen: dict[tuple[str, str], str] = {}
    expected: dict[tuple[str, str], str] = {}
    for name, methods in ROUTES.items():
        url = _url(name, world)
        for method, allowed in methods.items():
            before = _counts()
            response = client.get(url) if method == "GET" else client.post(url, {})
            status = response.status_code
            to_login = status == 302 and "/accounts/login/" in response.get("Location", "")
            if status in (403, 404) or to_login:
                seen[(name, method)] = "refused" if status != 404 else "absent"
                assert _counts() == before, (name, method, role)
            else:
                assert status < 500, (name, method, role, status)
                seen[(name, method)] = "allowed"
            if role not in allowed:
                expected[(name, method)] = (
                    seen[(name, method)] if seen[(name, method)] != "allowed" else "refused"
                )
            elif role != STAFF and (name in OWNED or (name in TAUGHT and role == "instructor")):
                expected[(name, method)] = "absent"
            else:
                expected[(name, method)] = "allowed"
    assert seen == expected


@pytest.mark.parametrize("name", [n for n, ms in ROUTES.items() if "GET" not in ms])
def test_write_routes_refuse_get(name: str, world: dict[str, int], client_as: Any) -> None:
    before = _counts()
    response = client_as(STAFF).get(_url(name, world))
    assert response.status_code == 405
    assert _counts() == before


def test_the_catalogue_reads_a_fixed_number_of_queries(
    world: dict[str, int], django_assert_max_num_queries: Any, session_of: Any
) -> None:
    for day in range(14, 20):
        session_of(starts_at=at(day, 10))
    with django_assert_max_num_queries(6):
        assert Client().get(reverse("making:catalogue")).status_code == 200


def test_the_week_calendar_is_one_query_after_login(
    world: dict[str, int], client_as: Any, django_assert_max_num_queries: Any
) -> None:
    client = client_as(Role.MAKING_STAFF)
    url = reverse("making:machine_events", args=[world["machine"]])
    client.get(url)
    # 6 for the page itself, plus a fixed 3 on every logged-in request since idle sessions end
    # (SESSION_SAVE_EVERY_REQUEST: the session is saved in a savepoint to restart its count).
    with django_assert_max_num_queries(6 + 3):
        response = client.get(url, {"start": "2026-12-07T00:00:00", "end": "2026-12-14T00:00:00"})
    events = response.json()
    assert [e["start"] for e in events] == ["2026-12-09T10:00:00"]
