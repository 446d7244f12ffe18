"""The officer's lists filter through their forms and keep their query counts as rows grow:
visits to follow, cases open or closed, the transfer page with its move tasks, a person."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.test import Client

from saram.welfare.models import Assignment, AssignmentStatus, Case, MoveTask
from saram.welfare.services import cases, rounds

from .conftest import NOW, TODAY


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


@pytest.fixture
def started(officer: Any, dong: Any, make_person: Any, add_signal: Any) -> list[Assignment]:
    people = [make_person(dong, name=f"주민{n}") for n in range(4)]
    for person in people:
        add_signal(person, "gas_cut_off")
    round_ = rounds.plan_round(by=officer, dong=dong, today=TODAY)
    return rounds.start_round(by=officer, round_=round_, assignees=[officer], now=NOW)


def test_the_visit_list_shows_what_its_filter_asks_for(officer: Any, started: list[Any]) -> None:
    late, returned, *_rest = started
    Assignment.objects.filter(pk=late.pk).update(due_on=TODAY - dt.timedelta(days=1))
    Assignment.objects.filter(pk=returned.pk).update(
        status=AssignmentStatus.RETURNED, returned_reason="아는 사이"
    )
    client = _client(officer)

    def shown(query: str) -> set[int]:
        with time_machine.travel(NOW, tick=False):  # the page reads "overdue" off the clock
            page = client.get(f"/welfare/visits/{query}")
        assert page.status_code == 200
        return {a.pk for a in page.context["page"].object_list}

    assert shown("") == {late.pk}  # overdue by default
    assert shown("?show=nonsense") == {late.pk}  # an unknown filter falls back, no error
    assert shown("?show=returned") == {returned.pk}
    assert shown("?show=open") == {a.pk for a in started if a.pk != returned.pk}


def test_the_case_list_shows_open_or_closed_cases(officer: Any, make_person: Any) -> None:
    still = cases.open_case(by=officer, person=make_person(), programme="simple", now=NOW)
    done = cases.open_case(by=officer, person=make_person(), programme="simple", now=NOW)
    Case.objects.filter(pk=done.pk).update(closed_at=NOW, closure_reason="resolved")
    client = _client(officer)
    assert [c.pk for c in client.get("/welfare/cases/").context["page"].object_list] == [still.pk]
    closed = client.get("/welfare/cases/?closed=1").context["page"].object_list
    assert [c.pk for c in closed] == [done.pk]


def test_the_transfer_page_keeps_its_query_count_as_move_tasks_grow(
    officer: Any, make_person: Any, dong: Any, django_assert_max_num_queries: Any
) -> None:
    client = _client(officer)

    def add_tasks(n: int) -> None:
        for _ in range(n):
            MoveTask.objects.create(
                person=make_person(dong),
                dong=dong,
                learned_at=NOW,
                learned_by=officer,
                due_on=TODAY,
            )

    add_tasks(1)
    client.get("/welfare/transfers/")
    with django_assert_max_num_queries(15):
        assert client.get("/welfare/transfers/").status_code == 200
    add_tasks(6)
    with django_assert_max_num_queries(15):
        page = client.get("/welfare/transfers/")
    assert page.content.decode().count("data-move-task=") == 7


def test_a_persons_page_keeps_its_query_count(
    officer: Any, started: list[Any], django_assert_max_num_queries: Any
) -> None:
    client = _client(officer)
    url = f"/welfare/people/{started[0].person_id}/"
    client.get(url)
    with django_assert_max_num_queries(20):
        assert client.get(url).status_code == 200
