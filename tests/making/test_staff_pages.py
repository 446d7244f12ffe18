"""Staff keep the centre's catalogue from its pages: machines, materials, courses, sessions,
events and gallery projects — added, changed, retired or cancelled with a confirmation, with
field errors in the reader's language and nothing written when a form is wrong."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from tests.making.conftest import NOW, at

from saram.core.models import Role
from saram.making import models as m
from saram.making.services import courses, events, reservations

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client_as: Any) -> Any:
    return client_as(Role.MAKING_STAFF)


@pytest.fixture(autouse=True)
def _now() -> Any:
    with time_machine.travel(NOW, tick=False):
        yield


def _png() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (4, 3), (200, 30, 30)).save(out, "PNG")
    return out.getvalue()


# --- Machines ------------------------------------------------------------------------------------


def test_staff_add_a_machine_with_the_materials_it_takes(
    staff_client: Any, pla: m.Material
) -> None:
    response = staff_client.post(
        reverse("making:machine_new"),
        {
            "code": "FDM-09",
            "name": "FDM 프린터 9호기",
            "kind": "fdm",
            "build_x_mm": "250",
            "build_y_mm": "210",
            "build_z_mm": "220",
            "nozzle_mm": "0.4",
            "accepted_materials": [pla.pk],
            "loaded_material": pla.pk,
            "hourly_rate_krw": "3000",
            "status": "available",
            "is_bookable": "on",
        },
    )
    machine = m.Machine.objects.get(code="FDM-09")
    assert response.status_code == 302
    assert response["Location"] == reverse("making:machine", args=[machine.pk])
    assert list(machine.accepted_materials.all()) == [pla]
    assert machine.loaded_material == pla


def test_a_wrong_machine_form_names_each_field_in_korean_and_writes_nothing(
    staff_client: Any, printer: m.Machine, pla: m.Material
) -> None:
    other = m.Material.objects.create(
        code="ABS-B", name="ABS", kind="abs", density_g_cm3="1.04", price_per_kg_krw=20_000
    )
    response = staff_client.post(
        reverse("making:machine_new"),
        {
            "code": printer.code,  # taken
            "name": "",
            "kind": "fdm",
            "accepted_materials": [pla.pk],
            "loaded_material": other.pk,  # not among the accepted
            "hourly_rate_krw": "-5",
            "status": "available",
        },
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "이미 쓰는 장비 번호입니다" in page
    assert "장착 소재는 &#x27;사용 가능 소재&#x27;에서 골라야 합니다." in page
    assert "요금은 0원 이상이어야 합니다." in page
    assert 'id="error-name"' in page
    assert m.Machine.objects.count() == 1


def test_the_same_errors_read_in_english(staff_client: Any, printer: m.Machine) -> None:
    response = staff_client.post(
        reverse("making:machine_new"),
        {"code": printer.code, "name": "x", "kind": "fdm", "hourly_rate_krw": "-1"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    page = response.content.decode()
    assert "This machine number is already in use." in page
    assert "The rate must be 0 won or more." in page
    assert "이미 쓰는" not in page


def test_staff_change_a_machine_and_its_status_change_is_logged(
    staff_client: Any, printer: m.Machine, pla: m.Material
) -> None:
    form = staff_client.get(reverse("making:machine_edit", args=[printer.pk]))
    assert 'value="FDM-01"' in form.content.decode()
    staff_client.post(
        reverse("making:machine_edit", args=[printer.pk]),
        {
            "code": "FDM-01",
            "name": "FDM 프린터 1호기",
            "kind": "fdm",
            "accepted_materials": [pla.pk],
            "loaded_material": pla.pk,
            "hourly_rate_krw": "4000",
            "status": "maintenance",
        },
    )
    printer.refresh_from_db()
    assert printer.hourly_rate_krw == 4000
    assert printer.status == "maintenance"
    assert not printer.is_bookable
    assert printer.log.filter(kind="note").exists()


def test_retiring_a_machine_asks_first_then_cancels_its_future_bookings_with_a_notice(
    staff_client: Any, citizen: Any, printer: m.Machine
) -> None:
    booking = reservations.book(
        by=citizen, machine=printer, starts_at=at(9, 10), ends_at=at(9, 12), now=NOW
    )
    url = reverse("making:machine_retire", args=[printer.pk])
    page = staff_client.get(url).content.decode()
    assert "앞으로의 예약 1건이 취소되고" in page
    printer.refresh_from_db()
    assert printer.retired_on is None  # the question changed nothing

    assert staff_client.post(url).status_code == 302
    printer.refresh_from_db()
    booking.refresh_from_db()
    assert printer.retired_on == NOW.date()
    assert booking.status == "cancelled"
    assert m.Notice.objects.get(user=citizen).code == "making_notice_machine_retired"
    # It leaves the citizens' list and cannot be booked or changed any more.
    assert printer not in list(
        citizen_machines := m.Machine.objects.filter(is_bookable=True, retired_on__isnull=True)
    ), citizen_machines
    assert staff_client.get(reverse("making:machine_edit", args=[printer.pk])).status_code == 400


# --- Materials -----------------------------------------------------------------------------------


def test_a_new_material_enters_with_its_opening_stock_as_a_receipt(staff_client: Any) -> None:
    staff_client.post(
        reverse("making:material_new"),
        {
            "code": "PETG-B",
            "name": "PETG",
            "kind": "petg",
            "colour": "파란색",
            "density_g_cm3": "1.27",
            "price_per_kg_krw": "28000",
            "reorder_level_g": "1000",
            "is_active": "on",
            "stock_g": "3000",
        },
    )
    material = m.Material.objects.get(code="PETG-B")
    assert material.stock_g == 3000
    assert [(mv.delta_g, mv.reason) for mv in material.movements.all()] == [(3000, "purchase")]


def test_a_material_with_zero_density_is_refused_on_the_field(staff_client: Any) -> None:
    response = staff_client.post(
        reverse("making:material_new"),
        {
            "code": "X",
            "name": "X",
            "kind": "pla",
            "density_g_cm3": "0",
            "price_per_kg_krw": "1",
            "reorder_level_g": "0",
        },
    )
    assert "밀도는 0보다 커야 합니다" in response.content.decode()
    assert not m.Material.objects.filter(code="X").exists()


def test_editing_a_material_never_changes_its_stock(staff_client: Any, pla: m.Material) -> None:
    staff_client.post(
        reverse("making:material_edit", args=[pla.pk]),
        {
            "code": pla.code,
            "name": "PLA+",
            "kind": "pla",
            "density_g_cm3": "1.24",
            "price_per_kg_krw": "26000",
            "reorder_level_g": "400",
            "stock_g": "999999",
        },
    )
    pla.refresh_from_db()
    assert (pla.name, pla.stock_g, pla.is_active) == ("PLA+", 1_000, False)


# --- Courses and sessions ------------------------------------------------------------------------


def test_staff_add_a_course_then_a_session_for_it(staff_client: Any, make_user: Any) -> None:
    response = staff_client.post(
        reverse("making:course_new"),
        {
            "code": "RES-101",
            "title": "광경화 프린터 입문",
            "audience": "public",
            "hours": "3",
            "fee_krw": "0",
            "unlocks": "resin",
            "is_published": "on",
        },
    )
    course = m.Course.objects.get(code="RES-101")
    assert response["Location"].endswith(f"?course={course.pk}")
    teacher = make_user(Role.INSTRUCTOR, first_name="민지", last_name="김")
    form = staff_client.get(response["Location"]).content.decode()
    assert "김 민지" in form or "민지 김" in form
    assert teacher.username not in form  # people by name, never by login
    staff_client.post(
        reverse("making:session_new"),
        {
            "course": course.pk,
            "starts_at": "2026-12-20T10:00",
            "ends_at": "2026-12-20T13:00",
            "capacity": "12",
            "instructor": teacher.pk,
        },
    )
    session = m.CourseSession.objects.get(course=course)
    assert (session.capacity, session.instructor) == (12, teacher)


def test_a_session_ending_before_it_starts_is_refused_on_the_field(
    staff_client: Any, fdm_course: m.Course
) -> None:
    response = staff_client.post(
        reverse("making:session_new"),
        {
            "course": fdm_course.pk,
            "starts_at": "2026-12-20T10:00",
            "ends_at": "2026-12-20T09:00",
            "capacity": "12",
        },
    )
    assert "종료 시각이 시작 시각보다 늦어야 합니다." in response.content.decode()
    assert not m.CourseSession.objects.exists()


def test_a_larger_session_moves_its_waiting_list_up_and_a_smaller_one_is_refused(
    staff_client: Any, session_of: Any, make_user: Any
) -> None:
    session = session_of(capacity=1)
    first, second = make_user(Role.CITIZEN), make_user(Role.CITIZEN)
    courses.enrol(by=first, session=session, now=NOW)
    waiting = courses.enrol(by=second, session=session, now=NOW)
    assert waiting.status == "waiting"
    url = reverse("making:session_edit", args=[session.pk])
    fields = {"starts_at": "2026-12-10T14:00", "ends_at": "2026-12-10T17:00"}

    staff_client.post(url, {**fields, "capacity": "2"})
    waiting.refresh_from_db()
    assert waiting.status == "enrolled"
    assert m.Notice.objects.get(user=second).code == "making_notice_promoted"

    response = staff_client.post(url, {**fields, "capacity": "1"})
    assert "이미 2명이 확정되어 정원을 2명보다 줄일 수 없습니다." in response.content.decode()
    session.refresh_from_db()
    assert session.capacity == 2


def test_moving_a_session_tells_everyone_on_its_roster(
    staff_client: Any, session_of: Any, make_user: Any
) -> None:
    session = session_of(capacity=5)
    learner = make_user(Role.CITIZEN)
    courses.enrol(by=learner, session=session, now=NOW)
    staff_client.post(
        reverse("making:session_edit", args=[session.pk]),
        {"starts_at": "2026-12-11T14:00", "ends_at": "2026-12-11T17:00", "capacity": "5"},
    )
    notice = m.Notice.objects.get(user=learner)
    assert notice.code == "making_notice_session_moved"
    assert notice.params["new_start"] == "2026-12-11 14:00"


def test_cancelling_a_session_asks_then_tells_each_learner(
    staff_client: Any, session_of: Any, make_user: Any
) -> None:
    session = session_of(capacity=1)
    a, b = make_user(Role.CITIZEN), make_user(Role.CITIZEN)
    courses.enrol(by=a, session=session, now=NOW)
    courses.enrol(by=b, session=session, now=NOW)
    url = reverse("making:session_cancel", args=[session.pk])
    assert "수강 확정 1명과 대기 1명" in staff_client.get(url).content.decode()
    staff_client.post(url)
    session.refresh_from_db()
    assert session.is_cancelled
    assert set(m.Enrolment.objects.values_list("status", flat=True)) == {"cancelled"}
    assert m.Notice.objects.filter(code="making_notice_session_cancelled").count() == 2


# --- Events --------------------------------------------------------------------------------------


def test_staff_add_an_unpublished_event_only_staff_see(staff_client: Any, client: Any) -> None:
    staff_client.post(
        reverse("making:event_new"),
        {
            "title": "겨울 메이커 페어",
            "kind": "maker_fair",
            "starts_at": "2026-12-19T10:00",
            "ends_at": "2026-12-19T17:00",
            "place": "센터 1층",
            "capacity": "80",
        },
    )
    event = m.Event.objects.get(title="겨울 메이커 페어")
    assert not event.is_published
    assert "겨울 메이커 페어" in staff_client.get(reverse("making:events")).content.decode()
    assert "겨울 메이커 페어" not in client.get(reverse("making:events")).content.decode()


def test_cancelling_an_event_unpublishes_it_and_tells_each_registrant(
    staff_client: Any, make_user: Any
) -> None:
    event = m.Event.objects.create(
        title="오픈 데이",
        kind="open_day",
        starts_at=at(12, 10),
        ends_at=at(12, 16),
        place="센터",
        capacity=10,
    )
    person = make_user(Role.CITIZEN)
    events.register(by=person, event=event, now=NOW)
    staff_client.post(reverse("making:event_cancel", args=[event.pk]))
    event.refresh_from_db()
    assert not event.is_published
    assert m.Notice.objects.get(user=person).code == "making_notice_event_cancelled"


# --- Gallery -------------------------------------------------------------------------------------


def test_a_gallery_photo_is_kept_only_when_it_is_an_image(staff_client: Any, client: Any) -> None:
    fields = {
        "title": "탄소섬유 자전거 프레임",
        "maker_name": "전주 메이커 동아리",
        "description": "연속 탄소섬유로 출력한 프레임",
        "licence": "cc_by",
        "made_on": "2026-11-30",
        "is_published": "on",
    }
    response = staff_client.post(
        reverse("making:gallery_new"),
        {**fields, "photo": SimpleUploadedFile("frame.png", b"<script>alert(1)</script>")},
    )
    assert "JPEG, PNG 또는 WebP 사진만 올릴 수 있습니다." in response.content.decode()
    assert not m.GalleryProject.objects.exists()

    staff_client.post(
        reverse("making:gallery_new"),
        {**fields, "photo": SimpleUploadedFile("frame.jpg", _png())},
    )
    project = m.GalleryProject.objects.get()
    photo = client.get(reverse("making:gallery_photo", args=[project.pk]))
    assert photo.status_code == 200
    assert photo["Content-Type"] == "image/png"  # from the bytes, not the name
    assert b"".join(photo.streaming_content).startswith(b"\x89PNG")


def test_removing_a_project_asks_first_and_takes_its_photo_away(
    staff_client: Any, client: Any, django_capture_on_commit_callbacks: Any
) -> None:
    project = m.GalleryProject.objects.create(
        title="의수",
        maker_name="메이커",
        description="…",
        licence="cc0",
        made_on=dt.date(2026, 11, 1),
        photo=SimpleUploadedFile("hand.png", _png()),
    )
    storage, name = project.photo.storage, project.photo.name
    url = reverse("making:gallery_delete", args=[project.pk])
    assert "되돌릴 수 없습니다" in staff_client.get(url).content.decode()
    assert m.GalleryProject.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(url)
    assert not m.GalleryProject.objects.exists()
    assert not storage.exists(name)
    assert client.get(reverse("making:gallery_photo", args=[project.pk])).status_code == 404


def test_an_unpublished_projects_photo_is_not_served(client: Any) -> None:
    project = m.GalleryProject.objects.create(
        title="비공개",
        maker_name="메이커",
        description="…",
        licence="cc0",
        made_on=dt.date(2026, 11, 1),
        photo=SimpleUploadedFile("p.png", _png()),
        is_published=False,
    )
    assert client.get(reverse("making:gallery_photo", args=[project.pk])).status_code == 404


def test_every_new_message_reads_in_english() -> None:
    from saram.core.errors import registered_codes, render

    with translation.override("en"):
        for code in sorted(c for c in registered_codes() if c.startswith("making_")):
            text = render(code, {})
            assert not any("\uac00" <= ch <= "\ud7a3" for ch in text), (code, text)


def test_a_session_booked_by_a_school_says_so_in_the_catalogue(
    staff_client: Any, fdm_course: m.Course
) -> None:
    from saram.core.models import Organisation, OrganisationKind

    school = Organisation.objects.create(kind=OrganisationKind.SCHOOL, name="전주중앙초등학교")
    staff_client.post(
        reverse("making:session_new"),
        {
            "course": fdm_course.pk,
            "starts_at": "2026-12-20T10:00",
            "ends_at": "2026-12-20T12:00",
            "capacity": "25",
            "school": school.pk,
        },
    )
    assert m.CourseSession.objects.get().school == school
    page = staff_client.get(reverse("making:catalogue")).content.decode()
    assert "전주중앙초등학교 단체 수업" in page


def test_a_citizen_gives_up_an_event_place_and_the_first_waiting_moves_up(
    client_as: Any, make_user: Any
) -> None:
    event = m.Event.objects.create(
        title="오픈 데이",
        kind="open_day",
        starts_at=at(12, 10),
        ends_at=at(12, 16),
        place="센터",
        capacity=1,
    )
    client = client_as(Role.CITIZEN)
    mine = events.register(by=client.user, event=event, now=NOW)
    waiting = make_user(Role.CITIZEN)
    second = events.register(by=waiting, event=event, now=NOW)
    page = client.get(reverse("making:mine")).content.decode()
    assert "오픈 데이" in page
    client.post(reverse("making:cancel_registration", args=[mine.pk]))
    mine.refresh_from_db()
    second.refresh_from_db()
    assert (mine.status, second.status) == ("cancelled", "registered")
    assert m.Notice.objects.get(user=waiting).code == "making_notice_event_promoted"
    # Cancelling twice is refused with a reason, nothing changed.
    response = client.post(
        reverse("making:cancel_registration", args=[mine.pk]),
        follow=True,
        HTTP_REFERER=reverse("making:mine"),
    )
    assert "이미 취소된 행사 신청입니다." in response.content.decode()


def test_a_flat_machine_shows_its_bed_without_a_missing_height(client_as: Any) -> None:
    laser = m.Machine.objects.create(
        code="LC-9", name="레이저 커터 9", kind="laser_cutter", build_x_mm=900, build_y_mm=600
    )
    client = client_as(Role.MAKING_STAFF)
    for url in (reverse("making:machines"), reverse("making:machine", args=[laser.pk])):
        page = client.get(url).content.decode()
        assert "900×600 mm" in page and "None" not in page


@pytest.mark.parametrize(
    ("role", "offered"),
    [
        (Role.CITIZEN, True),
        (Role.MAKING_STAFF, True),
        (Role.INSTRUCTOR, True),
        (Role.WELFARE_OFFICER, False),
        (Role.PROCUREMENT_OFFICER, False),
    ],
)
def test_the_centre_menu_offers_booking_only_to_whom_it_answers(
    client_as: Any, role: Role, offered: bool
) -> None:
    """A welfare officer who follows an assistive device onto the centre's pages is not offered
    the centre's home and machine booking, which would refuse them."""
    client = client_as(role)
    page = client.get(reverse("making:catalogue")).content.decode()
    machines = reverse("making:machines")
    assert (f'href="{machines}"' in page) is offered
    assert (client.get(machines).status_code == 200) is offered
