"""The citizen print service: submit a model, check and estimate it, slice, quote, route, print.

Every write is here; the mesh, estimate and slicer engines do the computing and the printer
drivers the talking. A job's states: checked → slicing → quoted → accepted → printing → done
(or interrupted, failed) → delivered.
"""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile, UploadedFile
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from saram.core.access import Can
from saram.core.errors import SaramError
from saram.core.personal_data import sealer
from saram.making.engine import estimate as estimating
from saram.making.engine.devices import DeviceRefused, make
from saram.making.engine.mesh import (
    BuildVolume,
    Geometry,
    MeshRefused,
    check_mesh,
    read_mesh,
    repair_mesh,
)
from saram.making.engine.slicer import SliceError, SliceSettings, slice_model
from saram.making.models import (
    DeviceRequest,
    Funding,
    JobStatus,
    Machine,
    MachineStatus,
    Material,
    PrinterLink,
    PrintJob,
    StockReason,
)
from saram.making.printers import OctoPrint, PrinterError, State
from saram.making.selectors_printing import is_printable, printers_in_service
from saram.making.services import print_charges as charges
from saram.making.services._common import notify, require
from saram.making.services.stock import withdraw_stock
from saram.welfare.services.cases import require_case_officer, set_need_met

FORMATS = (".stl", ".obj", ".3mf")
LAYER_HEIGHTS = (Decimal("0.10"), Decimal("0.15"), Decimal("0.20"), Decimal("0.30"))

# The centre's charges (city policy, 3D프린팅 센터 이용요금 규정; uncertain: demo figures).
# The setup fee and VAT live in print_charges with the discounts.
QUOTE_VALID_DAYS = 14

DEVICE_NAMES = {
    "grip_aid": gettext_lazy("손잡이 보조기구(식사·필기)"),
    "button_hook": gettext_lazy("단추 끼우개"),
    "key_turner": gettext_lazy("열쇠 돌리개"),
    "cup_holder": gettext_lazy("컵 손잡이"),
    "tablet_stand": gettext_lazy("태블릿 거치대"),
}
PARAMETER_NAMES = {
    "handle_diameter": gettext_lazy("손잡이 지름(mm)"),
    "length": gettext_lazy("길이(mm)"),
    "bore_diameter": gettext_lazy("끼우는 구멍 지름(mm)"),
    "loop_width": gettext_lazy("고리 폭(mm)"),
    "width": gettext_lazy("폭(mm)"),
    "key_width": gettext_lazy("열쇠 머리 폭(mm)"),
    "cup_diameter": gettext_lazy("컵 지름(mm)"),
    "handle_length": gettext_lazy("손잡이 길이(mm)"),
    "angle": gettext_lazy("기울기(도)"),
    "tablet_thickness": gettext_lazy("태블릿 두께(mm)"),
}


def max_upload_bytes() -> int:
    return int(getattr(settings, "SARAM_PRINT_MAX_UPLOAD_MB", 100)) * 1024 * 1024


# --- printers ----------------------------------------------------------------------------------


def link_printer(
    *, by: Any, machine: Machine, url: str, api_key: str, profile: str = "fdm-mk3"
) -> PrinterLink:
    """Connect a machine to its OctoPrint server; the key is stored sealed."""
    require(by, Can.MANAGE_MAKING)
    if not url.startswith(("http://", "https://")):
        raise SaramError("print_bad_printer_url")
    link, _ = PrinterLink.objects.update_or_create(
        machine=machine,
        defaults={
            "url": url,
            "api_key_sealed": sealer().seal(api_key),
            "slicer_profile": profile,
        },
    )
    return link


def driver_for(link: PrinterLink) -> OctoPrint:
    return OctoPrint(link.url, sealer().open(bytes(link.api_key_sealed)), timeout_s=20)


