"""The welfare demo: signals, a year of rounds with outcomes, committees, resources; idempotent;
and every page of each role renders over it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client
from tests.module_db import module_transaction

from saram.core.models import City, Dong, OrganisationKind, Person
from saram.core.services import demo as core_demo
from saram.core.services.cities import load_city
from saram.welfare import demo, models
from saram.welfare.services import coverage, learned

RESIDENTS = 4000


# Every test here reads the demo: it is loaded once for the module (about 10 s of CPU), inside a
# transaction rolled back at the module's end; each test's own changes roll back to it.
pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def loaded(django_db_setup: None, django_db_blocker: Any) -> Iterator[tuple[City, dict[str, int]]]:
    with module_transaction(django_db_blocker):
        city = load_city(settings.SARAM_CITY_DIR).city
        core_demo.load_demo(residents=RESIDENTS)
        yield city, demo.load_demo(city=city, seed=core_demo.DEMO_SEED)


def test_the_demo_fills_every_part_of_the_programme(loaded: Any) -> None:
    _city, made = loaded
    kinds = set(models.Signal.objects.values_list("kind__code", flat=True).distinct())
    assert len(kinds) >= 30  # about 40 kinds, the rarest may not occur in a small city
    assert made["rounds"] > 5 * Dong.objects.count()  # six a year, unless nobody is flagged
    assert models.Visit.objects.filter(outcome="met").exists()
    assert models.Assignment.objects.filter(need_confirmed=True).exists()
    assert models.Assignment.objects.filter(need_confirmed=False).exists()
    statuses = set(models.Referral.objects.values_list("status", flat=True))
    assert "served" in statuses and statuses & {"sent", "accepted"}
    assert models.Case.objects.filter(closed_at__isnull=False).exists()
    assert models.Case.objects.filter(closed_at__isnull=True).exists()
    names = set(models.Resource.objects.values_list("name", flat=True))
    assert {"국민기초생활보장 생계급여", "긴급복지지원 (생계·의료·주거)"} <= names
    for committee in models.Committee.objects.all():
        kinds_in = {m.organisation.kind for m in committee.members.all() if m.organisation}
        assert (
            OrganisationKind.RELIGIOUS in kinds_in and OrganisationKind.WELFARE_CENTRE in kinds_in
        )
        assert committee.members.filter(user__isnull=False).count() >= 3
        assert committee.meetings.exists()
    assert models.Committee.objects.count() == Dong.objects.count()


def test_loading_twice_changes_nothing(loaded: Any) -> None:
    city, _made = loaded
    counts = [
        m.objects.count() for m in (models.Signal, models.Round, models.Case, models.Resource)
    ]
    assert demo.load_demo(city=city, seed=core_demo.DEMO_SEED) == {}
    assert counts == [
        m.objects.count() for m in (models.Signal, models.Round, models.Case, models.Resource)
    ]


def test_the_demo_member_and_officer_have_work(loaded: Any) -> None:
    users = get_user_model().objects
    member, officer = users.get(username="member"), users.get(username="officer")
    assert models.Assignment.objects.filter(assignee=member).exists()
    home = models.CommitteeMember.objects.get(user=member).committee.dong
    assert models.Round.objects.filter(dong=home, status="open").exists()
    assert models.Case.objects.filter(dong=home, workers=officer).exists()


def test_past_outcomes_feed_the_model_comparison(loaded: Any) -> None:
    from django.utils import timezone

    city, _made = loaded
    stored = learned.fit_and_compare(
        city=city, k=10, today=timezone.localdate(), now=timezone.now()
    )
    assert stored.held_out_rounds >= 1 and stored.metrics["points"]["listed"] > 0
    assert stored.trained_to < stored.held_out_from
    dong_ids = list(models.Round.objects.values_list("dong_id", flat=True).distinct())
    by_dong, rows = coverage.coverage_of(dong_ids=dong_ids, now=timezone.now())
    listed = sum(c.funnel.steps["listed"] for c in by_dong.values() if c.funnel is not None)
    assert 0 < listed <= sum(r.steps["flagged"] for r in rows)
    # Everyone flagged and not listed is counted with the reason.
    assert all(sum(r.not_listed.values()) == r.steps["flagged"] - r.steps["listed"] for r in rows)
    assert any(r.not_listed.get("below_cutoff") for r in rows)
    # ... and each one stays visible to the officer, with that reason.
    assert models.FlaggedPerson.objects.filter(status="below_cutoff").exists()


PAGES = {
    "officer": [
        "/welfare/",
        "/welfare/outreach/",
        "/welfare/signals/",
        "/welfare/signals/reviews/",
        "/welfare/visits/",
        "/welfare/visits/?show=open",
        "/welfare/cases/",
        "/welfare/cases/?closed=1",
        "/welfare/resources/",
        "/welfare/concerns/",
        "/welfare/committees/",
        "/welfare/config/",
        "/welfare/models/",
        "/welfare/my/",
    ],
    "member": ["/welfare/my/", "/welfare/my/concern/"],
    "admin": [
        "/welfare/coverage/",
        "/welfare/coverage.geojson",
        "/welfare/committees/",
        "/welfare/config/",
        "/welfare/config/edit/",
        "/welfare/config/kinds/new/",
        "/welfare/resources/",
        "/welfare/resources/new/",
    ],
}


@pytest.mark.parametrize("language", ["ko", "en"])
def test_every_role_s_pages_render_over_the_demo(loaded: Any, language: str) -> None:
    users = get_user_model().objects
    for username, urls in PAGES.items():
        client = Client(headers={"accept-language": language})
        client.force_login(
            users.get(username=username), backend="django.contrib.auth.backends.ModelBackend"
        )
        home = models.CommitteeMember.objects.get(user__username="member").committee.dong
        extra = []
        if username == "officer":
            case = models.Case.objects.filter(dong=home).first()
            round_ = models.Round.objects.filter(dong=home).first()
            assignment = models.Assignment.objects.filter(dong=home).first()
            extra = [
                f"/welfare/outreach/{home.code}/",
                f"/welfare/rounds/{round_.pk}/",
                f"/welfare/cases/{case.pk}/",
                f"/welfare/people/{case.person_id}/",
                f"/welfare/visits/{assignment.pk}/",
                f"/welfare/coverage/{home.code}/",
                f"/welfare/committees/{home.code}/",
                f"/welfare/settings/{home.code}/",
            ]
        if username == "member":
            mine = models.Assignment.objects.filter(
                assignee__username="member", status="open"
            ).first()
            extra = [f"/welfare/my/{mine.pk}/"] if mine else []
        if username == "admin":
            extra = [f"/welfare/coverage/{home.code}/", f"/welfare/committees/{home.code}/"]
        for url in urls + extra:
            response = client.get(url, follow=True)
            assert response.status_code == 200, (username, url, response.status_code)


def test_the_demo_residents_can_be_replaced_and_the_welfare_demo_follows(loaded: Any) -> None:
    city, _made = loaded
    core_demo.load_demo(residents=RESIDENTS // 2)  # replaces every demo resident
    assert not models.Signal.objects.exclude(person__in=Person.objects.all()).exists()
    assert not models.Assignment.objects.exists()
    again = demo.load_demo(city=city, seed=core_demo.DEMO_SEED)
    assert again["signals"] > 0 and again["rounds"] > 0
    assert not models.Signal.objects.exclude(person__in=Person.objects.all()).exists()
