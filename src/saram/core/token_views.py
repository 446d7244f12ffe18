"""A user's own API tokens: list them (with last use), issue one, revoke one after confirming."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from saram.core import tokens


class TokenForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("이름 (어디에 쓰는지)"), max_length=100)
    days = forms.IntegerField(
        label=gettext_lazy("유효 기간 (일)"),
        min_value=1,
        max_value=settings.SARAM_TOKEN_MAX_DAYS,
        initial=settings.SARAM_TOKEN_DEFAULT_DAYS,
    )


@require_http_methods(["GET", "POST"])
def token_list(request: HttpRequest) -> HttpResponse:
    form = TokenForm(request.POST or None)
    key = ""
    if request.method == "POST" and form.is_valid():
        key = tokens.issue_token(user=request.user, by=request.user, **form.cleaned_data)
        form = TokenForm()
    response = render(
        request,
        "core/tokens.html",
        {"tokens": tokens.tokens_of(request.user), "form": form, "key": key, "now": timezone.now()},
    )
    response["Cache-Control"] = "no-store"  # the new key is on this page once
    return response


@require_http_methods(["GET", "POST"])
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = tokens.token_of(request.user, pk)
    if token is None:
        raise Http404
    if request.method == "POST":
        tokens.revoke_token(by=request.user, token=token)
        messages.success(
            request, _("토큰을 폐기했습니다. 이 토큰으로는 더 이상 접속할 수 없습니다.")
        )
        return redirect("token_list")
    return render(request, "core/token_revoke.html", {"token": token})
