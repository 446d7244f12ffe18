"""Staff pages for the print service's rules, kept as versioned data: discounts on quotes (centre
staff) and the yearly assistive-device budgets (the city). List, add, change as a new version
from a day, end with a confirmation; each problem is shown beside its field."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from saram.core.errors import SaramError
from saram.making import presenters_printing as present
from saram.making import selectors_printing as selectors
from saram.making.models import Discount
from saram.making.services import print_rules

GET_POST = require_http_methods(["GET", "POST"])
_DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class DiscountForm(forms.ModelForm):
    class Meta:
        model = Discount
        fields = list(print_rules.DISCOUNT_FIELDS)
        widgets = {"valid_from": _DATE, "valid_until": _DATE}
        help_texts = {
            "rate_percent": gettext_lazy(
                "학생: 재료비와 장비 사용료에서 빼는 비율. 창업보육: 크레딧으로 덮는 장비 시간의 "
                "사용료에서 빼는 비율."
            ),
            "min_age": gettext_lazy("학생 할인만: 연 나이(올해 − 출생 연도)."),
            "is_uncertain": gettext_lazy("확인되지 않은 값이면 견적에 '확인 필요'로 보입니다."),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["rate_percent"].widget.attrs.update(min=1, max=100)

    def _post_clean(self) -> None:
        # The service checks the rule (field by field, in the reader's language); no model
        # validation of an instance this form never saves.
        pass


class EndForm(forms.Form):
    last_day = forms.DateField(label=gettext_lazy("마지막 날"), widget=_DATE)


def _saved(form: forms.BaseForm, write: Callable[[], Any]) -> Any:
    """Run the service; each refused field is shown beside it, the data kept."""
    try:
        return write()
    except SaramError as exc:
        if not exc.row_errors:
            form.add_error(None, exc.message)
        for error in exc.row_errors:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        return None


def _form_page(
    request: HttpRequest, form: forms.BaseForm, *, title: str, back: str, note: str = ""
) -> HttpResponse:
    context = {"form": form, "title": title, "back": back, "note": note}
    return render(request, "making/staff_form.html", context)


# --- Discounts -----------------------------------------------------------------------------------


@require_http_methods(["GET"])
def discounts(request: HttpRequest) -> HttpResponse:
    rows = selectors.discounts_for(request.user)
    today = timezone.localdate()
    return render(
        request,
        "making/print/discounts.html",
        {"groups": present.discount_groups(rows, today=today), "today": today},
    )


@GET_POST
def discount_new(request: HttpRequest) -> HttpResponse:
    selectors.discounts_for(request.user)  # staff only
    today = timezone.localdate()
    form = DiscountForm(request.POST or None, initial={"valid_from": today})
    if request.method == "POST" and form.is_valid():
        done = _saved(
            form,
            lambda: print_rules.add_discount(
                by=request.user, values=form.cleaned_data, today=today
            ),
        )
        if done is not None:
            messages.success(request, _("할인을 등록했습니다."))
            return redirect("making:print_discounts")
    return _form_page(
        request, form, title=_("출력 할인 등록"), back=reverse("making:print_discounts")
    )


@GET_POST
def discount_edit(request: HttpRequest, pk: int) -> HttpResponse:
    discount = selectors.discount_to_edit(request.user, pk)
    today = timezone.localdate()
    started = discount.valid_from <= today
    initial = {f: getattr(discount, f) for f in print_rules.DISCOUNT_FIELDS}
    if started:  # a change to a rule in force is a new version, from tomorrow unless said
        initial["valid_from"] = today + dt.timedelta(days=1)
    form = DiscountForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        done = _saved(
            form,
            lambda: print_rules.revise_discount(
                by=request.user, discount=discount, values=form.cleaned_data, today=today
            ),
        )
        if done is not None:
            messages.success(
                request,
                _("새 판을 %(day)s부터 적용합니다. 이전 판은 그 전날 끝납니다.")
                % {"day": done.valid_from.isoformat()}
                if done.pk != discount.pk
                else _("할인을 고쳤습니다."),
            )
            return redirect("making:print_discounts")
    note = (
        _(
            "이미 시행 중인 할인입니다. 고치면 적은 시행일부터 새 판이 되고, 지금 판은 그 전날 "
            "끝납니다. 이미 만든 견적은 바뀌지 않습니다."
        )
        if started
        else _("아직 시행 전이라 그대로 고칩니다.")
    )
    return _form_page(
        request,
        form,
        title=_("출력 할인 고치기: %(name)s") % {"name": discount},
        back=reverse("making:print_discounts"),
        note=note,
    )


@GET_POST
def discount_end(request: HttpRequest, pk: int) -> HttpResponse:
    discount = selectors.discount_to_edit(request.user, pk)
    today = timezone.localdate()
    form = EndForm(request.POST or None, initial={"last_day": today})
    if request.method == "POST" and form.is_valid():
        done = _saved(
            form,
            lambda: print_rules.end_discount(
                by=request.user,
                discount=discount,
                last_day=form.cleaned_data["last_day"],
                today=today,
            ),
        )
        if done is not None:
            messages.success(request, _("할인을 끝냈습니다."))
            return redirect("making:print_discounts")
    return _form_page(
        request,
        form,
        title=_("출력 할인 끝내기: %(name)s") % {"name": discount},
        back=reverse("making:print_discounts"),
        note=_("마지막 날 다음부터 새 견적에 이 할인이 들어가지 않습니다. 되돌릴 수 없습니다."),
    )


# --- Device budgets ------------------------------------------------------------------------------


class BudgetVersionForm(forms.Form):
    amount_krw = forms.IntegerField(label=gettext_lazy("예산(원)"), min_value=0)
    source = forms.CharField(label=gettext_lazy("근거"), max_length=200)
    valid_from = forms.DateField(label=gettext_lazy("시행일"), widget=_DATE)


@GET_POST
def budget_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """A new version of a budget in force (e.g. a supplementary budget) from a day on."""
    budget = selectors.budget_to_edit(request.user, pk)
    today = timezone.localdate()
    form = BudgetVersionForm(
        request.POST or None,
        initial={"amount_krw": budget.amount_krw, "source": budget.source, "valid_from": today},
    )
    if request.method == "POST" and form.is_valid():
        done = _saved(
            form,
            lambda: print_rules.set_budget(
                by=request.user,
                year=budget.year,
                dong=budget.dong,
                values=form.cleaned_data,
                today=today,
            ),
        )
        if done is not None:
            messages.success(request, _("예산의 새 판을 저장했습니다."))
            return redirect("making:device_budgets")
    return _form_page(
        request,
        form,
        title=_("보조기구 예산 고치기: %(area)s") % {"area": present.budget_area(budget)},
        back=reverse("making:device_budgets"),
        note=_("적은 시행일부터 새 금액이 적용되고, 지금 판은 그 전날 끝나 기록으로 남습니다."),
    )


@GET_POST
def budget_end(request: HttpRequest, pk: int) -> HttpResponse:
    budget = selectors.budget_to_edit(request.user, pk)
    today = timezone.localdate()
    form = EndForm(request.POST or None, initial={"last_day": today})
    if request.method == "POST" and form.is_valid():
        done = _saved(
            form,
            lambda: (
                print_rules.end_budget(
                    by=request.user,
                    budget=budget,
                    last_day=form.cleaned_data["last_day"],
                    today=today,
                )
                or True
            ),
        )
        if done is not None:
            messages.success(request, _("예산을 끝냈습니다."))
            return redirect("making:device_budgets")
    note = (
        _("마지막 날 다음부터 이 동의 보조기구는 시 전체 예산에서 나갑니다. 되돌릴 수 없습니다.")
        if budget.dong_id
        else _("마지막 날 다음부터 자체 예산이 없는 동은 보조기구를 요청할 수 없습니다.")
    )
    return _form_page(
        request,
        form,
        title=_("보조기구 예산 끝내기: %(area)s") % {"area": present.budget_area(budget)},
        back=reverse("making:device_budgets"),
        note=note,
    )
