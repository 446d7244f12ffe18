"""Writes by API token, as the roles that write in the welfare API do them (no CSRF)."""

from __future__ import annotations

import json
from typing import Any

from django.test import Client

from saram.core.tokens import issue_token
from saram.welfare.models import Visit
from saram.welfare.services import rounds

from .conftest import NOW, TODAY


def _post(key: str, url: str, data: Any) -> Any:
    client = Client(enforce_csrf_checks=True, HTTP_AUTHORIZATION=f"Token {key}")
    return client.post(url, json.dumps(data), content_type="application/json")


def test_a_member_and_an_officer_record_visits_by_token(
    officer: Any, dong: Any, make_person: Any, make_member: Any, add_signal: Any
) -> None:
    member = make_member()
    add_signal(make_person(dong), "gas_cut_off")
    add_signal(make_person(dong), "electricity_arrears", TODAY, 6)
    round_ = rounds.plan_round(by=officer, dong=dong, today=TODAY)
    to_member, to_officer = rounds.start_round(
        by=officer, round_=round_, assignees=[member, officer], now=NOW
    )
    visit = {"visited_at": "2025-06-30T09:00:00+09:00", "outcome": "met", "needs": ["food"]}
    for user, assignment in ((member, to_member), (officer, to_officer)):
        key = issue_token(user=user, name="방문 앱")
        response = _post(key, f"/api/welfare/my/visits/{assignment.pk}", visit)
        assert response.status_code == 200, response.content
    assert Visit.objects.count() == 2
