"""The demo city: synthetic residents, households, organisations and one login per role.

Everything is generated from one seed, so two loads with the same seed and size hold the same
people (only the AES-GCM nonces differ). Residents are generated as numpy columns and written
with raw `executemany` in one transaction: a million residents load in well under a minute.

`load_demo` is idempotent: a second call with the same size changes nothing; another size
replaces the demo residents and households (never people that were registered or imported).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import check_password, make_password
from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from saram.core import audit
from saram.core.bulk import bulk_writes
from saram.core.errors import SaramError
from saram.core.imports import Column, ImportSpec, Upload, read_rows
from saram.core.models import (
    AuditAction,
    City,
    Dong,
    Household,
    Organisation,
    OrganisationKind,
    Person,
    Role,
    RoleAssignment,
)
from saram.core.personal_data import seal_rrn
from saram.core.selectors import forget_population
from saram.core.services.cities import load_listed_organisations

DEFAULT_RESIDENTS = 30_000
DEMO_SEED = 20_150_215
# Ages are counted on a fixed day, not today, so the demo is the same whenever it is loaded.
DEMO_AS_OF = dt.date(2025, 7, 1)
# One password for every demo login; demo logins are refused when SARAM_ENV=production.
DEMO_PASSWORD = "saram-demo-2025"
PERSON_KEY_PREFIX = "demo-p"
HOUSEHOLD_KEY_PREFIX = "demo-h"
POPULATION_FILE = "population.csv"

Progress = Callable[[str], None]


def _quiet(_message: str) -> None:
    return None


# --- What the generator needs to know about a dong ---------------------------------------------


@dataclass(frozen=True)
class DongSpec:
    """One dong as the generator sees it: plain data, no ORM."""

    id: int
    code: str
    name: str
    gu: str  # the address's part between city and road: 구 and/or 읍·면, maybe empty
    area_km2: float
    residents_hint: int | None = None  # published population, when the city supplies it


@dataclass(frozen=True)
class Place:
    """The city's address prefix: '<province> <city>'."""

    province: str
    city: str


# --- Household and age structure ------------------------------------------------------------

# Persons per household 1..5: mean ≈ 2.2 with about a third living alone, as in Korean cities.
HOUSEHOLD_SIZE_SHARE = np.array([0.36, 0.28, 0.18, 0.14, 0.04])

# (first age, last age + 1, share): piecewise-uniform age distributions.
AGES_LIVING_ALONE = ((20, 30, 0.19), (30, 40, 0.14), (40, 50, 0.10), (50, 65, 0.18),
                     (65, 75, 0.16), (75, 85, 0.16), (85, 97, 0.07))  # fmt: skip
AGES_HEAD_OF_COUPLE = ((25, 35, 0.12), (35, 50, 0.12), (50, 65, 0.28), (65, 75, 0.25),
                       (75, 92, 0.23))  # fmt: skip
AGES_HEAD_OF_FAMILY = ((28, 35, 0.12), (35, 45, 0.34), (45, 55, 0.33), (55, 65, 0.16),
                       (65, 80, 0.05))  # fmt: skip
PARTNER_SHARE = 0.8  # second member is a partner, otherwise a child of a single parent

# Surnames with their approximate share (%) of the population: the most common ~90.
SURNAME_SHARES = """
김 21.5 이 14.7 박 8.4 최 4.7 정 4.3 강 2.3 조 2.1 윤 2.1 장 2.0 임 1.7 한 1.5
오 1.5 서 1.5 신 1.4 권 1.4 황 1.4 안 1.3 송 1.3 전 1.3 홍 1.1 유 1.1 고 0.9
문 0.9 양 0.9 손 0.9 배 0.8 백 0.8 허 0.6 남 0.6 심 0.5 노 0.5 하 0.5 곽 0.4
성 0.4 차 0.4 주 0.4 우 0.4 구 0.4 민 0.3 류 0.3 나 0.3 진 0.3 지 0.3 엄 0.3
채 0.3 원 0.3 천 0.2 방 0.2 공 0.2 현 0.2 함 0.2 변 0.2 염 0.1 여 0.1 추 0.1
도 0.1 소 0.1 석 0.1 선 0.1 설 0.1 마 0.1 길 0.1 연 0.1 위 0.1 표 0.1 명 0.1
기 0.1 반 0.05 라 0.05 왕 0.05 금 0.05 옥 0.05 육 0.05 인 0.05 맹 0.05 제 0.05 모 0.05
남궁 0.04 탁 0.04 국 0.04 어 0.04 은 0.03 편 0.03 용 0.03 황보 0.02 제갈 0.01 선우 0.01 사공 0.01
독고 0.005
"""


def _surnames() -> tuple[np.ndarray, np.ndarray]:
    words = SURNAME_SHARES.split()
    share = np.array(words[1::2], dtype=np.float64)
    return np.array(words[0::2]), share / share.sum()


