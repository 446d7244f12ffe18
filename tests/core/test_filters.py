"""A list page's filters are the user's input: a NUL byte or an overlong value answers 400 with
a message in the site's layout (PostgreSQL cannot hold a NUL; it must never reach a query)."""

from __future__ import annotations

from typing import Any

import pytest

from saram.core.models import AuditEntry, Role

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("role", "url", "params"),
    [
        (Role.WELFARE_OFFICER, "/people/", {"q": "홍\x00"}),
        (Role.WELFARE_OFFICER, "/people/", {"q": "가" * 51}),
        (Role.WELFARE_OFFICER, "/people/export/", {"q": "\x00", "format": "xlsx"}),
        (Role.CITIZEN, "/organisations/", {"q": "\x00"}),
        (Role.CITIZEN, "/organisations/", {"kind": "\x00", "format": "csv"}),
        (Role.CITY_ADMIN, "/audit/", {"actor": "\x00"}),
    ],
)
def test_a_nul_byte_or_overlong_filter_is_refused_in_the_layout(
    client_as: Any, dong: Any, role: str, url: str, params: dict[str, str]
) -> None:
    client = client_as(role, dong)
    before = AuditEntry.objects.count()
    response = client.get(url, params, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    body = response.content.decode()
    assert "The search filter is not valid" in body and "</nav>" in body
    assert AuditEntry.objects.count() == before


def test_the_dong_page_refuses_a_nul_in_its_kind_filter(client_as: Any, dong: Any) -> None:
    response = client_as(Role.CITIZEN).get(f"/dongs/{dong.code}/", {"kind": "\x00"})
    assert response.status_code == 400


def test_a_good_filter_still_finds_people(client_as: Any, dong: Any, make_person: Any) -> None:
    make_person(dong, name="홍길동")
    response = client_as(Role.WELFARE_OFFICER, dong).get("/people/", {"q": "홍"})
    assert response.status_code == 200
    assert "홍" in response.content.decode()
