"""Core's list and detail pages make a fixed number of queries: more rows, not more queries."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from model_bakery import baker

from saram.core.models import Organisation, OrganisationKind, Role

pytestmark = pytest.mark.django_db

# The most queries each page may make once the session is warm (session, user and role reads
# included; the session is not written on every request).
BUDGETS: dict[str, int] = {
    "home": 4,
    "dong": 7,
    "people": 12,  # the list is audited (the chain head is locked and moved)
    "person": 9,
    "organisations": 7,
    "organisation": 5,
    "audit": 9,
}


def _count(client: Any, url: str) -> int:
    client.get(url)  # warm: the session's first save, cached population
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries.captured_queries)


def _add_rows(dong: Any, make_person: Any, n: int) -> None:
    for _ in range(n):
        make_person(dong)
    baker.make(Organisation, kind=OrganisationKind.WELFARE_CENTRE, dong=dong, _quantity=n)


def _urls(dong: Any, person: Any, organisation: Any) -> dict[str, str]:
    return {
        "home": "/",
        "dong": f"/dongs/{dong.code}/",
        "people": f"/people/?dong={dong.code}",
        "person": f"/people/{person.pk}/",
        "organisations": "/organisations/",
        "organisation": f"/organisations/{organisation.pk}/",
    }


def test_core_pages_make_the_same_few_queries_whatever_the_rows(
    client_as: Any, dong: Any, make_person: Any
) -> None:
    person = make_person(dong)
    organisation = baker.make(Organisation, kind=OrganisationKind.WELFARE_CENTRE, dong=dong)
    officer = client_as(Role.WELFARE_OFFICER, dong)
    urls = _urls(dong, person, organisation)
    few = {name: _count(officer, url) for name, url in urls.items()}
    _add_rows(dong, make_person, 30)
    many = {name: _count(officer, url) for name, url in urls.items()}
    assert many == few
    assert {n: c for n, c in many.items() if c > BUDGETS[n]} == {}


def test_the_audit_log_makes_the_same_few_queries_whatever_the_entries(
    client_as: Any, dong: Any, make_person: Any
) -> None:
    admin = client_as(Role.CITY_ADMIN)
    officer = client_as(Role.WELFARE_OFFICER, dong)
    person = make_person(dong)
    officer.get(f"/people/{person.pk}/")
    few = _count(admin, "/audit/")
    for _ in range(30):
        officer.get(f"/people/{person.pk}/")
    assert _count(admin, "/audit/") == few <= BUDGETS["audit"]