# Given-name syllables by sex and birth generation: (first syllables, second syllables).
# Generations: born before 1960, 1960-1979, 1980-1999, 2000 and later.
GENERATION_FROM_YEARS = (1960, 1980, 2000)
GIVEN_SYLLABLES: dict[tuple[str, int], tuple[str, str]] = {
    ("M", 0): ("영정종재상병동성기용광진만경명수", "수호식철구석환길근복남섭배태원규"),
    ("M", 1): ("성영정재상동진승현준종경민태기", "호수훈민철진석욱환우일규식용"),
    ("M", 2): ("민지현성준동상재승영우태진정", "수호준우민혁진훈석현규빈원"),
    ("M", 3): ("민서도예시하주지준은건현유우이", "준우호원윤민현서진훈혁율찬결"),
    ("F", 0): ("순영정옥말복명춘금분경숙", "자순희숙례녀옥이분님애심"),
    ("F", 1): ("미은경영현지수선혜정윤진희", "경숙희영정주진미선아란연자"),
    ("F", 2): ("지수은민혜유현소예서다보하", "영은연현진희민정아나선원혜"),
    ("F", 3): ("서지하수민예채윤다유시소아주", "연윤은아원린서빈현유민희율"),
}

# Old 주민등록번호 region codes (8th-9th digits) of 전라북도; numbers issued from October 2020
# carry random digits there instead.
RRN_REGION_CODES = np.arange(48, 55)
RRN_RANDOM_FROM = np.datetime64("2020-10-01")
_RRN_WEIGHTS = np.array([2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5], dtype=np.int64)

ROAD_SUFFIXES = ("로", "중앙로", "동로", "서로", "남로", "북로")


@dataclass(frozen=True)
class Residents:
    """Generated residents and their households as columns (index i = the i-th person)."""

    household: np.ndarray  # int64, index into the household columns
    name: np.ndarray  # str
    birth_date: np.ndarray  # datetime64[D]
    is_male: np.ndarray  # bool
    rrn: np.ndarray  # str, 13 digits, checksum-valid
    phone: np.ndarray  # str, '' for young children
    consent: np.ndarray  # bool
    household_dong: np.ndarray  # int64, index into the DongSpec sequence
    household_size: np.ndarray  # int64
    household_address: np.ndarray  # str

    @property
    def count(self) -> int:
        return int(self.household.shape[0])

    @property
    def dong(self) -> np.ndarray:
        return self.household_dong[self.household]

    @property
    def lives_alone(self) -> np.ndarray:
        return self.household_size[self.household] == 1


def dong_weights(dongs: Sequence[DongSpec], *, seed: int) -> np.ndarray:
    """Each dong's share of the residents: its published size, else one guessed from its area.

    Without a published size, dense urban dongs are small and the large ones mostly hills and
    fields, so the weight rises with area up to a few km² and falls after; a seeded factor
    keeps neighbours from looking alike.
    """
    hints = np.array([d.residents_hint or 0 for d in dongs], dtype=np.float64)
    if (hints > 0).all():
        weights = hints
    else:
        rng = np.random.default_rng([seed, 1])
        area = np.maximum(np.array([d.area_km2 for d in dongs], dtype=np.float64), 0.05)
        weights = area / (1.0 + (area / 5.0) ** 2) * rng.lognormal(0.0, 0.35, len(dongs))
        if (hints > 0).any():
            weights = np.where(hints > 0, hints, weights * hints[hints > 0].mean() / weights.mean())
    return weights / weights.sum()


def _ages(rng: np.random.Generator, bands: Sequence[tuple[int, int, float]], n: int) -> np.ndarray:
    lows = np.array([b[0] for b in bands], dtype=np.float64)
    highs = np.array([b[1] for b in bands], dtype=np.float64)
    share = np.array([b[2] for b in bands], dtype=np.float64)
    band = rng.choice(len(bands), size=n, p=share / share.sum())
    return lows[band] + rng.random(n) * (highs[band] - lows[band])


def _household_sizes(rng: np.random.Generator, count: int) -> np.ndarray:
    share = HOUSEHOLD_SIZE_SHARE / HOUSEHOLD_SIZE_SHARE.sum()
    mean = float((np.arange(1, len(share) + 1) * share).sum())
    sizes = np.empty(0, dtype=np.int64)
    while sizes.sum() < count:
        more = rng.choice(len(share), size=int(count / mean * 1.05) + 16, p=share) + 1
        sizes = np.concatenate([sizes, more])
    total = np.cumsum(sizes)
    last = int(np.searchsorted(total, count))
    sizes = sizes[: last + 1].copy()
    sizes[-1] -= int(total[last]) - count
    return sizes


def _given_names(rng: np.random.Generator, is_male: np.ndarray, year: np.ndarray) -> np.ndarray:
    generation = np.searchsorted(np.array(GENERATION_FROM_YEARS), year, side="right")
    names = np.empty(is_male.shape[0], dtype="<U2")
    for (sex, gen), (firsts, seconds) in GIVEN_SYLLABLES.items():
        chosen = np.flatnonzero((is_male == (sex == "M")) & (generation == gen))
        if chosen.size == 0:
            continue
        first = np.array(list(firsts))[rng.integers(0, len(firsts), chosen.size)]
        pool = np.array(list(seconds))
        index = rng.integers(0, len(seconds), chosen.size)
        # A doubled syllable (영영) is rare in real names: take the next one instead.
        index = np.where(first == pool[index], (index + 1) % len(pool), index)
        names[chosen] = np.strings.add(first, pool[index])
    return names


