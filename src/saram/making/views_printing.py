"""Pages of the citizen print service: thin views over selectors, services and presenters."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django import forms
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_POST

from saram.core.errors import SaramError
from saram.core.errors import render as render_code
from saram.making import forms_printing as printing_forms
from saram.making import presenters_printing as present
from saram.making import selectors_printing as selectors
from saram.making.models import Funding, JobStatus, Machine, PrintJob
from saram.making.services import print_charges as charges
from saram.making.services import print_rules as rules
from saram.making.services import printing


def _bad_form(form: forms.Form) -> SaramError:
    field, errs = next(iter(form.errors.items()))
    label = form.fields[field].label if field in form.fields else field
    return SaramError("print_bad_field", field=str(label or field), problem=str(errs[0]))


def _lead_materials(form: forms.Form) -> forms.Form:
    """Each material in the list says whether a printer has it loaded now (else a longer wait)."""
    field = form.fields["material"]
    field.label_from_instance = present.material_label  # type: ignore[attr-defined]
    field.help_text = present.MATERIAL_HELP
    return form


@require_GET
def print_home(request: HttpRequest) -> HttpResponse:
    jobs = selectors.jobs_of(request.user)
    return render(
        request,
        "making/print/home.html",
        {
            "jobs": jobs,
            "form": _lead_materials(printing_forms.UploadForm()),
            "minutes": present.minutes,
        },
    )


class _SizeCap(FileUploadHandler):
    """Stops reading an upload as soon as it passes the cap, instead of after the whole file."""

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        if start + len(raw_data) > printing.max_upload_bytes():
            self.request.upload_too_large = True  # type: ignore[union-attr]
            raise StopUpload(connection_reset=True)
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None


@csrf_exempt  # the handler must be in place before CSRF reads the body; checked just below
@require_POST
def print_upload(request: HttpRequest) -> HttpResponse:
    request.upload_handlers.insert(0, _SizeCap(request))
    return _print_upload(request)


@csrf_protect
def _print_upload(request: HttpRequest) -> HttpResponse:
    selectors.jobs_of(request.user)  # refuses those who may not print
    post, files = request.POST, request.FILES  # reading the body runs the size cap
    if getattr(request, "upload_too_large", False) or (
        int(request.META.get("CONTENT_LENGTH") or 0) > printing.max_upload_bytes() + 65536
    ):
        raise SaramError(
            "print_file_too_large", limit_mb=printing.max_upload_bytes() // (1024 * 1024)
        )
    form = printing_forms.UploadForm(post, files)
    if not form.is_valid():
        raise _bad_form(form)
    data = form.cleaned_data
    job = printing.submit_model(
        by=request.user,
        upload=data["model"],
        title=data["title"],
        material=data["material"],
        layer_height_mm=Decimal(data["layer_height_mm"]),
        infill_percent=data["infill_percent"],
        quantity=data["quantity"],
        now=timezone.now(),
        pupil_birth_year=data.get("pupil_birth_year"),
    )
    return redirect("making:print_job", pk=job.pk)


@require_GET
def print_job(request: HttpRequest, pk: int) -> HttpResponse:
    job = selectors.job_for(request.user, pk)
    staff = selectors.is_staff(request.user)
    context = {
        "job": job,
        "check": present.check_view(job),
        "orientation": present.orientation_text(job),
        "estimate_time": present.minutes(job.estimate_seconds),
        "sliced_time": present.minutes(job.sliced_seconds),
        "failure": present.failure_text(job),
        "discount": present.discount_text(job),
        "material_wait": present.material_wait(
            job,
            selectors.material_state(job.material)
            if job.status in present.BEFORE_PRINTER
            else None,
        ),
        "is_owner": job.requester_id == request.user.pk,
        "is_staff": staff,
        "back_url": _back_from_job(job, staff=staff, is_owner=job.requester_id == request.user.pk),
        "today": timezone.localdate(),
    }
    if staff and job.status in (JobStatus.ACCEPTED, JobStatus.INTERRUPTED):
        printers = list(selectors.networked_printers(request.user))
        context["printers"] = [
            (m, [render_code(r["code"], r["params"]) for r in printing.refusals(job, m)])
            for m in printers
        ]
        context["proposed"] = next((m for m, why in context["printers"] if not why), None)
    return render(request, "making/print/job.html", context)


def _back_from_job(job: PrintJob, *, staff: bool, is_owner: bool) -> str:
    """Staff go back to the queue, a citizen to their print page, the officer who asked for an
    assistive device to the welfare case."""
    if staff and not is_owner:
        return reverse("making:print_queue")
    if job.funding == Funding.WELFARE and not staff:
        case_id = selectors.device_case_id(job)
        if case_id is not None:
            return reverse("welfare:case_detail", args=[case_id])
    return reverse("making:print_home")


@require_GET
def print_model(request: HttpRequest, pk: int) -> HttpResponse:
    job = selectors.job_for(request.user, pk)
    response = HttpResponse(printing.model_as_stl(job), content_type="model/stl")
    response["Cache-Control"] = "private, no-store"
    return response


# While someone watches a printing job, its printer is read at most this often (per process).
FOLLOW_EVERY_S = 5


@require_GET
def print_progress(request: HttpRequest, pk: int) -> JsonResponse:
    """The job's state for its page's bar. A printing job's printer is read here too (at most
    every few seconds), so the bar moves while the page is open, without waiting for the
    `follow_prints` timer."""
    job = selectors.job_for(request.user, pk)
    if job.status == JobStatus.PRINTING and cache.add(
        f"saram:print-follow:{pk}", 1, FOLLOW_EVERY_S
    ):
        job = printing.follow_print(job=job, now=timezone.now())
    return JsonResponse(
        {
            "status": job.status,
            "status_text": str(job.get_status_display()),
            "slice_progress": job.slice_progress,
            "print_progress": float(job.progress_percent),
        }
    )


@require_POST
def print_slice(request: HttpRequest, pk: int) -> HttpResponse:
    job = selectors.job_for(request.user, pk)
    printing.request_slice(by=request.user, job=job)
    return redirect("making:print_job", pk=pk)


@require_POST
def print_repair(request: HttpRequest, pk: int) -> HttpResponse:
    job = selectors.job_for(request.user, pk)
    printing.repair_job(by=request.user, job=job)
    return redirect("making:print_job", pk=pk)


@require_POST
def print_accept(request: HttpRequest, pk: int) -> HttpResponse:
    job = selectors.job_for(request.user, pk)
    printing.accept_quote(by=request.user, job=job, now=timezone.now())
    return redirect("making:print_job", pk=pk)


@require_POST
def print_decline(request: HttpRequest, pk: int) -> HttpResponse:
    job = selectors.job_for(request.user, pk)
    printing.decline_quote(by=request.user, job=job)
    return redirect("making:print_job", pk=pk)


@require_POST
def print_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    job = selectors.job_for(request.user, pk)
    printing.cancel_job(by=request.user, job=job, now=timezone.now())
    return redirect("making:print_job", pk=pk)


def device_budgets(request: HttpRequest) -> HttpResponse:
    """The year's assistive-device budgets with their spending and earlier versions; the city
    sets them (POST: a new budget, or a new version of one in force, from a day)."""
    if request.method not in ("GET", "POST"):
        return HttpResponseNotAllowed(["GET", "POST"])
    now = timezone.now()
    today = timezone.localdate()
    year = today.year
    form = (
        printing_forms.BudgetForm(request.POST or None)
        if selectors.may_configure(request.user)
        else None
    )
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            values = {**form.cleaned_data, "valid_from": form.cleaned_data["valid_from"] or today}
            try:
                rules.set_budget(
                    by=request.user, year=year, dong=values["dong"], values=values, today=today
                )
            except SaramError as exc:
                for error in exc.row_errors or [None]:  # type: ignore[list-item]
                    field = error.field if error and error.field in form.fields else None
                    form.add_error(field, error.message if error else exc.message)
            else:
                return redirect("making:device_budgets")
    uses = charges.budgets_for(request.user, year=year, now=now)
    # Earlier versions: those that ended (the visible ones, read once by the service).
    history = [b for b in charges.visible_budgets(request.user, year=year) if b.valid_until]
    context = {
        "year": year,
        "rows": present.budget_rows(uses),
        "history": [(present.budget_area(b), b) for b in history],
        "form": form,
    }
    return render(
        request, "making/print/budgets.html", context, status=400 if form and form.errors else 200
    )


# --- Staff ---------------------------------------------------------------------------------------


@require_GET
def print_queue(request: HttpRequest) -> HttpResponse:
    jobs = list(selectors.queue_for(request.user))
    for job in jobs:
        job.failure_text = present.failure_text(job)  # type: ignore[attr-defined]
    printers = selectors.networked_printers(request.user)
    return render(request, "making/print/queue.html", {"jobs": jobs, "printers": printers})


@require_POST
def print_start(request: HttpRequest, pk: int) -> HttpResponse:
    job = selectors.job_for(request.user, pk)
    try:
        machine_pk = int(request.POST.get("printer", ""))
    except ValueError as exc:
        raise SaramError("print_bad_field", field=str(_("프린터")), problem="") from exc
    machine = selectors.printer_for(request.user, machine_pk)
    printing.start_print(by=request.user, job=job, machine=machine, now=timezone.now())
    return redirect("making:print_job", pk=pk)


@require_POST
def print_follow(request: HttpRequest, pk: int) -> HttpResponse:
    job = selectors.job_for(request.user, pk)
    selectors.queue_for(request.user)  # staff only
    printing.follow_print(job=job, now=timezone.now())
    return redirect("making:print_job", pk=pk)


@require_POST
def print_fail(request: HttpRequest, pk: int) -> HttpResponse:
    job = selectors.job_for(request.user, pk)
    reason = (request.POST.get("reason") or "").strip()
    if not reason:
        raise SaramError(
            "print_bad_field", field=str(_("실패 사유")), problem=str(_("필수 항목입니다."))
        )
    printing.fail_print(by=request.user, job=job, reason=reason, now=timezone.now())
    return redirect("making:print_queue")


@require_POST
def print_deliver(request: HttpRequest, pk: int) -> HttpResponse:
    job = selectors.job_for(request.user, pk)
    printing.deliver(by=request.user, job=job, now=timezone.now())
    return redirect("making:print_queue")


@require_POST
def print_priority(request: HttpRequest, pk: int) -> HttpResponse:
    job = selectors.job_for(request.user, pk)
    try:
        priority = int(request.POST.get("priority", "0"))
    except (ValueError, InvalidOperation) as exc:
        raise SaramError("print_bad_field", field=str(_("우선순위")), problem="") from exc
    printing.set_priority(by=request.user, job=job, priority=priority)
    return redirect("making:print_queue")


@require_POST
def printer_plate_clear(request: HttpRequest, pk: int) -> HttpResponse:
    machine: Machine = selectors.printer_for(request.user, pk)
    printing.confirm_plate_clear(by=request.user, machine=machine, now=timezone.now())
    return redirect("making:print_queue")
