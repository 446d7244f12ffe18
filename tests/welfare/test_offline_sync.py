"""Visits recorded offline: stored once however often they are sent; an office edit made
meanwhile is never overwritten (the offline visit becomes a conflict for the officer)."""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest
from django.test import Client

from saram.welfare.models import Assignment, SyncConflict, Visit
from saram.welfare.services import rounds, visits

from .conftest import NOW, TODAY


@pytest.fixture
def given(officer: Any, dong: Any, make_person: Any, make_member: Any, add_signal: Any) -> Any:
    """Two listed people given to one committee member."""
    member = make_member(first_name="이위원")
    for name in ("한가람", "두나래"):
        add_signal(make_person(dong, name=name, lives_alone=True), "gas_cut_off")
    round_ = rounds.plan_round(by=officer, dong=dong, today=TODAY)
    made = rounds.start_round(by=officer, round_=round_, assignees=[member], now=NOW)
    return member, made


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


def _item(assignment: Any, version: str, **fields: Any) -> dict[str, Any]:
    return {
        "id": str(uuid.uuid4()),
        "kind": "visit",
        "assignment": assignment.pk,
        "visited_at": "2025-06-30T09:30:00+09:00",
        "outcome": "met",
        "needs": ["food"],
        "note": "",
        "version": version,
        **fields,
    }


def _send(client: Client, items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    response = client.post(
        "/welfare/my/sync/", json.dumps({"items": items}), content_type="application/json"
    )
    assert response.status_code == 200, response.content
    return response.json()["results"]


def test_the_bundle_holds_only_what_the_visit_page_shows(given: Any) -> None:
    member, made = given
    bundle = _client(member).get("/welfare/my/offline.json").json()
    assert {a["id"] for a in bundle["assignments"]} == {a.pk for a in made}
    assert set(bundle["assignments"][0]) == {
        "id",
        "name",
        "address",
        "phone",
        "purpose",
        "due_on",
        "version",
    }
    assert bundle["expires_at"] > bundle["fetched_at"]
    # 긴급 can be raised from the offline app too: the reasons a member may choose.
    assert [r["value"] for r in bundle["alert_reasons"]] == ["not_seen", "no_answer", "danger"]


def test_queued_visits_are_stored_once_however_often_they_are_sent(given: Any) -> None:
    member, made = given
    client = _client(member)
    versions = {
        a["id"]: a["version"] for a in client.get("/welfare/my/offline.json").json()["assignments"]
    }
    items = [_item(a, versions[a.pk]) for a in made]
    assert [r["status"] for r in _send(client, items)] == ["stored", "stored"]
    assert [r["status"] for r in _send(client, items)] == ["duplicate", "duplicate"]
    assert Visit.objects.filter(client_id__isnull=False).count() == 2
    assert set(Assignment.objects.values_list("status", flat=True)) == {"done"}


def test_an_office_edit_meanwhile_becomes_a_conflict_not_an_overwrite(
    given: Any, officer: Any
) -> None:
    member, made = given
    client = _client(member)
    first = made[0]
    version = next(
        a["version"]
        for a in client.get("/welfare/my/offline.json").json()["assignments"]
        if a["id"] == first.pk
    )
    # Meanwhile in the office: the officer records that the person has moved.
    visits.record_visit(
        by=officer, assignment=first, visited_at=NOW, outcome="moved", note="전출 확인", now=NOW
    )
    (result,) = _send(client, [_item(first, version, outcome="met", note="만났어요")])
    assert result["status"] == "conflict"
    first.refresh_from_db()
    # The office's record stands; a move ends the visit without counting it as done.
    assert (first.outcome, first.status) == ("moved", "ended")
    assert list(Visit.objects.filter(assignment=first).values_list("note", flat=True)) == [
        "전출 확인"
    ]
    page = _client(officer).get("/welfare/conflicts/").content.decode()
    assert "만났어요" in page
    conflict = SyncConflict.objects.get()
    _client(officer).post(f"/welfare/conflicts/{conflict.pk}/", {"keep": "1"})
    conflict.refresh_from_db()
    assert conflict.resolution == "kept" and conflict.visit.note == "만났어요"
    assert Visit.objects.filter(assignment=first).count() == 2


def test_someone_elses_visit_is_refused_and_nothing_is_stored(
    given: Any, make_member: Any, make_user: Any, other_dong: Any
) -> None:
    _member, made = given
    stranger = make_user("committee_member", other_dong)
    (result,) = _send(_client(stranger), [_item(made[0], "x")])
    assert result["status"] == "error" and result["code"] == "sync_not_yours"
    assert not Visit.objects.exists() and not SyncConflict.objects.exists()


def test_sync_refuses_get_and_anonymous(given: Any) -> None:
    member, _made = given
    assert _client(member).get("/welfare/my/sync/").status_code == 405
    assert (
        Client().post("/welfare/my/sync/", "{}", content_type="application/json").status_code == 302
    )


def test_a_malformed_body_is_a_clear_error(given: Any) -> None:
    member, _made = given
    response = _client(member).post("/welfare/my/sync/", "nope", content_type="application/json")
    assert response.status_code == 400 and response.json()["code"] == "sync_bad_item"