def _rrns(rng: np.random.Generator, birth_date: np.ndarray, is_male: np.ndarray) -> np.ndarray:
    """Checksum-valid, distinct 주민등록번호 matching each birth date and sex."""
    n = birth_date.shape[0]
    year = birth_date.astype("datetime64[Y]").astype(np.int64) + 1970
    month = birth_date.astype("datetime64[M]").astype(np.int64) % 12 + 1
    day = (birth_date - birth_date.astype("datetime64[M]")).astype(np.int64) + 1
    century = np.where(year >= 2000, 3, 1)
    sex_digit = century + (~is_male).astype(np.int64)
    front = (year % 100) * 10_000 + month * 100 + day  # yymmdd
    is_new = birth_date >= RRN_RANDOM_FROM

    def serials(size: int, new: np.ndarray) -> np.ndarray:
        region = RRN_REGION_CODES[rng.integers(0, RRN_REGION_CODES.size, size)]
        old = region * 1000 + rng.integers(0, 1000, size)
        return np.where(new, rng.integers(0, 100_000, size), old)

    serial = serials(n, is_new)
    while True:
        first12 = (front * 10 + sex_digit) * 100_000 + serial
        _, first, counts = np.unique(first12, return_index=True, return_counts=True)
        if (counts == 1).all():
            break
        duplicate = np.ones(n, dtype=bool)
        duplicate[first] = False
        serial[duplicate] = serials(int(duplicate.sum()), is_new[duplicate])
    digits = (first12[:, None] // (10 ** np.arange(11, -1, -1, dtype=np.int64))) % 10
    check = (11 - (digits @ _RRN_WEIGHTS) % 11) % 10
    return np.strings.zfill((first12 * 10 + check).astype(str), 13)


def _road_names(dongs: Sequence[DongSpec]) -> np.ndarray:
    stems = [re.sub(r"\d*동$", "", d.name) or d.name for d in dongs]
    return np.array([[stem + suffix for suffix in ROAD_SUFFIXES] for stem in stems])


def generate_residents(
    *,
    count: int,
    dongs: Sequence[DongSpec],
    place: Place,
    seed: int = DEMO_SEED,
    as_of: dt.date = DEMO_AS_OF,
) -> Residents:
    """`count` residents in households spread over `dongs`; the same inputs give the same people."""
    if count < 0:
        raise ValueError("count must not be negative")
    if not dongs:
        raise SaramError("no_dongs")
    rng = np.random.default_rng(seed)
    sizes = _household_sizes(rng, count) if count else np.empty(0, dtype=np.int64)
    n_households = sizes.shape[0]
    household_dong = rng.choice(len(dongs), size=n_households, p=dong_weights(dongs, seed=seed))

    household = np.repeat(np.arange(n_households), sizes)
    starts = np.cumsum(sizes) - sizes
    position = np.arange(count) - np.repeat(starts, sizes)

    # Ages: who lives alone, who heads a couple or a family, partners and children.
    head_age = np.where(
        sizes == 1,
        _ages(rng, AGES_LIVING_ALONE, n_households),
        np.where(
            sizes == 2,
            _ages(rng, AGES_HEAD_OF_COUPLE, n_households),
            _ages(rng, AGES_HEAD_OF_FAMILY, n_households),
        ),
    )
    partner_age = np.clip(head_age + rng.normal(0.0, 3.5, n_households), 20.0, 100.0)
    has_partner = (sizes >= 2) & (rng.random(n_households) < PARTNER_SHARE)
    head_age = np.where((sizes == 2) & ~has_partner & (head_age < 45), head_age + 25, head_age)
    youngest_parent = np.where(has_partner, np.minimum(head_age, partner_age), head_age)
    child_age = youngest_parent[household] - rng.uniform(24.0, 38.0, count)
    too_young = child_age < 0
    child_age[too_young] = rng.random(int(too_young.sum())) * np.maximum(
        youngest_parent[household][too_young] - 20.0, 0.5
    )
    is_partner = (position == 1) & has_partner[household]
    age = np.where(
        position == 0, head_age[household], np.where(is_partner, partner_age[household], child_age)
    )

    # Sex: more older women live alone; a partner is of the other sex.
    head_is_male = np.where(
        sizes == 1,
        rng.random(n_households) < np.where(head_age >= 65, 0.3, 0.55),
        rng.random(n_households) < 0.7,
    )
    is_male = np.where(
        position == 0,
        head_is_male[household],
        np.where(is_partner, ~head_is_male[household], rng.random(count) < 0.51),
    )

    as_of_day = np.datetime64(as_of, "D")
    birth_date = as_of_day - (age * 365.2425).astype(np.int64).astype("timedelta64[D]")
    year = birth_date.astype("datetime64[Y]").astype(np.int64) + 1970

    # Names: children carry the surname of the father in the household.
    surname_pool, surname_share = _surnames()
    head_surname = rng.choice(surname_pool, size=n_households, p=surname_share)
    partner_surname = rng.choice(surname_pool, size=n_households, p=surname_share)
    family_surname = np.where(head_is_male | ~has_partner, head_surname, partner_surname)
    surname = np.where(
        position == 0,
        head_surname[household],
        np.where(is_partner, partner_surname[household], family_surname[household]),
    )
    name = np.strings.add(surname, _given_names(rng, is_male, year))

    rrn = _rrns(rng, birth_date, is_male)

    middle = rng.integers(2000, 10_000, count).astype(str)
    last = np.strings.zfill(rng.integers(0, 10_000, count).astype(str), 4)
    phone = np.strings.add(np.strings.add(np.strings.add("010-", middle), "-"), last)
    phone = np.where(age < 10, "", phone)
    consent = rng.random(count) < 0.65

    roads = _road_names(dongs)
    prefixes = np.array(
        [" ".join(p for p in (place.province, place.city, d.gu) if p) + " " for d in dongs]
    )
    road = roads[household_dong, rng.integers(0, len(ROAD_SUFFIXES), n_households)]
    lane = rng.integers(1, 61, n_households).astype(str)
    # Building numbers: most are small, a few run into the hundreds.
    number = np.clip(rng.pareto(1.2, n_households) * 8 + 1, 1, 300).astype(np.int64).astype(str)
    address = prefixes[household_dong]
    for part in (road, lane, "길 ", number):
        address = np.strings.add(address, part)

    return Residents(
        household=household,
        name=name,
        birth_date=birth_date,
        is_male=is_male,
        rrn=rrn,
        phone=phone,
        consent=consent,
        household_dong=household_dong,
        household_size=sizes,
        household_address=address,
    )


# --- Rows and raw inserts -----------------------------------------------------------------------


def _columns(model: type[models.Model], names: Sequence[str]) -> list[str]:
    return [model._meta.get_field(name).column for name in names]  # type: ignore[union-attr,misc]


HOUSEHOLD_FIELDS = ("id", "dong", "address", "key")
PERSON_FIELDS = (
    "key",
    "household",
    "dong",
    "name",
    "birth_date",
    "sex",
    "rrn_cipher",
    "rrn_hmac",
    "address",
    "phone",
    "lives_alone",
    "consent",
    "created_at",
    "updated_at",
)


def insert_sql(model: type[models.Model], names: Sequence[str], table: str | None = None) -> str:
    """INSERT for `names` of `model` (or an identical table), with Django's %s placeholders."""
    quote = connection.ops.quote_name
    columns = ", ".join(quote(c) for c in _columns(model, names))
    marks = ", ".join(["%s"] * len(names))
    return f"INSERT INTO {quote(table or model._meta.db_table)} ({columns}) VALUES ({marks})"


def _dates(values: np.ndarray) -> list[Any]:
    # SQLite stores dates as ISO text: giving it text skips an adapter call per row.
    if connection.vendor == "sqlite":
        return values.astype(str).tolist()  # type: ignore[no-any-return]
    return values.astype(object).tolist()  # type: ignore[no-any-return]


def household_rows(
    residents: Residents, *, dongs: Sequence[DongSpec], first_id: int
) -> list[tuple[Any, ...]]:
    """Rows for HOUSEHOLD_FIELDS; ids are given so that people can point at them."""
    n = residents.household_size.shape[0]
    ids = range(first_id, first_id + n)
    dong_ids = np.array([d.id for d in dongs], dtype=np.int64)[residents.household_dong]
    keys = np.strings.add(HOUSEHOLD_KEY_PREFIX, np.strings.zfill(np.arange(n).astype(str), 7))
    return list(
        zip(
            ids, dong_ids.tolist(), residents.household_address.tolist(), keys.tolist(), strict=True
        )
    )


def seal_all(rrns: Sequence[str]) -> tuple[list[bytes], list[str]]:
    """AES-GCM ciphertext and look-up digest of each number (the only per-row Python loop)."""
    sealed = [seal_rrn(rrn) for rrn in rrns]
    return [c for c, _d in sealed], [d for _c, d in sealed]


def person_rows(
    residents: Residents,
    *,
    dongs: Sequence[DongSpec],
    first_household_id: int,
    ciphers: Sequence[bytes],
    digests: Sequence[str],
) -> list[tuple[Any, ...]]:
    """Rows for PERSON_FIELDS, built column-wise and zipped."""
    n = residents.count
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    keys = np.strings.add(PERSON_KEY_PREFIX, np.strings.zfill(np.arange(n).astype(str), 7))
    dong_ids = np.array([d.id for d in dongs], dtype=np.int64)[residents.dong]
    household_ids = residents.household + first_household_id
    sex = np.where(residents.is_male, "M", "F")
    address = residents.household_address[residents.household]
    stamps = [now] * n
    return list(
        zip(
            keys.tolist(),
            household_ids.tolist(),
            dong_ids.tolist(),
            residents.name.tolist(),
            _dates(residents.birth_date),
            sex.tolist(),
            ciphers,
            digests,
            address.tolist(),
            residents.phone.tolist(),
            residents.lives_alone.tolist(),
            residents.consent.tolist(),
            stamps,
            stamps,
            strict=True,
        )
    )


def insert_rows(sql: str, rows: Sequence[tuple[Any, ...]], *, batch: int = 50_000) -> None:
    """Raw executemany in batches (bounded driver memory); the caller holds the transaction."""
    with connection.cursor() as cursor:
        for start in range(0, len(rows), batch):
            cursor.executemany(sql, rows[start : start + batch])


def _key_range(prefix: str) -> tuple[str, str]:
    # Keys sharing a prefix form a contiguous range, which every database can find by index.
    return prefix, prefix[:-1] + chr(ord(prefix[-1]) + 1)


def _demo(model: type[models.Model], prefix: str) -> models.QuerySet[Any]:
    low, high = _key_range(prefix)
    return model._base_manager.filter(key__gte=low, key__lt=high)


def _release_references(model: type[models.Model], doomed: models.QuerySet[Any]) -> None:
    """Let go of rows elsewhere that point at demo rows about to be deleted in bulk."""
    # include_hidden: relations declared with related_name="+" point at residents too.
    reverse = (
        f for f in model._meta.get_fields(include_hidden=True) if f.auto_created and not f.concrete
    )
    for rel in reverse:
        if rel.related_model in (Person, Household) or not (rel.one_to_many or rel.one_to_one):
            continue
        related: Any = rel.related_model
        refs = related._base_manager.filter(**{f"{rel.field.name}__in": doomed})
        if rel.on_delete is models.SET_NULL:
            refs.update(**{rel.field.name: None})
        elif rel.on_delete is models.CASCADE:
            refs.delete()
        elif refs.exists():
            raise SaramError(
                "demo_in_use",
                model=related._meta.verbose_name,
            )


def _delete_demo_residents() -> int:
    people = _demo(Person, PERSON_KEY_PREFIX)
    households = _demo(Household, HOUSEHOLD_KEY_PREFIX)
    _release_references(Person, people)
    _release_references(Household, households)
    quote = connection.ops.quote_name
    deleted = 0
    with connection.cursor() as cursor:
        for model, prefix in ((Person, PERSON_KEY_PREFIX), (Household, HOUSEHOLD_KEY_PREFIX)):
            low, high = _key_range(prefix)
            cursor.execute(
                f"DELETE FROM {quote(model._meta.db_table)} WHERE {quote('key')} >= %s "
                f"AND {quote('key')} < %s",
                [low, high],
            )
            if model is Person:
                deleted = cursor.rowcount
    return deleted


def _next_id(model: type[models.Model]) -> int:
    top = model._base_manager.aggregate(top=models.Max("id"))["top"]
    return int(top or 0) + 1


def _reset_sequences(*model_classes: type[models.Model]) -> None:
    statements = connection.ops.sequence_reset_sql(no_style(), list(model_classes))
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


# --- The demo city as a whole -------------------------------------------------------------------


@dataclass(frozen=True)
class DemoLogin:
    username: str
    role: str  # Role value
    role_label: str
    area: str


@dataclass
class DemoLoad:
    residents: int
    households: int
    residents_created: int
    residents_removed: int
    organisations_created: int
    logins: list[DemoLogin] = field(default_factory=list)
    password: str = DEMO_PASSWORD

    @property
    def changed(self) -> bool:
        return bool(self.residents_created or self.residents_removed or self.organisations_created)


def read_population(directory: Path) -> dict[str, int]:
    """Published residents per dong code from the city's optional population.csv."""
    path = directory / POPULATION_FILE
    if not path.exists():
        return {}

    def count(text: str) -> int:
        value = int(text.replace(",", ""))
        if value < 0:
            raise ValueError
        return value

    spec = ImportSpec(
        "population",
        (Column("행정동코드"), Column("행정동", required=False), Column("인구", count)),
    )
    rows = read_rows(Upload(path, path.name), spec)
    return {row["행정동코드"]: row["인구"] for row in rows}


def dong_specs(city: City, *, directory: Path | None = None) -> list[DongSpec]:
    population = read_population(directory) if directory else {}
    return [
        DongSpec(
            id=d.id,
            code=d.code,
            name=d.name,
            gu=d.address_area,
            area_km2=d.area_km2,
            residents_hint=population.get(d.code),
        )
        for d in Dong.objects.filter(city=city).select_related("gu").order_by("code")
    ]


@dataclass
class PreparedResidents:
    """Generated, sealed residents as rows ready for INSERT (HOUSEHOLD_FIELDS, PERSON_FIELDS)."""

    residents: Residents
    dongs: list[DongSpec]
    ciphers: list[bytes]
    digests: list[str]
    seed: int
    first_household_id: int = 0
    households: list[tuple[Any, ...]] = field(default_factory=list)
    people: list[tuple[Any, ...]] = field(default_factory=list)

    def build_rows(self, *, first_household_id: int) -> None:
        self.first_household_id = first_household_id
        self.households = household_rows(
            self.residents, dongs=self.dongs, first_id=first_household_id
        )
        self.people = person_rows(
            self.residents,
            dongs=self.dongs,
            first_household_id=first_household_id,
            ciphers=self.ciphers,
            digests=self.digests,
        )


def demo_resident_count() -> int:
    """How many demo residents there are, or -1 when they are not a complete demo load."""
    count = _demo(Person, PERSON_KEY_PREFIX).count()
    last_key = f"{PERSON_KEY_PREFIX}{count - 1:07d}"
    if count and not _demo(Person, PERSON_KEY_PREFIX).filter(key=last_key).exists():
        return -1
    return count


def prepare_residents(
    *,
    city: City,
    count: int,
    seed: int = DEMO_SEED,
    directory: Path | None = None,
    progress: Progress = _quiet,
) -> PreparedResidents:
    """Generate and seal `count` residents and build their rows; writes nothing."""
    dongs = dong_specs(city, directory=directory)
    progress(_("주민 %(n)s명 생성 중…") % {"n": f"{count:,}"})
    place = Place(city.province, city.name)
    residents = generate_residents(count=count, dongs=dongs, place=place, seed=seed)
    progress(_("주민등록번호 암호화 중…"))
    ciphers, digests = seal_all(residents.rrn.tolist())
    prepared = PreparedResidents(residents, dongs, ciphers, digests, seed)
    prepared.build_rows(first_household_id=_next_id(Household))
    return prepared


def write_residents(prepared: PreparedResidents) -> int:
    """Replace the demo residents with `prepared` in one transaction; returns how many went."""
    with bulk_writes(), transaction.atomic():
        removed = _delete_demo_residents()
        if _next_id(Household) > prepared.first_household_id:  # a household came in meanwhile
            prepared.build_rows(first_household_id=_next_id(Household))
        insert_rows(insert_sql(Household, HOUSEHOLD_FIELDS), prepared.households)
        insert_rows(insert_sql(Person, PERSON_FIELDS), prepared.people)
        _reset_sequences(Household, Person)
        audit.record(
            actor=None,
            action=AuditAction.IMPORT,
            target_type="person",
            purpose=_("데모 주민 불러오기"),
            detail={"created": len(prepared.people), "removed": removed, "seed": prepared.seed},
        )

    forget_population()
    return removed


def load_residents(
    *,
    city: City,
    count: int,
    seed: int = DEMO_SEED,
    directory: Path | None = None,
    progress: Progress = _quiet,
) -> tuple[int, int, int]:
    """Make the demo residents exactly `count`: skip when they are, else replace them.

    Returns (created, removed, households). Writes in one transaction with raw executemany.
    """
    if demo_resident_count() == count:
        progress(_("데모 주민 %(n)s명이 이미 있습니다: 그대로 둡니다.") % {"n": f"{count:,}"})
        return 0, 0, _demo(Household, HOUSEHOLD_KEY_PREFIX).count()
    prepared = prepare_residents(
        city=city, count=count, seed=seed, directory=directory, progress=progress
    )
    progress(_("데이터베이스에 쓰는 중…"))
    removed = write_residents(prepared)
    return count, removed, len(prepared.households)


# --- Organisations ------------------------------------------------------------------------------


# Generated organisations per dong: a kind and name patterns over the dong's name and its stem
# (송천1동 → 송천); numbered siblings (송천1동, 송천2동) take different patterns.
GENERATED_ORGANISATIONS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (OrganisationKind.PUBLIC, ("{dong} 행정복지센터",)),
    (
        OrganisationKind.RELIGIOUS,
        (
            "{stem}중앙교회",
            "{stem}제일교회",
            "{stem}성결교회",
            "{stem}감리교회",
            "{stem}순복음교회",
        ),
    ),
    (
        OrganisationKind.RELIGIOUS,
        ("{stem}성당", "원불교 {stem}교당", "{stem}사", "{stem}선원", "{stem}동 성당"),
    ),
    (
        OrganisationKind.WELFARE_CENTRE,
        (
            "{stem}종합사회복지관",
            "{stem}노인복지관",
            "{stem}장애인복지관",
            "{stem}어르신복지관",
            "{stem}가족복지관",
        ),
    ),
    (
        OrganisationKind.CHILDREN_CENTRE,
        (
            "{stem}지역아동센터",
            "{stem}꿈나무지역아동센터",
            "{stem}햇살지역아동센터",
            "{stem}희망지역아동센터",
            "{stem}푸른지역아동센터",
        ),
    ),
    (OrganisationKind.CIVIC, ("{dong} 주민자치회",)),
    (OrganisationKind.CIVIC, ("{dong} 새마을부녀회",)),
    (OrganisationKind.SELF_HELP, ("{dong} 홀몸어르신 자조모임",)),
    (OrganisationKind.SELF_HELP, ("{dong} 한부모 자조모임",)),
    (
        OrganisationKind.SCHOOL,
        (
            "전주{stem}초등학교",
            "전주{stem}중학교",
            "전주{stem}남초등학교",
            "전주{stem}북초등학교",
            "전주{stem}서초등학교",
        ),
    ),
    (
        OrganisationKind.LIBRARY,
        (
            "{stem}작은도서관",
            "{stem}마을도서관",
            "{stem}어린이도서관",
            "{stem}꿈틀도서관",
            "{stem}책마루도서관",
        ),
    ),
    (
        OrganisationKind.FARM,
        ("{stem}들녘농장", "{stem}햇살농원", "{stem}푸른농장", "{stem}참농원", "{stem}바른농장"),
    ),
    (
        OrganisationKind.FIRM,
        ("(주){stem}정밀", "(주){stem}테크", "(주){stem}산업", "{stem}인쇄", "(주){stem}식품"),
    ),
    (
        OrganisationKind.SOCIAL_ENTERPRISE,
        (
            "{stem}나눔돌봄",
            "(주){stem}함께일터",
            "{stem}행복도시락",
            "{stem}희망세탁",
            "{stem}늘봄돌봄",
        ),
    ),
    (
        OrganisationKind.COOPERATIVE,
        (
            "{stem}마을협동조합",
            "{stem}소비자협동조합",
            "{stem}돌봄협동조합",
            "{stem}공동육아협동조합",
            "{stem}집수리협동조합",
        ),
    ),
    (
        OrganisationKind.VILLAGE_ENTERPRISE,
        (
            "{stem}두레 마을기업",
            "{stem}마을부엌",
            "{stem}마을공방",
            "{stem}마을카페",
            "{stem}마을빵집",
        ),
    ),
    (
        OrganisationKind.SELF_SUFFICIENCY,
        (
            "{stem} 자활 청소사업단",
            "{stem} 자활 집수리사업단",
            "{stem} 자활 카페",
            "{stem} 자활 세차사업단",
            "{stem} 자활 반찬가게",
        ),
    ),
)
_BUSINESS_KINDS = frozenset(
    {
        OrganisationKind.FIRM,
        OrganisationKind.SOCIAL_ENTERPRISE,
        OrganisationKind.COOPERATIVE,
        OrganisationKind.VILLAGE_ENTERPRISE,
        OrganisationKind.SELF_SUFFICIENCY,
        OrganisationKind.FARM,
    }
)
_BRN_WEIGHTS = np.array([1, 3, 7, 1, 3, 7, 1, 3, 5], dtype=np.int64)


