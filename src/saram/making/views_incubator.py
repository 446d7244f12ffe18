"""Pages of the startup incubator (창업보육), the composites cluster and its R&D projects.

The incubator's manager and the centre's staff keep tenants, founders, milestones, mentoring
and machine-hour credits; a founder sees their own firm and reports a milestone's progress.
The cluster directory and R&D registry are public; centre staff add and change entries.
Thin: a form parses, a selector finds (scoped), a service writes, a presenter shapes."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from saram.core.access import Can, scope_of
from saram.core.downloads import attachment
from saram.core.errors import SaramError
from saram.core.middleware import public
from saram.core.services.exports import write_table_file
from saram.making import forms as making_forms
from saram.making import forms_incubator as forms
from saram.making import presenters, presenters_incubator, selectors
from saram.making import selectors_incubator as incubator_selectors
from saram.making.models import ClusterRole
from saram.making.services import cluster as cluster_services
from saram.making.services import incubator as incubator_services
from saram.making.services import reservations
from saram.making.services._common import SEOUL
from saram.making.services.cluster_imports import MEMBER_SPEC, PROJECT_SPEC
from saram.making.views_staff import import_page

GET_POST = require_http_methods(["GET", "POST"])

# Which form field a service's refusal belongs to, so it shows beside that field.
FIELD_OF = {
    "making_term_ends_before_start": "term_ends_on",
    "making_room_not_office": "room",
    "making_room_taken": "room",
    "making_already_tenant": "name",
    "making_already_member": "name",
    "making_business_number_taken": "business_number",
    "making_bad_position": "lat",
    "making_project_ends_before_start": "ends_on",
    "making_bad_funding": "funding_krw",
    "making_lead_is_partner": "partners",
}


def _saved(form: Any, write: Callable[[], Any]) -> Any:
    """Run the service; a refusal is shown on its field (the form's data kept)."""
    try:
        return write()
    except SaramError as exc:
        field = FIELD_OF.get(exc.code)
        form.add_error(field if field in form.fields else None, exc.message)
        return None


def _bad_form(form: Any) -> SaramError:
    field, errs = next(iter(form.errors.items()))
    label = form.fields[field].label if field in form.fields else field
    return SaramError(
        # `message` is SaramError's own argument: the form's words travel as a parameter.
        "making_bad_field",
        params={"field": str(label or field), "message": str(errs[0])},
    )


def _form_page(
    request: HttpRequest, form: Any, *, title: str, back: str, note: str = ""
) -> HttpResponse:
    return render(
        request,
        "making/staff_form.html",
        {"form": form, "title": title, "back": back, "note": note, "multipart": False},
    )


def _require_manager(request: HttpRequest) -> None:
    if not incubator_selectors.is_incubator_staff(request.user):
        scope_of(request.user).require(Can.MANAGE_INCUBATOR)


# --- The incubator: the manager's list and a tenant's page ---------------------------------------


@require_GET
def incubator(request: HttpRequest) -> HttpResponse:
    _require_manager(request)
    today = timezone.localdate()
    form = forms.TenantFilterForm(request.GET)
    data = form.cleaned_data if form.is_valid() else {}
    tenants = list(
        incubator_selectors.tenant_directory(
            request.user,
            today=today,
            query=data.get("q", ""),
            status=data.get("status", ""),
            room=data.get("room"),
            overdue=bool(data.get("overdue")),
        )
    )
    ids = [t.pk for t in tenants]
    rows = presenters_incubator.tenant_rows(
        tenants,
        balances=incubator_selectors.credit_balances(ids),
        used=incubator_selectors.credit_use(ids),
        today=today,
    )
    filters = {k: str(v) for k, v in data.items() if v and k != "format"}
    fmt = data.get("format")
    incubator_selectors.audit_tenant_list(
        request.user, count=len(rows), filters=filters, export=fmt or ""
    )
    if fmt:
        content = write_table_file(
            presenters_incubator.tenant_headers(), presenters_incubator.tenant_table(rows), fmt
        )
        return attachment(content, fmt, "incubator-tenants")
    chart = incubator_selectors.credit_chart(tenants)
    return render(
        request,
        "making/incubator.html",
        {
            "form": form,
            "rows": rows,
            "today": today,
            "occupancy": incubator_selectors.occupancy(request.user, today=today),
            "chart": chart,
            "query": request.GET.urlencode(),
        },
    )


@GET_POST
def tenant_new(request: HttpRequest) -> HttpResponse:
    _require_manager(request)
    form = forms.TenantForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        tenant = _saved(
            form,
            lambda: incubator_services.admit_tenant(
                by=request.user,
                organisation=form.organisation_values("firm"),
                values=form.tenant_values(),
            ),
        )
        if tenant is not None:
            messages.success(request, _("입주 기업을 등록했습니다. 창업자와 목표를 더하세요."))
            return redirect("making:tenant", pk=tenant.pk)
    return _form_page(
        request,
        form,
        title=_("입주 기업 등록"),
        back=reverse("making:incubator"),
        note=_("기업은 시의 기관·단체 목록에 하나로 올라가 자립경제에서도 같은 기업으로 보입니다."),
    )


@GET_POST
def tenant_edit(request: HttpRequest, pk: int) -> HttpResponse:
    tenant = incubator_selectors.tenant_to_manage(request.user, pk)
    form = forms.TenantForm(request.POST or None, initial=forms.TenantForm.initial_of(tenant))
    if request.method == "POST" and form.is_valid():
        done = _saved(
            form,
            lambda: incubator_services.update_tenant(
                by=request.user,
                tenant=tenant,
                organisation=form.organisation_values(tenant.organisation.kind),
                values=form.tenant_values(),
            ),
        )
        if done is not None:
            messages.success(request, _("입주 기업 정보를 고쳤습니다."))
            return redirect("making:tenant", pk=tenant.pk)
    return _form_page(
        request,
        form,
        title=_("입주 기업 고치기: %(name)s") % {"name": tenant.organisation.name},
        back=reverse("making:tenant", args=[tenant.pk]),
    )


def _tenant_context(request: HttpRequest, tenant: Any) -> dict[str, Any]:
    today = timezone.localdate()
    page = incubator_selectors.tenant_page(request.user, tenant)
    return {
        "tenant": tenant,
        "state": presenters_incubator.term_state(tenant, today),
        "founders": page["founders"],
        "milestones": presenters_incubator.milestone_rows(page["milestones"], today=today),
        "progress": presenters_incubator.progress_of(page["milestones"]),
        "mentoring": page["mentoring"],
        "ledger": page["ledger"],
        "balance_h": round(page["balance_minutes"] / 60, 1),
        "used_h": round(page["used_minutes"] / 60, 1),
        "today": today,
        "now": timezone.now(),
    }


@require_GET
def tenant_detail(request: HttpRequest, pk: int) -> HttpResponse:
    tenant = incubator_selectors.tenant_to_manage(request.user, pk)
    return render(
        request,
        "making/incubator/tenant.html",
        {
            **_tenant_context(request, tenant),
            "manage": True,
            "credit_form": making_forms.CreditForm(),
            "founder_form": forms.FounderForm(),
            "milestone_form": forms.MilestoneForm(),
            "mentoring_form": forms.MentoringForm(),
        },
    )


@require_POST
def tenant_credit(request: HttpRequest, pk: int) -> HttpResponse:
    tenant = incubator_selectors.tenant_to_manage(request.user, pk)
    form = making_forms.CreditForm(request.POST)
    if not form.is_valid():
        raise _bad_form(form)
    reservations.credit_tenant(
        by=request.user, tenant=tenant, minutes=form.cleaned_data["hours"] * 60, now=timezone.now()
    )
    messages.success(
        request, _("장비 크레딧 %(h)s시간을 지급했습니다.") % {"h": form.cleaned_data["hours"]}
    )
    return redirect("making:tenant", pk=tenant.pk)


@require_POST
def founder_add(request: HttpRequest, pk: int) -> HttpResponse:
    tenant = incubator_selectors.tenant_to_manage(request.user, pk)
    form = forms.FounderForm(request.POST)
    if not form.is_valid():
        raise _bad_form(form)
    data = form.cleaned_data
    incubator_services.add_founder(
        by=request.user,
        tenant=tenant,
        name=data["name"].strip(),
        title=data.get("title", ""),
        user=data.get("login"),
    )
    messages.success(request, _("창업자를 더했습니다."))
    return redirect(reverse("making:tenant", args=[tenant.pk]) + "#founders")


@require_POST
def milestone_add(request: HttpRequest, pk: int) -> HttpResponse:
    tenant = incubator_selectors.tenant_to_manage(request.user, pk)
    form = forms.MilestoneForm(request.POST)
    if not form.is_valid():
        raise _bad_form(form)
    incubator_services.set_milestone(
        by=request.user,
        tenant=tenant,
        title=form.cleaned_data["title"].strip(),
        due_on=form.cleaned_data["due_on"],
    )
    messages.success(request, _("목표를 더했습니다."))
    return redirect(reverse("making:tenant", args=[tenant.pk]) + "#milestones")


@require_POST
def mentoring_add(request: HttpRequest, pk: int) -> HttpResponse:
    tenant = incubator_selectors.tenant_to_manage(request.user, pk)
    form = forms.MentoringForm(request.POST)
    if not form.is_valid():
        raise _bad_form(form)
    at = form.cleaned_data["at"]
    incubator_services.record_mentoring(
        by=request.user,
        tenant=tenant,
        at=at if timezone.is_aware(at) else at.replace(tzinfo=SEOUL),
        mentor=form.cleaned_data["mentor"].strip(),
        topic=form.cleaned_data["topic"].strip(),
    )
    messages.success(request, _("멘토링을 기록했습니다."))
    return redirect(reverse("making:tenant", args=[tenant.pk]) + "#mentoring")


@require_POST
def milestone_progress(request: HttpRequest, pk: int) -> HttpResponse:
    milestone = incubator_selectors.milestone_for(request.user, pk)
    form = forms.ProgressForm(request.POST)
    if not form.is_valid():
        raise _bad_form(form)
    incubator_services.report_progress(
        by=request.user,
        milestone=milestone,
        progress_pct=form.cleaned_data["progress_pct"],
        today=timezone.localdate(),
    )
    messages.success(
        request,
        _("'%(title)s' 진행률을 %(pct)s%%로 적었습니다.")
        % {"title": milestone.title, "pct": form.cleaned_data["progress_pct"]},
    )
    if incubator_selectors.is_incubator_staff(request.user):
        return redirect(reverse("making:tenant", args=[milestone.tenant_id]) + "#milestones")
    return redirect(reverse("making:company") + f"#tenant-{milestone.tenant_id}")


# --- A founder's own firm ------------------------------------------------------------------------


@require_GET
def company(request: HttpRequest) -> HttpResponse:
    scope = scope_of(request.user)
    if not scope.can(Can.SELF_SERVICE):
        raise PermissionDenied
    firms = [_tenant_context(request, t) for t in incubator_selectors.own_tenants(request.user)]
    return render(request, "making/incubator/company.html", {"firms": firms})


# --- Cluster directory and members ---------------------------------------------------------------


@public
@require_GET
def cluster(request: HttpRequest) -> HttpResponse:
    form = making_forms.ClusterFilterForm(request.GET)
    data = form.cleaned_data if form.is_valid() else {}
    members = selectors.cluster_directory(
        role=data.get("role", ""), sector=data.get("sector", ""), query=data.get("q", "")
    )
    fmt = data.get("format")
    if fmt:
        content = write_table_file(
            presenters.cluster_headers(), presenters.cluster_rows(members), fmt
        )
        return attachment(content, fmt, "cluster")
    members = list(members)
    return render(
        request,
        "making/cluster.html",
        {
            "form": form,
            "members": members,
            "points": presenters.cluster_points(members),
            "sectors": presenters_incubator.sector_counts(members),
            "query": request.GET.urlencode(),
            "staff": scope_of(request.user).can(Can.MANAGE_MAKING),
        },
    )


@public
@require_GET
def member_detail(request: HttpRequest, pk: int) -> HttpResponse:
    member = incubator_selectors.cluster_member(pk)
    today = timezone.localdate()
    projects = incubator_selectors.member_projects(member)
    return render(
        request,
        "making/incubator/member.html",
        {
            "member": member,
            "led": presenters_incubator.project_rows(projects["led"], today=today),
            "joined": presenters_incubator.project_rows(projects["joined"], today=today),
            "points": presenters.cluster_points([member]),
            "staff": scope_of(request.user).can(Can.MANAGE_MAKING),
        },
    )


@public
@require_GET
def dong_shapes(request: HttpRequest) -> HttpResponse:
    """The dong boundaries under the public cluster maps: public geography, nothing personal."""
    lang = request.LANGUAGE_CODE
    key = f"saram:making:dong-shapes:{lang}"
    body = cache.get(key)
    if body is None:
        shapes = presenters_incubator.dong_shapes(incubator_selectors.dong_shapes(), lang=lang)
        body = json.dumps(shapes, ensure_ascii=False)
        cache.set(key, body, 3600)
    response = HttpResponse(body, content_type="application/geo+json")
    response["Cache-Control"] = "public, max-age=3600"
    return response


def _member_kind(form: forms.MemberForm) -> str:
    return cluster_services.organisation_kind_of(form.cleaned_data.get("role", ClusterRole.FIRM))


@GET_POST
def member_new(request: HttpRequest) -> HttpResponse:
    scope_of(request.user).require(Can.MANAGE_MAKING)
    form = forms.MemberForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        member = _saved(
            form,
            lambda: cluster_services.join_cluster(
                by=request.user,
                organisation=form.organisation_values(_member_kind(form)),
                values=form.member_values(),
            ),
        )
        if member is not None:
            messages.success(request, _("클러스터 참여 기관을 등록했습니다."))
            return redirect("making:cluster_member", pk=member.pk)
    return _form_page(
        request,
        form,
        title=_("클러스터 참여 기관 등록"),
        back=reverse("making:cluster"),
        note=_("기관은 시의 기관·단체 목록에 하나로 올라가 자립경제에서도 같은 기관으로 보입니다."),
    )


@GET_POST
def member_edit(request: HttpRequest, pk: int) -> HttpResponse:
    member = incubator_selectors.member_to_edit(request.user, pk)
    form = forms.MemberForm(request.POST or None, initial=forms.MemberForm.initial_of(member))
    if request.method == "POST" and form.is_valid():
        done = _saved(
            form,
            lambda: cluster_services.update_member(
                by=request.user,
                member=member,
                organisation=form.organisation_values(_member_kind(form)),
                values=form.member_values(),
            ),
        )
        if done is not None:
            messages.success(request, _("클러스터 참여 기관 정보를 고쳤습니다."))
            return redirect("making:cluster_member", pk=member.pk)
    return _form_page(
        request,
        form,
        title=_("참여 기관 고치기: %(name)s") % {"name": member.organisation.name},
        back=reverse("making:cluster_member", args=[member.pk]),
    )


@GET_POST
def member_import(request: HttpRequest) -> HttpResponse:
    return import_page(
        request,
        what="members",
        spec=MEMBER_SPEC,
        label=_("클러스터 참여 기관 가져오기"),
    )


@GET_POST
def project_import(request: HttpRequest) -> HttpResponse:
    return import_page(
        request,
        what="projects",
        spec=PROJECT_SPEC,
        label=_("R&D 과제 가져오기"),
    )


# --- R&D projects --------------------------------------------------------------------------------


@public
@require_GET
def projects(request: HttpRequest) -> HttpResponse:
    form = forms.ProjectFilterForm(request.GET)
    data = form.cleaned_data if form.is_valid() else {}
    today = timezone.localdate()
    found = incubator_selectors.project_directory(
        today=today,
        query=data.get("q", ""),
        sector=data.get("sector", ""),
        member=data.get("member"),
        status=data.get("status", ""),
    )
    fmt = data.get("format")
    if fmt:
        content = write_table_file(
            presenters_incubator.project_headers(),
            presenters_incubator.project_table(found, today=today),
            fmt,
        )
        return attachment(content, fmt, "rnd-projects")
    rows = presenters_incubator.project_rows(found, today=today)
    return render(
        request,
        "making/incubator/projects.html",
        {
            "form": form,
            "rows": rows,
            "total_krw": sum(r["project"].funding_krw for r in rows),
            "query": request.GET.urlencode(),
            "staff": scope_of(request.user).can(Can.MANAGE_MAKING),
        },
    )


@public
@require_GET
def project_detail(request: HttpRequest, pk: int) -> HttpResponse:
    found = incubator_selectors.project(pk)
    today = timezone.localdate()
    members = [found.lead, *found.partners.all()]
    return render(
        request,
        "making/incubator/project.html",
        {
            "project": found,
            "state": presenters_incubator.project_state(found, today),
            "partners": list(found.partners.all()),
            "points": presenters.cluster_points(members),
            "staff": scope_of(request.user).can(Can.MANAGE_MAKING),
        },
    )


@GET_POST
def project_new(request: HttpRequest) -> HttpResponse:
    scope_of(request.user).require(Can.MANAGE_MAKING)
    form = forms.ProjectForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        values, partners = form.project_values()
        created = _saved(
            form,
            lambda: cluster_services.register_project(
                by=request.user, values=values, partners=partners
            ),
        )
        if created is not None:
            messages.success(request, _("R&D 과제를 등록했습니다."))
            return redirect("making:project", pk=created.pk)
    return _form_page(request, form, title=_("R&D 과제 등록"), back=reverse("making:projects"))


@GET_POST
def project_edit(request: HttpRequest, pk: int) -> HttpResponse:
    found = incubator_selectors.project_to_edit(request.user, pk)
    form = forms.ProjectForm(request.POST or None, instance=found)
    if request.method == "POST" and form.is_valid():
        values, partners = form.project_values()
        done = _saved(
            form,
            lambda: cluster_services.update_project(
                by=request.user, project=found, values=values, partners=partners
            ),
        )
        if done is not None:
            messages.success(request, _("R&D 과제를 고쳤습니다."))
            return redirect("making:project", pk=found.pk)
    return _form_page(
        request,
        form,
        title=_("R&D 과제 고치기: %(title)s") % {"title": found.title},
        back=reverse("making:project", args=[found.pk]),
    )
