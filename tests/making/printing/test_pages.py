"""The print service's pages: a citizen uploads, sees the check and the quote, accepts; others
are refused (404 for someone else's job, 403 or the login page otherwise); GET on a write
route is refused; a refused write changes nothing."""

from __future__ import annotations

from typing import Any

import pytest
import trimesh
from django.test import Client
from django.urls import reverse

from saram.core.models import Role
from saram.making.models import JobStatus, Machine, Material, PrinterLink, PrintJob
from saram.making.services import printing

from .conftest import stl_upload
from .test_routing import small  # noqa: F401  (a networked printer fixture)

WRITE_ROUTES = [
    "print_slice",
    "print_repair",
    "print_accept",
    "print_decline",
    "print_cancel",
    "print_start",
    "print_follow",
    "print_fail",
    "print_deliver",
    "print_priority",
]


def _upload(client: Client, material: Material, size: float = 20) -> Any:
    return client.post(
        reverse("making:print_upload"),
        HTTP_REFERER=reverse("making:print_home"),
        data={
            "title": "열쇠고리",
            "model": stl_upload(trimesh.creation.box((size, size, size)), "key.stl"),
            "material": material.pk,
            "layer_height_mm": "0.20",
            "infill_percent": 20,
            "quantity": 1,
        },
    )


def _slice(client: Client, job: PrintJob, capture: Any) -> None:
    with capture(execute=True):
        client.post(reverse("making:print_slice", args=[job.pk]))


def test_citizen_uploads_sees_check_and_quote_and_accepts(
    client_as: Any,
    pla: Material,
    small: Machine,  # noqa: F811
    django_capture_on_commit_callbacks: Any,
) -> None:
    client = client_as(Role.CITIZEN)
    answer = _upload(client, pla)
    job = PrintJob.objects.get()
    assert answer.status_code == 302 and answer["Location"] == reverse(
        "making:print_job", args=[job.pk]
    )
    page = client.get(answer["Location"]).content.decode()
    assert "20 × 20 × 20 mm" in page
    assert "문제가 없습니다" in page
    assert client.get(reverse("making:print_model", args=[job.pk])).content[80:84] == (
        (12).to_bytes(4, "little")
    )
    _slice(client, job, django_capture_on_commit_callbacks)
    job.refresh_from_db()
    assert job.status == JobStatus.QUOTED
    page = client.get(reverse("making:print_job", args=[job.pk])).content.decode()
    assert f"{job.total_krw:,}원" in page
    client.post(reverse("making:print_accept", args=[job.pk]))
    job.refresh_from_db()
    assert job.status == JobStatus.ACCEPTED
    assert "열쇠고리" in client.get(reverse("making:print_home")).content.decode()


