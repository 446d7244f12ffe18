"""Thin views of 동네복지: translate HTTP into selector and service calls, errors into messages.

Every read of a person, a list of people, an export or a case is audited with its purpose.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.contrib import messages
from django.core.cache import cache
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from saram.core import audit
from saram.core import imports as core_imports
from saram.core.access import Can, not_found, scope_of
from saram.core.engine.identity import mask_name
from saram.core.errors import SaramError
from saram.core.imports import review
from saram.core.models import AuditAction
from saram.core.selectors import current_city
from saram.core.services import jobs
from saram.welfare import case_forms, case_selectors, forms, presenters, reasons, selectors
from saram.welfare.models import (
    AssignmentStatus,
    ConcernStatus,
    ImportStatus,
    ModelKind,
    ReviewStatus,
    RoundStatus,
    VisitOutcome,
)
from saram.welfare.services import (
    committees,
    config,
    coverage,
    funnel,
    learned,
    rounds,
    signals,
    visits,
)
from saram.welfare.tasks import compare_models_task, import_signals_task, score_round_task

PAGE_SIZE = 50


def _audit(
    request: HttpRequest,
    action: str,
    target_type: str,
    purpose: str,
    target_id: str | int = "",
    **detail: Any,
) -> None:
    audit.record(
        actor=request.user,
        action=action,
        target_type=target_type,
        target_id=target_id,
        purpose=purpose,
        detail=detail,
    )


def _back(request: HttpRequest, fallback: str) -> HttpResponse:
    return redirect(request.POST.get("next") or fallback)


def _city() -> Any:
    city = current_city()
    if city is None:
        raise not_found()
    return city


def _reload() -> HttpResponse:
    response = HttpResponse("")
    response["HX-Refresh"] = "true"
    return response


# --- Home --------------------------------------------------------------------------------------


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """Each role's starting page: officers their dongs' work, members their visits."""
    scope = scope_of(request.user)
    officer_dongs = list(selectors.welfare_dongs_for(request.user).order_by("code"))
    if not officer_dongs:
        if scope.can(Can.VISIT_ASSIGNED):
            return redirect("welfare:my")
        if scope.can(Can.VIEW_REPORTS) or scope.can(Can.CONFIGURE):
            return redirect("welfare:coverage")
        raise not_found()
    by_dong, _rows = coverage.coverage_of(
        dong_ids=[d.pk for d in officer_dongs], now=timezone.now()
    )
    returned = selectors.assignments_for(request.user, statuses=(AssignmentStatus.RETURNED,))
    overdue = selectors.overdue_assignments_for(request.user)
    follow_ups = selectors.follow_ups_due_for(request.user)
    return render(
        request,
        "welfare/home.html",
        {
            "lines": [presenters.dong_funnel(d, by_dong[d.pk]) for d in officer_dongs],
            "overdue": overdue.count(),
            "returned": returned.count(),
            "need_case": selectors.visits_needing_a_case(request.user).count(),
            "concerns": selectors.concerns_for(request.user).count(),
            "open_alerts": selectors.alerts_for(request.user, open_only=True).count(),
            "help_requests": case_selectors.help_requests_for(request.user).count(),
            "reviews": selectors.reviews_for(request.user).count(),
            "follow_ups": follow_ups.count(),
            "open_cases": selectors.cases_for(request.user).count(),
        },
    )


# --- Signal imports ----------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def imports(request: HttpRequest) -> HttpResponse:
    scope = scope_of(request.user)
    dongs = [
        d
        for d in selectors.welfare_dongs_for(request.user)
        if d.pk in scope.dong_ids(Can.MANAGE_PEOPLE)
    ]
    city_wide = scope.can(Can.CONFIGURE)
    if not dongs and not city_wide:
        raise not_found()
    if request.method == "POST":
        core_imports.refuse_oversized(request)
    form = forms.SignalImportForm(
        request.POST or None, request.FILES or None, dongs=dongs, city_wide=city_wide
    )
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        code = form.cleaned_data["dong"]
        dong = next((d for d in dongs if d.code == code), None) if code else None
        batch = signals.start_import(
            by=request.user,
            city=_city(),
            dong=dong,
            upload=core_imports.keep_upload(upload, upload.name),
        )
        _start_import_job(request, batch, only_valid=False)
        return redirect("welfare:import_detail", pk=batch.pk)
    page = Paginator(selectors.imports_for(request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "welfare/imports.html",
        {"form": form, "page": page, "columns": signals.COLUMNS, "kinds": reasons.kinds_by_code()},
    )


def _start_import_job(request: HttpRequest, batch: Any, *, only_valid: bool) -> None:
    signals.queue_import(
        by=request.user, batch=batch, only_valid=only_valid, enqueue=import_signals_task.enqueue
    )


@require_GET
def import_detail(request: HttpRequest, pk: int) -> HttpResponse:
    batch = selectors.import_for(request.user, pk)
    running = batch.status in (ImportStatus.CHECKING, ImportStatus.IMPORTING)
    if request.headers.get("HX-Request"):
        if not running:
            return _reload()
        return render(request, "welfare/_progress.html", {"job": batch.job, "url": request.path})
    show_rows = selectors.may_see_import_rows(request.user, batch)
    if show_rows and batch.errors:
        _audit(
            request,
            AuditAction.VIEW,
            "welfare_signal",
            _("신호 파일 오류 보고 열람"),
            batch.pk,
            shown=len(batch.errors),
        )
    return render(
        request,
        "welfare/import_detail.html",
        {
            "batch": batch,
            "running": running,
            "show_rows": show_rows,
            "can_accept": show_rows
            and batch.status == ImportStatus.REJECTED
            and batch.valid_count > 0,
        },
    )


@require_GET
def import_errors(request: HttpRequest, pk: int) -> HttpResponse:
    batch = selectors.import_for(request.user, pk)
    key = signals.review_key(batch)
    if not selectors.may_see_import_rows(request.user, batch) or not review.exists(key):
        raise not_found()
    _audit(request, AuditAction.EXPORT, "welfare_signal", _("신호 파일 오류 내려받기"), batch.pk)
    response = StreamingHttpResponse(review.error_csv(key), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="signal-errors-{batch.pk}.csv"'
    response["Cache-Control"] = "no-store"
    return response


@require_POST
def import_accept(request: HttpRequest, pk: int) -> HttpResponse:
    """After seeing the report, import only the good rows."""
    batch = selectors.import_for(request.user, pk)
    if not selectors.may_see_import_rows(request.user, batch):
        raise not_found()
    if not signals.accept_valid_rows(by=request.user, batch=batch):
        messages.error(request, _("이 파일은 더 가져올 수 없습니다."))
        return redirect("welfare:import_detail", pk=batch.pk)
    _start_import_job(request, batch, only_valid=True)
    return redirect("welfare:import_detail", pk=batch.pk)


@require_GET
def reviews(request: HttpRequest) -> HttpResponse:
    qs = selectors.reviews_for(request.user)
    if not scope_of(request.user).dong_ids(Can.MANAGE_PEOPLE):
        raise not_found()
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    _audit(
        request,
        AuditAction.LIST,
        "welfare_review",
        _("주민 확인 대기 목록 열람"),
        page=page.number,
        shown=len(page.object_list),
    )
    return render(request, "welfare/reviews.html", {"page": page})


@require_http_methods(["GET", "POST"])
def review_detail(request: HttpRequest, pk: int) -> HttpResponse:
    review = selectors.review_for(request.user, pk)
    candidates = list(selectors.review_candidates(request.user, review))
    form = forms.PersonChoiceForm(request.POST or None, people=candidates)
    if request.method == "POST" and form.is_valid():
        chosen = next((p for p in candidates if str(p.pk) == form.cleaned_data["person"]), None)
        signals.resolve_review(by=request.user, review=review, person=chosen)
        messages.success(request, _("처리했습니다."))
        return redirect("welfare:reviews")
    _audit(
        request,
        AuditAction.VIEW,
        "welfare_review",
        _("신호 주민 확인"),
        review.pk,
        candidates=[p.pk for p in candidates],
    )
    return render(
        request,
        "welfare/review_detail.html",
        {
            "review": review,
            "candidates": candidates,
            "form": form,
            "pending": review.status == ReviewStatus.PENDING,
        },
    )


# --- Outreach lists and rounds -----------------------------------------------------------------


@require_GET
def outreach(request: HttpRequest) -> HttpResponse:
    dongs = list(selectors.welfare_dongs_for(request.user).order_by("code"))
    if not dongs:
        raise not_found()
    if len(dongs) == 1:
        return redirect("welfare:outreach_dong", code=dongs[0].code)
    latest = {
        r.dong_id: r for r in selectors.rounds_for(request.user).order_by("dong_id", "-number")
    }
    return render(
        request,
        "welfare/outreach.html",
        {"rows": [(d, latest.get(d.pk)) for d in dongs]},
    )


@require_GET
def outreach_dong(request: HttpRequest, code: str) -> HttpResponse:
    dong = selectors.welfare_dong_for(request.user, code)
    return _round_page(request, dong, selectors.latest_round(request.user, dong))


@require_GET
def round_detail(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = selectors.round_for(request.user, pk)
    if request.headers.get("HX-Request"):
        if round_.status != RoundStatus.SCORING:
            return _reload()
        return render(request, "welfare/_progress.html", {"job": round_.job, "url": request.path})
    return _round_page(request, round_.dong, round_)


def _kinds() -> dict[str, Any]:
    found = cache.get("saram:welfare:kinds")
    if found is None:
        found = reasons.kinds_by_code()
        cache.set("saram:welfare:kinds", found, 60)
    return found


def _round_page(request: HttpRequest, dong: Any, round_: Any) -> HttpResponse:
    scope = scope_of(request.user)
    can_manage = dong.pk in scope.dong_ids(Can.MANAGE_PEOPLE)
    settings_ = config.settings_for(dong)
    context: dict[str, Any] = {
        "dong": dong,
        "round": round_,
        "can_manage": can_manage,
        # The learned model is offered only once the city put one in use (it beat points).
        "model_kinds": ModelKind.choices
        if can_manage and learned.model_in_use(dong.city) is not None
        else [(ModelKind.POINTS.value, ModelKind.POINTS.label)],
        "settings": settings_,
        "rounds": selectors.rounds_for(request.user, dong=dong)[:12],
        "today": timezone.localdate(),
    }
    if round_ is not None and round_.status not in (RoundStatus.SCORING, RoundStatus.FAILED):
        # Ranks run 1..listed_count, so a page is a range of ranks: no COUNT, no OFFSET scan.
        page = Paginator(range(round_.listed_count), PAGE_SIZE).get_page(request.GET.get("page"))
        offset = (page.number - 1) * PAGE_SIZE
        rows = selectors.outreach_rows(request.user, round_, offset=offset, limit=PAGE_SIZE)
        context["page"] = page
        context["lines"] = _outreach_lines(rows, _kinds(), timezone.localdate())
        _audit(
            request,
            AuditAction.LIST,
            "welfare_outreach",
            _("발굴 목록 열람"),
            round_.pk,
            page=page.number,
            shown=len(rows),
        )
        if round_.status == RoundStatus.DRAFT and can_manage:
            context["start_form"] = forms.StartRoundForm(visitors=rounds.eligible_visitors(dong))
    return render(request, "welfare/round.html", context)


def _outreach_lines(
    rows: list[dict[str, Any]], kinds: dict[str, Any], today: dt.date
) -> list[dict[str, Any]]:
    """The list's rows as plain strings: the largest page of the programme renders fast when
    the template only prints (no tags, filters or URL reversing per row)."""
    person_url = reverse("welfare:person", args=[0]).removesuffix("0/")
    visit_url = reverse("welfare:assignment_detail", args=[0]).removesuffix("0/")
    statuses = {k: str(v) for k, v in AssignmentStatus.choices}
    # Many lines share reasons (the same signal and months): each is put in words once a page.
    described: dict[str, str] = {}

    def words(reason: dict[str, Any]) -> str:
        key = f"{reason.get('code')}|{reason.get('signal')}|{reason.get('value')}"
        found = described.get(key)
        if found is None:
            found = described[key] = reasons.describe(reason, kinds)
        return found

    lines = []
    for row in rows:
        line = {
            # Strings, so the template prints them without localizing a number per cell.
            "rank": str(row["rank"]),
            "person_id": str(row["person_id"]),
            "person_url": f"{person_url}{row['person_id']}/",
            "name": mask_name(row["person__name"]),
            "address": row["person__address"],
            "score": f"{row['score']:.2f}",
            "reasons": format_html_join("", "<li>{}</li>", ((words(r),) for r in row["reasons"])),
            "visit": None,
        }
        if row["assignment__id"] is not None:
            status = row["assignment__status"]
            badge = "ok" if status == AssignmentStatus.DONE else ""
            if status != AssignmentStatus.DONE and row["assignment__due_on"] < today:
                badge = "warn"
            full_name = " ".join(
                n
                for n in (
                    row["assignment__assignee__first_name"],
                    row["assignment__assignee__last_name"],
                )
                if n
            )
            line["visit"] = {
                "url": f"{visit_url}{row['assignment__id']}/",
                "visitor": full_name or row["assignment__assignee__username"],
                "status": statuses.get(status, status),
                "badge": badge,
            }
        lines.append(line)
    return lines


@require_POST
def round_plan(request: HttpRequest, code: str) -> HttpResponse:
    dong = selectors.welfare_dong_for(request.user, code)
    form = forms.PlanRoundForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("모형과 목록 인원을 확인해 주세요."))
        return redirect("welfare:outreach_dong", code=code)

    round_ = rounds.plan_round(
        by=request.user,
        dong=dong,
        model_kind=form.cleaned_data["model_kind"],
        list_size=form.cleaned_data["list_size"],
        enqueue=score_round_task.enqueue,
    )
    return redirect("welfare:round_detail", pk=round_.pk)


@require_POST
def round_start(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = selectors.round_for(request.user, pk)
    visitors = rounds.eligible_visitors(round_.dong)
    form = forms.StartRoundForm(request.POST, visitors=visitors)
    if not form.is_valid():
        messages.error(request, _("방문을 맡을 사람을 한 명 이상 고르세요."))
        return redirect("welfare:round_detail", pk=pk)
    chosen = [v for v in visitors if str(v.pk) in form.cleaned_data["assignees"]]
    made = rounds.start_round(
        by=request.user,
        round_=round_,
        assignees=chosen,
        now=timezone.now(),
        purpose=form.cleaned_data["purpose"],
    )
    messages.success(request, _("%(n)s명의 방문을 배정했습니다.") % {"n": len(made)})
    return redirect("welfare:round_detail", pk=pk)


@require_POST
def round_close(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = selectors.round_for(request.user, pk)
    if not forms.ConfirmForm(request.POST).is_valid():
        messages.error(request, _("마감하려면 확인란에 표시해 주세요."))
        return redirect("welfare:round_detail", pk=pk)
    rounds.close_round(by=request.user, round_=round_, now=timezone.now())
    messages.success(request, _("회차를 마감했습니다."))
    return redirect("welfare:round_detail", pk=pk)


@require_GET
def visits_list(request: HttpRequest) -> HttpResponse:
    """The dongs' visits that need an officer: overdue (escalated), returned, needing a case."""
    if not scope_of(request.user).dong_ids(Can.VIEW_PEOPLE):
        raise not_found()
    today = timezone.localdate()
    show = case_forms.VisitsFilterForm(request.GET).shown()
    qs = case_selectors.visits_to_follow(request.user, show=show, today=today)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    need_case = list(selectors.visits_needing_a_case(request.user)[:100])
    _audit(
        request,
        AuditAction.LIST,
        "welfare_assignment",
        _("방문 목록 열람"),
        show=show,
        shown=len(page.object_list) + len(need_case),
    )
    return render(
        request,
        "welfare/visits.html",
        {"page": page, "show": show, "need_case": need_case, "today": today},
    )


