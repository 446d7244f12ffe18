"""Assistive devices: designs Saram generates are printable; from a welfare case (with consent)
to a printed job on the welfare budget, the centre never seeing the case notes, and delivery
marking the need met."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from saram.core.models import Role
from saram.making.engine import devices
from saram.making.engine.mesh import check_mesh
from saram.making.models import (
    DeviceBudget,
    DeviceRequest,
    Funding,
    JobStatus,
    Machine,
    Material,
    PrintJob,
)
from saram.making.services import printing
from saram.welfare.models import CaseNote
from saram.welfare.services import cases

from .test_routing import small  # noqa: F401

NOW = dt.datetime(2026, 12, 7, 9, 0, tzinfo=dt.UTC)


@pytest.mark.parametrize("design", sorted(devices.DESIGNS))
def test_every_design_is_a_printable_solid(design: str) -> None:
    report = check_mesh(devices.make(design, {}))
    assert report.is_watertight and report.is_printable, report.reasons
    assert report.parts == 1


def test_handle_diameter_is_the_one_asked_for() -> None:
    mesh = devices.make("grip_aid", {"handle_diameter": 40})
    assert sorted(mesh.extents)[:2] == pytest.approx([40, 40], abs=0.1)
    with pytest.raises(devices.DeviceRefused) as caught:
        devices.make("grip_aid", {"handle_diameter": 500})
    assert caught.value.reason == devices.DeviceReason.OUT_OF_RANGE


@pytest.fixture
def case_with_need(make_user: Any, make_person: Any, dong: Any) -> tuple[Any, Any, Any]:
    officer = make_user(Role.WELFARE_OFFICER, dong)
    person = make_person(dong)
    case = cases.open_case(
        by=officer,
        person=person,
        programme="integrated",
        needs=[("health", "손 떨림으로 숟가락을 잡기 어려움")],
        now=NOW,
    )
    cases.add_note(by=officer, case=case, text="비밀 사례 기록 메모", now=NOW)
    # The year's city-wide device budget (the budget's own refusals: test_charges.py).
    DeviceBudget.objects.create(year=2026, amount_krw=1_000_000, source="보조기구 지원사업")
    return officer, case, case.needs.get()


def test_from_a_case_to_a_delivered_device(
    case_with_need: tuple[Any, Any, Any],
    pla: Material,
    small: Machine,  # noqa: F811
    client_as: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    officer, case, need = case_with_need
    with django_capture_on_commit_callbacks(execute=True):
        request = printing.request_device(
            by=officer,
            need=need,
            design="grip_aid",
            params={"handle_diameter": 38},
            material=pla,
            has_consent=True,
            now=NOW,
        )
    job = PrintJob.objects.get(pk=request.job_id)
    # Sliced, quoted and accepted on the welfare budget: straight into the staff queue.
    assert job.funding == Funding.WELFARE
    assert job.status == JobStatus.ACCEPTED and job.total_krw > 0
    staff = client_as(Role.MAKING_STAFF)
    page = staff.get(reverse("making:print_job", args=[job.pk])).content.decode()
    queue = staff.get(reverse("making:print_queue")).content.decode()
    assert "손잡이 보조기구" in queue
    for secret in ("비밀 사례 기록 메모", "손 떨림", str(case.person.name)):
        assert secret not in page and secret not in queue
    # Staff read who asked (by name, not login); the officer's way back is the case.
    assert f"의뢰인: {officer.get_full_name() or officer.username}" in page
    officer_client = Client()
    officer_client.force_login(officer, backend="django.contrib.auth.backends.ModelBackend")
    mine = officer_client.get(reverse("making:print_job", args=[job.pk])).content.decode()
    assert f'href="{reverse("welfare:case_detail", args=[case.pk])}" id="back-link"' in mine
    assert CaseNote.objects.filter(case=case).exists()
    # Printed (the printing itself is tested against OctoPrint elsewhere), then delivered.
    PrintJob.objects.filter(pk=job.pk).update(status=JobStatus.DONE)
    printing.deliver(by=staff.user, job=job, now=NOW)
    need.refresh_from_db()
    assert need.is_met


def test_no_device_without_consent_or_from_outside_the_dong(
    case_with_need: tuple[Any, Any, Any],
    pla: Material,
    small: Machine,  # noqa: F811
    make_user: Any,
    other_dong: Any,
) -> None:
    officer, _case, need = case_with_need
    kwargs = {"need": need, "design": "key_turner", "params": {}, "material": pla, "now": NOW}
    with pytest.raises(Exception) as caught:
        printing.request_device(by=officer, has_consent=False, **kwargs)
    assert getattr(caught.value, "code", "") == "device_no_consent"
    outsider = make_user(Role.WELFARE_OFFICER, other_dong)
    with pytest.raises(Exception):  # noqa: B017 - welfare's own refusal
        printing.request_device(by=outsider, has_consent=True, **kwargs)
    assert not DeviceRequest.objects.exists() and not PrintJob.objects.exists()


def test_case_page_shows_the_device_form_and_the_post_creates_the_request(
    case_with_need: tuple[Any, Any, Any],
    pla: Material,
    small: Machine,  # noqa: F811
    client: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    officer, case, need = case_with_need
    client.force_login(officer, backend="django.contrib.auth.backends.ModelBackend")
    page = client.get(reverse("welfare:case_detail", args=[case.pk])).content.decode()
    assert "보조기구 요청하기" in page
    assert client.get(reverse("welfare:case_device", args=[case.pk])).status_code == 405
    with django_capture_on_commit_callbacks(execute=True):
        answer = client.post(
            reverse("welfare:case_device", args=[case.pk]),
            {
                "need": need.pk,
                "design": "key_turner",
                "key_turner__width": "50",
                "material": pla.pk,
                "consent": "yes",
            },
        )
    assert answer.status_code == 302
    messages = [str(m) for m in answer.wsgi_request._messages]
    assert messages == [], messages
    request = DeviceRequest.objects.get()
    assert request.params == {"width": 50.0}
    page = client.get(reverse("welfare:case_detail", args=[case.pk])).content.decode()
    assert "열쇠 돌리개" in page
