"""API tokens: they work for writes without CSRF, they end (expiry, revocation), and sessions
still need CSRF; sessions end when idle; lockout reads the client behind trusted proxies only."""

from __future__ import annotations

import datetime as dt
import json
from io import StringIO
from typing import Any

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.utils import timezone

from saram.core.models import ApiToken, AuditEntry, Role
from saram.core.tokens import issue_token


def _token_client(key: str) -> Client:
    return Client(enforce_csrf_checks=True, HTTP_AUTHORIZATION=f"Token {key}")


def _concern(client: Client) -> Any:
    return client.post(
        "/api/welfare/concerns",
        json.dumps({"name": "이웃", "address": "어딘가 1", "description": "문이 닫혀 있음"}),
        content_type="application/json",
    )


def test_a_token_post_needs_no_csrf_but_a_session_post_does(make_user: Any, dong: Any) -> None:
    member = make_user(Role.COMMITTEE_MEMBER, dong)
    response = _concern(_token_client(issue_token(user=member, name="앱")))
    assert response.status_code == 200, response.content
    session = Client(enforce_csrf_checks=True)
    session.force_login(member, backend="django.contrib.auth.backends.ModelBackend")
    refused = _concern(session)
    assert refused.status_code == 403 and refused.json()["code"] == "csrf_failed"


def test_an_expired_token_is_refused(make_user: Any, dong: Any) -> None:
    user = make_user(Role.WELFARE_OFFICER, dong)
    key = issue_token(user=user, name="짧은", days=1)
    client = _token_client(key)
    assert client.get("/api/areas/dongs").status_code == 200
    with time_machine.travel(timezone.now() + dt.timedelta(days=1, minutes=1)):
        assert client.get("/api/areas/dongs").status_code == 401


def test_the_owner_lists_and_revokes_a_token_after_confirming(make_user: Any, dong: Any) -> None:
    user = make_user(Role.WELFARE_OFFICER, dong)
    key = issue_token(user=user, name="보고서 스크립트")
    api = _token_client(key)
    assert api.get("/api/areas/dongs").status_code == 200
    page = Client()
    page.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    listing = page.get("/account/tokens/").content.decode()
    token = ApiToken.objects.get(user=user)
    assert "보고서 스크립트" in listing and token.last_used_at is not None
    assert key not in listing
    confirm = page.get(f"/account/tokens/{token.pk}/revoke/")
    assert confirm.status_code == 200 and "되돌릴 수 없습니다" in confirm.content.decode()
    assert api.get("/api/areas/dongs").status_code == 200  # the question alone revokes nothing
    page.post(f"/account/tokens/{token.pk}/revoke/")
    assert api.get("/api/areas/dongs").status_code == 401
    assert AuditEntry.objects.filter(target_type="api_token", action="update").exists()


def test_nobody_revokes_or_sees_anothers_token(make_user: Any, dong: Any) -> None:
    owner = make_user(Role.WELFARE_OFFICER, dong)
    key = issue_token(user=owner, name="내 토큰")
    token = ApiToken.objects.get(user=owner)
    other = Client()
    other.force_login(
        make_user(Role.CITY_ADMIN), backend="django.contrib.auth.backends.ModelBackend"
    )
    assert "내 토큰" not in other.get("/account/tokens/").content.decode()
    assert other.get(f"/account/tokens/{token.pk}/revoke/").status_code == 404
    assert other.post(f"/account/tokens/{token.pk}/revoke/").status_code == 404
    assert _token_client(key).get("/api/areas/dongs").status_code == 200


def test_the_page_issues_a_token_shown_once(make_user: Any, dong: Any) -> None:
    user = make_user(Role.WELFARE_OFFICER, dong)
    page = Client()
    page.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    response = page.post("/account/tokens/", {"name": "새 앱", "days": 30})
    assert response["Cache-Control"] == "no-store"
    body = response.content.decode()
    key = body.split("<code>")[1].split("</code>")[0]
    assert _token_client(key).get("/api/areas/dongs").status_code == 200
    assert key not in page.get("/account/tokens/").content.decode()
    token = ApiToken.objects.get(user=user)
    assert round((token.expires_at - token.created_at) / dt.timedelta(days=1)) == 30


