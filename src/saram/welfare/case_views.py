"""Thin views of case work: cases and their steps, 팀장 결재, referrals, resources, consent,
transfers between dongs, the help-request queue and offline-visit conflicts.

Each view parses with a Form, calls a scoped selector or a service and renders a view-model;
domain errors go to `SaramErrorMiddleware` (a message on the page the user came from).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from saram.core import audit
from saram.core.access import Can, not_found, scope_of
from saram.core.errors import SaramError
from saram.core.models import AuditAction
from saram.core.selectors import current_city
from saram.welfare import case_forms, case_presenters, case_selectors, forms, selectors
from saram.welfare.models import NeedCategory
from saram.welfare.services import (
    cases,
    consent,
    life_events,
    referrals,
    requests,
    sync,
    transfers,
)

PAGE_SIZE = 50


def _audit(
    request: HttpRequest,
    action: str,
    target_type: str,
    purpose: str,
    target_id: Any = "",
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


def _invalid(form: Any) -> SaramError:
    """A form's first error as a domain error (shown on the page the user came from)."""
    field, errors = next(iter(form.errors.items()))
    label = form.fields[field].label if field in form.fields else ""
    if label:
        return SaramError("welfare_form_invalid", field=str(label), error=str(errors[0]))
    return SaramError("welfare_form_invalid_any", error=str(errors[0]))


# --- Cases -------------------------------------------------------------------------------------


@require_GET
def case_list(request: HttpRequest) -> HttpResponse:
    if not scope_of(request.user).dong_ids(Can.VIEW_PEOPLE):
        raise not_found()
    show_closed = case_forms.CaseFilterForm(request.GET).closed_only()
    qs = case_selectors.case_list_for(request.user, closed=show_closed)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    _audit(
        request,
        AuditAction.LIST,
        "welfare_case",
        _("사례 목록 열람"),
        closed=show_closed,
        shown=len(page.object_list),
    )
    return render(
        request,
        "welfare/cases.html",
        {
            "page": page,
            "show_closed": show_closed,
            "pending": selectors.referrals_for(request.user)[:100],
            "approvals": case_selectors.approvals_for(request.user)[:50],
        },
    )


@require_POST
def case_new(request: HttpRequest, person_pk: int) -> HttpResponse:
    found = selectors.person_for_officer(request.user, person_pk)
    form = forms.OpenCaseForm(request.POST)
    if not form.is_valid():
        raise _invalid(form)
    visit = None
    visit_id = request.POST.get("visit")
    if visit_id and visit_id.isdigit():
        visit = selectors.visit_of(request.user, found, int(visit_id))
    detail = form.cleaned_data["detail"]
    case = cases.open_case(
        by=request.user,
        person=found,
        programme=form.cleaned_data["programme"],
        needs=[(c, detail) for c in form.cleaned_data["needs"]],
        visit=visit,
        intake_note=form.cleaned_data["intake_note"],
        now=timezone.now(),
    )
    messages.success(request, _("사례를 열었습니다."))
    return redirect("welfare:case_detail", pk=case.pk)


@require_GET
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    case = selectors.case_for(request.user, pk)
    _audit(request, AuditAction.VIEW, "welfare_case", _("사례 열람"), case.pk)
    context = case_presenters.case_page(request.user, case, today=timezone.localdate())
    return render(request, "welfare/case.html", context)


def _case_post(
    handler: Callable[[HttpRequest, Any], str | None],
) -> Callable[[HttpRequest, int], HttpResponse]:
    """A POST that changes a case: the case from the user's scope, a message, back to it."""

    @require_POST
    def view(request: HttpRequest, pk: int) -> HttpResponse:
        case = selectors.case_for(request.user, pk)
        done = handler(request, case)
        if done:
            messages.success(request, done)
        return redirect("welfare:case_detail", pk=case.pk)

    view.__name__ = handler.__name__
    view.__doc__ = handler.__doc__
    return view


@_case_post
def case_assess(request: HttpRequest, case: Any) -> str | None:
    form = case_forms.AssessForm(request.POST)
    if not form.is_valid():
        raise _invalid(form)
    cases.assess(
        by=request.user,
        case=case,
        needs=[(c, "") for c in form.cleaned_data["needs"]],
        note=form.cleaned_data["note"],
        now=timezone.now(),
    )
    return _("욕구 사정을 기록했습니다.")


