"""Courses: enrolment, the waiting list moving up, attendance, certificates and their check."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation
from pypdf import PdfReader
from tests.making.conftest import NOW

from saram.core.errors import SaramError
from saram.core.models import Role
from saram.making.documents import certificate_pdf
from saram.making.models import Certificate, Enrolment, EnrolmentStatus, Notice
from saram.making.services import courses

pytestmark = pytest.mark.django_db


def test_over_capacity_goes_to_the_waiting_list_and_moves_up_on_a_cancellation(
    make_user: Any, session_of: Any
) -> None:
    session = session_of(capacity=2)
    a, b, c = (make_user(Role.CITIZEN) for _ in range(3))
    ea = courses.enrol(by=a, session=session, now=NOW)
    courses.enrol(by=b, session=session, now=NOW)
    ec = courses.enrol(by=c, session=session, now=NOW)
    assert (ea.status, ec.status) == (EnrolmentStatus.ENROLLED, EnrolmentStatus.WAITING)

    promoted = courses.cancel_enrolment(by=a, enrolment=ea, now=NOW)

    assert promoted is not None and promoted.pk == ec.pk
    ec.refresh_from_db()
    assert ec.status == EnrolmentStatus.ENROLLED
    notice = Notice.objects.get(user=c)
    assert notice.code == "making_notice_promoted"


def test_enrolling_twice_is_refused_and_changes_nothing(make_user: Any, session_of: Any) -> None:
    session = session_of()
    user = make_user(Role.CITIZEN)
    courses.enrol(by=user, session=session, now=NOW)
    with pytest.raises(SaramError) as info:
        courses.enrol(by=user, session=session, now=NOW)
    assert info.value.code == "making_already_enrolled"
    assert Enrolment.objects.count() == 1


def test_marking_present_issues_a_certificate_that_verifies(
    make_user: Any, session_of: Any
) -> None:
    instructor = make_user(Role.INSTRUCTOR)
    session = session_of(instructor=instructor)
    learner = make_user(Role.CITIZEN, first_name="길동", last_name="홍")
    enrolment = courses.enrol(by=learner, session=session, now=NOW, name="홍길동")

    certificate = courses.mark_attendance(
        by=instructor, enrolment=enrolment, present=True, now=session.starts_at
    )

    assert certificate is not None
    assert courses.verify_certificate(code=certificate.code.lower()).pk == certificate.pk
    # A lookalike typed from paper (O for 0) still finds it.
    assert courses.verify_certificate(code=certificate.code.replace("0", "O")).pk == certificate.pk


def test_another_instructor_cannot_take_attendance(make_user: Any, session_of: Any) -> None:
    session = session_of(instructor=make_user(Role.INSTRUCTOR))
    learner = make_user(Role.CITIZEN)
    enrolment = courses.enrol(by=learner, session=session, now=NOW)
    with pytest.raises(SaramError) as info:
        courses.mark_attendance(
            by=make_user(Role.INSTRUCTOR), enrolment=enrolment, present=True, now=NOW
        )
    assert info.value.code == "making_not_your_session"
    assert Certificate.objects.count() == 0


@pytest.mark.parametrize("code", ["ABCD-EFGH-JKMN", "forged", "", "'; DROP TABLE"])
def test_a_forged_or_unknown_code_is_refused(code: str) -> None:
    with pytest.raises(SaramError) as info:
        courses.verify_certificate(code=code)
    assert info.value.code == "making_certificate_unknown"


def test_the_public_check_page_answers_without_login(citizen: Any) -> None:
    certificate = Certificate.objects.get(user=citizen)
    client = Client()
    ok = client.get(reverse("making:verify"), {"code": certificate.code}, HTTP_ACCEPT_LANGUAGE="ko")
    assert ok.status_code == 200
    assert "유효한 수료증입니다" in ok.content.decode()
    bad = client.get(reverse("making:verify"), {"code": "ZZZZ-ZZZZ-ZZZZ"})
    assert bad.status_code == 404
    assert "ZZZZ-ZZZZ-ZZZZ" in bad.content.decode()
    with translation.override("en"):
        client.cookies["django_language"] = "en"
        english = client.get(reverse("making:verify"), {"code": "ZZZZ-ZZZZ-ZZZZ"})
    assert "No certificate has the code" in english.content.decode()


def test_the_certificate_pdf_is_in_korean_with_its_code(citizen: Any) -> None:
    certificate = Certificate.objects.select_related("course").get(user=citizen)
    pdf = certificate_pdf(
        certificate=certificate,
        verify_url=f"http://testserver/making/certificates/verify/?code={certificate.code}",
        base_url="http://testserver/",
    )
    assert pdf.startswith(b"%PDF")
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    squeezed = text.replace(" ", "")
    assert "수료증" in squeezed
    assert "FDM3D프린터기초" in squeezed
    assert certificate.code in text
    fonts = {
        str(font.get_object()["/BaseFont"])
        for page in PdfReader(io.BytesIO(pdf)).pages
        for font in page["/Resources"]["/Font"].values()
    }
    assert any("Nanum" in name for name in fonts), fonts  # the Korean font is embedded


def test_the_owner_downloads_the_pdf_and_nobody_else_does(citizen: Any, client_as: Any) -> None:
    certificate = Certificate.objects.get(user=citizen)
    url = reverse("making:certificate_pdf", args=[certificate.pk])
    owner = Client()
    owner.force_login(citizen, backend="django.contrib.auth.backends.ModelBackend")
    response = owner.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert client_as(Role.CITIZEN).get(url).status_code == 404


def test_enrolling_on_the_page_copies_dong_and_birth_year_and_audits_the_read(
    make_user: Any, make_person: Any, session_of: Any
) -> None:
    from saram.core.models import AuditEntry

    person = make_person()
    user = make_user(Role.CITIZEN, person=person)
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    session = session_of()

    response = client.post(reverse("making:enrol", args=[session.pk]))

    assert response.status_code == 302
    enrolment = Enrolment.objects.get(user=user)
    assert enrolment.dong_id == person.dong_id
    assert enrolment.birth_year == person.birth_date.year
    assert AuditEntry.objects.filter(target_type="person", target_id=str(person.pk)).exists()


def test_staff_schedule_a_session_from_the_page(client_as: Any, fdm_course: Any) -> None:
    from saram.making.models import CourseSession

    staff = client_as(Role.MAKING_STAFF)
    response = staff.post(
        reverse("making:session_new"),
        {
            "course": fdm_course.pk,
            "starts_at": "2099-03-02T10:00",
            "ends_at": "2099-03-02T13:00",
            "capacity": 12,
        },
    )
    session = CourseSession.objects.get(course=fdm_course)
    assert response.status_code == 302 and session.capacity == 12
    before = CourseSession.objects.count()
    staff.post(
        reverse("making:session_new"),
        {
            "course": fdm_course.pk,
            "starts_at": "2099-03-02T10:00",
            "ends_at": "2099-03-02T09:00",
            "capacity": 12,
        },
    )
    assert CourseSession.objects.count() == before
