"""A citizen finds a course, enrols, is marked present, receives the certificate, books a
printer and sees the booking on its calendar; a second citizen's try at the same slot is
refused with the reason."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any
from zoneinfo import ZoneInfo

from django.utils import timezone
from playwright.sync_api import expect

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
    Reservation,
)

SEOUL = ZoneInfo("Asia/Seoul")


def _login(context: Any, base: str, user: Any) -> Any:
    page = context.new_page()
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", user.raw_password)
    with page.expect_navigation():
        page.press("input[name=password]", "Enter")
    return page


def test_from_course_to_certificate_to_a_booking_nobody_else_can_take(
    browser: Any, live_server: Any, make_user: Any
) -> None:
    base = live_server.url
    now = timezone.now()
    instructor = make_user(Role.INSTRUCTOR, first_name="강사", last_name="김")
    course = Course.objects.create(
        code="G-101",
        title="FDM 3D프린터 기초",
        audience=Audience.PUBLIC,
        unlocks=MachineKind.FDM,
        summary="이수하면 FDM 프린터를 예약할 수 있습니다.",
    )
    session = CourseSession.objects.create(
        course=course,
        starts_at=now + dt.timedelta(hours=2),
        ends_at=now + dt.timedelta(hours=5),
        capacity=10,
        instructor=instructor,
    )
    printer = Machine.objects.create(code="FDM-1", name="FDM 프린터 1호기", kind=MachineKind.FDM)
    citizen = make_user(Role.CITIZEN, first_name="지민", last_name="박")
    context = browser.new_context(locale="ko-KR", timezone_id="Asia/Seoul")

    # 1. The citizen finds the course in the public catalogue and enrols.
    page = _login(context, base, citizen)
    page.goto(f"{base}/making/courses/")
    card = page.locator("#course-G-101")
    expect(card).to_contain_text("FDM 3D프린터 기초")
    with page.expect_navigation():
        card.get_by_role("button", name="수강 신청").click()
    expect(page.locator("#my-enrolments")).to_contain_text("FDM 3D프린터 기초")
    expect(page.locator("#my-enrolments")).to_contain_text("수강 확정")

    # 2. The instructor marks them present on the phone.
    phone = browser.new_context(
        locale="ko-KR", timezone_id="Asia/Seoul", viewport={"width": 390, "height": 844}
    )
    teacher = _login(phone, base, instructor)
    teacher.goto(f"{base}/making/sessions/{session.pk}/")
    with teacher.expect_navigation():
        teacher.get_by_role("button", name="출석 체크").click()
    expect(teacher.locator("#roster")).to_contain_text("수료증")
    phone.close()

    # 3. The certificate is theirs, and anyone can check its code.
    page.goto(f"{base}/making/me/")
    certificate = Certificate.objects.get(user=citizen)
    expect(page.locator("#my-certificates")).to_contain_text(certificate.code)
    anonymous = browser.new_context(locale="ko-KR").new_page()
    anonymous.goto(f"{base}/making/certificates/verify/?code={certificate.code}")
    expect(anonymous.locator("#verify-result")).to_contain_text("유효한 수료증입니다")
    anonymous.context.close()

    # 4. The citizen books the printer tomorrow 10:00–12:00 and sees it on the calendar.
    tomorrow = (now.astimezone(SEOUL) + dt.timedelta(days=1)).date().isoformat()
    page.goto(f"{base}/making/machines/{printer.pk}/")
    page.fill("#book-form input[name=starts_at]", f"{tomorrow}T10:00")
    page.fill("#book-form input[name=ends_at]", f"{tomorrow}T12:00")
    with page.expect_navigation():
        page.locator("#book-form button[type=submit]").click()
    expect(page.locator("#booked")).to_be_visible()
    event = page.locator("#calendar .fc-event", has_text="내 예약")
    expect(event).to_have_count(1)
    expect(event).to_contain_text("10:00")
    context.close()

    # 5. A second certified citizen tries the same slot: refused, with the reason.
    other = make_user(Role.CITIZEN, first_name="서연", last_name="이")
    enrolment = Enrolment.objects.create(
        session=session,
        user=other,
        name="이서연",
        status=EnrolmentStatus.ENROLLED,
        attended=True,
        created_at=now,
    )
    Certificate.objects.create(
        enrolment=enrolment,
        user=other,
        course=course,
        code="TEST-E2E0-0002",
        holder_name="이서연",
        issued_at=now,
    )
    second = browser.new_context(locale="ko-KR", timezone_id="Asia/Seoul")
    page2 = _login(second, base, other)
    page2.goto(f"{base}/making/machines/{printer.pk}/?week={tomorrow}")
    # The taken slot shows as booked, without the first citizen's name.
    expect(page2.locator("#calendar .fc-event", has_text="예약됨")).to_have_count(1)
    page2.fill("#book-form input[name=starts_at]", f"{tomorrow}T11:00")
    page2.fill("#book-form input[name=ends_at]", f"{tomorrow}T12:30")
    with page2.expect_navigation():
        page2.locator("#book-form button[type=submit]").click()
    expect(page2.locator(".messages")).to_contain_text(re.compile("이미 예약되어 있습니다"))
    assert Reservation.objects.filter(machine=printer).count() == 1
    second.close()
