"""The backstop for numbers the database cannot hold, on HTML pages (the API has its own).

Views check their parameters (`saram.core.bounds`); a value that slips through, such as an id
beyond 64 bits in a filter, is still the user's input: it answers 400 in the site's layout, not
a server error.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db import DataError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from saram.core.bounds import OUT_OF_RANGE
from saram.core.errors import SaramError


class OutOfRangeMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exc: Exception) -> HttpResponse | None:
        if not isinstance(exc, OverflowError | DataError) or request.path.startswith("/api/"):
            return None
        error = SaramError(OUT_OF_RANGE)
        return render(request, "400.html", {"error": error}, status=400)
