"""Coverage pages: the funnel (flagged → listed → reached → ...) for the city administrator and
the officer (map, charts, table per dong), reached measured against the flagged, visits not yet
due pending rather than missed; aggregates only, no person anywhere."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

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


def _two_listed_one_met(officer: Any, dong: Any, make_person: Any, add_signal: Any) -> Any:
    """Two people flagged and listed; one met on the first day, the other's visit still open."""
    people = [make_person(dong) for _ in range(2)]
    for person in people:
        add_signal(person, "gas_cut_off")
    round_ = rounds.plan_round(by=officer, dong=dong, today=TODAY)
    first, second = rounds.start_round(by=officer, round_=round_, assignees=[officer], now=NOW)
    visits.record_visit(by=officer, assignment=first, visited_at=NOW, outcome="met", now=NOW)
    return second


def test_the_map_colours_each_dong_by_the_share_of_its_flagged_people_reached(
    client_as: Any, officer: Any, dong: Any, make_person: Any, add_signal: Any
) -> None:
    _two_listed_one_met(officer, dong, make_person, add_signal)
    client = client_as("city_admin")
    page = client.get("/welfare/coverage/").content.decode()
    assert 'data-metric="reached_pct"' in page and 'data-max="100"' in page
    assert 'data-legend-title="발굴 대비 만남 비율"' in page
    assert "vendor/chartjs/chart.umd.js" in page
    data = json.loads(client.get("/welfare/coverage.geojson").content)
    assert len(data["features"]) == 35
    mine = next(f for f in data["features"] if f["properties"]["code"] == dong.code)
    assert mine["properties"]["reached_pct"] == 50.0
    assert (mine["properties"]["flagged"], mine["properties"]["reached"]) == (2, 1)
    assert mine["properties"]["pending"] == 1 and mine["properties"]["missed"] == 0
    assert mine["properties"]["url"] == f"/welfare/coverage/{dong.code}/"
    # A dong where nobody was flagged has no share (grey on the map), not 0 %.
    other = next(f for f in data["features"] if f["properties"]["code"] != dong.code)
    assert other["properties"]["reached_pct"] is None


def test_a_visit_not_yet_due_is_pending_and_becomes_a_miss_once_its_due_date_passes(
    client_as: Any, officer: Any, dong: Any, make_person: Any, add_signal: Any
) -> None:
    open_visit = _two_listed_one_met(officer, dong, make_person, add_signal)
    client = client_as("city_admin")
    page = client.get(f"/welfare/coverage/{dong.code}/").content.decode()
    assert '<b id="total-pending">1</b>' in page and '<b id="total-missed">0</b>' in page
    with time_machine.travel(
        dt.datetime.combine(open_visit.due_on + dt.timedelta(days=1), dt.time(12), tzinfo=dt.UTC),
        tick=False,
    ):
        # A new sign-in: the earlier session has ended in the meantime.
        page = client_as("city_admin").get(f"/welfare/coverage/{dong.code}/").content.decode()
    assert '<b id="total-pending">0</b>' in page and '<b id="total-missed">1</b>' in page


def test_the_charts_count_each_month_against_its_flagged(
    client_as: Any, officer: Any, dong: Any, make_person: Any, add_signal: Any
) -> None:
    _two_listed_one_met(officer, dong, make_person, add_signal)
    response = client_as("city_admin").get("/welfare/coverage/")
    series = response.context["series"]
    assert len(series["labels"]) == 12 and series["labels"][-1] == "2025-07"
    june = series["labels"].index("2025-06")
    assert (series["flagged"][june], series["reached"][june], series["pending"][june]) == (2, 1, 1)
    assert series["reached_pct"][june] == 50.0 and series["reached_pct"][-1] is None


def test_the_officer_home_shows_each_dong_reached_against_the_flagged(
    officer: Any, dong: Any, make_person: Any, add_signal: Any
) -> None:
    from django.test import Client

    _two_listed_one_met(officer, dong, make_person, add_signal)
    client = Client()
    client.force_login(officer, backend="django.contrib.auth.backends.ModelBackend")
    page = client.get("/welfare/").content.decode()
    row = page[page.index(f'data-dong="{dong.code}"') :]
    row = row[: row.index("</tr>")]
    assert '<td class="num" data-reached-pct>50.0</td>' in row