def business_numbers(rng: np.random.Generator, n: int) -> list[str]:
    """Distinct, checksum-valid 사업자등록번호 (tax office 401-418: 전주 area)."""
    office = rng.integers(401, 419, n)
    kind = rng.choice(np.array([81, 82, 86, 87, 11, 12, 28]), n)
    serial = rng.integers(0, 10_000, n)
    first9 = (office * 100 + kind) * 10_000 + serial
    digits = (first9[:, None] // (10 ** np.arange(8, -1, -1, dtype=np.int64))) % 10
    total = digits @ _BRN_WEIGHTS + digits[:, 8] * 5 // 10
    check = (10 - total % 10) % 10
    numbers = np.strings.zfill((first9 * 10 + check).astype(str), 10).tolist()
    return list(dict.fromkeys(numbers))


def load_organisations(
    *, city: City, directory: Path, generate: bool, seed: int = DEMO_SEED
) -> int:
    """The city's listed organisations, and with `generate` one of each kind per dong.

    Idempotent: an organisation already present is left as it is. Returns how many were created.
    """
    extra: list[Organisation] = []
    if generate:
        dongs = list(Dong.objects.filter(city=city).select_related("gu"))
        taken = set(
            Organisation.objects.exclude(business_number="").values_list(
                "business_number", flat=True
            )
        )
        extra = _generated_organisations(city, dongs, seed=seed, taken=taken)
    return load_listed_organisations(city=city, directory=directory, extra=extra)


def _generated_organisations(
    city: City, dongs: Sequence[Dong], *, seed: int, taken: set[str]
) -> list[Organisation]:
    """One organisation per kind pattern per dong, with numbers no other organisation holds."""
    rng = np.random.default_rng([seed, 2])
    dongs = sorted(dongs, key=lambda d: d.code)
    specs = [DongSpec(d.id, d.code, d.name, d.address_area, d.area_km2) for d in dongs]
    roads = _road_names(specs)
    wanted = len(dongs) * len(GENERATED_ORGANISATIONS) * 2 + len(taken)
    numbers = (
        n for n in business_numbers(np.random.default_rng([seed, 3]), wanted) if n not in taken
    )
    result = []
    for i, dong in enumerate(dongs):
        stem = re.sub(r"\d*동$", "", dong.name) or dong.name
        number = re.search(r"(\d+)동$", dong.name)
        sibling = int(number.group(1)) - 1 if number else 0
        for kind, patterns in GENERATED_ORGANISATIONS:
            pattern = patterns[sibling % len(patterns)]
            road = roads[i, int(rng.integers(0, len(ROAD_SUFFIXES)))]
            address = (
                " ".join(p for p in (city.province, city.name, dong.address_area, road) if p)
                + f" {int(rng.integers(1, 200))}"
            )
            phone = f"063-{int(rng.integers(210, 290))}-{int(rng.integers(0, 10_000)):04d}"
            result.append(
                Organisation(
                    kind=kind,
                    name=pattern.format(dong=dong.name, stem=stem),
                    dong=dong,
                    address=address,
                    phone=phone,
                    business_number=next(numbers) if kind in _BUSINESS_KINDS else "",
                )
            )
    return result


# --- Demo logins --------------------------------------------------------------------------------


@dataclass(frozen=True)
class DemoUser:
    username: str
    role: Role
    area: str  # "city", "largest_dong" or "largest_dong_other_gu"
    with_organisation: bool = False
    with_person: bool = False
    name: str = ""  # shown wherever the account acts (people are shown by name, not login)


DEMO_USERS: tuple[DemoUser, ...] = (
    DemoUser("admin", Role.CITY_ADMIN, "city", name="김도윤"),
    DemoUser("officer", Role.WELFARE_OFFICER, "largest_dong", name="박서연"),
    DemoUser("officer2", Role.WELFARE_OFFICER, "largest_dong_other_gu", name="이준호"),
    DemoUser("supervisor", Role.WELFARE_SUPERVISOR, "largest_dong", name="최민정"),
    DemoUser(
        "member", Role.COMMITTEE_MEMBER, "largest_dong", with_organisation=True, name="정영숙"
    ),
    DemoUser("procurement", Role.PROCUREMENT_OFFICER, "city", name="강태현"),
    DemoUser("socialeconomy", Role.SOCIAL_ECONOMY_OFFICER, "city", name="윤하은"),
    DemoUser("nutritionist", Role.NUTRITIONIST, "city", name="조수민"),
    DemoUser("making", Role.MAKING_STAFF, "city", name="임재원"),
    DemoUser("instructor", Role.INSTRUCTOR, "city", name="한지우"),
    DemoUser("incubator", Role.INCUBATOR_MANAGER, "city", name="오세훈"),
    DemoUser("citizen", Role.CITIZEN, "city", with_person=True),
)


def demo_dongs(city: City, *, directory: Path | None = None) -> tuple[Dong, Dong]:
    """The officers' dongs: the city's largest dong, and the largest in another gu.

    For Jeonju these are 송천1동 (덕진구) and 효자4동 (완산구).
    """
    specs = dong_specs(city, directory=directory)
    weights = dong_weights(specs, seed=DEMO_SEED)
    order = sorted(range(len(specs)), key=lambda i: (-weights[i], specs[i].code))
    first = specs[order[0]]
    second = next((specs[i] for i in order if specs[i].gu != first.gu), specs[order[-1]])
    found = {d.id: d for d in Dong.objects.filter(id__in=[first.id, second.id])}
    return found[first.id], found[second.id]


def _password_hash(usernames: Sequence[str]) -> str | None:
    """The demo password's hash if every demo user already has it, else None."""
    hashes = set(
        get_user_model()
        ._base_manager.filter(username__in=usernames)
        .values_list("password", flat=True)
    )
    if len(hashes) == 1:
        (encoded,) = hashes
        if check_password(DEMO_PASSWORD, encoded):
            return str(encoded)
    return None


def ensure_demo_users(*, city: City, directory: Path | None = None) -> list[DemoLogin]:
    """One login per role with its area (and organisation or person); refused in production."""
    if settings.IS_PRODUCTION:
        raise SaramError("demo_users_in_production")
    user_model = get_user_model()
    usernames = [u.username for u in DEMO_USERS]
    encoded = _password_hash(usernames) or make_password(DEMO_PASSWORD)
    home, other = demo_dongs(city, directory=directory)
    organisation = (
        Organisation.objects.filter(dong=home, kind=OrganisationKind.CHILDREN_CENTRE)
        .order_by("id")
        .first()
        or Organisation.objects.filter(dong=home).order_by("id").first()
    )
    adult_born_by = DEMO_AS_OF.replace(year=DEMO_AS_OF.year - 19)
    person = (
        _demo(Person, PERSON_KEY_PREFIX)
        .filter(dong=home, birth_date__lte=adult_born_by)
        .exclude(phone="")
        .order_by("key")
        .first()
    )
    areas: dict[str, dict[str, Any]] = {
        "city": {"city": city},
        "largest_dong": {"dong": home},
        "largest_dong_other_gu": {"dong": other},
    }
    logins = []
    with transaction.atomic():
        for spec in DEMO_USERS:
            user, _created = user_model._base_manager.get_or_create(
                username=spec.username, defaults={"password": encoded}
            )
            changed = []
            if user.password != encoded:
                user.password = encoded
                changed.append("password")
            name = spec.name or (person.name if spec.with_person and person else "")
            if name and not user.first_name:
                user.first_name = name
                changed.append("first_name")
            if changed:
                user.save(update_fields=changed)
            wanted = {
                "role": spec.role,
                "city": None,
                "gu": None,
                "dong": None,
                "organisation": organisation if spec.with_organisation else None,
                "person": person if spec.with_person else None,
            } | areas[spec.area]
            current = list(RoleAssignment.objects.filter(user=user))
            if not (
                len(current) == 1 and all(getattr(current[0], k) == v for k, v in wanted.items())
            ):
                RoleAssignment.objects.filter(user=user).delete()
                RoleAssignment.objects.create(user=user, **wanted)
            area = areas[spec.area]
            logins.append(
                DemoLogin(
                    spec.username,
                    str(spec.role),
                    str(spec.role.label),
                    str(area.get("dong") or area.get("city")),
                )
            )
    return logins


def load_demo(
    *,
    residents: int = DEFAULT_RESIDENTS,
    seed: int = DEMO_SEED,
    directory: Path | None = None,
    progress: Progress = _quiet,
) -> DemoLoad:
    """Load the demo into an installation whose city is already loaded; idempotent."""
    if settings.IS_PRODUCTION:
        raise SaramError("demo_in_production")
    if residents < 0:
        raise SaramError("bad_size")
    directory = Path(directory or settings.SARAM_CITY_DIR)
    city = City.objects.order_by("id").first()
    if city is None:
        raise SaramError("no_city")
    organisations = load_organisations(city=city, directory=directory, generate=True, seed=seed)
    created, removed, households = load_residents(
        city=city, count=residents, seed=seed, directory=directory, progress=progress
    )
    logins = ensure_demo_users(city=city, directory=directory)
    return DemoLoad(
        residents=residents,
        households=households,
        residents_created=created,
        residents_removed=removed,
        organisations_created=organisations,
        logins=logins,
    )
