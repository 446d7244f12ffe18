"""Pages and API answers for a signed-in user are not kept by browsers or proxies.

Nearly every page a signed-in user sees may show personal data (names, addresses, cases), so
instead of marking each view, every response to an authenticated request (or one carrying an
API token) is `Cache-Control: no-store` unless the view set its own caching.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse


class NoStoreMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        signed_in = getattr(request, "user", None) is not None and request.user.is_authenticated
        if (signed_in or "HTTP_AUTHORIZATION" in request.META) and not response.has_header(
            "Cache-Control"
        ):
            response["Cache-Control"] = "no-store"
        return response