@require_http_methods(["GET", "POST"])
def assignment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """An officer's view of one visit: who, why (the reasons), history; reassign or record."""
    assignment = selectors.assignment_for(request.user, pk)
    can_manage = assignment.dong_id in scope_of(request.user).dong_ids(Can.MANAGE_PEOPLE)
    visitors = rounds.eligible_visitors(assignment.dong) if can_manage else []
    reassign_form = forms.ReassignForm(visitors=visitors)
    dongs = list(case_selectors.transfer_targets(assignment.person)) if can_manage else []
    visit_form = forms.VisitForm(dongs=dongs)
    if request.method == "POST" and not can_manage:
        raise not_found()  # seeing a visit is not recording one
    if request.method == "POST":
        now = timezone.now()
        if request.POST.get("do") == "reassign":
            reassign_form = forms.ReassignForm(request.POST, visitors=visitors)
            if reassign_form.is_valid():
                chosen = reassign_form.cleaned_data["assignee"]
                rounds.reassign(
                    by=request.user,
                    assignment=assignment,
                    assignee=next(v for v in visitors if str(v.pk) == chosen),
                    now=now,
                )
                messages.success(request, _("담당을 바꿨습니다."))
                return redirect("welfare:assignment_detail", pk=pk)
        else:
            visit_form = forms.VisitForm(request.POST, dongs=dongs)
            if visit_form.is_valid():
                visits.record_visit(
                    by=request.user, assignment=assignment, now=now, **visit_form.cleaned_data
                )
                messages.success(request, _("방문을 기록했습니다."))
                return redirect("welfare:assignment_detail", pk=pk)
    _audit(
        request,
        AuditAction.VIEW,
        "person",
        _("방문 대상자 확인"),
        assignment.person_id,
        assignment=assignment.pk,
    )
    entry_reasons = []
    if assignment.entry_id:
        entry_reasons = reasons.describe_all(assignment.entry.reasons, _kinds())
    return render(
        request,
        "welfare/assignment.html",
        {
            "a": assignment,
            "reasons": entry_reasons,
            "visits": case_selectors.visits_of_assignment(assignment),
            "can_manage": can_manage,
            "reassign_form": reassign_form,
            "visit_form": visit_form,
            "is_overdue": rounds.is_overdue(assignment, timezone.now()),
            "member_form": forms.MemberAssignForm(
                members=list(selectors.members_without_login(request.user, assignment.dong_id))
            )
            if can_manage
            else None,
        },
    )


