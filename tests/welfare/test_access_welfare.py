"""Who sees what of welfare, over every page and API route (enumerated, so new ones are covered).

A committee member sees the person assigned to them (name, address, phone, purpose) and nothing
else: not another person, not the risk reasons or signals, never a case note. An officer who is
not a worker of the case sees the case but not its notes; an officer of another dong sees none
of it; the city administrator sees aggregates and configuration, no person.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest
from django.test import Client

from saram.core.models import Job, Person, Role
from saram.core.testing import all_routes, fill_route
from saram.welfare import models as welfare
from saram.welfare.services import cases, referrals, rounds, visits
from saram.welfare.services.consent import record_consent

from .conftest import NOW, TODAY

ASSIGNED_ADDRESS = "센티넬배정주소-3301"
ASSIGNED_PHONE = "010-3301-0001"
NEIGHBOUR_ADDRESS = "센티넬이웃주소-3302"  # listed in the same round, given to the officer
FAR_ADDRESS = "센티넬다른동주소-3303"
CASE_NOTE = "센티넬사례기록-3304"
SIGNAL_SOURCE = "센티넬신호출처-3305"
REASON_LABEL = "센티넬위험신호-3306"
VISIT_NOTE = "센티넬방문메모-3307"

EVERYTHING = {
    ASSIGNED_ADDRESS,
    ASSIGNED_PHONE,
    NEIGHBOUR_ADDRESS,
    FAR_ADDRESS,
    CASE_NOTE,
    SIGNAL_SOURCE,
    REASON_LABEL,
    VISIT_NOTE,
}
VISIBLE = {
    "member": {ASSIGNED_ADDRESS, ASSIGNED_PHONE},
    "worker": EVERYTHING - {FAR_ADDRESS},
    "colleague": EVERYTHING - {FAR_ADDRESS, CASE_NOTE},
    # Signal kinds are configuration, named on the import and settings pages; a member never
    # learns why someone was listed.
    "far_officer": {FAR_ADDRESS, REASON_LABEL},
    "admin": {REASON_LABEL},
}


@pytest.fixture
def world(
    city: Any,
    dong: Any,
    other_dong: Any,
    config: Any,
    officer: Any,
    make_user: Any,
    make_member: Any,
    make_person: Any,
) -> dict[str, Any]:
    kind = welfare.SignalKind.objects.create(
        code="sentinel_signal", label_ko=REASON_LABEL, label_en=REASON_LABEL, unit="flag"
    )
    welfare.SignalWeight.objects.create(
        config=config, kind=kind, weight_points=50, cap_value=1, half_life_days=90
    )
    member = make_member()
    assigned = make_person(dong, address=ASSIGNED_ADDRESS, phone=ASSIGNED_PHONE)
    neighbour = make_person(dong, address=NEIGHBOUR_ADDRESS)
    far = make_person(other_dong, address=FAR_ADDRESS)
    for person in (assigned, neighbour, far):
        source = "다른 동의 출처" if person == far else SIGNAL_SOURCE
        welfare.Signal.objects.create(
            person=person, kind=kind, observed_on=TODAY, value=1, source=source
        )
    round_ = rounds.plan_round(by=officer, dong=dong, today=TODAY)
    made = rounds.start_round(by=officer, round_=round_, assignees=[member, officer], now=NOW)
    mine = next(a for a in made if a.assignee == member)
    if mine.person != assigned:  # the balance gave them the other one: swap to the setup wanted
        theirs = next(a for a in made if a.assignee == officer)
        welfare.Assignment.objects.filter(pk=mine.pk).update(assignee=officer)
        welfare.Assignment.objects.filter(pk=theirs.pk).update(assignee=member)
        mine = theirs
    neighbours = welfare.Assignment.objects.get(person=neighbour)
    visits.record_visit(
        by=officer,
        assignment=neighbours,
        visited_at=NOW,
        outcome="met",
        needs=["food"],
        note=VISIT_NOTE,
        now=NOW,
    )
    case = cases.open_case(by=officer, person=assigned, programme="integrated", now=NOW)
    cases.add_note(by=officer, case=case, text=CASE_NOTE, now=NOW)
    admin = make_user(Role.CITY_ADMIN)
    resource = referrals.save_resource(
        by=admin, city=city, name="푸드뱅크", kind="local", provider="전주", needs=["food"]
    )
    record_consent(
        by=officer,
        person=assigned,
        kind="third_party",
        scope="서비스 연계",
        given_on=TODAY,
        method="verbal",
        witness="이통장",
        now=NOW,
    )
    referrals.refer(by=officer, case=case, resource=resource, now=NOW)
    visits.report_concern(by=member, name="걱정", address="어딘가", description="d", now=NOW)
    far_officer = make_user(Role.WELFARE_OFFICER, other_dong)
    Job.objects.create(kind="welfare_signals", label="x", created_by=far_officer)
    return {
        "users": {
            "member": member,
            "worker": officer,
            "colleague": make_user(Role.WELFARE_OFFICER, dong),
            "far_officer": far_officer,
            "admin": admin,
        },
        "mine": mine,
        "theirs": neighbours,
        "case": case,
        "codes": [dong.code, other_dong.code],
    }


def _values(world: dict[str, Any]) -> dict[str, list[str]]:
    ints: set[int] = set(Person.objects.values_list("pk", flat=True))
    for model in (
        welfare.Assignment,
        welfare.OutreachEntry,
        welfare.Round,
        welfare.Case,
        welfare.CaseNote,
        welfare.Referral,
        welfare.Resource,
        welfare.Concern,
        welfare.Visit,
        welfare.Signal,
        welfare.SignalConfig,
        welfare.CommitteeMember,
    ):
        ints.update(model.objects.values_list("pk", flat=True))
    uuids = [str(j) for j in Job.objects.values_list("pk", flat=True)] + [str(uuid.uuid4())]
    return {
        "int": [str(i) for i in sorted(ints)],
        "str": [*world["codes"], "1"],
        "slug": world["codes"],
        "uuid": uuids,
        "path": world["codes"],
    }


def _text(response: Any) -> str:
    """The body as a reader sees it: JSON escapes Korean (\\uXXXX), so it is decoded first."""
    body = response.content.decode("utf-8", "replace")
    if response.get("Content-Type", "").startswith("application/json"):
        return json.dumps(json.loads(body), ensure_ascii=False)
    return body


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


@pytest.mark.parametrize("who", sorted(VISIBLE))
def test_no_route_shows_welfare_data_outside_what_the_role_may_see(
    world: dict[str, Any], who: str
) -> None:
    client = _client(world["users"][who])
    forbidden = EVERYTHING - VISIBLE[who]
    values = _values(world)
    seen: set[str] = set()
    for route, _name in all_routes():
        if not (route.startswith("welfare/") or route.startswith("api/") or route == ""):
            continue
        for url in fill_route(route, values):
            response = client.get(url)
            assert response.status_code < 500, f"{who} GET {url}: {response.status_code}"
            if response.status_code != 200:
                continue
            body = _text(response)
            leaked = [s for s in forbidden if s in body]
            assert not leaked, f"{who} GET {url} shows {leaked}"
            seen |= {s for s in EVERYTHING if s in body}
    # The matrix must not pass vacuously: each role does see what it may.
    assert seen == VISIBLE[who], f"{who} saw {seen}, expected {VISIBLE[who]}"


def test_the_member_reaches_only_their_own_visit_by_page_or_api(world: dict[str, Any]) -> None:
    client = _client(world["users"]["member"])
    mine, theirs, case = world["mine"], world["theirs"], world["case"]
    assert ASSIGNED_ADDRESS in client.get(f"/welfare/my/{mine.pk}/").content.decode()
    assert ASSIGNED_PHONE in client.get("/api/welfare/my/visits").content.decode()
    for url in (
        f"/welfare/my/{theirs.pk}/",
        f"/welfare/visits/{mine.pk}/",
        f"/welfare/people/{mine.person_id}/",
        f"/welfare/cases/{case.pk}/",
        f"/api/welfare/my/visits/{theirs.pk}",
        f"/api/welfare/cases/{case.pk}",
    ):
        assert client.get(url).status_code == 404, url
    posted = client.post(
        f"/welfare/my/{theirs.pk}/", {"visited_at": "2025-06-30T09:00", "outcome": "met"}
    )
    assert posted.status_code == 404
    api = client.post(
        f"/api/welfare/my/visits/{theirs.pk}",
        {"visited_at": "2025-06-30T09:00:00+09:00", "outcome": "met"},
        content_type="application/json",
    )
    assert api.status_code == 404
    assert client.post(f"/welfare/cases/{case.pk}/notes/", {"text": "x"}).status_code == 404
    assert welfare.CaseNote.objects.count() == 1


def test_a_case_worker_reads_the_notes_a_colleague_cannot(world: dict[str, Any]) -> None:
    case = world["case"]
    worker = _client(world["users"]["worker"])
    assert CASE_NOTE in _text(worker.get(f"/welfare/cases/{case.pk}/"))
    assert CASE_NOTE in _text(worker.get(f"/api/welfare/cases/{case.pk}"))
    colleague = _client(world["users"]["colleague"])
    assert colleague.get(f"/welfare/cases/{case.pk}/").status_code == 200
    assert CASE_NOTE not in _text(colleague.get(f"/api/welfare/cases/{case.pk}"))
