"""Thin views: translate HTTP into selector and service calls, and errors into messages."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.core.cache import cache
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from saram.core import audit, imports, selectors
from saram.core.access import Can, scope_of
from saram.core.downloads import attachment, export_format
from saram.core.errors import SaramError
from saram.core.forms import (
    AuditFilterForm,
    ImportForm,
    OrganisationFilterForm,
    PeopleFilterForm,
    PersonEditForm,
    PersonForm,
)
from saram.core.home_notices import notices_for
from saram.core.imports import review
from saram.core.models import AuditAction, AuditEntry, JobStatus, OrganisationKind
from saram.core.navigation import start_page_for
from saram.core.presenters import TARGETS, audit_rows, dong_table, organisation_table_key
from saram.core.services import jobs, organisations, people
from saram.core.services.exports import FORMATS
from saram.core.tasks import import_organisations_task, import_people_task

PAGE_SIZE = 50


def healthz(request: HttpRequest) -> HttpResponse:
    return JsonResponse({"ok": True})


def _fmt(request: HttpRequest) -> str:
    return export_format(request)


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    scope_of(request.user).require(Can.VIEW_AREAS)
    table = dong_table(selectors.dong_facts_for(request.user), selectors.population_by_dong())
    notices = notices_for(request.user)
    return render(request, "core/home.html", {"table": table, "notices": notices})


@require_GET
def dongs_geojson(request: HttpRequest) -> HttpResponse:
    """The city's dongs as one FeatureCollection for the map (boundaries change rarely)."""
    scope_of(request.user).require(Can.VIEW_AREAS)
    lang = request.LANGUAGE_CODE
    key = f"saram:dongs-geojson:{lang}"
    body = cache.get(key)
    if body is None:
        population = selectors.population_by_dong()
        features = [
            {
                "type": "Feature",
                "geometry": d.boundary,
                "properties": {
                    "code": d.code,
                    "name": d.name if lang == "ko" else d.name_en,
                    "gu": (d.gu.display_name if d.gu_id is not None else ""),
                    "kind": d.get_kind_display(),
                    "population": population.get(d.id, 0),
                    "url": f"/dongs/{d.code}/",
                },
            }
            for d in selectors.dongs_for(request.user)
        ]
        body = json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False)
        cache.set(key, body, 60)
    return HttpResponse(body, content_type="application/geo+json")


@require_GET
def dong_detail(request: HttpRequest, code: str) -> HttpResponse:
    dong = selectors.dong_for(request.user, code)
    kind = OrganisationFilterForm(request.GET).filters()["kind"]
    orgs = selectors.organisations_for(request.user, dong=dong, kind=kind)
    page = Paginator(orgs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "core/dong_detail.html",
        {
            "dong": dong,
            "population": selectors.population_by_dong().get(dong.id, 0),
            "households": selectors.households_by_dong().get(dong.id, 0),
            "page": page,
            "page_key": organisation_table_key(page, request.GET),
            "kind": kind,
            "kinds": OrganisationKind.choices,
            "boundary": json.dumps(
                {"type": "Feature", "geometry": dong.boundary, "properties": {}}
            ),
            "can_see_people": dong.id in scope_of(request.user).dong_ids(Can.VIEW_PEOPLE),
        },
    )


@require_GET
def people_list(request: HttpRequest) -> HttpResponse:
    scope = scope_of(request.user)
    scope.require(Can.VIEW_PEOPLE)
    filters = PeopleFilterForm(request.GET).filters()
    dong_code, query = filters["dong"], filters["q"]
    dong = selectors.dong_for(request.user, dong_code) if dong_code else None
    qs = selectors.people_for(request.user, dong=dong, query=query)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    audit.record(
        actor=request.user,
        action=AuditAction.LIST,
        target_type="person",
        purpose=_("주민 목록 열람"),
        detail={"dong": dong_code, "q": query, "page": page.number, "shown": len(page.object_list)},
    )
    dongs = [
        d for d in selectors.dong_list_for(request.user) if d.id in scope.dong_ids(Can.VIEW_PEOPLE)
    ]
    return render(
        request,
        "core/people_list.html",
        {
            "page": page,
            "dong": dong,
            "q": query,
            "dongs": dongs,
            "can_manage": scope.can(Can.MANAGE_PEOPLE),
        },
    )