@_case_post
def case_conference(request: HttpRequest, case: Any) -> str | None:
    form = case_forms.ConferenceForm(request.POST)
    if not form.is_valid():
        raise _invalid(form)
    cases.hold_conference(by=request.user, case=case, now=timezone.now(), **form.cleaned_data)
    return _("사례회의를 기록했습니다.")


@_case_post
def case_plan_approval(request: HttpRequest, case: Any) -> str | None:
    form = case_forms.ApprovalRequestForm(request.POST)
    if not form.is_valid():
        raise _invalid(form)
    cases.request_plan_approval(
        by=request.user, case=case, note=form.cleaned_data["note"], now=timezone.now()
    )
    return _("팀장에게 계획 결재를 요청했습니다.")


@_case_post
def case_close(request: HttpRequest, case: Any) -> str | None:
    form = case_forms.ClosureRequestForm(request.POST)
    if not form.is_valid():
        raise _invalid(form)
    cases.request_closure(by=request.user, case=case, now=timezone.now(), **form.cleaned_data)
    return _("팀장에게 종결 결재를 요청했습니다.")


@_case_post
def case_need(request: HttpRequest, case: Any) -> str | None:
    form = forms.NeedForm(request.POST)
    if not form.is_valid():
        raise _invalid(form)
    cases.add_need(by=request.user, case=case, **form.cleaned_data)
    return _("욕구를 더했습니다.")


@_case_post
def case_need_met(request: HttpRequest, case: Any) -> str | None:
    need = case_selectors.case_need(case, request.POST.get("need"))
    if need is None:
        raise not_found()
    cases.set_need_met(by=request.user, need=need, is_met=request.POST.get("met") == "1")
    return None


@_case_post
def case_action(request: HttpRequest, case: Any) -> str | None:
    officers = cases.officers_of(case)
    form = forms.ActionForm(request.POST, officers=officers, needs=list(case.needs.all()))
    if not form.is_valid():
        raise _invalid(form)
    data = form.cleaned_data
    owner = next((o for o in officers if str(o.pk) == data["owner"]), None)
    cases.add_action(
        by=request.user,
        case=case,
        action=data["action"],
        due_on=data["due_on"],
        owner=owner,
        owner_name=data["owner_name"],
        need=case_selectors.case_need(case, data["need"]),
    )
    return _("계획에 더했습니다.")


@_case_post
def case_action_done(request: HttpRequest, case: Any) -> str | None:
    step = case_selectors.plan_step(case, request.POST.get("action"))
    cases.complete_action(by=request.user, step=step, now=timezone.now())
    return None


@_case_post
def case_note(request: HttpRequest, case: Any) -> str | None:
    form = forms.NoteForm(request.POST)
    if not form.is_valid():
        raise _invalid(form)
    cases.add_note(by=request.user, case=case, text=form.cleaned_data["text"], now=timezone.now())
    return _("기록했습니다.")


@_case_post
def case_worker(request: HttpRequest, case: Any) -> str | None:
    officers = cases.officers_of(case)
    form = forms.WorkerForm(request.POST, officers=officers)
    if not form.is_valid():
        raise _invalid(form)
    worker = next(o for o in officers if str(o.pk) == form.cleaned_data["worker"])
    cases.add_worker(by=request.user, case=case, worker=worker)
    return _("담당자를 더했습니다.")


@_case_post
def case_referral(request: HttpRequest, case: Any) -> str | None:
    resources = [
        r for r in selectors.resources_for(request.user) if r.dong_id in (None, case.dong_id)
    ]
    form = forms.ReferralForm(request.POST, resources=resources, needs=list(case.needs.all()))
    if not form.is_valid():
        raise _invalid(form)
    resource = next(r for r in resources if str(r.pk) == form.cleaned_data["resource"])
    referrals.refer(
        by=request.user,
        case=case,
        resource=resource,
        need=case_selectors.case_need(case, form.cleaned_data["need"]),
        note=form.cleaned_data["note"],
        now=timezone.now(),
    )
    return _("의뢰했습니다.")


@_case_post
def case_follow_up(request: HttpRequest, case: Any) -> str | None:
    form = forms.FollowUpForm(request.POST, dongs=case_selectors.transfer_targets(case.person))
    if not form.is_valid():
        raise _invalid(form)
    cases.record_check(by=request.user, case=case, now=timezone.now(), **form.cleaned_data)
    return _("점검 방문을 기록했습니다.")


