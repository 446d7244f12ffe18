"""Coverage pages: aggregates for the city administrator (map and charts), no person anywhere."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from typing import Any

import pytest
import time_machine

from saram.welfare.services import rounds, visits

from .conftest import NOW, TODAY


@pytest.fixture(autouse=True)
def _a_day_after_the_round() -> Iterator[None]:
    """Coverage looks back a year from now: the clock stands just after the test's round."""
    with time_machine.travel(NOW + dt.timedelta(days=1), tick=False):
        yield


def _one_reached(officer: Any, dong: Any, make_person: Any, add_signal: Any) -> Any:
    person = make_person(dong, name="센티넬이름", address="센티넬주소-9911")
    add_signal(person, "gas_cut_off")
    round_ = rounds.plan_round(by=officer, dong=dong, today=TODAY)
    (a,) = rounds.start_round(by=officer, round_=round_, assignees=[officer], now=NOW)
    visits.record_visit(by=officer, assignment=a, visited_at=NOW, outcome="met", now=NOW)
    return person


def test_the_map_colours_each_dong_by_its_coverage(
    client_as: Any, officer: Any, dong: Any, make_person: Any, add_signal: Any
) -> None:
    _one_reached(officer, dong, make_person, add_signal)
    client = client_as("city_admin")
    page = client.get("/welfare/coverage/").content.decode()
    assert 'data-metric="coverage_pct"' in page and "vendor/chartjs/chart.umd.js" in page
    data = json.loads(client.get("/welfare/coverage.geojson").content)
    assert len(data["features"]) == 35
    mine = next(f for f in data["features"] if f["properties"]["code"] == dong.code)
    assert mine["properties"]["coverage_pct"] == 100.0 and mine["properties"]["flagged"] == 1
    assert mine["properties"]["url"] == f"/welfare/coverage/{dong.code}/"


def test_the_administrator_sees_numbers_never_people(
    client_as: Any, officer: Any, dong: Any, make_person: Any, add_signal: Any
) -> None:
    _one_reached(officer, dong, make_person, add_signal)
    client = client_as("city_admin")
    for url in ("/welfare/coverage/", f"/welfare/coverage/{dong.code}/", "/api/welfare/coverage"):
        body = client.get(url).content.decode()
        assert "센티넬" not in body and "9911" not in body
    api = json.loads(client.get("/api/welfare/coverage").content)
    assert next(r for r in api if r["dong_code"] == dong.code)["reached_in_sla"] == 1


def test_an_officer_sees_the_coverage_of_their_dongs_only(
    client_as: Any, dong: Any, other_dong: Any, config: Any
) -> None:
    client = client_as("welfare_officer", dong)
    assert client.get(f"/welfare/coverage/{dong.code}/").status_code == 200
    assert client.get(f"/welfare/coverage/{other_dong.code}/").status_code == 404
    assert len(json.loads(client.get("/welfare/coverage.geojson").content)["features"]) == 1