# --- A person's welfare record (officers) ------------------------------------------------------


@require_GET
def person(request: HttpRequest, pk: int) -> HttpResponse:
    found = selectors.person_for_officer(request.user, pk)
    purpose = request.GET.get("purpose", "").strip()[:200] or _("복지 기록 열람")
    _audit(request, AuditAction.VIEW, "person", purpose, found.pk)
    kinds = _kinds()
    signal_rows = [
        (
            s,
            reasons.describe(
                {"code": _signal_code(s), "signal": s.kind.code, "value": s.value}, kinds
            ),
        )
        for s in selectors.signals_of(request.user, found)[:100]
    ]
    can_manage = found.dong_id in scope_of(request.user).dong_ids(Can.MANAGE_PEOPLE)
    person_visits = list(selectors.visits_of(request.user, found)[:50])
    # 초기상담 links the latest visit that met the person; 욕구 사정 starts from its needs.
    met = next((v for v in person_visits if v.outcome == VisitOutcome.MET), None)
    return render(
        request,
        "welfare/person.html",
        {
            "person": found,
            "signals": signal_rows,
            "visits": person_visits,
            "met_visit": met,
            "cases": selectors.cases_for(request.user, person=found, open_only=False),
            "can_manage": can_manage,
            "case_form": forms.OpenCaseForm(),
            "death": case_selectors.death_of(request.user, found),
            "death_form": forms.DeathForm(),
        },
    )


