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
from django.utils.translation import gettext_lazy

from saram.core.bounds import OUT_OF_RANGE
from saram.core.errors import SaramError, register

BAD_CHARACTERS = "value_bad_characters"

register(
    {
        OUT_OF_RANGE: gettext_lazy("입력한 값이 저장할 수 있는 범위를 벗어났습니다."),
        BAD_CHARACTERS: gettext_lazy("입력한 값에 쓸 수 없는 문자(NUL)가 들어 있습니다."),
    }
)


class OutOfRangeMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exc: Exception) -> HttpResponse | None:
        if not isinstance(exc, OverflowError | DataError) or request.path.startswith("/api/"):
            return None
        # PostgreSQL refuses a NUL character in text (SQLite stores it): a different mistake of
        # the user's, named as such rather than as a number out of range.
        error = SaramError(BAD_CHARACTERS if "NUL" in str(exc) else OUT_OF_RANGE)
        return render(request, "400.html", {"error": error}, status=400)
