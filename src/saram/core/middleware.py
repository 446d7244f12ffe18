"""Every page needs a login except the few marked public; domain errors become messages."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, TypeVar

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme

from saram.core.errors import SaramError

PUBLIC_PREFIXES = ("/accounts/login/", "/i18n/", "/static/", "/api/", "/healthz")

V = TypeVar("V", bound=Callable[..., Any])


def public(view: V) -> V:
    """Mark a view as open without login (course catalogue, certificate check, help request)."""
    view.saram_public = True  # type: ignore[attr-defined]
    return view


def is_public(view: Callable[..., Any]) -> bool:
    return bool(getattr(view, "saram_public", False))


SESSION_SEEN_KEY = "_saram_seen"


class IdleSessionMiddleware:
    """Keeps the idle timeout running without writing the session on every request.

    A session ends SESSION_COOKIE_AGE after it was last saved. Saving it on every request (one
    write per page view, contending for the database with every other writer) is not needed
    for that: it is saved again when its last save is older than SARAM_SESSION_REFRESH_S, so a
    session ends after its idle time, less at most that many seconds. A visitor without a
    session gets none.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is None or session.is_empty():
            return response
        now = int(time.time())
        if now - int(session.get(SESSION_SEEN_KEY, 0)) >= settings.SARAM_SESSION_REFRESH_S:
            session[SESSION_SEEN_KEY] = now  # modified: the session middleware saves it
        return response


class LoginRequiredMiddleware:
    """Pages redirect to login unless public; the API answers 401 itself (token or session)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self,
        request: HttpRequest,
        view: Callable[..., Any],
        args: tuple[Any, ...],
        kwargs: dict[str, Any],
    ) -> HttpResponse | None:
        if request.user.is_authenticated or request.path.startswith(PUBLIC_PREFIXES):
            return None
        if is_public(view):
            return None
        return redirect_to_login(request.get_full_path())


class SaramErrorMiddleware:
    """The one place an HTML view's `SaramError` becomes what the reader sees.

    A refused write (POST) goes back to the page it came from with the message shown there;
    a refused read answers 400 with the message in the site's layout. Views carry no
    try/except of their own for domain errors (a form that wants the message beside its
    fields may still catch it).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exc: Exception) -> HttpResponse | None:
        if not isinstance(exc, SaramError) or request.path.startswith("/api/"):
            return None
        if request.method in ("GET", "HEAD"):
            return render(request, "400.html", {"error": exc}, status=400)
        messages.error(request, exc.message)
        back = request.headers.get("referer", "")
        if not back or not url_has_allowed_host_and_scheme(
            back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            back = request.get_full_path()
        return HttpResponseRedirect(back)
