"""No server error from any input: the parameters an attacker tried answer 400 with a message."""

from __future__ import annotations

from typing import Any

import pytest

from saram.core.models import Role

HUGE = str(10**30)


@pytest.mark.parametrize("offset", ["-1", HUGE, "abc"])
def test_people_api_refuses_a_bad_offset(client_as: Any, dong: Any, offset: str) -> None:
    response = client_as(Role.WELFARE_OFFICER, dong).get("/api/people", {"offset": offset})
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid_input" and "offset" in body["message"]


@pytest.mark.parametrize("offset", ["-1", HUGE])
def test_outreach_api_refuses_a_bad_offset(client_as: Any, dong: Any, offset: str) -> None:
    client = client_as(Role.WELFARE_OFFICER, dong)
    response = client.get(f"/api/welfare/outreach/{dong.code}", {"offset": offset})
    assert response.status_code == 400 and response.json()["code"] == "invalid_input"


def test_an_id_beyond_the_database_is_not_a_server_error(client_as: Any, dong: Any) -> None:
    response = client_as(Role.WELFARE_OFFICER, dong).get(f"/api/people/{HUGE}")
    assert response.status_code in (400, 404) and response.json()["message"]


@pytest.mark.parametrize("year", ["0", "99999", HUGE, "-2024"])
def test_economy_api_refuses_a_year_out_of_range(client_as: Any, year: str) -> None:
    client = client_as(Role.PROCUREMENT_OFFICER)
    for url in ("/api/economy/ledger/local-share", "/api/economy/ledger/splits"):
        response = client.get(url, {"year": year})
        assert response.status_code == 400, url
        assert response.json()["code"] == "invalid_input"


@pytest.mark.parametrize("year", ["0", "99999", HUGE])
def test_economy_pages_refuse_a_year_out_of_range_in_the_layout(client_as: Any, year: str) -> None:
    client = client_as(Role.PROCUREMENT_OFFICER)
    for url in ("/economy/ledger/", "/economy/ledger/rows/"):
        response = client.get(url, {"year": year})
        assert response.status_code == 400, url
        body = response.content.decode()
        assert "연도는 1990년에서 2100년 사이여야 합니다" in body and 'class="mainnav"' in body


def test_an_html_filter_beyond_the_database_is_ignored_not_a_server_error(
    client_as: Any,
) -> None:
    client = client_as(Role.PROCUREMENT_OFFICER)
    assert client.get("/economy/ledger/rows/", {"supplier": HUGE}).status_code == 200


def test_every_api_operation_documents_its_error_answers() -> None:
    from saram.api import api

    schema = api.get_openapi_schema()
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            documented = set(operation["responses"])
            assert {"400", "401", "403", "404"} <= documented, f"{method} {path}"
            assert "422" not in documented
    assert schema["components"]["schemas"]["Error"]["required"] == ["code", "message"]
