"""An instructor keeps their own sessions (time, room, capacity) and takes attendance on them,
and nobody else's; a class a school booked for its pupils takes no individual enrolment."""

from __future__ import annotations

from typing import Any

import pytest
import time_machine
from django.contrib.messages import get_messages
from django.urls import reverse
from tests.making.conftest import NOW

from saram.core.errors import SaramError
from saram.core.models import Organisation, OrganisationKind, Role
from saram.making import models as m
from saram.making.services import courses

pytestmark = pytest.mark.django_db

MOVED = {"starts_at": "2026-12-11T14:00", "ends_at": "2026-12-11T17:00", "capacity": "8"}


@pytest.fixture(autouse=True)
def _now() -> Any:
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def teacher(client_as: Any) -> Any:
    return client_as(Role.INSTRUCTOR)


@pytest.fixture
def classroom(db: None) -> m.Room:
    return m.Room.objects.create(name="교육실 2", kind="classroom")


def _rows() -> list[tuple[Any, ...]]:
    return list(
        m.CourseSession.objects.order_by("pk").values_list(
            "starts_at", "ends_at", "capacity", "room", "instructor", "school", "is_cancelled"
        )
    )


def test_an_instructor_moves_and_resizes_their_own_session(
    teacher: Any, session_of: Any, make_user: Any, classroom: m.Room
) -> None:
    session = session_of(capacity=1, instructor=teacher.user)
    first, second = make_user(Role.CITIZEN), make_user(Role.CITIZEN)
    courses.enrol(by=first, session=session, now=NOW)
    waiting = courses.enrol(by=second, session=session, now=NOW)
    url = reverse("making:session_edit", args=[session.pk])
    page = teacher.get(url).content.decode()
    # An instructor's form has time, room and capacity, not the teacher or the school.
    assert 'name="capacity"' in page and 'name="room"' in page
    assert 'name="instructor"' not in page and 'name="school"' not in page

    response = teacher.post(url, {**MOVED, "room": classroom.pk})
    assert response.status_code == 302
    session.refresh_from_db()
    assert (session.capacity, session.room, session.instructor) == (8, classroom, teacher.user)
    assert session.starts_at.isoformat() == "2026-12-11T05:00:00+00:00"
    waiting.refresh_from_db()
    assert waiting.status == "enrolled"  # the larger class moved the waiting list up
    assert m.Notice.objects.filter(user=first, code="making_notice_session_moved").exists()


def test_an_instructor_cannot_hand_the_session_to_another_or_to_a_school(
    teacher: Any, session_of: Any, make_user: Any
) -> None:
    session = session_of(instructor=teacher.user)
    school = Organisation.objects.create(kind=OrganisationKind.SCHOOL, name="전주중앙초등학교")
    other = make_user(Role.INSTRUCTOR)
    # Fields the instructor's form does not have are ignored on the page...
    teacher.post(
        reverse("making:session_edit", args=[session.pk]),
        {**MOVED, "instructor": other.pk, "school": school.pk},
    )
    session.refresh_from_db()
    assert (session.instructor, session.school) == (teacher.user, None)
    # ...and the service refuses them outright.
    with pytest.raises(SaramError) as info:
        courses.update_session(
            by=teacher.user,
            session=session,
            starts_at=session.starts_at,
            ends_at=session.ends_at,
            capacity=3,
            instructor=other,
            now=NOW,
        )
    assert info.value.code == "making_instructor_keeps_teacher"
    session.refresh_from_db()
    assert session.instructor == teacher.user and session.capacity == 8


def test_an_instructor_gets_nothing_of_another_instructors_session(
    teacher: Any, session_of: Any, make_user: Any
) -> None:
    session = session_of(instructor=make_user(Role.INSTRUCTOR))
    learner = make_user(Role.CITIZEN)
    enrolment = courses.enrol(by=learner, session=session, now=NOW)
    before = _rows()
    edit = reverse("making:session_edit", args=[session.pk])
    assert teacher.get(edit).status_code == 404
    assert teacher.post(edit, MOVED).status_code == 404
    assert teacher.get(reverse("making:session", args=[session.pk])).status_code == 404
    attendance = reverse("making:attendance", args=[enrolment.pk])
    assert teacher.post(attendance, {"present": "1"}).status_code == 404
    assert _rows() == before
    enrolment.refresh_from_db()
    assert enrolment.attended is None
    assert not m.Certificate.objects.filter(enrolment=enrolment).exists()
    with pytest.raises(SaramError) as info:
        courses.update_session(
            by=teacher.user,
            session=session,
            starts_at=session.starts_at,
            ends_at=session.ends_at,
            capacity=9,
            instructor=session.instructor,
            now=NOW,
        )
    assert info.value.code == "making_not_your_session_edit"
    assert _rows() == before