@require_POST
def referral_update(request: HttpRequest, pk: int) -> HttpResponse:
    referral = selectors.referral_for(request.user, pk)
    form = case_forms.ReferralAnswerForm(request.POST)
    if not form.is_valid():
        raise _invalid(form)
    referrals.update_referral(
        by=request.user, referral=referral, now=timezone.now(), **form.cleaned_data
    )
    messages.success(request, _("의뢰 회신을 기록했습니다."))
    return redirect("welfare:case_detail", pk=referral.case_id)


# --- 결재 ---------------------------------------------------------------------------------------


@require_GET
def approvals(request: HttpRequest) -> HttpResponse:
    if not scope_of(request.user).dong_ids(Can.APPROVE_CASES):
        raise not_found()
    items = list(case_selectors.approvals_for(request.user))
    _audit(request, AuditAction.LIST, "welfare_case", _("결재 목록 열람"), shown=len(items))
    return render(
        request,
        "welfare/approvals.html",
        {
            # Each request's own form (its own field ids, so a label ticks its own choice),
            # and what is asked: the plan's steps or what is still open at closure.
            "items": [
                (
                    a,
                    case_forms.DecisionForm(auto_id=f"a{a.pk}_%s"),
                    cases.describe_blockers(a.blockers) if a.blockers else "",
                )
                for a in items
            ],
            "done": case_selectors.decided_approvals_for(request.user),
        },
    )


@require_POST
def approval_decide(request: HttpRequest, pk: int) -> HttpResponse:
    approval = case_selectors.approval_for(request.user, pk)
    form = case_forms.DecisionForm(request.POST)
    if not form.is_valid():
        raise _invalid(form)
    approve = form.cleaned_data["decision"] == "approve"
    cases.decide(
        by=request.user,
        approval=approval,
        approve=approve,
        note=form.cleaned_data["note"],
        now=timezone.now(),
    )
    messages.success(request, _("승인했습니다.") if approve else _("반려했습니다."))
    return redirect(request.POST.get("next") or reverse("welfare:approvals"))


# --- Resources ---------------------------------------------------------------------------------


@require_GET
def resources(request: HttpRequest) -> HttpResponse:
    scope = scope_of(request.user)
    if not (scope.can(Can.CONFIGURE) or scope.dong_ids(Can.VIEW_PEOPLE)):
        raise not_found()
    need = case_forms.ResourceFilterForm(request.GET).need_code()
    items = case_selectors.resources_helping(
        selectors.resources_for(request.user, active_only=not scope.can(Can.CONFIGURE)), need
    )
    active = case_selectors.open_referral_counts([r.pk for r in items])
    return render(
        request,
        "welfare/resources.html",
        {
            "rows": [(r, active.get(r.pk, 0)) for r in items],
            "need": need,
            "needs": NeedCategory.choices,
            "can_edit": scope.can(Can.CONFIGURE),
        },
    )


RESOURCE_FIELDS = (
    "name",
    "kind",
    "provider",
    "needs",
    "description",
    "eligibility",
    "capacity",
    "contact",
    "is_active",
)


@require_http_methods(["GET", "POST"])
def resource_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    if not scope_of(request.user).can(Can.CONFIGURE):
        raise not_found()
    resource = selectors.resource_for(request.user, pk) if pk else None
    initial = {f: getattr(resource, f) for f in RESOURCE_FIELDS} if resource else {}
    form = forms.ResourceForm(request.POST or None, initial=initial or {"is_active": True})
    if request.method == "POST" and form.is_valid():
        city = current_city()
        if city is None:
            raise not_found()
        try:
            referrals.save_resource(
                by=request.user, city=city, resource=resource, **form.cleaned_data
            )
        except SaramError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("저장했습니다."))
            return redirect("welfare:resources")
    return render(
        request,
        "welfare/form.html",
        {"form": form, "title": _("자원"), "back": reverse("welfare:resources")},
    )


# --- Consent -----------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def person_consents(request: HttpRequest, pk: int) -> HttpResponse:
    person = selectors.person_for_officer(request.user, pk)
    can_manage = person.dong_id in scope_of(request.user).dong_ids(Can.MANAGE_PEOPLE)
    form = case_forms.ConsentForm(
        request.POST or None, request.FILES or None, initial={"given_on": timezone.localdate()}
    )
    if request.method == "POST":
        if not can_manage:
            raise not_found()
        if form.is_valid():
            try:
                consent.record_consent(
                    by=request.user, person=person, now=timezone.now(), **form.cleaned_data
                )
            except SaramError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, _("동의를 기록했습니다."))
                return redirect("welfare:person_consents", pk=person.pk)
    _audit(request, AuditAction.VIEW, "person", _("동의 기록 열람"), person.pk)
    return render(
        request,
        "welfare/consents.html",
        {
            "person": person,
            "consents": case_selectors.consents_of(request.user, person),
            "form": form,
            "withdraw_form": case_forms.WithdrawConsentForm(initial={"on": timezone.localdate()}),
            "can_manage": can_manage,
            "without_consent": consent.WITHOUT_CONSENT,
        },
    )


