"""Fixtures every test may use: the demo city, users holding a role over an area, residents.

Settings: pytest-django loads `saram.settings` (pyproject.toml), which switches to test mode
because pytest is imported (fixed test secrets, immediate tasks, fast password hashing).
SARAM_ENV=test is also set here so that any subprocess a test starts (`saram ...`) runs in
test mode too; scripts/test sets it before pytest starts.
"""

from __future__ import annotations

import datetime as dt
import importlib
import itertools
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import override_settings
from model_bakery import baker

from saram.core.engine.identity import birth_date_of, make_rrn, normalize_rrn, sex_of
from saram.core.models import City, Dong, Gu, Person, Role, RoleAssignment
from saram.core.personal_data import seal_rrn
from saram.core.services.cities import load_city

# pytest-django has loaded the settings by now (test mode, since pytest is imported); this is
# for subprocesses.
os.environ.setdefault("SARAM_ENV", "test")

# Every user made by `make_user` has this password (long enough for the validators).
TEST_PASSWORD = "saram-test-password-2024"

_serial = itertools.count(1)

Area = City | Gu | Dong


# The test database is made from the models (`--no-migrations` in pyproject.toml): replaying
# every migration costs each test process about 40 s of CPU, mostly Django re-rendering model
# states. What the migrations add beyond the models is raw SQL, applied here from the migrations
# themselves so that it cannot drift: the database's own refusal of overlapping or over-long
# machine reservations. The real migrations still run wherever Saram's own commands make a
# database (`saram demo` and `saram migrate` in tests/core, the e2e leg).
_RAW_SCHEMA_MIGRATIONS = {
    # migration module -> the name of its list of statements, per database vendor
    "saram.making.migrations.0003_reservation_no_overlap": {"postgresql": "PG_FORWARD"},
    "saram.making.migrations.0004_reservation_bounded_span": {
        "postgresql": "PG_FORWARD",
        "sqlite": "SQLITE_FORWARD",
    },
}
_RAW_SCHEMA_MARK = {
    "sqlite": "SELECT 1 FROM sqlite_master WHERE type = 'trigger' "
    "AND name = 'reservation_no_overlap_insert'",
    "postgresql": "SELECT 1 FROM pg_constraint WHERE conname = 'reservation_no_overlap'",
}


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: None, django_db_blocker: Any) -> None:
    """The test database as pytest-django makes it, plus the migrations' raw SQL if missing."""
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute(_RAW_SCHEMA_MARK[connection.vendor])
        if cursor.fetchone():
            return  # made by the migrations (pytest run with --migrations)
        for module_name, names in _RAW_SCHEMA_MIGRATIONS.items():
            name = names.get(connection.vendor)
            if name:
                for sql in getattr(importlib.import_module(module_name), name):
                    cursor.execute(sql)


