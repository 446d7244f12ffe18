"""The authorization matrix: every URL pattern (pages and API) for every role.

URLs are enumerated from the resolver, so a page added later is tested the day it is added.
Each path parameter is filled with every object id of the test database, so a page that
forgets its scope and shows someone else's record is caught by the sentinel values below.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest
from django.apps import apps
from django.test import Client

from saram.core.models import Job, Role
from saram.core.testing import all_routes, fill_route

# Values that appear only in one resident's record: where they show, that record leaked.
OWN = "센티넬담당동주소-7731"
OTHER = "센티넬다른동주소-4412"
OWN_PHONE = "010-7731-0001"
OTHER_PHONE = "010-4412-0002"

# Which sentinels each role may see. The officer sees residents of their own dong only.
VISIBLE: dict[str, set[str]] = {role.value: set() for role in Role}
VISIBLE[Role.WELFARE_OFFICER.value] = {OWN, OWN_PHONE}


@pytest.fixture
def world(city: Any, dong: Any, other_dong: Any, make_person: Any, make_user: Any) -> dict:
    own = make_person(dong, name="김담당", address=OWN, phone=OWN_PHONE)
    other = make_person(other_dong, name="이다른", address=OTHER, phone=OTHER_PHONE)
    users = {
        role.value: make_user(
            role, dong if role in (Role.WELFARE_OFFICER, Role.COMMITTEE_MEMBER) else None
        )
        for role in Role
    }
    stranger = make_user(Role.WELFARE_OFFICER, other_dong)
    Job.objects.create(kind="people", label="someone else's import", created_by=stranger)
    return {"own": own, "other": other, "users": users, "dong": dong, "other_dong": other_dong}


def _candidates(world: dict) -> dict[str, list[str]]:
    ints: set[int] = set()
    for model in apps.get_models():
        if model._meta.app_label in {"core", "welfare", "economy", "making"}:
            ints.update(
                pk for pk in model.objects.values_list("pk", flat=True)[:200] if isinstance(pk, int)
            )
    uuids = [str(j) for j in Job.objects.values_list("pk", flat=True)] + [str(uuid.uuid4())]
    codes = [world["dong"].code, world["other_dong"].code]
    return {
        "int": [str(i) for i in sorted(ints)],
        "str": [*codes, "1"],
        "slug": codes,
        "uuid": uuids,
        "path": codes,
    }


def test_every_route_is_enumerated() -> None:
    names = {name for _route, name in all_routes()}
    assert {"home", "dong_detail", "people_list", "person_detail"} <= names
    assert any(route.startswith("api/") for route, _name in all_routes())


@pytest.mark.parametrize("role", [r.value for r in Role])
def test_no_route_shows_data_outside_the_roles_scope(world: dict, role: str) -> None:
    client = Client()
    client.force_login(world["users"][role], backend="django.contrib.auth.backends.ModelBackend")
    forbidden = {OWN, OTHER, OWN_PHONE, OTHER_PHONE} - VISIBLE[role]
    values = _candidates(world)
    checked = 0
    for route, _name in all_routes():
        for url in fill_route(route, values):
            response = client.get(url)
            assert response.status_code < 500, f"{role} GET {url}: {response.status_code}"
            if response.status_code != 200:
                continue
            body = response.content.decode("utf-8", "replace")
            if response.get("Content-Type", "").startswith("application/json"):
                # JSON escapes Korean as \uXXXX; compare against the decoded text.
                body = json.dumps(json.loads(body), ensure_ascii=False)
            leaked = [s for s in forbidden if s in body]
            assert not leaked, f"{role} GET {url} shows {leaked}"
            checked += 1
    assert checked >= 5  # every role has a home, a map and dong pages


def test_the_officer_does_see_their_own_dong(world: dict) -> None:
    """The matrix would pass vacuously if no page ever showed a resident; this one must."""
    client = Client()
    client.force_login(
        world["users"][Role.WELFARE_OFFICER.value],
        backend="django.contrib.auth.backends.ModelBackend",
    )
    assert OWN in client.get(f"/people/{world['own'].pk}/").content.decode()
    assert OWN in client.get("/people/").content.decode()
    assert OWN_PHONE in client.get(f"/api/people/{world['own'].pk}").content.decode()
    assert client.get(f"/people/{world['other'].pk}/").status_code == 404
    assert client.get(f"/api/people/{world['other'].pk}").status_code == 404


def test_anonymous_sees_nothing(world: dict) -> None:
    client = Client()
    values = _candidates(world)
    for route, _name in all_routes():
        for url in fill_route(route, values)[:3]:
            response = client.get(url)
            # 405: a POST-only route answers a GET with nothing but its allowed methods.
            assert response.status_code in (301, 302, 401, 403, 404, 405), (
                url,
                response.status_code,
            )