@require_GET
def person_detail(request: HttpRequest, pk: int) -> HttpResponse:
    person = selectors.person_for(request.user, pk)
    purpose = request.GET.get("purpose", "").strip()[:200] or _("주민 기록 열람")
    audit.record(
        actor=request.user,
        action=AuditAction.VIEW,
        target_type="person",
        target_id=person.pk,
        purpose=purpose,
    )
    can_edit = person.dong_id in scope_of(request.user).dong_ids(Can.MANAGE_PEOPLE)
    return render(request, "core/person_detail.html", {"person": person, "can_edit": can_edit})


@require_http_methods(["GET", "POST"])
def person_create(request: HttpRequest) -> HttpResponse:
    scope = scope_of(request.user)
    scope.require(Can.MANAGE_PEOPLE)
    dongs = [
        d
        for d in selectors.dong_list_for(request.user)
        if d.id in scope.dong_ids(Can.MANAGE_PEOPLE)
    ]
    form = PersonForm(request.POST or None, dongs=dongs)
    if request.method == "POST" and form.is_valid():
        try:
            person = people.register_person(
                by=request.user, purpose=_("주민 등록"), **form.cleaned_data
            )
        except SaramError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("주민을 등록했습니다."))
            return redirect("person_detail", pk=person.pk)
    return render(request, "core/person_form.html", {"form": form})


@require_http_methods(["GET", "POST"])
def person_edit(request: HttpRequest, pk: int) -> HttpResponse:
    person = selectors.person_for(request.user, pk)
    if person.dong_id not in scope_of(request.user).dong_ids(Can.MANAGE_PEOPLE):
        raise selectors.not_found()
    if request.method == "GET":
        # The form shows the record, so opening it is a view of personal data like any other.
        audit.record(
            actor=request.user,
            action=AuditAction.VIEW,
            target_type="person",
            target_id=person.pk,
            purpose=_("주민 기록 수정 화면 열람"),
        )
    initial = {f: getattr(person, f) for f in people.EDITABLE_FIELDS}
    form = PersonEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        people.update_person(
            by=request.user, person=person, purpose=_("주민 기록 수정"), **form.cleaned_data
        )
        messages.success(request, _("주민 기록을 고쳤습니다."))
        return redirect("person_detail", pk=person.pk)
    return render(request, "core/person_form.html", {"form": form, "person": person})


@require_GET
def people_export(request: HttpRequest) -> HttpResponseBase:
    scope_of(request.user).require(Can.VIEW_PEOPLE)
    filters = PeopleFilterForm(request.GET).filters()
    dong_code = filters["dong"]
    dong = selectors.dong_for(request.user, dong_code) if dong_code else None
    fmt = _fmt(request)
    content = people.export_people(
        by=request.user,
        fmt=fmt,
        dong=dong,
        query=filters["q"],
        purpose=_("주민 목록 내보내기"),
    )
    return attachment(content, fmt, "people")


def _start_import(
    request: HttpRequest, *, kind: str, label: str, task: Any, extra: dict[str, Any] | None = None
) -> HttpResponse:
    if request.method == "POST":
        imports.refuse_oversized(request)
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        job = jobs.start_job(
            by=request.user,
            kind=kind,
            label=label,
            params=extra or {},
            enqueue=task.enqueue,
            upload=imports.keep_upload(upload, upload.name),
        )
        return redirect("job_detail", job_id=job.pk)
    return render(
        request,
        "core/import_form.html",
        {
            "form": form,
            "label": label,
            "kind": kind,
            "spec": imports.spec_for(kind),
            "max_mb": settings.SARAM_UPLOAD_MAX_MB,
        },
    )


@require_GET
def import_template(request: HttpRequest, kind: str) -> HttpResponse:
    """The template of an import: headers, one example row, allowed values."""
    spec = imports.spec_for(kind)
    if spec is None:
        raise Http404
    response = HttpResponse(imports.template_xlsx(spec), content_type=FORMATS["xlsx"])
    response["Content-Disposition"] = f'attachment; filename="{kind}-template.xlsx"'
    return response


@require_GET
def job_errors(request: HttpRequest, job_id: str) -> HttpResponse:
    """Every row error of a rejected import with its whole row, masked, as CSV."""
    job = selectors.job_for(request.user, job_id)
    if not job.result.get("has_review") or not review.exists(str(job.pk)):
        raise Http404
    audit.record(
        actor=request.user,
        action=AuditAction.EXPORT,
        target_type="job",
        target_id=str(job.pk),
        purpose=_("가져오기 오류 파일 내려받기"),
        detail={"kind": job.kind},
    )
    response = StreamingHttpResponse(review.error_csv(str(job.pk)), content_type=FORMATS["csv"])
    response["Content-Disposition"] = f'attachment; filename="errors-{job.pk}.csv"'
    response["Cache-Control"] = "no-store"
    return response