@pytest.fixture(scope="session", autouse=True)
def _isolated_media(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Uploads made by tests land in a temporary directory, never in the checkout's var/."""
    with override_settings(MEDIA_ROOT=str(tmp_path_factory.mktemp("media"))):
        yield


@pytest.fixture(scope="session", autouse=True)
def _static_root() -> None:
    """WhiteNoise warns (an error here) when STATIC_ROOT is missing; tests serve from finders."""
    Path(settings.STATIC_ROOT).mkdir(parents=True, exist_ok=True)


@pytest.fixture(autouse=True)
def _own_audit_checkpoints(tmp_path: Path, settings: Any) -> None:
    """Each test's audit checkpoints (written outside the database) in a file of its own."""
    settings.SARAM_AUDIT_CHECKPOINT_FILE = tmp_path / "audit-checkpoints.log"


@pytest.fixture(autouse=True)
def _fresh_cache() -> Iterator[None]:
    """Cached rows must not outlive the transaction that made them."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def city(db: None) -> City:
    """Jeonju (35 dongs in 2 gu) loaded through the real loader; about 30 ms per test."""
    return load_city(settings.SARAM_CITY_DIR).city


@pytest.fixture
def dong(city: City) -> Dong:
    """One dong of the demo city (the first by code)."""
    return Dong.objects.filter(gu__city=city).order_by("code").first()  # type: ignore[return-value]


@pytest.fixture
def other_dong(city: City, dong: Dong) -> Dong:
    """A dong in the same city, other than `dong`: for out-of-scope checks."""
    others = Dong.objects.filter(gu__city=city).exclude(pk=dong.pk)
    return others.order_by("-code").first()  # type: ignore[return-value]


MakeUser = Callable[..., Any]


@pytest.fixture
def make_user(db: None, request: pytest.FixtureRequest) -> MakeUser:
    """`make_user(role, area=None, *, username=None, organisation=None, person=None, **fields)`.

    Creates an active user with the password `TEST_PASSWORD` holding `role` (a `Role` or its
    value) over `area`: a City, Gu or Dong; None means the whole demo city (loaded on demand).
    Extra roles: `make_user(..., extra=[(role, area), ...])`.
    """
    user_model = get_user_model()

    def _area_fields(area: Area | None) -> dict[str, Any]:
        if area is None:
            area = request.getfixturevalue("city")
        if isinstance(area, City):
            return {"city": area}
        if isinstance(area, Gu):
            return {"gu": area}
        if isinstance(area, Dong):
            return {"dong": area}
        raise TypeError(f"area must be a City, Gu or Dong, not {type(area).__name__}")

    def _make(
        role: Role | str,
        area: Area | None = None,
        *,
        username: str | None = None,
        organisation: Any = None,
        person: Person | None = None,
        extra: list[tuple[Role | str, Area | None]] | tuple[()] = (),
        **fields: Any,
    ) -> Any:
        role = Role(role)
        username = username or f"{role.value}-{next(_serial)}"
        user = user_model.objects.create_user(username=username, password=TEST_PASSWORD, **fields)
        RoleAssignment.objects.create(
            user=user, role=role, organisation=organisation, person=person, **_area_fields(area)
        )
        for extra_role, extra_area in extra:
            RoleAssignment.objects.create(
                user=user, role=Role(extra_role), **_area_fields(extra_area)
            )
        user.raw_password = TEST_PASSWORD
        return user

    return _make


@pytest.fixture
def client_as(make_user: MakeUser) -> Callable[..., Client]:
    """`client_as(role, area=None, **make_user_kwargs)`: a test client logged in as a new user.

    The user is at `client.user`.
    """

    def _client(role: Role | str, area: Area | None = None, **kwargs: Any) -> Client:
        user = make_user(role, area, **kwargs)
        client = Client()
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        client.user = user  # type: ignore[attr-defined]
        return client

    return _client


MakePerson = Callable[..., Person]


@pytest.fixture
def make_person(db: None, request: pytest.FixtureRequest) -> MakePerson:
    """`make_person(dong=None, *, rrn=None, **fields)`: a resident with a sealed 주민등록번호.

    Defaults: a dong of the demo city, a checksum-valid number made from `birth_date` and
    `sex` (or, given `rrn`, birth date and sex read from it), a unique `key`, name 홍길동.
    The plain number is kept on the returned object as `person.rrn` (never stored).
    """

    def _make(dong: Dong | None = None, *, rrn: str | None = None, **fields: Any) -> Person:
        if dong is None:
            dong = request.getfixturevalue("dong")
        n = next(_serial)
        if rrn is not None:
            digits = normalize_rrn(rrn)
            birth_date: dt.date = fields.pop("birth_date", birth_date_of(digits))
            sex: str = fields.pop("sex", sex_of(digits))
        else:
            # Birth dates spread over 1940-2019, so every age band appears.
            birth_date = fields.pop(
                "birth_date", dt.date(1940, 1, 1) + dt.timedelta(97 * (n % 300))
            )
            sex = fields.pop("sex", "F" if n % 2 else "M")
            digits = make_rrn(birth_date, sex, serial=n)
        cipher, digest = seal_rrn(digits)
        defaults: dict[str, Any] = {
            "key": f"test-{n}",
            "name": "홍길동",
            "address": f"{dong.gu.name} {dong.name} {n}번지",
            "phone": f"010-{n // 10000 % 10000:04d}-{n % 10000:04d}",
        }
        person: Person = baker.make(
            Person,
            dong=dong,
            birth_date=birth_date,
            sex=sex,
            rrn_cipher=cipher,
            rrn_hmac=digest,
            **(defaults | fields),
        )
        person.rrn = digits  # type: ignore[attr-defined]
        return person

    return _make
