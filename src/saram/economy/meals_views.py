"""Pages of school meals (학교급식) and school uniforms (교복): parse, call, present."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from saram.core import imports as core_imports
from saram.core.access import Can, scope_of
from saram.core.downloads import streamed_csv
from saram.core.forms import ImportForm
from saram.core.models import JobStatus
from saram.core.selectors import job_for, not_found
from saram.core.services import jobs
from saram.core.services.exports import stream_csv
from saram.economy import meals_presenters as present
from saram.economy import selectors_meals as sel
from saram.economy.forms_meals import (
    MealImportForm,
    RunForm,
    SubstitutionForm,
    TrackingFilter,
    UniformFilter,
    YearFilter,
)
from saram.economy.selectors import can_manage, can_plan_meals, can_view, can_view_meals
from saram.economy.services import meals, uniforms
from saram.economy.tasks import import_meal_file_task, sourcing_task


def _require_view(request: HttpRequest) -> None:
    if not can_view_meals(request.user):
        raise not_found()


def _require_plan(request: HttpRequest) -> None:
    """The meals' planning work: the procurement officer or a nutritionist."""
    if not can_plan_meals(request.user):
        raise PermissionDenied("meals")


def _render(request: HttpRequest, template: str, context: dict[str, Any]) -> HttpResponse:
    """A meals page; its tabs are the economy's for those who read it, the meals' alone for a
    nutritionist."""
    return render(request, template, context | {"economy_reader": can_view(request.user)})


def _year(request: HttpRequest, years: list[int]) -> int:
    form = YearFilter(request.GET)
    if form.is_valid() and form.cleaned_data["year"]:
        return int(form.cleaned_data["year"])
    return years[0] if years else timezone.localdate().year


@require_GET
def meals_home(request: HttpRequest) -> HttpResponse:
    _require_view(request)
    years = sel.meal_years(request.user)
    year = _year(request, years)
    return _render(
        request,
        "economy/meals_home.html",
        {
            "years": years,
            "year": year,
            "overview": sel.meals_overview(request.user, year),
            "runs": [present.run_row(r) for r in sel.runs_for(request.user, year=year)[:20]],
            "can_plan": can_plan_meals(request.user),
            "can_offers": can_manage(request.user),
        },
    )


@require_http_methods(["GET", "POST"])
def meals_import(request: HttpRequest, kind: str) -> HttpResponse:
    """Upload a term's menus or the farms' offers; the worker checks and stores them."""
    if kind not in present.IMPORT_KINDS or kind == "deliveries":
        raise not_found()
    if kind == "offers":
        scope_of(request.user).require(Can.MANAGE_ECONOMY)
    _require_plan(request)
    if request.method == "POST":
        core_imports.refuse_oversized(request)
    form = MealImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        job = jobs.start_job(
            by=request.user,
            kind=f"economy.meals.{kind}",
            label=upload.name,
            params={"year": form.cleaned_data["year"], "kind": kind},
            enqueue=import_meal_file_task.enqueue,
            upload=core_imports.keep_upload(upload, upload.name),
        )
        return redirect("economy:meals_job", job_id=job.pk)
    return _render(
        request,
        "economy/meals_import.html",
        {
            "form": form,
            "kind": kind,
            "about": present.IMPORT_KINDS[kind],
            "spec_kind": present.SPEC_OF[kind],
        },
    )


@require_http_methods(["GET", "POST"])
def run_deliveries(request: HttpRequest, pk: int) -> HttpResponse:
    """Upload what arrived at schools against this plan's orders."""
    run = sel.run_for(request.user, pk)
    _require_plan(request)
    if request.method == "POST":
        core_imports.refuse_oversized(request)
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        job = jobs.start_job(
            by=request.user,
            kind="economy.meals.deliveries",
            label=upload.name,
            params={"run": run.pk, "kind": "deliveries"},
            enqueue=import_meal_file_task.enqueue,
            upload=core_imports.keep_upload(upload, upload.name),
        )
        return redirect("economy:meals_job", job_id=job.pk)
    return _render(
        request,
        "economy/meals_import.html",
        {
            "form": form,
            "kind": "deliveries",
            "about": present.IMPORT_KINDS["deliveries"],
            "spec_kind": present.SPEC_OF["deliveries"],
        },
    )


@require_GET
def meals_job(request: HttpRequest, job_id: str) -> HttpResponse:
    job = job_for(request.user, job_id)
    if not job.kind.startswith("economy.meals") and job.kind != "economy.sourcing":
        raise not_found()
    finished = job.status in (JobStatus.SUCCEEDED, JobStatus.FAILED)
    context = {"job": job, "finished": finished, "view": present.job_view(job)}
    if request.headers.get("HX-Request"):
        return render(request, "economy/_meals_job.html", context)
    return _render(request, "economy/meals_job.html", context)