@require_http_methods(["GET", "POST"])
def people_import(request: HttpRequest) -> HttpResponse:
    scope_of(request.user).require(Can.MANAGE_PEOPLE)
    return _start_import(
        request,
        kind="people",
        label=_("주민 가져오기"),
        task=import_people_task,
        extra={"purpose": _("주민 가져오기")},
    )


@require_GET
def organisation_list(request: HttpRequest) -> HttpResponseBase:
    scope = scope_of(request.user)
    scope.require(Can.VIEW_ORGANISATIONS)
    filters = OrganisationFilterForm(request.GET).filters()
    dong_code, kind, query = filters["dong"], filters["kind"], filters["q"]
    dong = selectors.dong_for(request.user, dong_code) if dong_code else None
    qs = selectors.organisations_for(request.user, dong=dong, kind=kind, query=query)
    if request.GET.get("format"):
        fmt = _fmt(request)
        content = organisations.export_organisations(
            by=request.user, fmt=fmt, dong=dong, kind=kind, query=query
        )
        return attachment(content, fmt, "organisations")
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "core/organisation_list.html",
        {
            "page": page,
            "dong": dong,
            "kind": kind,
            "q": query,
            "kinds": OrganisationKind.choices,
            "dongs": selectors.dong_list_for(request.user),
            "can_manage": scope.can(Can.MANAGE_ORGANISATIONS),
        },
    )


@require_GET
def organisation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    org = selectors.organisation_for(request.user, pk)
    return render(request, "core/organisation_detail.html", {"org": org})


@require_http_methods(["GET", "POST"])
def organisations_import(request: HttpRequest) -> HttpResponse:
    scope_of(request.user).require(Can.MANAGE_ORGANISATIONS)
    return _start_import(
        request, kind="organisations", label=_("기관·단체 가져오기"), task=import_organisations_task
    )


@require_GET
def audit_log(request: HttpRequest) -> HttpResponse:
    scope_of(request.user).require(Can.VIEW_AUDIT)
    filters = AuditFilterForm(request.GET).filters()
    qs = selectors.audit_entries_for(request.user, **filters)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "core/audit_log.html",
        {
            "page": page,
            "rows": audit_rows(page.object_list),
            "filters": filters,
            "targets": sorted(TARGETS.items(), key=lambda kv: str(kv[1])),
            "actions": AuditEntry._meta.get_field("action").choices,
            "flagged": people.flagged_lookups(since=timezone.now() - dt.timedelta(days=30)),
            "open_duplicates": people.open_duplicate_cases(request.user).count(),
        },
    )


@require_GET
def job_detail(request: HttpRequest, job_id: str) -> HttpResponse:
    job = selectors.job_for(request.user, job_id)
    template = "core/_job_progress.html" if request.headers.get("HX-Request") else "core/job.html"
    return render(request, template, job_context(job))


def job_context(job: Any) -> dict[str, Any]:
    """What a job's page shows: progress, and a failure rendered in the reader's language."""
    failed = job.status == JobStatus.FAILED
    return {
        "job": job,
        "finished": job.status in (JobStatus.SUCCEEDED, JobStatus.FAILED),
        "progress_message": _(job.message) if job.message and not failed else "",
        "failure": SaramError.from_dict(job.result) if failed else None,
        "error_count": job.result.get("error_count", 0) if failed else 0,
    }


class SignIn(auth_views.LoginView):
    """Sign in, then land on the start page of one's role (unless a `next` page was asked for)."""

    def get_default_redirect_url(self) -> str:
        return start_page_for(self.request.user)


def _error_page(request: HttpRequest, template: str, status: int) -> HttpResponse:
    """An error in the site's layout and the reader's language, with a way back."""
    return render(request, template, {"start_url": start_page_for(request.user)}, status=status)


def forbidden(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error_page(request, "403.html", 403)


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error_page(request, "404.html", 404)


def server_error(request: HttpRequest) -> HttpResponse:
    """The 500 page in the layout; if even that fails, a plain page (never a second error)."""
    try:
        return _error_page(request, "500.html", 500)
    except Exception:
        return HttpResponse(
            "<!doctype html><title>500</title><p>사람 Saram: 잠시 문제가 생겼습니다. "
            'Something went wrong. <a href="/">처음으로 · Home</a></p>',
            status=500,
        )
