"""The public door (no login): ask for help for oneself or tell about a neighbour, then see
that it was received and handled. Phone-sized, plain words; nothing personal is shown back."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from saram.core.access import not_found
from saram.core.errors import SaramError
from saram.core.middleware import public
from saram.core.models import City
from saram.core.selectors import current_city
from saram.welfare import case_forms
from saram.welfare.services import requests


def _client(request: HttpRequest) -> str:
    """The client's address, for the rate limits (behind a proxy, the proxy sets it)."""
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def _city() -> City:
    city = current_city()
    if city is None:
        raise not_found()
    return city


@public
@require_http_methods(["GET", "POST"])
def help_form(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    form = case_forms.HelpRequestForm(request.POST or None)
    place_label = request.POST.get("place_label", "")[:300]
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if data["website"]:  # a bot filled the hidden field
                raise SaramError("help_challenge_wrong")
            requests.check_challenge(token=data["token"], answer=data["answer"], now=now)
            made = requests.submit_request(
                city=_city(),
                place_key=data["place"],
                address_detail=data["address_detail"],
                about=data["about"],
                name=data["name"],
                contact=data["contact"],
                description=data["description"],
                consent=data["consent"],
                client=_client(request),
                now=now,
            )
        except SaramError as exc:
            form.add_error(None, exc.message)
        else:
            request.session["help_receipt"] = made.receipt
            return redirect("welfare:help_done")
    question, token = requests.new_challenge(now=now)
    data = form.data.copy() if form.is_bound else None
    if data is not None:
        data["token"] = token
        data["answer"] = ""
        form.data = data
    else:
        form.initial["token"] = token
    return render(
        request,
        "welfare/help_form.html",
        {
            "form": form,
            "question": question,
            "place_label": place_label,
            "answer_days": requests.ANSWER_DAYS,
        },
    )


@public
@require_GET
def help_places(request: HttpRequest) -> JsonResponse:
    """Address search for the form: known addresses and dongs of the city."""
    places = requests.search_places(city=_city(), query=request.GET.get("q", "")[:100])
    return JsonResponse(
        {"places": [{"key": p.key, "label": p.label, "dong": p.dong_name} for p in places]}
    )


@public
@require_GET
def help_done(request: HttpRequest) -> HttpResponse:
    receipt = request.session.get("help_receipt")
    if not receipt:
        return redirect("welfare:help")
    return render(
        request,
        "welfare/help_done.html",
        {
            "receipt": receipt,
            "status_url": reverse("welfare:help_status") + f"?receipt={receipt}",
            "answer_days": requests.ANSWER_DAYS,
        },
    )


@public
@require_GET
def help_status(request: HttpRequest) -> HttpResponse:
    form = case_forms.HelpStatusForm(request.GET or None)
    found = None
    looked = False
    if form.is_valid():
        requests.limit_lookups(_client(request))
        found = requests.status_of(receipt=form.cleaned_data["receipt"])
        looked = True
    return render(
        request, "welfare/help_status.html", {"form": form, "found": found, "looked": looked}
    )
