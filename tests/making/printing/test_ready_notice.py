"""A printed job waiting to be collected shows on the citizen's home page (the map), with a
count, until it is handed over; nobody else sees it."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import trimesh
from django.urls import reverse

from saram.core.models import Role
from saram.making.models import JobStatus, Machine, Material, Notice, PrintJob, StockMovement
from saram.making.services import printing

from .conftest import stl_upload
from .test_routing import small  # noqa: F401  (a networked printer with PLA loaded)

NOW = dt.datetime(2026, 12, 7, 9, 0, tzinfo=dt.UTC)


def _job(user: Any, material: Material, title: str, status: str) -> PrintJob:
    job = printing.submit_model(
        by=user,
        upload=stl_upload(trimesh.creation.box((10, 10, 10))),
        title=title,
        material=material,
        layer_height_mm=Decimal("0.20"),
        infill_percent=20,
        quantity=1,
        now=NOW,
    )
    PrintJob.objects.filter(pk=job.pk).update(status=status, finished_at=NOW)
    return job


def test_a_printed_job_shows_on_home_until_it_is_collected(
    client_as: Any,
    pla: Material,
    small: Machine,  # noqa: F811
) -> None:
    client = client_as(Role.CITIZEN)
    ready = _job(client.user, pla, "열쇠고리", JobStatus.DONE)
    _job(client.user, pla, "아직 출력 중", JobStatus.PRINTING)
    other = client_as(Role.CITIZEN)
    _job(other.user, pla, "남의 작품", JobStatus.DONE)

    page = client.get(reverse("home")).content.decode()
    assert 'id="home-notices"' in page
    assert "열쇠고리&#x27; 출력이 끝났습니다. 센터에서 찾아가세요." in page
    assert reverse("making:print_job", args=[ready.pk]) in page
    assert '<span class="badge" id="home-notice-count">1</span>' in page
    assert "아직 출력 중" not in page and "남의 작품" not in page
    english = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "has been printed" in english and "찾아가세요" not in english

    PrintJob.objects.filter(pk=ready.pk).update(status=JobStatus.DELIVERED)
    assert 'id="home-notices"' not in client.get(reverse("home")).content.decode()


def test_staff_home_shows_no_citizen_notice(
    client_as: Any,
    pla: Material,
    small: Machine,  # noqa: F811
) -> None:
    citizen = client_as(Role.CITIZEN)
    _job(citizen.user, pla, "열쇠고리", JobStatus.DONE)
    admin = client_as(Role.CITY_ADMIN)
    assert 'id="home-notices"' not in admin.get(reverse("home")).content.decode()


def test_a_job_seen_finished_twice_is_finished_once(
    client_as: Any,
    pla: Material,
    small: Machine,  # noqa: F811
) -> None:
    # The timer and an open page may both read the printer's end: one stock draw, one notice.
    client = client_as(Role.CITIZEN)
    job = _job(client.user, pla, "열쇠고리", JobStatus.PRINTING)
    job.refresh_from_db()
    stale = PrintJob.objects.get(pk=job.pk)
    printing._finish(job, now=NOW)
    printing._finish(stale, now=NOW)
    assert PrintJob.objects.get(pk=job.pk).status == JobStatus.DONE
    assert StockMovement.objects.filter(source_type="print_job", source_id=job.pk).count() == 1
    assert Notice.objects.filter(user=client.user, code="print_done").count() == 1