def confirm_plate_clear(*, by: Any, machine: Machine, now: dt.datetime) -> PrinterLink:
    """The operator says the build plate is empty: the printer may take the next job."""
    require(by, Can.MANAGE_MAKING)
    link = PrinterLink.objects.get(machine=machine)
    link.plate_clear = True
    link.plate_confirmed_at = now
    link.save(update_fields=["plate_clear", "plate_confirmed_at"])
    return link


def _volumes(material: Material) -> list[BuildVolume]:
    # Only the printers the service can send the job to: a model that fits a machine nobody
    # can send it to would wait in the queue for ever.
    machines = printers_in_service().filter(accepted_materials=material).exclude(build_x_mm=None)
    return [
        BuildVolume(m.code, m.build_x_mm or 0, m.build_y_mm or 0, m.build_z_mm or 0)
        for m in machines
    ]


# --- submit, check, estimate -------------------------------------------------------------------


def _report_dict(report: Any) -> dict[str, Any]:
    return {
        "triangles": report.triangles,
        "size_mm": [round(s, 1) for s in report.size_mm],
        "volume_mm3": round(report.volume_mm3, 1),
        "area_mm2": round(report.area_mm2, 1),
        "is_watertight": report.is_watertight,
        "is_manifold": report.is_manifold,
        "parts": report.parts,
        "down": [round(d, 3) for d in report.down],
        "overhang_mm2": round(report.overhang_mm2, 1),
        "fits": list(report.fits),
        "findings": [{"code": f.reason.value, "params": f.params} for f in report.findings],
        "is_printable": report.is_printable,
    }


def settings_for(job: PrintJob) -> SliceSettings:
    return SliceSettings(
        layer_height_mm=float(job.layer_height_mm),
        infill_percent=job.infill_percent,
        density_g_cm3=float(job.material.density_g_cm3),
    )


