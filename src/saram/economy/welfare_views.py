"""Pages of welfare purchases (#13 Part D): services bought for welfare cases, recorded one at
a time into the ledger under their welfare programme, changed or removed (audited)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from saram.core.access import Can, scope_of
from saram.core.errors import SaramError
from saram.economy import selectors
from saram.economy.forms import WelfarePurchaseForm
from saram.economy.models import Category, Department, LedgerEntry
from saram.economy.services import welfare_spending
from saram.economy.services.ledger_files import BY_HEADER
from saram.economy.services.welfare_spending import (
    WELFARE_CATEGORY_CODE,
    WELFARE_PROGRAMME_PREFIX,
    WelfarePurchase,
)
from saram.economy.views import _require_view, _year
from saram.welfare.models import Programme as WelfareProgramme


@require_GET
def welfare_purchases(request: HttpRequest) -> HttpResponse:
    _require_view(request)
    years = selectors.fiscal_years(request.user)
    year = _year(request, years)
    return render(
        request,
        "economy/welfare_purchases.html",
        {
            "years": years,
            "year": year,
            "purchases": selectors.welfare_purchases(request.user, fiscal_year=year)[:200],
            "can_manage": selectors.can_manage(request.user),
        },
    )


def _purchase(form: WelfarePurchaseForm) -> WelfarePurchase:
    data = form.cleaned_data
    code = data["programme"]
    return WelfarePurchase(
        payment_id=data["payment_id"].strip() or welfare_spending.new_payment_id(data["paid_on"]),
        paid_on=data["paid_on"],
        welfare_programme=code,
        welfare_programme_label=WelfareProgramme(code).label,
        department=data["department"].code,
        category=data["category"].code,
        business_number=data["business_number"].organisation.business_number,
        amount_krw=data["amount_krw"],
        vat_basis=data["vat_basis"],
        method=data["method"],
    )


def _show_errors(form: WelfarePurchaseForm, exc: SaramError) -> None:
    """The ledger's checks name the column; the form shows each message at its field."""
    if not exc.row_errors:
        form.add_error(None, exc.message)
    for error in exc.row_errors:
        field = BY_HEADER.get(error.field, error.field)
        form.add_error(field if field in form.fields else None, error.message)


def _form_page(request: HttpRequest, form: WelfarePurchaseForm, title: str) -> HttpResponse:
    return render(
        request,
        "economy/welfare_purchase_form.html",
        {"form": form, "title": title},
    )


def _defaults() -> dict[str, Any]:
    return {
        "paid_on": timezone.localdate(),
        "department": Department.objects.filter(code="welfare-policy").first(),
        "category": Category.objects.filter(code=WELFARE_CATEGORY_CODE).first(),
    }


@require_http_methods(["GET", "POST"])
def welfare_purchase_create(request: HttpRequest) -> HttpResponse:
    if not selectors.can_manage(request.user):
        raise PermissionDenied("economy")
    form = WelfarePurchaseForm(
        request.POST or None, providers=selectors.welfare_providers(), initial=_defaults()
    )
    if request.method == "POST" and form.is_valid():
        try:
            entry = welfare_spending.record_welfare_purchase(
                by=request.user, purchase=_purchase(form)
            )
        except SaramError as exc:
            _show_errors(form, exc)
        else:
            messages.success(request, _("복지 서비스 구매를 지출 자료에 기록했습니다."))
            return redirect(_list_of(entry))
    return _form_page(request, form, _("복지 서비스 구매 기록"))


def _list_of(entry: LedgerEntry) -> str:
    return f"{reverse('economy:welfare_purchases')}?year={entry.fiscal_year}"


@require_http_methods(["GET", "POST"])
def welfare_purchase_edit(request: HttpRequest, pk: int) -> HttpResponse:
    entry = selectors.welfare_purchase_for(request.user, pk)
    scope_of(request.user).require(Can.MANAGE_ECONOMY)
    programme = entry.programme.code if entry.programme else ""
    form = WelfarePurchaseForm(
        request.POST or None,
        providers=selectors.welfare_providers(),
        initial={
            "paid_on": entry.paid_on,
            "programme": programme.removeprefix(WELFARE_PROGRAMME_PREFIX),
            "business_number": entry.supplier_id,
            "amount_krw": entry.amount_krw,
            "vat_basis": entry.vat_basis,
            "method": entry.method,
            "department": entry.department_id,
            "category": entry.category_id,
            "payment_id": entry.payment_id,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            changed = welfare_spending.change_welfare_purchase(
                by=request.user, entry=entry, purchase=_purchase(form)
            )
        except SaramError as exc:
            _show_errors(form, exc)
        else:
            messages.success(request, _("복지 서비스 구매를 고쳤습니다."))
            return redirect(_list_of(changed))
    return _form_page(request, form, _("복지 서비스 구매 고치기"))


@require_POST
def welfare_purchase_remove(request: HttpRequest, pk: int) -> HttpResponse:
    entry = selectors.welfare_purchase_for(request.user, pk)
    welfare_spending.remove_welfare_purchase(by=request.user, entry=entry)
    messages.success(request, _("복지 서비스 구매를 지출 자료에서 뺐습니다."))
    return redirect(_list_of(entry))
