"""The whole print job against real OctoPrint virtual printers: upload, check, slice, quote,
accept, route, start, follow, done; a second start refused; a printer lost mid-print."""

from __future__ import annotations

import datetime as dt
import time
from decimal import Decimal
from typing import Any

import pytest
import trimesh
from django.core import mail
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from saram.core.errors import SaramError
from saram.making import virtual_printers
from saram.making.models import JobStatus, Material, Notice, PrintJob, StockMovement
from saram.making.services import printing

from .conftest import stl_upload

NOW = dt.datetime(2026, 12, 7, 9, 0, tzinfo=dt.UTC)


def _quoted_job(citizen: Any, pla: Material, size: float = 5.0) -> PrintJob:
    job = printing.submit_model(
        by=citizen,
        upload=stl_upload(trimesh.creation.box((size, size, size))),
        title="작은 큐브",
        material=pla,
        layer_height_mm=Decimal("0.30"),
        infill_percent=20,
        quantity=1,
        now=NOW,
    )
    assert job.status == JobStatus.CHECKED
    assert job.mesh_check["is_printable"]
    printing.request_slice(by=citizen, job=job)  # the task runs inline in tests
    job.refresh_from_db()
    assert job.status == JobStatus.QUOTED, job.failure
    return job


def _follow_until_not_printing(job: PrintJob, *, timeout_s: float = 180) -> PrintJob:
    deadline = time.monotonic() + timeout_s
    seen_progress = False
    while time.monotonic() < deadline:
        job = printing.follow_print(job=job, now=NOW)
        if job.status != JobStatus.PRINTING:
            return job
        seen_progress = seen_progress or job.progress_percent > 0
        time.sleep(0.5)
    raise AssertionError(f"still printing after {timeout_s} s")


@pytest.mark.django_db(transaction=True)
def test_a_job_prints_from_upload_to_done(
    octoprint_servers: list[virtual_printers.Server],
    networked: Any,
    citizen: Any,
    staff: Any,
    pla: Material,
) -> None:
    cheap = networked(octoprint_servers[0], "FDM-A", 3_000)
    networked(octoprint_servers[1], "FDM-B", 5_000)
    job = _quoted_job(citizen, pla)
    # The slicer's own figures are kept, the quote is built from them.
    assert job.sliced_grams and job.sliced_grams > 0
    assert job.sliced_seconds and job.sliced_seconds > 0
    assert job.total_krw == job.material_krw + job.machine_krw + job.setup_krw - job.discount_krw
    assert job.vat_krw == job.total_krw - job.total_krw * 10 // 11 or job.vat_krw > 0
    printing.accept_quote(by=citizen, job=job, now=NOW)
    job.refresh_from_db()
    assert printing.propose_printer(job) == cheap

    job = printing.start_print(by=staff, job=job, machine=cheap, now=NOW)
    assert job.status == JobStatus.PRINTING
    with pytest.raises(SaramError) as caught:
        printing.start_print(by=staff, job=job, machine=cheap, now=NOW)
    assert caught.value.code == "print_already_started"

    stock_before = Material.objects.get(pk=pla.pk).stock_g
    job = _follow_until_not_printing(job)
    assert job.status == JobStatus.DONE
    assert job.progress_percent == 100
    movement = StockMovement.objects.get(source_type="print_job", source_id=job.pk)
    assert Material.objects.get(pk=pla.pk).stock_g == stock_before + movement.delta_g < stock_before
    assert Notice.objects.filter(user=citizen, code="print_done").exists()
    assert [m.to for m in mail.outbox] == [[citizen.email]] or not citizen.email


@pytest.mark.django_db(transaction=True)
def test_a_printer_lost_mid_print_leaves_the_job_resumable_elsewhere(
    octoprint_servers: list[virtual_printers.Server],
    networked: Any,
    citizen: Any,
    staff: Any,
    pla: Material,
    tmp_path: Any,
) -> None:
    (lost_server,) = virtual_printers.start(1, tmp_path, fast=True)
    try:
        virtual_printers.wait_ready([lost_server])
        doomed = networked(lost_server, "FDM-LOST", 1_000)
        spare = networked(octoprint_servers[1], "FDM-SPARE", 5_000)
        job = _quoted_job(citizen, pla, size=12)
        printing.accept_quote(by=citizen, job=job, now=NOW)
        job = printing.start_print(by=staff, job=job, machine=doomed, now=NOW)
        lost_server.stop()
        # The citizen's open page polls the job's progress, which reads the printer: lost.
        cache.clear()
        client = Client()
        client.force_login(citizen, backend="django.contrib.auth.backends.ModelBackend")
        answer = client.get(reverse("making:print_progress", args=[job.pk])).json()
        assert answer["status"] == JobStatus.INTERRUPTED
        job.refresh_from_db()
    finally:
        lost_server.stop()
    assert job.status == JobStatus.INTERRUPTED
    assert job.failure["code"] == "print_printer_lost"
    # Nothing lost: the G-code is there and the job can go to another printer.
    refusal = printing.refusals(job, doomed)
    assert {r["code"] for r in refusal} == {"print_route_plate", "print_route_not_ready"} or refusal
    job = printing.start_print(by=staff, job=job, machine=spare, now=NOW)
    assert job.status == JobStatus.PRINTING and job.printer == spare
    job = _follow_until_not_printing(job)
    assert job.status == JobStatus.DONE
