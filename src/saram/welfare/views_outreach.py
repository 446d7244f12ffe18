"""Thin views of the funnel, 긴급 alerts, the printed visit list and visits for members
without a login: parse with a Form, call a selector or a service, render a presenter's rows.
Domain errors are left to `SaramErrorMiddleware`."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from saram.core import audit
from saram.core.access import Can, not_found, scope_of
from saram.core.models import AuditAction
from saram.welfare import forms, presenters, reasons, selectors
from saram.welfare.services import alerts, funnel, rounds


def _audit(
    request: HttpRequest, action: str, target: str, purpose: str, pk: Any = "", **detail: Any
) -> None:
    audit.record(
        actor=request.user,
        action=action,
        target_type=target,
        target_id=pk,
        purpose=purpose,
        detail=detail,
    )


# --- The funnel --------------------------------------------------------------------------------


@require_GET
def funnel_dong(request: HttpRequest, code: str) -> HttpResponse:
    """A dong's funnel by round or month; officers also see who is at each step and everyone
    flagged but not listed, with the reason."""
    dong = selectors.coverage_dong_for(request.user, code)
    form = forms.FunnelFilterForm(request.GET or None)
    by = form.cleaned_data.get("by") if form.is_valid() else ""
    today = timezone.localdate()
    rows = funnel.funnel_by_round(dong_ids=[dong.pk], today=today)
    shown = funnel.by_month(rows) if by == "month" else rows
    is_officer = dong.pk in scope_of(request.user).dong_ids(Can.VIEW_PEOPLE)
    context: dict[str, Any] = {
        "dong": dong,
        "by": by or "round",
        "rows": [
            {
                "row": r,
                "steps": presenters.funnel_steps(r),
                "stops": presenters.stop_reasons(r),
                "not_listed": presenters.not_listed_reasons(r),
            }
            for r in shown
        ],
        "total": funnel.total(rows),
        "is_officer": is_officer,
    }
    if context["total"] is not None:
        context["total_steps"] = presenters.funnel_steps(context["total"])
        context["total_stops"] = presenters.stop_reasons(context["total"])
    number = form.cleaned_data.get("round") if form.is_valid() else None
    if is_officer and rows:
        chosen = next((r for r in rows if r.number == number), rows[0])
        round_ = selectors.round_for(request.user, chosen.round_id or 0)
        people = funnel.people_of_round(round_, today=today)
        named = selectors.people_named(request.user, [p.person_id for p in people])
        context["round"] = round_
        context["people"] = [
            {
                "name": presenters.person_label(named.get(p.person_id)),
                "person_id": p.person_id,
                "step": str(presenters.STEP_LABELS[p.step]),
                "stop": str(presenters.STOP_LABELS.get(p.stop, "")),
            }
            for p in people
        ]
        context["not_listed_people"] = selectors.not_listed_for(request.user, round_)
        _audit(
            request,
            AuditAction.LIST,
            "welfare_funnel",
            _("발굴 단계별 주민 열람"),
            round_.pk,
            shown=len(people),
        )
    return render(request, "welfare/funnel.html", context)


# --- 긴급 alerts -------------------------------------------------------------------------------


@require_POST
def my_urgent(request: HttpRequest, pk: int) -> HttpResponse:
    """A visitor raises 긴급 from the visit page with one tap and a reason."""
    assignment = selectors.my_assignment(request.user, pk)
    form = forms.AlertForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("긴급 알림의 까닭을 골라 주세요."))
        return redirect("welfare:my_visit", pk=pk)
    alerts.raise_alert(
        by=request.user, assignment=assignment, now=timezone.now(), **form.cleaned_data
    )
    messages.success(request, _("긴급 알림을 보냈습니다. 담당 공무원에게 바로 전해집니다."))
    return redirect("welfare:my_visit", pk=pk)


@require_GET
def alert_list(request: HttpRequest) -> HttpResponse:
    scope = scope_of(request.user)
    if not (scope.dong_ids(Can.VIEW_PEOPLE) or scope.can(Can.CONFIGURE)):
        raise not_found()
    form = forms.AlertFilterForm(request.GET or None)
    open_only = bool(form.is_valid() and form.cleaned_data.get("open_only"))
    items = list(selectors.alerts_for(request.user, open_only=open_only)[:100])
    _audit(request, AuditAction.LIST, "welfare_alert", _("긴급 알림 목록 열람"), shown=len(items))
    return render(request, "welfare/alerts.html", {"items": items, "form": form})


@require_http_methods(["GET", "POST"])
def alert_detail(request: HttpRequest, pk: int) -> HttpResponse:
    alert = selectors.alert_for(request.user, pk)
    form = forms.AlertAnswerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        alerts.answer_alert(by=request.user, alert=alert, now=timezone.now(), **form.cleaned_data)
        messages.success(request, _("조치를 기록했습니다."))
        return redirect("welfare:alert_detail", pk=pk)
    _audit(
        request, AuditAction.VIEW, "person", _("긴급 알림 확인"), alert.person_id, alert=alert.pk
    )
    return render(request, "welfare/alert.html", {"alert": alert, "form": form})


# --- The printed visit list --------------------------------------------------------------------


@require_GET
def round_visit_list(request: HttpRequest, pk: int) -> HttpResponse:
    """The round's open visits as an A4 PDF, one section per visitor, for members on paper."""
    round_ = selectors.round_for(request.user, pk)
    items = list(selectors.visit_list_for(request.user, round_))
    html = render_to_string(
        "welfare/visit_list_print.html",
        {"round": round_, "items": items, "printed_at": timezone.localtime()},
        request=request,
    )
    _audit(
        request,
        AuditAction.EXPORT,
        "welfare_round",
        _("방문 목록 인쇄"),
        round_.pk,
        shown=len(items),
    )
    from weasyprint import HTML  # noqa: PLC0415 -- heavy (weasyprint), only for this page

    pdf = HTML(string=html, base_url=request.build_absolute_uri("/")).write_pdf()
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'inline; filename="visits-{round_.dong.code}-{round_.number}.pdf"'
    )
    response["Cache-Control"] = "no-store"
    return response


# --- Members without a login -------------------------------------------------------------------


@require_POST
def assign_member(request: HttpRequest, pk: int) -> HttpResponse:
    """Give a visit to a committee member without a login; the officer records it for them."""
    assignment = selectors.assignment_for(request.user, pk)
    members = list(selectors.members_without_login(request.user, assignment.dong_id))
    form = forms.MemberAssignForm(request.POST, members=members)
    if not form.is_valid():
        messages.error(request, _("위원을 골라 주세요."))
        return redirect("welfare:assignment_detail", pk=pk)
    member = next(m for m in members if str(m.pk) == form.cleaned_data["member"])
    rounds.assign_to_member(
        by=request.user, assignment=assignment, member=member, now=timezone.now()
    )
    messages.success(request, _("위원에게 맡겼습니다. 방문 결과는 여기에서 대신 기록합니다."))
    return redirect("welfare:assignment_detail", pk=pk)


def why_note(request: HttpRequest, assignment: Any) -> str:
    """The member's short note of why the person is on their list."""
    return presenters.why_listed(
        selectors.entry_reasons(request.user, assignment), reasons.kinds_by_code()
    )
