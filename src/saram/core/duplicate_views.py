"""The city administrator's queue of numbers someone tried to register that are registered in
another dong: transfer the record, or close the case as a mistyped number."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from saram.core.access import Can, scope_of
from saram.core.services import people


@require_GET
def duplicate_list(request: HttpRequest) -> HttpResponse:
    scope_of(request.user).require(Can.CONFIGURE)
    page = Paginator(people.open_duplicate_cases(request.user), 50).get_page(
        request.GET.get("page")
    )
    return render(request, "core/duplicates.html", {"page": page})


@require_http_methods(["GET", "POST"])
def duplicate_detail(request: HttpRequest, pk: int) -> HttpResponse:
    scope_of(request.user).require(Can.CONFIGURE)
    case = people.open_duplicate_case(request.user, pk)
    if case is None:
        raise Http404
    if request.method == "POST":
        decision = request.POST.get("decision")
        if decision not in ("transfer", "close"):
            messages.error(request, _("처리 방법을 골라 주세요."))
            return redirect("duplicate_detail", pk=case.pk)
        people.resolve_duplicate(by=request.user, case=case, transfer=decision == "transfer")
        messages.success(request, _("확인 요청을 처리했습니다."))
        return redirect("duplicate_list")
    return render(request, "core/duplicate_detail.html", {"case": case})