@require_POST
def consent_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    given = case_selectors.consent_for(request.user, pk)
    form = case_forms.WithdrawConsentForm(request.POST)
    if not form.is_valid():
        raise _invalid(form)
    consent.withdraw_consent(
        by=request.user, consent=given, on=form.cleaned_data["on"], note=form.cleaned_data["note"]
    )
    messages.success(request, _("동의 철회를 기록했습니다."))
    return redirect("welfare:person_consents", pk=given.person_id)


@require_GET
def consent_scan(request: HttpRequest, pk: int) -> HttpResponse:
    given = case_selectors.consent_for(request.user, pk)
    if not given.scan:
        raise not_found()
    _audit(
        request,
        AuditAction.VIEW,
        "person",
        _("동의서 스캔 열람"),
        given.person_id,
        consent=given.pk,
    )
    return FileResponse(
        given.scan.open("rb"), as_attachment=True, filename=given.scan.name.rsplit("/", 1)[-1]
    )


# --- Transfers ---------------------------------------------------------------------------------


@require_GET
def transfer_list(request: HttpRequest) -> HttpResponse:
    if not scope_of(request.user).dong_ids(Can.VIEW_PEOPLE):
        raise not_found()
    items = list(case_selectors.transfers_for(request.user)[:200])
    _audit(request, AuditAction.LIST, "person", _("이관 목록 열람"), shown=len(items))
    mine = scope_of(request.user).dong_ids(Can.MANAGE_PEOPLE)
    tasks = list(case_selectors.move_tasks_for(request.user))
    return render(
        request,
        "welfare/transfers.html",
        {
            "items": items,
            "tasks": tasks,
            "mine": mine,
            "accept_form": case_forms.AcceptTransferForm(),
            "today": timezone.localdate(),
        },
    )


@require_POST
def move_task_close(request: HttpRequest, pk: int) -> HttpResponse:
    task = case_selectors.move_task_for(request.user, pk)
    life_events.close_move_task(by=request.user, task=task, now=timezone.now())
    messages.success(request, _("이사하지 않은 것으로 기록했습니다."))
    return redirect("welfare:transfers")


@require_POST
def person_death(request: HttpRequest, pk: int) -> HttpResponse:
    person = case_selectors.person_to_manage(request.user, pk)
    form = forms.DeathForm(request.POST)
    if not form.is_valid():
        raise _invalid(form)
    death = life_events.record_death(
        by=request.user, person=person, now=timezone.now(), **form.cleaned_data
    )
    messages.success(
        request,
        _(
            "사망을 기록했습니다. 사례 %(cases)s건, 의뢰 %(referrals)s건, 방문 %(visits)s건, "
            "긴급 알림 %(alerts)s건을 닫았습니다."
        )
        % {
            "cases": death.closed_cases,
            "referrals": death.closed_referrals,
            "visits": death.closed_visits,
            "alerts": death.closed_alerts,
        },
    )
    return redirect("welfare:person", pk=person.pk)


@require_http_methods(["GET", "POST"])
def transfer_new(request: HttpRequest, pk: int) -> HttpResponse:
    person = selectors.person_for_officer(request.user, pk)
    if person.dong_id not in scope_of(request.user).dong_ids(Can.MANAGE_PEOPLE):
        raise not_found()
    dongs = list(case_selectors.transfer_targets(person))
    form = case_forms.TransferForm(request.POST or None, dongs=dongs)
    if request.method == "POST" and form.is_valid():
        to_dong = next(d for d in dongs if str(d.pk) == form.cleaned_data["to_dong"])
        try:
            transfers.open_transfer(
                by=request.user,
                person=person,
                to_dong=to_dong,
                new_address=form.cleaned_data["new_address"],
                handover_note=form.cleaned_data["handover_note"],
                now=timezone.now(),
            )
        except SaramError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("이관을 요청했습니다. 전입한 동의 담당이 인수합니다."))
            return redirect("welfare:transfers")
    return render(
        request,
        "welfare/form.html",
        {
            "form": form,
            "title": _("다른 동으로 이관"),
            "back": reverse("welfare:person", args=[person.pk]),
        },
    )


