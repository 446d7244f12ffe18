"""The incubator staff's pages that change or remove a tenant's founder, milestone or mentoring
session. A removal asks first and is refused (with the reason) where it would lose what the
firm relies on: progress its founders reported, a mentoring session already held, a founder's
bookings ahead on the firm's credits. Thin, in the shape of views_incubator."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from saram.making import forms_incubator as forms
from saram.making import selectors_incubator as incubator_selectors
from saram.making.services import incubator as incubator_services
from saram.making.services._common import SEOUL, local
from saram.making.views_incubator import GET_POST, _form_page, _saved
from saram.making.views_staff import _aware, _confirm


def _back(tenant_id: int, part: str) -> str:
    return reverse("making:tenant", args=[tenant_id]) + f"#{part}"


# --- Milestones ----------------------------------------------------------------------------------


@GET_POST
def milestone_edit(request: HttpRequest, pk: int) -> HttpResponse:
    milestone = incubator_selectors.milestone_to_manage(request.user, pk)
    form = forms.MilestoneForm(
        request.POST or None, initial={"title": milestone.title, "due_on": milestone.due_on}
    )
    if request.method == "POST" and form.is_valid():
        done = _saved(
            form,
            lambda: incubator_services.set_milestone(
                by=request.user,
                tenant=milestone.tenant,
                title=form.cleaned_data["title"].strip(),
                due_on=form.cleaned_data["due_on"],
                milestone=milestone,
            ),
        )
        if done is not None:
            messages.success(request, _("목표를 고쳤습니다."))
            return redirect(_back(milestone.tenant_id, "milestones"))
    return _form_page(
        request,
        form,
        title=_("목표 고치기: %(title)s") % {"title": milestone.title},
        back=_back(milestone.tenant_id, "milestones"),
        note=_("창업자가 적은 진행률은 그대로 남습니다."),
    )


@GET_POST
def milestone_remove(request: HttpRequest, pk: int) -> HttpResponse:
    milestone = incubator_selectors.milestone_to_manage(request.user, pk)
    back = _back(milestone.tenant_id, "milestones")
    if request.method == "POST":
        incubator_services.remove_milestone(by=request.user, milestone=milestone)
        messages.success(
            request, _("목표 '%(title)s'을(를) 지웠습니다.") % {"title": milestone.title}
        )
        return redirect(back)
    return _confirm(
        request,
        title=_("목표 지우기: %(title)s") % {"title": milestone.title},
        question=_("이 목표를 %(firm)s의 계획에서 지울까요? 되돌릴 수 없습니다.")
        % {"firm": milestone.tenant.organisation.name},
        action=_("목표 지우기"),
        back=back,
        facts=[
            _("기한 %(due)s") % {"due": milestone.due_on.isoformat()},
            _("창업자가 진행률을 적은 목표는 지울 수 없습니다. 기한이 바뀌었으면 고치세요."),
        ],
    )


# --- Mentoring sessions --------------------------------------------------------------------------


@GET_POST
def mentoring_edit(request: HttpRequest, pk: int) -> HttpResponse:
    session = incubator_selectors.mentoring_to_manage(request.user, pk)
    form = forms.MentoringForm(
        request.POST or None,
        initial={
            "at": timezone.localtime(session.at, SEOUL),
            "mentor": session.mentor,
            "topic": session.topic,
        },
    )
    if request.method == "POST" and form.is_valid():
        done = _saved(
            form,
            lambda: incubator_services.update_mentoring(
                by=request.user,
                session=session,
                at=_aware(form.cleaned_data["at"]),
                mentor=form.cleaned_data["mentor"].strip(),
                topic=form.cleaned_data["topic"].strip(),
            ),
        )
        if done is not None:
            messages.success(request, _("멘토링 기록을 고쳤습니다."))
            return redirect(_back(session.tenant_id, "mentoring"))
    return _form_page(
        request,
        form,
        title=_("멘토링 고치기: %(firm)s") % {"firm": session.tenant.organisation.name},
        back=_back(session.tenant_id, "mentoring"),
    )


@GET_POST
def mentoring_remove(request: HttpRequest, pk: int) -> HttpResponse:
    session = incubator_selectors.mentoring_to_manage(request.user, pk)
    back = _back(session.tenant_id, "mentoring")
    if request.method == "POST":
        incubator_services.remove_mentoring(by=request.user, session=session, now=timezone.now())
        messages.success(request, _("예정된 멘토링을 지웠습니다."))
        return redirect(back)
    return _confirm(
        request,
        title=_("멘토링 지우기: %(firm)s") % {"firm": session.tenant.organisation.name},
        question=_("%(at)s %(mentor)s 멘토링(%(topic)s)을 지울까요? 되돌릴 수 없습니다.")
        % {"at": local(session.at), "mentor": session.mentor, "topic": session.topic},
        action=_("멘토링 지우기"),
        back=back,
        facts=[_("이미 열린 멘토링은 보육 실적이라 지울 수 없고, 고칠 수만 있습니다.")],
    )


# --- Founders ------------------------------------------------------------------------------------


@GET_POST
def founder_edit(request: HttpRequest, pk: int) -> HttpResponse:
    founder = incubator_selectors.founder_to_manage(request.user, pk)
    form = forms.FounderForm(
        request.POST or None,
        initial={
            "name": founder.name,
            "title": founder.title,
            "login": founder.user.get_username() if founder.user else "",
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        done = _saved(
            form,
            lambda: incubator_services.update_founder(
                by=request.user,
                founder=founder,
                name=data["name"].strip(),
                title=data.get("title", "").strip(),
                user=data.get("login"),
                now=timezone.now(),
            ),
        )
        if done is not None:
            messages.success(request, _("창업자 정보를 고쳤습니다."))
            return redirect(_back(founder.tenant_id, "founders"))
    return _form_page(
        request,
        form,
        title=_("창업자 고치기: %(name)s") % {"name": founder.name},
        back=_back(founder.tenant_id, "founders"),
        note=_("계정을 비우거나 바꾸면 그 계정은 더 이상 회사 페이지와 크레딧을 쓰지 못합니다."),
    )


@GET_POST
def founder_remove(request: HttpRequest, pk: int) -> HttpResponse:
    founder = incubator_selectors.founder_to_manage(request.user, pk)
    back = _back(founder.tenant_id, "founders")
    now = timezone.now()
    if request.method == "POST":
        incubator_services.remove_founder(by=request.user, founder=founder, now=now)
        messages.success(request, _("창업자 %(name)s 님을 뺐습니다.") % {"name": founder.name})
        return redirect(back)
    ahead = incubator_selectors.founder_bookings_ahead(founder, now=now)
    facts = [
        _("%(name)s 님의 계정은 이 회사 페이지와 장비 크레딧을 더 이상 쓰지 못합니다.")
        % {"name": founder.name}
        if founder.user_id
        else _("연결된 계정이 없습니다."),
    ]
    if ahead:
        facts.append(
            _("회사 크레딧으로 잡은 예약 %(n)s건이 남아 있어 지금은 뺄 수 없습니다.") % {"n": ahead}
        )
    return _confirm(
        request,
        title=_("창업자 빼기: %(name)s") % {"name": founder.name},
        question=_("%(name)s 님을 %(firm)s의 창업자에서 뺄까요?")
        % {"name": founder.name, "firm": founder.tenant.organisation.name},
        action=_("창업자 빼기"),
        back=back,
        facts=facts,
    )