@require_http_methods(["GET", "POST"])
def run_new(request: HttpRequest) -> HttpResponse:
    _require_plan(request)
    years = sel.meal_years(request.user)
    initial = {"year": _year(request, years)}
    produce = sel.meal_category(request.user)
    if produce is not None:
        initial["category"] = produce.pk
    form = RunForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        run = meals.start_run(
            by=request.user,
            year=data["year"],
            category=data["category"],
            goal=meals.GoalInput(
                local_weight=data["local_weight"],
                cost_weight=data["cost_weight"],
                distance_weight=data["distance_weight"],
                min_local_share_pct=data["min_local_share_pct"],
                budget_krw=data["budget_krw"],
            ),
            enqueue=lambda job_id: sourcing_task.enqueue(job_id),
        )
        return redirect("economy:meals_run", pk=run.pk)
    return _render(request, "economy/meals_run_form.html", {"form": form, "years": years})


@require_GET
def run_detail(request: HttpRequest, pk: int) -> HttpResponse:
    run = sel.run_for(request.user, pk)
    if request.GET.get("format") == "csv":
        return _plan_csv(run)
    view = present.run_view(run)
    if request.headers.get("HX-Request"):
        answer = render(request, "economy/_meals_run_status.html", {"run": run, "view": view})
        if view.finished:
            # The plan, its curve and the order button are the whole page's: load it again.
            answer["HX-Refresh"] = "true"
        return answer
    return _render(
        request,
        "economy/meals_run.html",
        {"run": run, "view": view, "can_plan": can_plan_meals(request.user)},
    )


@require_POST
def run_orders(request: HttpRequest, pk: int) -> HttpResponse:
    run = sel.run_for(request.user, pk)
    orders = meals.issue_orders(by=request.user, run=run, on=timezone.localdate())
    messages.success(request, _("발주 %(n)s건을 만들었습니다.") % {"n": len(orders)})
    return redirect(reverse("economy:meals_run", kwargs={"pk": run.pk}) + "#orders")


@require_GET
def run_tracking(request: HttpRequest, pk: int) -> HttpResponse:
    run = sel.run_for(request.user, pk)
    form = TrackingFilter(request.GET)
    school = None
    if form.is_valid() and form.cleaned_data["school"]:
        school = sel.school_for(request.user, form.cleaned_data["school"])
    rows = meals.tracking(run, school=school)
    return _render(
        request,
        "economy/meals_tracking.html",
        {
            "run": run,
            "school": school,
            "schools": sel.schools_for(request.user, year=run.year),
            "view": present.tracking_view(rows),
            "can_plan": can_plan_meals(request.user),
        },
    )


@require_GET
def uniforms_page(request: HttpRequest) -> HttpResponse:
    if not can_view(request.user):
        raise not_found()
    history = sel.uniform_years(request.user)
    form = UniformFilter(request.GET)
    year = None
    category = None
    if form.is_valid():
        year = form.cleaned_data["year"]
        category = form.cleaned_data["category"]
    years = [h.year for h in history]
    year = year or (years[-1] if years else timezone.localdate().year)
    category = category or sel.uniform_category(request.user)
    plan = None
    if category is not None and sel.uniform_demand_for(request.user, year=year).exists():
        plan = uniforms.plan_uniform_lots(by=request.user, year=year, category=category)
    return render(
        request,
        "economy/uniforms.html",
        {
            "year": year,
            "years": years,
            "form": form,
            "history": present.uniform_history(history),
            "plan": present.uniform_plan(plan) if plan else None,
            "offers": sel.uniform_offers_for(request.user, year=year),
        },
    )


@require_http_methods(["GET", "POST"])
def substitutions(request: HttpRequest) -> HttpResponse:
    """The nutritionist's substitutions: which ingredient may stand in for which, how much."""
    _require_view(request)
    form = SubstitutionForm(request.POST or None)
    if request.method == "POST":
        _require_plan(request)
        if form.is_valid():
            meals.set_substitution(by=request.user, **form.cleaned_data)
            messages.success(request, _("대체 규칙을 저장했습니다."))
            return redirect("economy:meals_substitutions")
    return _render(
        request,
        "economy/meals_substitutions.html",
        {
            "form": form,
            "rules": sel.substitutions_for(request.user),
            "can_plan": can_plan_meals(request.user),
        },
    )


@require_POST
def substitution_remove(request: HttpRequest, pk: int) -> HttpResponse:
    rule = sel.substitution_for(request.user, pk)
    meals.remove_substitution(by=request.user, rule=rule)
    messages.success(request, _("대체 규칙을 지웠습니다."))
    return redirect("economy:meals_substitutions")


# --- Files ---------------------------------------------------------------------------------


def _plan_csv(run: Any) -> StreamingHttpResponse:
    header = [
        _("월"),
        _("식재료코드"),
        _("식재료"),
        _("사업자등록번호"),
        _("공급업체"),
        _("소재지"),
        _("kg"),
        _("금액 (원)"),
    ]
    lines = (
        [m, code, name, number, supplier, present.locality_label(loc), round(kg, 1), cost]
        for m, code, name, number, supplier, loc, kg, cost in sel.plan_lines(run).iterator()
    )
    return streamed_csv(stream_csv(header, lines), f"sourcing-{run.year}-{run.pk}")
