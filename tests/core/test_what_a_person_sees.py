"""What a person sees: error pages in the layout with a way back, their own start page after
signing in, the audit log in words, names instead of logins, API docs that work offline."""

from __future__ import annotations

import logging
import sys
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.test import Client, RequestFactory

from saram.core import audit
from saram.core.logging import RefusalWithoutTraceback
from saram.core.models import AuditAction, Role
from saram.core.views import server_error

pytestmark = pytest.mark.django_db


def test_a_record_outside_ones_area_is_a_404_page_in_the_layout(
    client_as: Any, dong: Any, other_dong: Any, make_person: Any
) -> None:
    client = client_as(Role.WELFARE_OFFICER, dong)
    far = make_person(other_dong)
    korean = client.get(f"/people/{far.pk}/", HTTP_ACCEPT_LANGUAGE="ko")
    assert korean.status_code == 404
    page = korean.content.decode()
    assert 'id="error-page"' in page and "찾을 수 없습니다" in page
    assert 'class="topbar"' in page  # the site's layout, with its menu
    assert 'href="/welfare/"' in page  # back to the officer's own start page
    english = client.get(f"/people/{far.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Not found" in english and "찾을 수 없습니다" not in english


def test_a_page_beyond_ones_role_is_a_403_page_with_a_way_back(client_as: Any) -> None:
    client = client_as(Role.CITIZEN)
    response = client.get("/audit/", HTTP_ACCEPT_LANGUAGE="ko")
    assert response.status_code == 403
    page = response.content.decode()
    assert 'data-status="403"' in page and "볼 수 없는 페이지입니다" in page
    assert "내 첫 화면으로" in page


def test_a_server_error_is_a_500_page_in_the_layout() -> None:
    request = RequestFactory().get("/", HTTP_ACCEPT_LANGUAGE="ko")
    request.user = AnonymousUser()
    response = server_error(request)
    assert response.status_code == 500
    page = response.content.decode()
    assert 'data-status="500"' in page and 'class="topbar"' in page


def test_a_refusal_is_logged_as_a_line_not_a_traceback() -> None:
    try:
        raise PermissionError("manage_people")
    except PermissionError:
        exc_info = sys.exc_info()
    record = logging.LogRecord("django.request", logging.WARNING, "", 0, "Forbidden", (), exc_info)
    record.status_code = 403
    assert RefusalWithoutTraceback().filter(record) and record.exc_info is None
    crash = logging.LogRecord("django.request", logging.ERROR, "", 0, "Error", (), exc_info)
    crash.status_code = 500
    assert RefusalWithoutTraceback().filter(crash) and crash.exc_info is not None
    console = settings.LOGGING["handlers"]["console"]
    assert "refusals" in console["filters"]


@pytest.mark.parametrize(
    ("role", "area", "start"),
    [
        (Role.COMMITTEE_MEMBER, "dong", "/welfare/my/"),
        (Role.WELFARE_OFFICER, "dong", "/welfare/"),
        (Role.PROCUREMENT_OFFICER, None, "/economy/"),
        (Role.CITY_ADMIN, None, "/"),
    ],
)
def test_each_role_lands_on_its_own_start_page(
    make_user: Any, dong: Any, role: Role, area: str | None, start: str
) -> None:
    user = make_user(role, dong if area == "dong" else None)
    response = Client().post(
        "/accounts/login/", {"username": user.username, "password": user.raw_password}
    )
    assert response.status_code == 302 and response["Location"] == start


def test_a_page_asked_for_before_signing_in_wins_over_the_start_page(
    make_user: Any, dong: Any
) -> None:
    user = make_user(Role.WELFARE_OFFICER, dong)
    response = Client().post(
        "/accounts/login/?next=/people/",
        {"username": user.username, "password": user.raw_password},
    )
    assert response["Location"] == "/people/"


def test_the_audit_log_reads_in_words_with_people_by_name(
    client_as: Any, make_user: Any, dong: Any, make_person: Any
) -> None:
    officer = make_user(Role.WELFARE_OFFICER, dong, first_name="김주무관")
    person = make_person(dong)
    audit.record(
        actor=officer,
        action=AuditAction.UPDATE,
        target_type="person",
        target_id=person.pk,
        purpose="주소 정정",
        detail={"fields": ["address", "phone"], "shown": 1200},
    )
    client = client_as(Role.CITY_ADMIN)
    page = client.get("/audit/", HTTP_ACCEPT_LANGUAGE="ko").content.decode()
    assert "김주무관" in page and officer.username not in page
    assert "바뀐 항목" in page and "주소, 전화" in page and "1,200" in page
    assert "{&#x27;" not in page and "{'" not in page and '"fields"' not in page
    assert f"주민 {person.pk}" in page


def test_the_api_docs_come_from_our_own_static_files(client_as: Any) -> None:
    client = client_as(Role.WELFARE_OFFICER)
    page = client.get("/api/docs").content.decode()
    assert "/static/vendor/swagger-ui/swagger-ui-bundle.js" in page
    assert "cdn." not in page and "unpkg" not in page and "jsdelivr" not in page
    assert client.get("/static/vendor/swagger-ui/swagger-ui-bundle.js").status_code == 200
    assert client.get("/static/core/api_docs.js").status_code == 200
    assert client.post("/api/docs").status_code == 405


def test_the_map_names_what_its_shades_mean(client_as: Any) -> None:
    page = client_as(Role.CITY_ADMIN).get("/", HTTP_ACCEPT_LANGUAGE="ko").content.decode()
    assert 'data-legend-title="주민 수 (명)"' in page