def _signal_code(signal: Any) -> str:
    return {"months": "signal_months", "krw": "signal_amount"}.get(signal.kind.unit, "signal_flag")


# --- Cases, referrals and resources live in case_views.py ---------------------------------------


# --- Concerns ----------------------------------------------------------------------------------


@require_GET
def concerns(request: HttpRequest) -> HttpResponse:
    if not scope_of(request.user).dong_ids(Can.VIEW_PEOPLE):
        raise not_found()
    page = Paginator(selectors.concerns_for(request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    _audit(
        request,
        AuditAction.LIST,
        "welfare_concern",
        _("이웃 알림 목록 열람"),
        shown=len(page.object_list),
    )
    return render(request, "welfare/concerns.html", {"page": page})


@require_http_methods(["GET", "POST"])
def concern_detail(request: HttpRequest, pk: int) -> HttpResponse:
    concern = selectors.concern_for_officer(request.user, pk)
    people = list(selectors.concern_candidates(request.user, concern)[:50])
    form = forms.PersonChoiceForm(request.POST or None, people=people)
    if request.method == "POST" and form.is_valid():
        chosen = next((p for p in people if str(p.pk) == form.cleaned_data["person"]), None)
        visits.resolve_concern(by=request.user, concern=concern, person=chosen, now=timezone.now())
        messages.success(request, _("처리했습니다."))
        return redirect("welfare:concerns")
    _audit(request, AuditAction.VIEW, "welfare_concern", _("이웃 알림 확인"), concern.pk)
    return render(
        request, "welfare/concern_detail.html", {"concern": concern, "people": people, "form": form}
    )


# --- Committee members (phone-sized) -----------------------------------------------------------


@require_GET
def my(request: HttpRequest) -> HttpResponse:
    scope = scope_of(request.user)
    if not (scope.can(Can.VISIT_ASSIGNED) or scope.dong_ids(Can.MANAGE_PEOPLE)):
        raise not_found()
    items = list(selectors.my_assignments(request.user))
    _audit(
        request,
        AuditAction.LIST,
        "welfare_assignment",
        _("맡은 방문 목록 열람"),
        shown=len(items),
    )
    return render(
        request,
        "welfare/my.html",
        {
            "items": items,
            "today": timezone.localdate(),
            "done": presenters.finished_rows(selectors.my_finished(request.user)),
            # A committee member tells of a worried neighbour; an officer records concerns on
            # the concerns page instead (the member's form is not theirs).
            "can_report": scope_of(request.user).can(Can.VISIT_ASSIGNED),
        },
    )


@require_http_methods(["GET", "POST"])
def my_visit(request: HttpRequest, pk: int) -> HttpResponse:
    assignment = selectors.my_assignment(request.user, pk)
    form = forms.VisitForm(
        request.POST or None, dongs=case_selectors.transfer_targets(assignment.person)
    )
    if request.method == "POST" and form.is_valid():
        # Caught here, not by the middleware: the member's typed visit stays in the form.
        try:
            visits.record_visit(
                by=request.user, assignment=assignment, now=timezone.now(), **form.cleaned_data
            )
        except SaramError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("방문을 기록했습니다. 고맙습니다."))
            return redirect("welfare:my")
    _audit(
        request,
        AuditAction.VIEW,
        "person",
        _("방문을 위한 연락처 확인"),
        assignment.person_id,
        assignment=assignment.pk,
    )
    return render(
        request,
        "welfare/my_visit.html",
        {
            "a": assignment,
            "form": form,
            "return_form": forms.ReturnForm(),
            "alert_form": forms.AlertForm(auto_id="urgent_%s"),  # ids apart from the visit form's
            "why": presenters.why_listed(
                selectors.entry_reasons(request.user, assignment), _kinds()
            ),
            "visits": selectors.my_visits(request.user, assignment),
            "today": timezone.localdate(),
        },
    )


@require_POST
def my_return(request: HttpRequest, pk: int) -> HttpResponse:
    assignment = selectors.my_assignment(request.user, pk)
    form = forms.ReturnForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("돌려보내는 까닭을 적어 주세요."))
        return redirect("welfare:my_visit", pk=pk)
    rounds.return_assignment(by=request.user, assignment=assignment, **form.cleaned_data)
    messages.success(request, _("돌려보냈습니다. 담당 공무원이 다시 배정합니다."))
    return redirect("welfare:my")