def submit_model(
    *,
    by: Any,
    upload: UploadedFile,
    title: str,
    material: Material,
    layer_height_mm: Decimal,
    infill_percent: int,
    quantity: int,
    now: dt.datetime,
    funding: str = Funding.CITIZEN,
    pupil_birth_year: int | None = None,
) -> PrintJob:
    """Store an uploaded model, check it and estimate it at once; refuse what cannot print.

    `pupil_birth_year`, declared by a pupil, asks for the pupil discount on the quote."""
    name = Path(upload.name or "").name
    suffix = Path(name).suffix.lower()
    if suffix not in FORMATS:
        raise SaramError("print_unsupported_format", suffix=suffix or "-")
    if (upload.size or 0) > max_upload_bytes():
        raise SaramError("print_file_too_large", limit_mb=max_upload_bytes() // (1024 * 1024))
    if layer_height_mm not in LAYER_HEIGHTS:
        raise SaramError("print_bad_layer_height")
    if not 0 <= infill_percent <= 100:
        raise SaramError("print_bad_infill")
    if not 1 <= quantity <= 50:
        raise SaramError("print_bad_quantity")
    if not material.is_active:
        raise SaramError("print_material_inactive", material=str(material))
    if not is_printable(material):
        raise SaramError("print_no_machine_for_material", material=str(material))
    if pupil_birth_year is not None and not 1900 < pupil_birth_year <= now.year:
        raise SaramError("print_bad_birth_year", year=pupil_birth_year)
    job = PrintJob(
        requester=by,
        created_at=now,
        title=title.strip()[:120] or name,
        model_name=name[:200],
        material=material,
        layer_height_mm=layer_height_mm,
        infill_percent=infill_percent,
        quantity=quantity,
        funding=funding,
        pupil_birth_year=pupil_birth_year,
    )
    # FileField.save streams the upload's chunks to disk; nothing is held in memory.
    job.model_file.save(f"model{suffix}", upload, save=False)
    try:
        _check_and_estimate(job)
    except SaramError:
        job.model_file.delete(save=False)
        raise
    job.save()
    return job


def _check_and_estimate(job: PrintJob) -> None:
    volumes = _volumes(job.material)
    try:
        mesh = read_mesh(job.model_file.path, filename=job.model_name)
    except MeshRefused as exc:
        raise SaramError(f"print_{exc.reason.value}", **exc.params) from exc
    geo = Geometry.of(mesh)
    report = check_mesh(mesh, volumes=volumes, geometry=geo)
    if not volumes:
        raise SaramError("print_no_machine_for_material", material=str(job.material))
    if not report.fits:
        (finding,) = [f for f in report.findings if f.reason.value == "fits_no_machine"]
        raise SaramError("print_fits_no_machine", **finding.params)
    job.mesh_check = _report_dict(report)
    profile_key = _profile_for(job)
    result = estimating.estimate(
        geo,
        settings_for(job),
        estimating.Profile.load(profile_key),
        estimating.Coefficients.load(profile_key),
        copies=job.quantity,
    )
    job.estimate_grams = Decimal(str(round(result.grams, 1)))
    job.estimate_seconds = result.seconds


def _profile_for(job: PrintJob) -> str:
    link = (
        PrinterLink.objects.filter(machine__accepted_materials=job.material)
        .order_by("machine__code")
        .first()
    )
    return link.slicer_profile if link else "fdm-mk3"


# --- slicing and quote -------------------------------------------------------------------------


def request_slice(*, by: Any, job: PrintJob) -> PrintJob:
    """Queue the real slicer for a checked job (a background task with progress)."""
    from saram.making.tasks import slice_print_job  # noqa: PLC0415 -- cycle: the task calls this module's services

    if job.requester_id != by.pk:
        require(by, Can.MANAGE_MAKING)
    if not job.mesh_check.get("is_printable"):
        raise SaramError("print_not_printable")
    with transaction.atomic():
        locked = PrintJob.objects.select_for_update().get(pk=job.pk)
        if locked.status not in (JobStatus.CHECKED, JobStatus.QUOTED):
            raise SaramError("print_wrong_state", status=locked.get_status_display())
        locked.status = JobStatus.SLICING
        locked.slice_progress = 0
        locked.save(update_fields=["status", "slice_progress"])
        transaction.on_commit(lambda: slice_print_job.enqueue(locked.pk))
    job.refresh_from_db()
    return job


def run_slice(job_id: int, *, now: dt.datetime, timeout_s: float = 300.0) -> PrintJob:
    """Slice with PrusaSlicer, keep the G-code and its figures, then quote (the task's body)."""
    job = PrintJob.objects.select_related("material", "requester").get(pk=job_id)
    out = Path(job.model_file.path).with_suffix(".gcode")

    def progress(percent: int) -> None:
        PrintJob.objects.filter(pk=job_id).update(slice_progress=percent)

    try:
        result = slice_model(
            Path(job.model_file.path),
            out=out,
            profile=_profile_for(job),
            settings=settings_for(job),
            timeout_s=timeout_s,
            on_progress=progress,
        )
    except SliceError as exc:
        PrintJob.objects.filter(pk=job_id).update(
            status=JobStatus.REFUSED, failure={"code": f"print_{exc.reason.value}"}
        )
        job.refresh_from_db()
        return job
    job.gcode_file = str(out)
    job.sliced_grams = Decimal(str(round(result.grams * job.quantity, 1)))
    job.sliced_seconds = result.seconds * job.quantity
    job.slice_progress = 100
    quote_job(job=job, now=now)
    if job.funding == Funding.WELFARE:
        # Charged to the welfare programme's budget: the requesting officer's request stands as
        # the acceptance, so the job joins the queue at once, unless the sliced quote no longer
        # fits the budget: then it waits (quoted, with the reason) for the officer.
        try:
            with transaction.atomic():
                _charge_device(job, now=now)
                job.status = JobStatus.ACCEPTED
                job.accepted_at = now
                job.due_on = (now + dt.timedelta(days=7)).date()
                job.save(update_fields=["status", "accepted_at", "due_on"])
        except SaramError as exc:
            # Shown on the job and the case until the budget allows it and the officer accepts.
            job.failure = {"code": exc.code, "params": exc.as_dict()["params"]}
            job.save(update_fields=["failure"])
            notify(user=job.requester, now=now, code="device_held", title=job.title)
    return job


def _charge_device(job: PrintJob, *, now: dt.datetime) -> None:
    device = DeviceRequest.objects.select_related("need__case").get(job=job)
    charges.charge_to_budget(
        job=job, dong_id=device.need.case.dong_id, now=now, amount_krw=job.total_krw
    )


def quote_job(*, job: PrintJob, now: dt.datetime) -> PrintJob:
    """Material + machine time × rate + setup fee, less the discount in force, VAT shown."""
    figures = charges.price(job, now=now)
    job.material_krw = figures.material_krw
    job.machine_krw = figures.machine_krw
    job.setup_krw = figures.setup_krw
    job.discount_krw = figures.discount_krw
    job.discount = figures.discount
    job.discount_reason = figures.discount.basis if figures.discount else ""
    job.credit_tenant = figures.credit_tenant
    job.credit_minutes = figures.credit_minutes
    job.total_krw = figures.total_krw
    job.vat_krw = figures.vat_krw
    job.quote_valid_until = (now + dt.timedelta(days=QUOTE_VALID_DAYS)).date()
    job.failure = {}
    job.status = JobStatus.QUOTED
    job.save()
    return job


def accept_quote(*, by: Any, job: PrintJob, now: dt.datetime) -> PrintJob:
    """The requester accepts the quote while it holds; the job joins the staff queue.

    Incubator credits the quote counts on are drawn from the tenant's ledger now; if the balance
    has fallen since, the job is quoted again (the citizen sees the new figures) and refused.
    A device on the welfare budget is accepted only while the budget covers it.
    """
    try:
        with transaction.atomic():
            locked = PrintJob.objects.select_for_update().get(pk=job.pk)
            if locked.requester_id != by.pk:
                raise SaramError("print_not_yours")
            if locked.status != JobStatus.QUOTED:
                raise SaramError("print_wrong_state", status=locked.get_status_display())
            if locked.quote_valid_until and now.date() > locked.quote_valid_until:
                raise SaramError("print_quote_expired", until=str(locked.quote_valid_until))
            if not is_printable(locked.material):
                raise SaramError("print_no_machine_for_material", material=str(locked.material))
            if locked.funding == Funding.WELFARE:
                _charge_device(locked, now=now)
            charges.draw_credits(job=locked, now=now)
            locked.status = JobStatus.ACCEPTED
            locked.accepted_at = now
            locked.due_on = (now + dt.timedelta(days=7)).date()
            locked.failure = {}
            locked.save(update_fields=["status", "accepted_at", "due_on", "failure"])
    except SaramError as exc:
        if exc.code == "print_credit_changed":
            quote_job(job=PrintJob.objects.get(pk=job.pk), now=now)
        raise
    return locked


def decline_quote(*, by: Any, job: PrintJob) -> PrintJob:
    with transaction.atomic():
        locked = PrintJob.objects.select_for_update().get(pk=job.pk)
        if locked.requester_id != by.pk:
            raise SaramError("print_not_yours")
        if locked.status != JobStatus.QUOTED:
            raise SaramError("print_wrong_state", status=locked.get_status_display())
        locked.status = JobStatus.DECLINED
        locked.save(update_fields=["status"])
    return locked


def cancel_job(*, by: Any, job: PrintJob, now: dt.datetime) -> PrintJob:
    """The requester (or staff) withdraws an accepted job before it prints; credits come back."""
    with transaction.atomic():
        locked = PrintJob.objects.select_for_update().get(pk=job.pk)
        if locked.requester_id != by.pk:
            require(by, Can.MANAGE_MAKING)
        if locked.status not in (JobStatus.ACCEPTED, JobStatus.INTERRUPTED):
            raise SaramError("print_not_cancellable", status=locked.get_status_display())
        locked.status = JobStatus.CANCELLED
        locked.finished_at = now
        locked.save(update_fields=["status", "finished_at"])
        charges.return_credits(job=locked, now=now)
        if locked.requester_id != by.pk:
            notify(user=locked.requester, now=now, code="print_cancelled", title=locked.title)
    return locked


def set_priority(
    *, by: Any, job: PrintJob, priority: int, due_on: dt.date | None = None
) -> PrintJob:
    require(by, Can.MANAGE_MAKING)
    job.priority = priority
    job.due_on = due_on or job.due_on
    job.save(update_fields=["priority", "due_on"])
    return job


# --- routing -----------------------------------------------------------------------------------


def refusals(job: PrintJob, machine: Machine, *, live: bool = True) -> list[dict[str, Any]]:
    """Why `machine` cannot take `job` now (empty: it can), as codes with parameters."""
    out: list[dict[str, Any]] = []
    name = str(machine)
    link = PrinterLink.objects.filter(machine=machine).first()
    if link is None:
        return [{"code": "print_route_not_networked", "params": {"printer": name}}]
    if machine.status != MachineStatus.AVAILABLE:
        out.append({"code": "print_route_unavailable", "params": {"printer": name}})
    if not machine.accepted_materials.filter(pk=job.material_id).exists():
        out.append(
            {
                "code": "print_route_material",
                "params": {"printer": name, "material": str(job.material)},
            }
        )
    elif machine.loaded_material_id != job.material_id:
        out.append(
            {
                "code": "print_route_not_loaded",
                "params": {"printer": name, "material": str(job.material)},
            }
        )
    if machine.code not in job.mesh_check.get("fits", []):
        out.append({"code": "print_route_too_small", "params": {"printer": name}})
    if not link.plate_clear:
        out.append({"code": "print_route_plate", "params": {"printer": name}})
    if PrintJob.objects.filter(printer=machine, status=JobStatus.PRINTING).exists():
        out.append({"code": "print_route_busy", "params": {"printer": name}})
    elif live and not out:
        try:
            state = driver_for(link).status().state
        except PrinterError:
            state = State.OFFLINE
        if state != State.READY:
            out.append({"code": "print_route_not_ready", "params": {"printer": name}})
    return out


def propose_printer(job: PrintJob) -> Machine | None:
    """The first networked printer that can take the job now, cheapest first."""
    machines = printers_in_service().order_by("hourly_rate_krw", "code")
    for machine in machines:
        if not refusals(job, machine):
            return machine
    return None


# --- printing ----------------------------------------------------------------------------------


def start_print(*, by: Any, job: PrintJob, machine: Machine, now: dt.datetime) -> PrintJob:
    """Upload the G-code to the printer and start it; a job cannot be started twice."""
    require(by, Can.MANAGE_MAKING)
    try:
        with transaction.atomic():
            locked = PrintJob.objects.select_for_update().get(pk=job.pk)
            if locked.status == JobStatus.PRINTING:
                raise SaramError("print_already_started", printer=str(locked.printer))
            if locked.status not in (JobStatus.ACCEPTED, JobStatus.INTERRUPTED):
                raise SaramError("print_wrong_state", status=locked.get_status_display())
            if not locked.gcode_file:
                raise SaramError("print_not_sliced")
            problems = refusals(locked, machine)
            if problems:
                raise SaramError(problems[0]["code"], **problems[0]["params"])
            link = PrinterLink.objects.select_for_update().get(machine=machine)
            driver = driver_for(link)
            try:
                remote = driver.upload(Path(locked.gcode_file), name=f"saram-job-{locked.pk}.gcode")
                driver.start(remote)
            except PrinterError as exc:
                raise SaramError(f"print_{exc.reason.value}", printer=str(machine)) from exc
            locked.status = JobStatus.PRINTING
            locked.printer = machine
            locked.printer_file = remote
            locked.started_at = now
            locked.progress_percent = Decimal(0)
            locked.failure = {}
            locked.save()
            link.plate_clear = False
            link.save(update_fields=["plate_clear"])
    except IntegrityError as exc:  # another job took the printer at the same moment
        raise SaramError("print_route_busy", printer=str(machine)) from exc
    return locked


def follow_print(*, job: PrintJob, now: dt.datetime) -> PrintJob:
    """Read progress and temperatures; finish, or mark interrupted when the printer is lost."""
    if job.status != JobStatus.PRINTING or job.printer is None:
        return job
    link = PrinterLink.objects.get(machine=job.printer)
    try:
        status = driver_for(link).status()
    except PrinterError as exc:
        return _interrupt(job, code="print_printer_lost", reason=exc.reason.value)
    ours = status.file == job.printer_file
    if status.state == State.PRINTING and ours:
        job.progress_percent = Decimal(str(round(status.progress_percent or 0, 1)))
        job.nozzle_c = _temp(status.nozzle_c)
        job.bed_c = _temp(status.bed_c)
        # Only while still printing: another reader (the timer, an open page) may have ended it.
        PrintJob.objects.filter(pk=job.pk, status=JobStatus.PRINTING).update(
            progress_percent=job.progress_percent, nozzle_c=job.nozzle_c, bed_c=job.bed_c
        )
        return job
    if status.state == State.READY and ours and (status.progress_percent or 0) >= 100:
        return _finish(job, now=now)
    if status.state in (State.PAUSED, State.BUSY):
        return job
    return _interrupt(job, code="print_printer_lost", reason=status.state.value)


def _temp(value: float | None) -> Decimal | None:
    return None if value is None else Decimal(str(round(value, 1)))


def _interrupt(job: PrintJob, *, code: str, reason: str) -> PrintJob:
    failure = {"code": code, "params": {"printer": str(job.printer), "state": reason}}
    PrintJob.objects.filter(pk=job.pk, status=JobStatus.PRINTING).update(
        status=JobStatus.INTERRUPTED, failure=failure
    )
    job.refresh_from_db()
    return job


def _finish(job: PrintJob, *, now: dt.datetime) -> PrintJob:
    """Done: stock drawn and the requester told, once, whoever reads the printer first (the
    timer and an open page may both see the end; the conditional update lets one through)."""
    with transaction.atomic():
        claimed = PrintJob.objects.filter(pk=job.pk, status=JobStatus.PRINTING).update(
            status=JobStatus.DONE, progress_percent=Decimal(100), finished_at=now
        )
        job.refresh_from_db()
        if not claimed:
            return job
        grams = math.ceil(job.sliced_grams or job.estimate_grams or 0)
        if grams > 0:
            withdraw_stock(
                by=None,
                material=job.material,
                grams=grams,
                now=now,
                reason=StockReason.PRINT_JOB,
                source_type="print_job",
                source_id=job.pk,
            )
        notify(user=job.requester, now=now, code="print_done", title=job.title)
    if job.requester.email:
        send_mail(
            _("[사람] 출력이 끝났습니다"),
            _("'%(title)s' 출력이 끝났습니다. 센터에서 찾아가세요.") % {"title": job.title},
            None,
            [job.requester.email],
            fail_silently=True,
        )
    return job


def fail_print(*, by: Any, job: PrintJob, reason: str, now: dt.datetime) -> PrintJob:
    """Staff end a job that cannot be printed, with the reason the citizen will read."""
    require(by, Can.MANAGE_MAKING)
    with transaction.atomic():
        locked = PrintJob.objects.select_for_update().get(pk=job.pk)
        if locked.status not in (JobStatus.ACCEPTED, JobStatus.INTERRUPTED, JobStatus.PRINTING):
            raise SaramError("print_wrong_state", status=locked.get_status_display())
        locked.status = JobStatus.FAILED
        locked.finished_at = now
        locked.failure = {"code": "print_failed_by_staff", "params": {"reason": reason[:200]}}
        locked.save(update_fields=["status", "finished_at", "failure"])
        # Nothing was delivered: the machine time is not charged to the tenant's credits.
        charges.return_credits(job=locked, now=now)
        notify(user=locked.requester, now=now, code="print_failed", title=locked.title)
    return locked


def deliver(*, by: Any, job: PrintJob, now: dt.datetime) -> PrintJob:
    """The printed object was handed over."""
    require(by, Can.MANAGE_MAKING)
    with transaction.atomic():
        locked = PrintJob.objects.select_for_update().get(pk=job.pk)
        if locked.status != JobStatus.DONE:
            raise SaramError("print_wrong_state", status=locked.get_status_display())
        locked.status = JobStatus.DELIVERED
        locked.save(update_fields=["status"])
        device = DeviceRequest.objects.filter(job=locked).select_related("need__case").first()
        if device is not None:
            # Delivery meets the welfare need, recorded by the officer who asked for it.
            set_need_met(by=device.requested_by, need=device.need, is_met=True)
    return locked


def request_device(
    *,
    by: Any,
    need: Any,
    design: str,
    params: dict[str, float],
    material: Material,
    has_consent: bool,
    now: dt.datetime,
) -> DeviceRequest:
    """A case officer asks the centre for an assistive device for a need (with consent)."""

    require_case_officer(by, need.case)
    if not need.case.is_open:
        raise SaramError("device_case_closed")
    if not has_consent:
        raise SaramError("device_no_consent")
    try:
        mesh = make(design, params)
    except DeviceRefused as exc:
        raise SaramError(exc.reason.value, **exc.params) from exc
    upload = SimpleUploadedFile(f"{design}.stl", bytes(mesh.export(file_type="stl")))
    with transaction.atomic():
        job = submit_model(
            by=by,
            upload=upload,
            title=str(DEVICE_NAMES.get(design, design)),
            material=material,
            layer_height_mm=Decimal("0.20"),
            infill_percent=30,
            quantity=1,
            now=now,
            funding=Funding.WELFARE,
        )
        device = DeviceRequest.objects.create(
            need=need,
            design=design,
            params={k: float(v) for k, v in params.items()},
            requested_by=by,
            requested_at=now,
            consent_at=now,
            job=job,
        )
        # The estimate's price must fit the budget now; the sliced quote is checked again.
        estimate = charges.price(job, now=now)
        charges.charge_to_budget(
            job=job, dong_id=need.case.dong_id, now=now, amount_krw=estimate.total_krw
        )
        request_slice(by=by, job=job)
    return device


def repair_job(*, by: Any, job: PrintJob) -> PrintJob:
    """Repair the model where trimesh can (merge, fill holes, fix normals), keep before/after."""
    if job.requester_id != by.pk:
        require(by, Can.MANAGE_MAKING)
    if job.status not in (JobStatus.CHECKED, JobStatus.QUOTED):
        raise SaramError("print_wrong_state", status=job.get_status_display())
    try:
        mesh = read_mesh(job.model_file.path, filename=job.model_name)
    except MeshRefused as exc:
        raise SaramError(f"print_{exc.reason.value}", **exc.params) from exc
    volumes = _volumes(job.material)
    fixed = repair_mesh(mesh, volumes=volumes)
    old = job.model_file.name
    job.model_file.save("repaired.stl", ContentFile(fixed.mesh.export(file_type="stl")), save=False)
    job.model_file.storage.delete(old)
    job.model_name = Path(job.model_name).stem + ".stl"
    before = _report_dict(fixed.before)
    _check_and_estimate(job)
    job.mesh_check["repair"] = {"before": before, "actions": list(fixed.actions)}
    job.status = JobStatus.CHECKED
    job.save()
    return job


def model_as_stl(job: PrintJob) -> bytes:
    """The job's model as binary STL, whatever it was uploaded as (for the 3D view)."""
    mesh = read_mesh(job.model_file.path, filename=job.model_name)
    return bytes(mesh.export(file_type="stl"))