@require_POST
def transfer_accept(request: HttpRequest, pk: int) -> HttpResponse:
    transfer = case_selectors.transfer_for(request.user, pk)
    form = case_forms.AcceptTransferForm(request.POST)
    if not form.is_valid():
        raise _invalid(form)
    transfers.accept_transfer(
        by=request.user, transfer=transfer, note=form.cleaned_data["note"], now=timezone.now()
    )
    messages.success(request, _("인수했습니다. 이제 이 주민과 사례는 우리 동의 담당입니다."))
    return redirect("welfare:transfers")


@require_POST
def transfer_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    transfer = case_selectors.transfer_for(request.user, pk)
    transfers.cancel_transfer(by=request.user, transfer=transfer, now=timezone.now())
    messages.success(request, _("이관 요청을 취소했습니다."))
    return redirect("welfare:transfers")


# --- Help requests from the public door --------------------------------------------------------


@require_GET
def help_queue(request: HttpRequest) -> HttpResponse:
    if not scope_of(request.user).dong_ids(Can.VIEW_PEOPLE):
        raise not_found()
    show_all = case_forms.HelpQueueFilterForm(request.GET).show_all()
    page = Paginator(
        case_selectors.help_requests_for(request.user, open_only=not show_all), PAGE_SIZE
    ).get_page(request.GET.get("page"))
    _audit(
        request,
        AuditAction.LIST,
        "welfare_help_request",
        _("도움 요청 목록 열람"),
        shown=len(page.object_list),
    )
    return render(
        request,
        "welfare/help_queue.html",
        {"page": page, "show_all": show_all, "today": timezone.localdate()},
    )


@require_http_methods(["GET", "POST"])
def help_request_detail(request: HttpRequest, pk: int) -> HttpResponse:
    item = case_selectors.help_request_for(request.user, pk)
    form = case_forms.HelpAnswerForm(
        request.POST or None, dongs=case_selectors.help_move_targets(item)
    )
    if request.method == "POST":
        if item.dong_id not in scope_of(request.user).dong_ids(Can.MANAGE_PEOPLE):
            raise not_found()
        if "person" in request.POST:
            person_id = request.POST.get("person") or ""
            person = case_selectors.help_candidate(item, person_id)
            if person_id and person is None:
                raise not_found()
            requests.link_person(by=request.user, request=item, person=person, now=timezone.now())
            messages.success(
                request, _("주민과 연결했습니다.") if person else _("연결을 풀었습니다.")
            )
            return redirect("welfare:help_request", pk=item.pk)
        if form.is_valid():
            try:
                requests.answer_request(
                    by=request.user, request=item, now=timezone.now(), **form.cleaned_data
                )
            except SaramError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, _("처리를 기록했습니다."))
                return redirect("welfare:help_queue")
    _audit(request, AuditAction.VIEW, "welfare_help_request", _("도움 요청 열람"), item.pk)
    return render(
        request,
        "welfare/help_request.html",
        {
            "item": item,
            "form": form,
            "candidates": case_selectors.help_candidates(item),
            "today": timezone.localdate(),
        },
    )


# --- Offline-visit conflicts -------------------------------------------------------------------


@require_GET
def conflicts(request: HttpRequest) -> HttpResponse:
    if not scope_of(request.user).dong_ids(Can.MANAGE_PEOPLE):
        raise not_found()
    items = list(case_selectors.conflicts_for(request.user))
    _audit(
        request, AuditAction.LIST, "welfare_visit", _("오프라인 방문 충돌 열람"), shown=len(items)
    )
    return render(
        request,
        "welfare/conflicts.html",
        {"items": items, "form": case_forms.ConflictForm()},
    )


@require_POST
def conflict_resolve(request: HttpRequest, pk: int) -> HttpResponse:
    conflict = case_selectors.conflict_for(request.user, pk)
    form = case_forms.ConflictForm(request.POST)
    if not form.is_valid():
        raise _invalid(form)
    sync.resolve_conflict(
        by=request.user,
        conflict=conflict,
        keep=form.cleaned_data["keep"] == "1",
        now=timezone.now(),
    )
    messages.success(request, _("처리했습니다."))
    return redirect("welfare:conflicts")