def test_english_page_has_no_korean_in_the_check(
    client_as: Any,
    pla: Material,
    small: Machine,  # noqa: F811
) -> None:
    client = client_as(Role.CITIZEN)
    _upload(client, pla)
    job = PrintJob.objects.get()
    page = client.get(
        reverse("making:print_job", args=[job.pk]), HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert "No problems" in page


def test_a_bad_file_is_refused_in_the_layout_and_nothing_is_stored(
    client_as: Any,
    pla: Material,
    small: Machine,  # noqa: F811
) -> None:
    client = client_as(Role.CITIZEN)
    answer = _upload(client, pla, size=600)
    assert answer.status_code == 302
    assert answer["Location"] == reverse("making:print_home")
    page = client.get(answer["Location"]).content.decode()
    assert "어느 프린터에도 들어가지 않습니다" in page
    assert not PrintJob.objects.exists()


def test_someone_elses_job_is_not_found(
    client_as: Any,
    make_user: Any,
    pla: Material,
    small: Machine,  # noqa: F811
) -> None:
    owner = client_as(Role.CITIZEN)
    _upload(owner, pla)
    job = PrintJob.objects.get()
    other = client_as(Role.CITIZEN)
    for name in ("print_job", "print_model", "print_progress"):
        assert other.get(reverse(f"making:{name}", args=[job.pk])).status_code == 404
    assert other.post(reverse("making:print_accept", args=[job.pk])).status_code == 404
    job.refresh_from_db()
    assert job.status == JobStatus.CHECKED


@pytest.mark.parametrize("role", [Role.WELFARE_OFFICER, Role.INSTRUCTOR])
def test_roles_without_printing_are_refused(client_as: Any, role: Role) -> None:
    client = client_as(role)
    assert client.get(reverse("making:print_home")).status_code == 403
    assert client.get(reverse("making:print_queue")).status_code == 403


def test_anonymous_is_sent_to_log_in() -> None:
    answer = Client().get(reverse("making:print_home"))
    assert answer.status_code == 302 and "login" in answer["Location"]


def test_citizen_cannot_use_staff_routes_and_nothing_changes(
    client_as: Any,
    pla: Material,
    small: Machine,  # noqa: F811
) -> None:
    client = client_as(Role.CITIZEN)
    _upload(client, pla)
    job = PrintJob.objects.get()
    assert client.get(reverse("making:print_queue")).status_code == 403
    client.post(reverse("making:print_start", args=[job.pk]), {"printer": small.pk})
    client.post(reverse("making:print_priority", args=[job.pk]), {"priority": 9})
    assert client.post(reverse("making:printer_plate_clear", args=[small.pk])).status_code in (
        403,
        404,
    )
    job.refresh_from_db()
    assert job.status == JobStatus.CHECKED and job.priority == 0 and job.printer is None


def test_get_on_a_write_route_is_refused(
    client_as: Any,
    pla: Material,
    small: Machine,  # noqa: F811
) -> None:
    client = client_as(Role.MAKING_STAFF)
    job = printing.submit_model(
        by=client.user,
        upload=stl_upload(trimesh.creation.box((10, 10, 10))),
        title="x",
        material=pla,
        layer_height_mm=printing.LAYER_HEIGHTS[2],
        infill_percent=20,
        quantity=1,
        now=printing.dt.datetime(2026, 12, 7, tzinfo=printing.dt.UTC),
    )
    for name in WRITE_ROUTES:
        assert client.get(reverse(f"making:{name}", args=[job.pk])).status_code == 405, name
    assert client.get(reverse("making:print_upload")).status_code == 405


def test_staff_queue_shows_accepted_jobs_with_the_proposed_printer(
    client_as: Any,
    pla: Material,
    small: Machine,  # noqa: F811
    django_capture_on_commit_callbacks: Any,
) -> None:
    citizen = client_as(Role.CITIZEN)
    _upload(citizen, pla)
    job = PrintJob.objects.get()
    _slice(citizen, job, django_capture_on_commit_callbacks)
    citizen.post(reverse("making:print_accept", args=[job.pk]))
    staff = client_as(Role.MAKING_STAFF)
    assert "열쇠고리" in staff.get(reverse("making:print_queue")).content.decode()
    page = staff.get(reverse("making:print_job", args=[job.pk])).content.decode()
    # The only printer is at a dead address: nothing is proposed, the reason is shown.
    assert "응답하지 않거나 준비되지 않았습니다" in page
    PrinterLink.objects.filter(machine=small).update(plate_clear=False)
    staff.post(reverse("making:printer_plate_clear", args=[small.pk]))
    assert PrinterLink.objects.get(machine=small).plate_clear


def test_an_upload_over_the_cap_is_refused_and_nothing_is_stored(
    client_as: Any,
    pla: Material,
    small: Machine,  # noqa: F811
    settings: Any,
) -> None:
    settings.SARAM_PRINT_MAX_UPLOAD_MB = 0  # every file is over the cap
    client = client_as(Role.CITIZEN)
    answer = _upload(client, pla)
    assert answer.status_code == 302
    messages = [str(m) for m in answer.wsgi_request._messages]
    assert any("0MB" in m for m in messages), messages
    assert not PrintJob.objects.exists()


def test_citizen_cancels_an_accepted_job_and_another_citizen_cannot(
    client_as: Any,
    pla: Material,
    small: Machine,  # noqa: F811
    django_capture_on_commit_callbacks: Any,
) -> None:
    owner = client_as(Role.CITIZEN)
    _upload(owner, pla)
    job = PrintJob.objects.get()
    _slice(owner, job, django_capture_on_commit_callbacks)
    owner.post(reverse("making:print_accept", args=[job.pk]))
    page = owner.get(reverse("making:print_job", args=[job.pk])).content.decode()
    assert "출력 의뢰 취소하기" in page and "data-confirm" in page
    other = client_as(Role.CITIZEN)
    assert other.post(reverse("making:print_cancel", args=[job.pk])).status_code == 404
    instructor = client_as(Role.INSTRUCTOR)
    assert instructor.post(reverse("making:print_cancel", args=[job.pk])).status_code == 403
    job.refresh_from_db()
    assert job.status == JobStatus.ACCEPTED
    answer = owner.post(reverse("making:print_cancel", args=[job.pk]))
    assert answer.status_code == 302
    job.refresh_from_db()
    assert job.status == JobStatus.CANCELLED
    # Cancelled once is cancelled: a second cancel is refused in the layout.
    again = owner.post(
        reverse("making:print_cancel", args=[job.pk]),
        HTTP_REFERER=reverse("making:print_job", args=[job.pk]),
    )
    messages = [str(m) for m in again.wsgi_request._messages]
    assert any("취소할 수 없습니다" in m for m in messages), messages


def test_device_budget_page_access(client_as: Any, dong: Any) -> None:
    url = reverse("making:device_budgets")
    assert client_as(Role.CITY_ADMIN).get(url).status_code == 200
    assert client_as(Role.WELFARE_OFFICER, dong).get(url).status_code == 200
    for role in (Role.CITIZEN, Role.MAKING_STAFF, Role.INSTRUCTOR):
        assert client_as(role).get(url).status_code == 403, role
    assert (
        client_as(Role.MAKING_STAFF).post(url, {"amount_krw": 5, "source": "x"}).status_code == 403
    )
    from saram.making.models import DeviceBudget

    assert not DeviceBudget.objects.exists()
    assert Client().get(url).status_code == 302
    assert client_as(Role.CITY_ADMIN).put(url).status_code == 405
