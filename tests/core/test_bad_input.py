"""The backstop for input the database cannot hold: a 400 page in the layout that names the
mistake in the reader's language, never a server error or a generic message."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import DataError
from django.test import RequestFactory
from django.utils import translation

from saram.core.bad_input import OutOfRangeMiddleware

pytestmark = pytest.mark.django_db


def _answer(exc: Exception, path: str = "/people/", language: str = "ko") -> tuple[int, str]:
    request = RequestFactory().get(path)
    request.user = AnonymousUser()
    middleware = OutOfRangeMiddleware(lambda r: None)  # type: ignore[arg-type,return-value]
    with translation.override(language):
        response = middleware.process_exception(request, exc)
    assert response is not None
    return response.status_code, response.content.decode()


def test_a_number_the_database_cannot_hold_is_named_as_out_of_range() -> None:
    status, page = _answer(OverflowError("Python int too large to convert to SQLite INTEGER"))
    assert status == 400
    assert "입력한 값이 저장할 수 있는 범위를 벗어났습니다." in page
    assert (
        "요청을 처리할 수 없습니다." not in page
    )  # the generic message (the title has no full stop)


def test_a_nul_character_is_named_as_such_in_english_too() -> None:
    exc = DataError("PostgreSQL text fields cannot contain NUL (0x00) bytes")
    status, page = _answer(exc, language="en")
    assert status == 400
    assert "The value contains a character that cannot be used (NUL)." in page


def test_the_api_keeps_its_own_handler() -> None:
    request = RequestFactory().get("/api/people")
    middleware = OutOfRangeMiddleware(lambda r: None)  # type: ignore[arg-type,return-value]
    assert middleware.process_exception(request, OverflowError()) is None