@require_http_methods(["GET", "POST"])
def my_concern(request: HttpRequest) -> HttpResponse:
    if not scope_of(request.user).can(Can.VISIT_ASSIGNED):
        raise not_found()
    form = forms.ConcernForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            visits.report_concern(by=request.user, now=timezone.now(), **form.cleaned_data)
        except SaramError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("알려 주셔서 고맙습니다. 담당 공무원이 확인합니다."))
            return redirect("welfare:my")
    mine = [
        (c, ConcernStatus(visits.status_seen_by(request.user, c)).label)
        for c in case_selectors.concerns_reported_by(request.user)
    ]
    return render(request, "welfare/my_concern.html", {"form": form, "mine": mine})


# --- Coverage ----------------------------------------------------------------------------------


def _coverage_rows(
    request: HttpRequest, now: dt.datetime
) -> tuple[list[presenters.DongFunnel], list[Any]]:
    """Each dong the user may see with its funnel over the past year (reached against the
    flagged, pending apart from missed) and its open work; and the funnel rows themselves."""
    dongs = list(selectors.coverage_dongs_for(request.user).order_by("gu__code", "code"))
    by_dong, rows = coverage.coverage_of(dong_ids=[d.pk for d in dongs], now=now)
    return [presenters.dong_funnel(d, by_dong[d.pk]) for d in dongs], rows