def test_the_english_page_speaks_english(
    client_as: Any, officer: Any, dong: Any, make_person: Any, add_signal: Any
) -> None:
    _two_listed_one_met(officer, dong, make_person, add_signal)
    client = client_as("city_admin")
    page = client.get("/welfare/coverage/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'data-legend-title="Reached as a share of the flagged (%)"' in page
    assert "Not met by the due date" in page and "기한 안에 못 만남" not in page


@pytest.mark.parametrize("path", ["/welfare/coverage/", "/welfare/coverage.geojson"])
def test_coverage_pages_take_a_fixed_number_of_queries_however_many_rounds(
    path: str,
    client_as: Any,
    make_user: Any,
    officer: Any,
    dong: Any,
    other_dong: Any,
    make_person: Any,
    add_signal: Any,
) -> None:
    client = client_as("city_admin")
    _two_listed_one_met(officer, dong, make_person, add_signal)
    client.get(path)
    with CaptureQueriesContext(connection) as one_round:
        assert client.get(path).status_code == 200
    other_officer = make_user("welfare_officer", other_dong)
    _two_listed_one_met(other_officer, other_dong, make_person, add_signal)
    with CaptureQueriesContext(connection) as two_rounds:
        assert client.get(path).status_code == 200
    assert len(two_rounds) == len(one_round) <= 12


def test_a_dong_page_takes_a_fixed_number_of_queries(
    client_as: Any, officer: Any, dong: Any, make_person: Any, add_signal: Any
) -> None:
    _two_listed_one_met(officer, dong, make_person, add_signal)
    client = client_as("city_admin")
    client.get(f"/welfare/coverage/{dong.code}/")
    with CaptureQueriesContext(connection) as queries:
        assert client.get(f"/welfare/coverage/{dong.code}/").status_code == 200
    assert len(queries) <= 13


def test_the_administrator_sees_numbers_never_people(
    client_as: Any, officer: Any, dong: Any, make_person: Any, add_signal: Any
) -> None:
    _one_reached(officer, dong, make_person, add_signal)
    client = client_as("city_admin")
    for url in ("/welfare/coverage/", f"/welfare/coverage/{dong.code}/", "/api/welfare/coverage"):
        body = client.get(url).content.decode()
        assert "센티넬" not in body and "9911" not in body
    page = client.get("/welfare/coverage/").content.decode()
    assert '<b id="flagged">1</b>' in page  # the flagged, counted
    api = json.loads(client.get("/api/welfare/coverage").content)
    assert next(r for r in api if r["dong_code"] == dong.code)["reached"] == 1


def test_an_officer_sees_the_coverage_of_their_dongs_only(
    client_as: Any, dong: Any, other_dong: Any, config: Any
) -> None:
    client = client_as("welfare_officer", dong)
    assert client.get(f"/welfare/coverage/{dong.code}/").status_code == 200
    assert client.get(f"/welfare/coverage/{other_dong.code}/").status_code == 404
    assert len(json.loads(client.get("/welfare/coverage.geojson").content)["features"]) == 1


def test_the_api_answers_the_funnel_the_pages_show(
    client_as: Any, officer: Any, dong: Any, make_person: Any, add_signal: Any
) -> None:
    people = [make_person(dong) for _ in range(3)]
    for person in people:
        add_signal(person, "gas_cut_off")
    round_ = rounds.plan_round(by=officer, dong=dong, today=TODAY)
    met, refused, _open = rounds.start_round(
        by=officer, round_=round_, assignees=[officer], now=NOW
    )
    visits.record_visit(by=officer, assignment=met, visited_at=NOW, outcome="met", now=NOW)
    visits.record_visit(by=officer, assignment=refused, visited_at=NOW, outcome="refused", now=NOW)
    client = client_as("city_admin")
    api = json.loads(client.get("/api/welfare/coverage").content)
    mine = next(r for r in api if r["dong_code"] == dong.code)
    assert {k: mine[k] for k in ("flagged", "listed", "reached", "pending", "missed")} == {
        "flagged": 3,
        "listed": 3,
        "reached": 1,
        "pending": 1,
        "missed": 0,
    }
    assert mine["reached_pct"] == 33.3
    stops = {s["code"]: (s["label"], s["count"]) for s in mine["stops"]}
    assert stops["refused"] == ("거부", 1) and stops["pending"][1] == 1
    assert "reached_in_sla" not in mine and "coverage_pct" not in mine
    page = client.get(f"/welfare/coverage/{dong.code}/").content.decode()
    assert '<b id="flagged">3</b>' in page
    # The same figures in English for an English reader.
    english = client.get("/api/welfare/coverage", HTTP_ACCEPT_LANGUAGE="en")
    stops_en = {s["code"]: s["label"] for s in json.loads(english.content)[0]["stops"]}
    assert all(label.isascii() for label in stops_en.values())