def test_issue_token_command_sets_an_expiry_and_refuses_too_long(make_user: Any) -> None:
    user = make_user(Role.CITY_ADMIN)
    out = StringIO()
    call_command("issue_token", user.username, "--days", "7", stdout=out)
    token = ApiToken.objects.get(user=user)
    assert round((token.expires_at - timezone.now()) / dt.timedelta(days=1)) == 7
    assert _token_client(out.getvalue().strip()).get("/api/areas/dongs").status_code == 200
    with pytest.raises(CommandError):
        call_command("issue_token", user.username, "--days", "100000", stdout=StringIO())


def test_a_session_ends_after_the_idle_time(make_user: Any, dong: Any, settings: Any) -> None:
    user = make_user(Role.WELFARE_OFFICER, dong)
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    idle = dt.timedelta(seconds=settings.SESSION_COOKIE_AGE)
    start = timezone.now()
    with time_machine.travel(start + idle / 2):
        assert client.get("/people/").status_code == 200  # activity restarts the count
    with time_machine.travel(start + idle / 2 + idle - dt.timedelta(minutes=1)):
        assert client.get("/people/").status_code == 200
    with time_machine.travel(start + idle * 3):
        response = client.get("/people/")
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_a_page_view_does_not_write_the_session_each_time(
    make_user: Any, dong: Any, settings: Any
) -> None:
    from django.contrib.sessions.models import Session

    user = make_user(Role.WELFARE_OFFICER, dong)
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    key = client.session.session_key
    start = timezone.now()

    def ends_at() -> dt.datetime:
        return Session.objects.get(session_key=key).expire_date

    with time_machine.travel(start, tick=False):
        assert client.get("/people/").status_code == 200
        first = ends_at()
    # Seconds later: the session is not written again (its end stays where it was).
    with time_machine.travel(start + dt.timedelta(seconds=20), tick=False):
        assert client.get("/people/").status_code == 200
        assert ends_at() == first
    # Past the refresh time, activity moves the end again.
    later = start + dt.timedelta(seconds=settings.SARAM_SESSION_REFRESH_S + 5)
    with time_machine.travel(later, tick=False):
        assert client.get("/people/").status_code == 200
        assert ends_at() > first


def test_a_visitor_without_a_session_gets_none(db: Any) -> None:
    from django.contrib.sessions.models import Session

    assert Client().get("/accounts/login/").status_code == 200
    assert not Session.objects.exists()


def _login(client: Client, username: str, password: str, forwarded: str) -> Any:
    return client.post(
        "/accounts/login/",
        {"username": username, "password": password},
        REMOTE_ADDR="10.0.0.2",
        HTTP_X_FORWARDED_FOR=forwarded,
    )


def test_behind_a_trusted_proxy_an_outsider_cannot_lock_anothers_account(
    make_user: Any, settings: Any
) -> None:
    settings.SARAM_TRUSTED_PROXIES = ["10.0.0.0/24"]
    user = make_user(Role.WELFARE_OFFICER)
    attacker = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT + 2):
        # The attacker also writes the victim's address on the left: only the proxy's hop counts.
        _login(attacker, user.username, "wrong", "198.51.100.7, 203.0.113.9")
    locked = _login(attacker, user.username, user.raw_password, "203.0.113.9")
    assert locked.status_code == 429
    victim = _login(Client(), user.username, user.raw_password, "198.51.100.7")
    assert victim.status_code == 302


def test_without_a_trusted_proxy_forwarded_headers_are_ignored(
    make_user: Any, settings: Any
) -> None:
    settings.SARAM_TRUSTED_PROXIES = []
    user = make_user(Role.WELFARE_OFFICER)
    client = Client()
    for n in range(settings.AXES_FAILURE_LIMIT):
        # A client that changes its claimed address each time is still one address.
        _login(client, user.username, "wrong", f"198.51.100.{n}")
    assert _login(client, user.username, user.raw_password, "192.0.2.1").status_code == 429


@pytest.mark.parametrize("role", list(Role))
def test_every_role_writes_by_token_and_meets_only_its_own_rules(
    role: Role, make_user: Any, dong: Any
) -> None:
    """A token POST reaches the endpoint (no CSRF wall): members report, others are refused by
    the service's own rule, with its code."""
    user = make_user(role, dong if role != Role.CITY_ADMIN else None)
    response = _concern(_token_client(issue_token(user=user, name="앱")))
    assert response.json().get("code") != "csrf_failed"
    if role == Role.COMMITTEE_MEMBER:
        assert response.status_code == 200
    else:
        assert response.status_code in (400, 403) and response.json()["code"] == "concern_forbidden"