def _coverage_context(
    lines: list[presenters.DongFunnel], rows: list[Any], today: dt.date
) -> dict[str, Any]:
    total = funnel.total(rows)
    return {
        "lines": lines,
        "total": presenters.dong_funnel(
            None,
            coverage.DongCoverage(
                total,
                sum(line.open_cases for line in lines),
                sum(line.pending_referrals for line in lines),
            ),
        ),
        "total_steps": presenters.funnel_steps(total) if total is not None else [],
        "total_stops": presenters.stop_reasons(total) if total is not None else [],
        "series": presenters.funnel_series(funnel.city_by_month(rows, today=today)),
    }


@require_GET
def coverage_city(request: HttpRequest) -> HttpResponse:
    """The city's (or the officer's dongs') funnel: map, charts and the table per dong."""
    now = timezone.now()
    lines, rows = _coverage_rows(request, now)
    if not lines:
        raise not_found()
    return render(
        request,
        "welfare/coverage.html",
        _coverage_context(lines, rows, timezone.localtime(now).date()),
    )


@require_GET
def coverage_dong(request: HttpRequest, code: str) -> HttpResponse:
    dong = selectors.coverage_dong_for(request.user, code)
    now = timezone.now()
    today = timezone.localtime(now).date()
    by_dong, rows = coverage.coverage_of(dong_ids=[dong.pk], now=now)
    line = presenters.dong_funnel(dong, by_dong[dong.pk])
    context = _coverage_context([line], rows, today)
    context |= {
        "dong": dong,
        "settings": config.settings_for(dong),
        "is_officer": dong.pk in scope_of(request.user).dong_ids(Can.VIEW_PEOPLE),
    }
    return render(request, "welfare/coverage_dong.html", context)


@require_GET
def coverage_geojson(request: HttpRequest) -> HttpResponse:
    """The dongs the user may see, each with the share of its flagged people reached over the
    past year (none when nobody was flagged), for the map."""
    lang = request.LANGUAGE_CODE
    lines, _rows = _coverage_rows(request, timezone.now())
    features = [
        {
            "type": "Feature",
            "geometry": line.dong.boundary,
            "properties": {
                "code": line.dong.code,
                "name": line.dong.name if lang == "ko" else line.dong.name_en,
                "url": reverse("welfare:coverage_dong", args=[line.dong.code]),
                "reached_pct": line.reached_pct,
                "flagged": line.flagged,
                "reached": line.reached,
                "pending": line.pending,
                "missed": line.missed,
            },
        }
        for line in lines
    ]
    body = json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False)
    return HttpResponse(body, content_type="application/geo+json")


# --- Committees (the city administrator) -------------------------------------------------------


@require_GET
def committee_list(request: HttpRequest) -> HttpResponse:
    dongs = list(selectors.committee_dongs_for(request.user))
    if not dongs:
        raise not_found()
    found = {c.dong_id: c for c in selectors.committees_for(request.user)}
    counts = selectors.active_member_counts(found.values())
    return render(
        request,
        "welfare/committees.html",
        {"rows": [(d, found.get(d.pk), counts.get(d.pk, 0)) for d in dongs]},
    )


@require_http_methods(["GET", "POST"])
def committee_detail(request: HttpRequest, code: str) -> HttpResponse:
    dong = selectors.committee_dong_for(request.user, code)
    committee = selectors.committee_of(dong)
    is_admin = scope_of(request.user).can(Can.CONFIGURE)
    form = forms.CommitteeForm(
        request.POST or None,
        initial={
            "name": committee.name if committee else f"{dong.name} 복지위원회",
            "founded_on": committee.founded_on if committee else None,
        },
    )
    if request.method == "POST":
        if not is_admin:
            raise not_found()
        if form.is_valid():
            committees.ensure_committee(by=request.user, dong=dong, **form.cleaned_data)
            messages.success(request, _("저장했습니다."))
            return redirect("welfare:committee_detail", code=code)
    members = selectors.committee_members(committee)
    return render(
        request,
        "welfare/committee.html",
        {
            "dong": dong,
            "committee": committee,
            "form": form,
            "is_admin": is_admin,
            "members": members,
            "meetings": selectors.committee_meetings(committee),
            "member_form": _member_form(dong) if committee and is_admin else None,
            "meeting_form": forms.MeetingForm(members=[m for m in members if m.is_active])
            if committee
            else None,
            "can_record_meeting": committee is not None
            and (is_admin or dong.pk in scope_of(request.user).dong_ids(Can.MANAGE_PEOPLE)),
        },
    )


