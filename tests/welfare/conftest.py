"""Fixtures of the welfare tests: an officer and a committee in one dong, signals made to order."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.utils import timezone, translation

from saram.core.models import Dong, Household, Person, Role
from saram.welfare.models import Committee, CommitteeMember, Signal, SignalKind
from saram.welfare.services.config import ensure_default_config

TODAY = dt.date(2025, 6, 30)
NOW = timezone.make_aware(dt.datetime(2025, 6, 30, 10, 0))


@pytest.fixture(autouse=True)
def _korean() -> Iterator[None]:
    """Messages are compared in Korean; a page requested in English must not leak into the next
    test (LocaleMiddleware leaves the language active in the thread)."""
    with translation.override("ko"):
        yield


@pytest.fixture
def config(city: Any) -> Any:
    """The city's signal configuration, version 1 from the engine's defaults."""
    return ensure_default_config(city=city)


@pytest.fixture
def officer(make_user: Any, dong: Dong, config: Any) -> Any:
    return make_user(Role.WELFARE_OFFICER, dong, username="officer-kim", first_name="김주무관")


@pytest.fixture
def committee(dong: Dong) -> Committee:
    return Committee.objects.create(dong=dong, name=f"{dong.name} 복지위원회")


@pytest.fixture
def make_member(make_user: Any, dong: Dong, committee: Committee) -> Callable[..., Any]:
    """`make_member(person=None, **user_fields)`: a committee member with a login in `dong`."""

    def _make(person: Person | None = None, **fields: Any) -> Any:
        user = make_user(Role.COMMITTEE_MEMBER, dong, **fields)
        CommitteeMember.objects.create(
            committee=committee,
            name=user.username,
            user=user,
            person=person,
            joined_on=TODAY - dt.timedelta(days=400),
        )
        return user

    return _make


@pytest.fixture
def add_signal(config: Any) -> Callable[..., Signal]:
    """`add_signal(person, code, observed_on=TODAY, value=1)`."""

    def _add(person: Person, code: str, observed_on: dt.date = TODAY, value: int = 1) -> Signal:
        return Signal.objects.create(
            person=person,
            kind=SignalKind.objects.get(code=code),
            observed_on=observed_on,
            value=value,
            source="test",
        )

    return _add


@pytest.fixture
def household(dong: Dong) -> Callable[[], Household]:
    counter = iter(range(1, 10_000))

    def _make() -> Household:
        n = next(counter)
        return Household.objects.create(dong=dong, address=f"가구 {n}", key=f"test-h-{n}")

    return _make


@pytest.fixture
def sharing_consent() -> Callable[..., Any]:
    """`sharing_consent(person, by)`: the person's verbal 제3자 제공 동의, witnessed, so a
    referral may share their data."""
    from saram.welfare.services.consent import record_consent

    def _give(person: Person, by: Any) -> Any:
        return record_consent(
            by=by,
            person=person,
            kind="third_party",
            scope="사례관리 서비스 연계",
            given_on=TODAY - dt.timedelta(days=1),
            method="verbal",
            witness="이통장",
            now=NOW,
        )

    return _give