def test_an_instructor_cannot_cancel_even_their_own_session(teacher: Any, session_of: Any) -> None:
    session = session_of(instructor=teacher.user)
    before = _rows()
    url = reverse("making:session_cancel", args=[session.pk])
    assert teacher.get(url).status_code == 403
    assert teacher.post(url).status_code == 403
    assert _rows() == before
    page = teacher.get(reverse("making:session", args=[session.pk])).content.decode()
    assert reverse("making:session_edit", args=[session.pk]) in page
    assert url not in page


def test_a_citizen_gets_no_session_form(client_as: Any, session_of: Any, make_user: Any) -> None:
    session = session_of(instructor=make_user(Role.INSTRUCTOR))
    citizen = client_as(Role.CITIZEN)
    before = _rows()
    url = reverse("making:session_edit", args=[session.pk])
    assert citizen.get(url).status_code == 403
    assert citizen.post(url, MOVED).status_code == 403
    assert _rows() == before


def test_an_instructor_takes_attendance_on_their_phone_and_the_certificate_follows(
    teacher: Any, session_of: Any, make_user: Any
) -> None:
    session = session_of(instructor=teacher.user)
    learner = make_user(Role.CITIZEN)
    enrolment = courses.enrol(by=learner, session=session, now=NOW)
    home = teacher.get(reverse("making:home")).content.decode()
    assert reverse("making:session", args=[session.pk]) in home
    roster = teacher.get(
        reverse("making:session", args=[session.pk]),
        HTTP_USER_AGENT="Mozilla/5.0 (Linux; Android 14) Mobile",
    ).content.decode()
    assert 'name="viewport"' in roster
    assert reverse("making:attendance", args=[enrolment.pk]) in roster
    teacher.post(reverse("making:attendance", args=[enrolment.pk]), {"present": "1"})
    enrolment.refresh_from_db()
    assert enrolment.attended is True
    assert m.Certificate.objects.filter(enrolment=enrolment, user=learner).exists()


# --- A class a school booked -----------------------------------------------------------------


def test_a_person_cannot_enrol_alone_in_a_class_a_school_booked(
    client_as: Any, session_of: Any
) -> None:
    school = Organisation.objects.create(kind=OrganisationKind.SCHOOL, name="전주중앙초등학교")
    session = session_of(capacity=25, school=school)
    citizen = client_as(Role.CITIZEN)
    catalogue = citizen.get(reverse("making:catalogue")).content.decode()
    enrol_url = reverse("making:enrol", args=[session.pk])
    assert enrol_url not in catalogue
    assert "학교 단체 수업이라 개인 신청은 받지 않습니다." in catalogue

    response = citizen.post(enrol_url)
    assert response.status_code == 302
    said = [str(msg) for msg in get_messages(response.wsgi_request)]
    assert any("전주중앙초등학교에서 학생들과 함께 단체로 신청한 수업" in s for s in said), said
    assert not m.Enrolment.objects.exists()


def test_the_school_refusal_reads_in_english_too(session_of: Any, make_user: Any) -> None:
    from django.utils import translation

    school = Organisation.objects.create(kind=OrganisationKind.SCHOOL, name="Jeonju School")
    session = session_of(school=school)
    with pytest.raises(SaramError) as info:
        courses.enrol(by=make_user(Role.CITIZEN), session=session, now=NOW)
    assert info.value.code == "making_session_school_booked"
    with translation.override("en"):
        assert "Jeonju School" in info.value.message
        assert not any("\uac00" <= ch <= "\ud7a3" for ch in info.value.message)
    assert not m.Enrolment.objects.exists()