def _member_form(dong: Any, data: Any = None) -> forms.MemberForm:
    organisations, users = selectors.member_choices(dong)
    return forms.MemberForm(data, organisations=organisations, users=users)


@require_POST
def member_new(request: HttpRequest, code: str) -> HttpResponse:
    dong = selectors.committee_dong_for(request.user, code)
    committee = selectors.committee_of(dong)
    if committee is None or not scope_of(request.user).can(Can.CONFIGURE):
        raise not_found()
    form = _member_form(dong, request.POST)
    if form.is_valid():
        data = form.cleaned_data
        committees.add_member(
            by=request.user,
            committee=committee,
            name=data["name"],
            role=data["role"],
            organisation=selectors.organisation_of_dong(dong, data["organisation"]),
            user=selectors.member_account_of_dong(dong, data["user"]),
            phone=data["phone"],
            joined_on=data["joined_on"],
        )
        messages.success(request, _("위원을 위촉했습니다."))
    else:
        messages.error(request, _("이름과 위촉일을 확인해 주세요."))
    return redirect("welfare:committee_detail", code=code)


@require_POST
def member_end(request: HttpRequest, pk: int) -> HttpResponse:
    member = selectors.member_for(request.user, pk)
    if not scope_of(request.user).can(Can.CONFIGURE):
        raise not_found()
    if not forms.ConfirmForm(request.POST).is_valid():
        messages.error(request, _("해촉하려면 확인란에 표시해 주세요."))
    else:
        committees.end_membership(by=request.user, member=member, left_on=timezone.localdate())
    return redirect("welfare:committee_detail", code=member.committee.dong.code)


@require_POST
def meeting_new(request: HttpRequest, code: str) -> HttpResponse:
    dong = selectors.committee_dong_for(request.user, code)
    committee = selectors.committee_of(dong)
    if committee is None:
        raise not_found()
    members = selectors.committee_members(committee, serving_only=True)
    form = forms.MeetingForm(request.POST, members=members)
    if form.is_valid():
        data = form.cleaned_data
        committees.record_meeting(
            by=request.user,
            committee=committee,
            held_on=data["held_on"],
            place=data["place"],
            minutes=data["minutes"],
            attendees=[m for m in members if str(m.pk) in data["attendees"]],
            decisions=data["decisions"].splitlines(),
        )
        messages.success(request, _("회의를 기록했습니다."))
    else:
        messages.error(request, _("회의일을 확인해 주세요."))
    return redirect("welfare:committee_detail", code=code)


@require_GET
def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = selectors.meeting_for(request.user, pk)
    return render(request, "welfare/meeting.html", {"meeting": meeting})


# --- Configuration -----------------------------------------------------------------------------


@require_GET
def config_view(request: HttpRequest) -> HttpResponse:
    versions = selectors.configs_for(request.user)
    city = current_city()
    if city is None or (not versions.exists() and not scope_of(request.user).can(Can.CONFIGURE)):
        raise not_found()
    current = config.ensure_default_config(city=city)
    return render(
        request,
        "welfare/config.html",
        {
            "current": current,
            "weights": selectors.config_weights(current),
            "versions": selectors.config_versions_for(request.user, city),
            "is_admin": scope_of(request.user).can(Can.CONFIGURE),
            "dongs": selectors.committee_dongs_for(request.user)
            if scope_of(request.user).can(Can.CONFIGURE)
            else selectors.welfare_dongs_for(request.user),
        },
    )


@require_GET
def config_version(request: HttpRequest, pk: int) -> HttpResponse:
    version = selectors.config_for(request.user, pk)
    kinds = {k.code: k for k in reasons.kinds_by_code().values()}
    return render(
        request,
        "welfare/config_version.html",
        {
            "version": version,
            "weights": selectors.config_weights(version),
            "changes": [(c, kinds.get(c.get("kind", ""))) for c in version.changes],
            "rounds": selectors.rounds_of_config_for(request.user, version),
        },
    )


@require_http_methods(["GET", "POST"])
def config_edit(request: HttpRequest) -> HttpResponse:
    if not scope_of(request.user).can(Can.CONFIGURE):
        raise not_found()
    city = _city()
    current = config.ensure_default_config(city=city, by=request.user)
    weights = selectors.config_weights(current)
    form = forms.ConfigForm(
        request.POST or None,
        weights=weights,
        initial={f: getattr(current, f) for f in config.HOUSEHOLD_FIELDS},
    )
    if request.method == "POST" and form.is_valid():
        version = config.change_config(
            by=request.user,
            city=city,
            weights=form.weight_changes(),
            household={f: form.cleaned_data[f] for f in config.HOUSEHOLD_FIELDS},
            note=form.cleaned_data["note"],
        )
        messages.success(request, _("설정 %(v)s판을 만들었습니다.") % {"v": version.version})
        return redirect("welfare:config")
    return render(request, "welfare/config_edit.html", {"form": form, "current": current})


@require_http_methods(["GET", "POST"])
def kind_new(request: HttpRequest) -> HttpResponse:
    if not scope_of(request.user).can(Can.CONFIGURE):
        raise not_found()
    form = forms.SignalKindForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        config.add_signal_kind(by=request.user, city=_city(), **form.cleaned_data)
        messages.success(request, _("신호 유형을 더했습니다."))
        return redirect("welfare:config")
    return render(
        request,
        "welfare/form.html",
        {"form": form, "title": _("신호 유형 추가"), "back": reverse("welfare:config")},
    )


@require_http_methods(["GET", "POST"])
def dong_settings(request: HttpRequest, code: str) -> HttpResponse:
    scope = scope_of(request.user)
    dong = selectors.committee_dong_for(request.user, code)
    if not (scope.can(Can.CONFIGURE) or dong.pk in scope.dong_ids(Can.MANAGE_PEOPLE)):
        raise not_found()
    current = config.settings_for(dong)
    form = forms.DongSettingsForm(
        request.POST or None,
        initial={
            "sla_days": current.sla_days,
            "list_size": current.list_size,
            "recent_visit_days": current.recent_visit_days,
        },
    )
    if request.method == "POST" and form.is_valid():
        config.set_dong_settings(by=request.user, dong=dong, **form.cleaned_data)
        messages.success(request, _("저장했습니다."))
        return redirect("welfare:coverage_dong", code=code)
    return render(
        request,
        "welfare/form.html",
        {
            "form": form,
            "title": _("%(dong)s 발굴 설정") % {"dong": dong.display_name},
            "back": reverse("welfare:coverage_dong", args=[code]),
        },
    )


@require_http_methods(["GET", "POST"])
def model_check(request: HttpRequest) -> HttpResponse:
    """The learned model beside the points model on held-out past rounds: the page shows the
    stored models (results, who switching adds and drops, coefficients, windows) and which is
    in use; a POST asks a task to fit and compare a new one (no fitting here)."""
    scope = scope_of(request.user)
    if not (scope.can(Can.CONFIGURE) or scope.dong_ids(Can.VIEW_PEOPLE)):
        raise not_found()
    city = _city()
    form = forms.ModelCheckForm(request.POST or request.GET or None)
    k = form.cleaned_data["k"] if form.is_valid() else 20
    if request.method == "POST" and form.is_valid():
        jobs.start_job(
            by=request.user,
            kind=selectors.MODEL_CHECK_JOB,
            label=gettext_noop("두 모형 비교"),  # a msgid, shown in the reader's language
            params={"city": city.pk, "k": k},
            enqueue=compare_models_task.enqueue,
        )
        messages.success(request, _("비교를 시작했습니다. 끝나면 이 화면에 나옵니다."))
        return redirect(f"{reverse('welfare:model_check')}?k={k}")
    job = selectors.latest_model_check(request.user, k=k)
    stored = selectors.learned_models_for(request.user, city)
    kinds = _kinds()
    return render(
        request,
        "welfare/model_check.html",
        {
            "models": [presenters.learned_model(m, kinds) for m in stored],
            "in_use": next((m for m in stored if m.is_in_use), None),
            "can_choose": scope.can(Can.CONFIGURE),
            "form": form,
            "k": k,
            "job": job if job is not None and job.status != "succeeded" else None,
        },
    )


@require_POST
def model_use(request: HttpRequest, pk: int) -> HttpResponse:
    """The city administrator puts a stored learned model in use, having seen who it adds and
    drops (the form asks to confirm); refused unless it beat the points model."""
    model = selectors.learned_model_for(request.user, pk)
    if not request.POST.get("confirm"):
        messages.error(
            request, _("바꾸기 전에 목록에 새로 오르고 빠지는 사람을 확인했다고 표시해 주세요.")
        )
        return redirect("welfare:model_check")
    learned.choose_model(by=request.user, model=model, now=timezone.now())
    messages.success(request, _("새 회차부터 학습 모형을 씁니다."))
    return redirect("welfare:model_check")


@require_POST
def model_points(request: HttpRequest) -> HttpResponse:
    """The city administrator goes back to the points model for new rounds."""
    if not scope_of(request.user).can(Can.CONFIGURE):
        raise not_found()
    learned.use_points_model(by=request.user, city=_city(), now=timezone.now())
    messages.success(request, _("새 회차부터 점수 모형을 씁니다."))
    return redirect("welfare:model_check")
