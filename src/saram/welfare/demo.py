"""The welfare demo: signals over the demo residents, a year of past rounds with outcomes,
committees in every dong, and a directory of Jeonju's services.

Synthetic but plausible: about 40 signal kinds at their catalogue prevalence, correlated through
a hidden hardship factor; six rounds a year per dong scored by the real engine; visits whose
outcomes follow a hidden "true need" that weighs signals differently from the default points
(so the learned model has something to learn); cases, plans and referrals in every state.
Seeded, and idempotent: a second call with the data in place changes nothing.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import polars as pl
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.utils import timezone

from saram.core.bulk import bulk_writes
from saram.core.models import (
    City,
    Dong,
    Organisation,
    OrganisationKind,
    Person,
    Role,
    RoleAssignment,
)
from saram.welfare import engine
from saram.welfare.models import (
    Assignment,
    AssignmentStatus,
    Case,
    CaseNeed,
    CaseNote,
    Committee,
    CommitteeMember,
    Concern,
    Decision,
    FlaggedPerson,
    ImportStatus,
    Meeting,
    MemberRole,
    NotListed,
    OutreachEntry,
    PlanAction,
    Referral,
    ReferralEvent,
    ReferralStatus,
    Resource,
    ResourceKind,
    Round,
    RoundStatus,
    SignalImport,
    Visit,
    VisitOutcome,
)
from saram.welfare.services import rounds
from saram.welfare.services.config import EngineConfig, engine_config, ensure_default_config
from saram.welfare.services.rounds import DEFAULT_PURPOSE, Population
from saram.welfare.services.rounds import _ceiling as rounds_ceiling
from saram.welfare.services.signals import write_signals

MARKER = "demo-signals.csv"
ROUNDS_PER_YEAR = 6
SLA_DAYS = 14
MEMBER_LOGINS_PER_DONG = 3
Progress = Callable[[str], None]


def _quiet(_message: str) -> None:
    return None


# --- The resource directory --------------------------------------------------------------------

# (name, kind, provider, needs, description, eligibility, capacity, contact)
PUBLIC_RESOURCES: tuple[tuple[str, str, str, tuple[str, ...], str, str, int | None, str], ...] = (
    (
        "국민기초생활보장 생계급여",
        ResourceKind.PUBLIC,
        "전주시 (행정복지센터 신청)",
        ("income",),
        "생활이 어려운 가구에 매달 생계비 지원",
        "소득인정액이 기준 중위소득 32% 이하, 부양의무자 기준 완화",
        None,
        "행정복지센터 · 129",
    ),
    (
        "국민기초생활보장 의료급여",
        ResourceKind.PUBLIC,
        "전주시 (행정복지센터 신청)",
        ("health",),
        "진료비 본인부담 경감",
        "소득인정액이 기준 중위소득 40% 이하",
        None,
        "행정복지센터 · 129",
    ),
    (
        "국민기초생활보장 주거급여",
        ResourceKind.PUBLIC,
        "전주시 · 한국부동산원",
        ("housing",),
        "임차료 지원, 자가 가구 수선 유지",
        "소득인정액이 기준 중위소득 48% 이하",
        None,
        "행정복지센터 · 1600-0777",
    ),
    (
        "긴급복지지원 (생계·의료·주거)",
        ResourceKind.PUBLIC,
        "전주시 희망복지지원단",
        ("income", "health", "housing", "safety"),
        "주소득자 사망·실직, 중한 질병, 화재 등 위기에 빠르게 지원 (선지원 후조사)",
        "위기 사유 발생, 기준 중위소득 75% 이하, 재산·금융 기준 이하",
        None,
        "전주시청 · 129",
    ),
    (
        "차상위계층 본인부담 경감",
        ResourceKind.PUBLIC,
        "국민건강보험공단 전주지사",
        ("health",),
        "희귀·중증난치질환자 등 의료비 본인부담 경감",
        "소득인정액이 기준 중위소득 50% 이하",
        None,
        "1577-1000",
    ),
    (
        "기초연금",
        ResourceKind.PUBLIC,
        "국민연금공단 전주지사",
        ("income",),
        "65세 이상 어르신 월 연금",
        "65세 이상, 소득인정액 선정기준액 이하",
        None,
        "1355",
    ),
    (
        "노인맞춤돌봄서비스",
        ResourceKind.PUBLIC,
        "전주시 노인맞춤돌봄 수행기관",
        ("care", "loneliness"),
        "안부 확인, 생활 지원, 특화 서비스 (고독사 예방)",
        "65세 이상 기초생활수급·차상위·기초연금 수급자 가운데 돌봄이 필요한 분",
        400,
        "063-281-2114",
    ),
    (
        "전주시 정신건강복지센터 위기 상담",
        ResourceKind.PUBLIC,
        "전주시 정신건강복지센터",
        ("health", "safety", "loneliness"),
        "정신건강 위기 상담, 자살 예방 사례관리",
        "전주 시민 누구나",
        120,
        "1577-0199",
    ),
    (
        "고용복지플러스센터 취업 지원",
        ResourceKind.PUBLIC,
        "전주 고용복지플러스센터",
        ("employment", "income"),
        "국민취업지원제도, 직업훈련 상담",
        "구직자 (소득·재산 기준은 유형별)",
        None,
        "1350",
    ),
    (
        "서민금융·채무조정 상담",
        ResourceKind.PUBLIC,
        "전주 서민금융통합지원센터",
        ("income",),
        "채무조정, 서민금융 상품 안내",
        "연체 또는 채무 부담이 있는 서민",
        None,
        "1397",
    ),
    (
        "드림스타트 아동 통합사례관리",
        ResourceKind.PUBLIC,
        "전주시 드림스타트",
        ("care", "food"),
        "0-12세 취약계층 아동 가구 통합 지원",
        "0-12세 아동이 있는 기초생활수급·차상위 가구 등",
        150,
        "063-281-5312",
    ),
    (
        "전주 푸드뱅크·푸드마켓",
        ResourceKind.LOCAL,
        "전주시 푸드뱅크",
        ("food",),
        "기부 식품과 생필품 제공",
        "기초생활수급·차상위, 긴급 지원이 필요한 가구",
        300,
        "063-232-1377",
    ),
    (
        "에너지바우처·전기요금 감면 신청 지원",
        ResourceKind.PUBLIC,
        "한국에너지공단 · 한국전력 전북본부",
        ("housing", "income"),
        "냉난방 에너지 바우처, 전기요금 복지할인",
        "생계·의료급여 수급 가구 가운데 노인·장애인·영유아 등이 있는 가구",
        None,
        "1600-3190",
    ),
)

# Local services made from the demo organisations: (kind of organisation, name pattern, needs,
# description, capacity).
LOCAL_SERVICES: tuple[tuple[str, str, tuple[str, ...], str, int], ...] = (
    (
        OrganisationKind.WELFARE_CENTRE,
        "{org} 통합사례관리",
        ("care", "income", "loneliness"),
        "복지관 사례관리와 정서 지원",
        40,
    ),
    (
        OrganisationKind.CHILDREN_CENTRE,
        "{org} 방과 후 돌봄",
        ("care", "food"),
        "방과 후 돌봄과 저녁 급식",
        30,
    ),
    (
        OrganisationKind.SOCIAL_ENTERPRISE,
        "{org} 반찬·도시락 나눔",
        ("food",),
        "주 3회 반찬 배달",
        25,
    ),
    (
        OrganisationKind.COOPERATIVE,
        "{org} 집수리",
        ("housing", "safety"),
        "단열·보일러·안전손잡이 수리",
        10,
    ),
    (OrganisationKind.SELF_HELP, "{org} 말벗 모임", ("loneliness",), "이웃 말벗과 월례 모임", 20),
    (
        OrganisationKind.SELF_SUFFICIENCY,
        "{org} 일자리 참여",
        ("employment",),
        "자활근로 참여 연계",
        8,
    ),
)


def _resources(city: City) -> int:
    have = set(Resource.objects.filter(city=city).values_list("name", flat=True))
    new = [
        Resource(
            city=city,
            name=spec[0],
            kind=spec[1],
            provider=spec[2],
            needs=list(spec[3]),
            description=spec[4],
            eligibility=spec[5],
            capacity=spec[6],
            contact=spec[7],
        )
        for spec in PUBLIC_RESOURCES
        if spec[0] not in have
    ]
    for org_kind, pattern, needs, description, capacity in LOCAL_SERVICES:
        for org in Organisation.objects.filter(kind=org_kind, dong__city=city).order_by("id"):
            name = pattern.format(org=org.name)
            if name in have:
                continue
            have.add(name)
            new.append(
                Resource(
                    city=city,
                    name=name,
                    kind=ResourceKind.LOCAL,
                    organisation=org,
                    provider=org.name,
                    dong=org.dong,
                    needs=list(needs),
                    description=description,
                    eligibility="행정동 주민, 담당 공무원 의뢰",
                    capacity=capacity,
                    contact=org.phone,
                )
            )
    Resource.objects.bulk_create(new, batch_size=1000)
    return len(new)


# --- Committees and the people who visit -------------------------------------------------------

COMMITTEE_KINDS = (
    OrganisationKind.RELIGIOUS,
    OrganisationKind.WELFARE_CENTRE,
    OrganisationKind.CHILDREN_CENTRE,
    OrganisationKind.CIVIC,
    OrganisationKind.SELF_HELP,
)
# Given names and surnames of the committee members (volunteers, not residents).
GIVEN = ("영숙", "정희", "미경", "순자", "경희", "명숙", "현주")
GIVEN += ("성호", "재훈", "동현", "상철", "민수", "영수", "정민")
SURNAMES = tuple("김이박최정강조윤장임한오서신권황")


@dataclass
class DongStaff:
    dong: Dong
    officer: Any
    visitors: list[Any]  # members with a login, then the officer


def _phone(rng: np.random.Generator) -> str:
    return f"010-{int(rng.integers(2000, 9999))}-{int(rng.integers(0, 9999)):04d}"


def _user(username: str, *, password: str, first_name: str = "") -> Any:
    user, _created = get_user_model()._base_manager.get_or_create(
        username=username, defaults={"password": password, "first_name": first_name}
    )
    return user


def _role(user: Any, role: Role, dong: Dong) -> None:
    if not RoleAssignment.objects.filter(user=user, role=role).exists():
        RoleAssignment.objects.create(user=user, role=role, dong=dong)


def _staff(city: City, rng: np.random.Generator) -> dict[int, DongStaff]:
    """Every dong gets a committee with members from its organisations, visitors with logins
    and an officer. The demo logins `officer`, `officer2` and `member` keep their dongs; the
    other accounts made here cannot log in (no usable password), except `member2` and `member3`
    who share `member`'s password."""
    users = get_user_model()._base_manager
    member = users.filter(username="member").first()
    member_password = member.password if member else make_password(None)
    officers: dict[int, Any] = {}
    for username in ("officer", "officer2"):
        user = users.filter(username=username).first()
        area = RoleAssignment.objects.filter(user=user, role=Role.WELFARE_OFFICER).first()
        if area is not None and area.dong_id:
            officers.setdefault(area.dong_id, user)
    member_dong = None
    if member is not None:
        area = RoleAssignment.objects.filter(user=member, role=Role.COMMITTEE_MEMBER).first()
        member_dong = area.dong_id if area else None
    staff: dict[int, DongStaff] = {}
    today = timezone.localdate()
    for dong in Dong.objects.filter(city=city).order_by("code"):
        committee, _ = Committee.objects.get_or_create(
            dong=dong,
            defaults={"name": f"{dong.name} 복지위원회", "founded_on": dt.date(2016, 3, 1)},
        )
        officer = officers.get(dong.pk)
        if officer is None:
            officer = _user(
                f"officer-{dong.code}",
                password=make_password(None),
                first_name=f"{dong.name} 주무관",
            )
            _role(officer, Role.WELFARE_OFFICER, dong)
        logins = []
        for n in range(MEMBER_LOGINS_PER_DONG):
            if dong.pk == member_dong:
                name = "member" if n == 0 else f"member{n + 1}"
                user = member if n == 0 else _user(name, password=member_password)
            else:
                user = _user(f"member-{dong.code}-{n + 1}", password=make_password(None))
            _role(user, Role.COMMITTEE_MEMBER, dong)
            logins.append(user)
        if not committee.members.exists():
            orgs = list(
                Organisation.objects.filter(dong=dong, kind__in=COMMITTEE_KINDS).order_by(
                    "kind", "id"
                )
            )
            rows = []
            for i, org in enumerate(orgs):
                name = (
                    SURNAMES[int(rng.integers(len(SURNAMES)))]
                    + GIVEN[int(rng.integers(len(GIVEN)))]
                )
                role = MemberRole.CHAIR if i == 0 else MemberRole.MEMBER
                user = logins[i] if i < len(logins) else None
                # A login is the member's: both carry one name, so pages that show the user
                # (a visit's visitor) show the member's name, never the login.
                if user is not None and user.first_name:
                    name = user.first_name
                elif user is not None:
                    user.first_name = name
                    user.save(update_fields=["first_name"])
                rows.append(
                    CommitteeMember(
                        committee=committee,
                        name=name,
                        role=role,
                        organisation=org,
                        user=user,
                        phone=_phone(rng),
                        joined_on=dt.date(2024, 3, 1),
                    )
                )
            for user in logins[len(orgs) :]:
                if not user.first_name:
                    user.first_name = (
                        SURNAMES[int(rng.integers(len(SURNAMES)))]
                        + GIVEN[int(rng.integers(len(GIVEN)))]
                    )
                    user.save(update_fields=["first_name"])
                rows.append(
                    CommitteeMember(
                        committee=committee,
                        name=user.first_name,
                        user=user,
                        joined_on=dt.date(2024, 3, 1),
                    )
                )
            rows.append(
                CommitteeMember(
                    committee=committee,
                    name=SURNAMES[int(rng.integers(len(SURNAMES)))] + "통장",
                    role=MemberRole.SECRETARY,
                    joined_on=dt.date(2024, 3, 1),
                )
            )
            CommitteeMember.objects.bulk_create(rows)
        if not committee.meetings.exists():
            attendees = list(committee.members.all())
            for quarter in range(4):
                held = today - dt.timedelta(days=90 * quarter + 20)
                meeting = Meeting.objects.create(
                    committee=committee,
                    held_on=held,
                    place=f"{dong.name} 행정복지센터 회의실",
                    minutes=(
                        "1. 지난 분기 발굴 결과 공유\n2. 기한 지난 방문 재배정\n"
                        "3. 겨울철 난방비 체납 가구 집중 방문 논의"
                    ),
                )
                meeting.attendees.set(attendees)
                Decision.objects.bulk_create(
                    [
                        Decision(
                            meeting=meeting,
                            text="기한 지난 방문은 위원장이 재배정",
                            owner=attendees[0] if attendees else None,
                        ),
                        Decision(
                            meeting=meeting,
                            text="홀몸 어르신 안부 전화 주 1회",
                            due_on=held + dt.timedelta(days=30),
                        ),
                    ]
                )
        staff[dong.pk] = DongStaff(dong=dong, officer=officer, visitors=[*logins, officer])
    return staff


# --- Residents and signals ---------------------------------------------------------------------


def _population(city: City, today: dt.date) -> Population:
    dong_ids = list(Dong.objects.filter(city=city).values_list("id", flat=True))
    marks = ", ".join(["%s"] * len(dong_ids))
    return rounds.population_where(f"dong_id IN ({marks})", dong_ids, today)


def _dong_of(person_ids: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id, dong_id FROM {Person._meta.db_table} ORDER BY id")
        rows = cursor.fetchall()
    ids = np.array([r[0] for r in rows], dtype=np.int64)
    dongs = np.array([r[1] for r in rows], dtype=np.int64)
    return dongs[np.searchsorted(ids, person_ids)]


ADULT_ONLY_FROM = 19
WORKING_AGE = (19, 65)
ELIGIBLE_AGES: dict[str, tuple[int, int]] = {
    "child_meal_risk": (0, 18),
    "out_of_school_youth": (13, 19),
    "young_carer": (13, 35),
    "national_pension_arrears": WORKING_AGE,
    "job_loss": WORKING_AGE,
    "unemployment_benefit_ended": WORKING_AGE,
    "business_closure": (25, 75),
    "wage_arrears": WORKING_AGE,
    "long_term_care_dropped": (65, 120),
    "elderly_living_alone": (75, 120),
}
# The hidden truth of the demo: how strongly each kind really signals a need, relative to its
# default points. Cut-offs, programme exits and isolation matter more; some arrears less.
TRUE_NEED_FACTOR: dict[str, float] = {
    "electricity_cut_off": 1.8,
    "water_cut_off": 1.8,
    "gas_cut_off": 1.8,
    "basic_livelihood_dropped": 1.9,
    "emergency_aid_rejected": 1.7,
    "social_isolation": 1.9,
    "mental_health_crisis": 1.6,
    "committee_observation": 2.0,
    "neighbour_report": 1.6,
    "mail_piling_up": 1.6,
    "telecom_arrears": 0.3,
    "national_pension_arrears": 0.2,
    "card_delinquency": 0.3,
    "financial_delinquency": 0.5,
    "elderly_living_alone": 0.6,
}


def _signals(
    population: Population,
    config: EngineConfig,
    rng: np.random.Generator,
    today: dt.date,
) -> pl.DataFrame:
    """Signal rows (person_id, kind_id, observed_on, value) over the past year."""
    prevalence = {t.code: t.demo_prevalence for t in engine.DEFAULT_SIGNAL_TYPES}
    residents = population.residents
    n = len(population.person_ids)
    age = residents.age_years.astype(np.int64)
    hardship = rng.gamma(0.6, 1 / 0.6, n)
    start_day = engine.day_number(today) - 365
    frames: list[pl.DataFrame] = []
    for type_index, signal_type in enumerate(config.signal_types):
        low, high = ELIGIBLE_AGES.get(signal_type.code, (ADULT_ONLY_FROM, 120))
        eligible = (age >= low) & (age < high)
        if signal_type.code == "elderly_living_alone":
            eligible &= residents.lives_alone
        if not eligible.any():
            continue
        share = prevalence.get(signal_type.code, 0.002) * n / int(eligible.sum())
        chance = np.minimum(0.9, share * hardship) * eligible
        people = np.flatnonzero(rng.random(n) < chance)
        if not len(people):
            continue
        first = rng.integers(start_day, start_day + 345, len(people))
        if signal_type.unit is engine.SeverityUnit.MONTHS:
            months = rng.integers(1, 11, len(people))  # reports, one a month
            repeat = np.repeat(np.arange(len(people)), months)
            step = np.arange(len(repeat)) - np.repeat(np.cumsum(months) - months, months)
            day = first[repeat] + 30 * step
            keep = day <= engine.day_number(today)
            start_value = rng.integers(1, 4, len(people))
            value = np.minimum(start_value[repeat] + step, 24)
            rows_person, rows_day, rows_value = people[repeat][keep], day[keep], value[keep]
        elif signal_type.unit is engine.SeverityUnit.KRW:
            amount = rng.lognormal(np.log(signal_type.cap_value / 3), 0.8, len(people))
            rows_person, rows_day = people, first
            rows_value = np.maximum(10_000, (amount // 10_000) * 10_000).astype(np.int64)
        else:
            rows_person, rows_day, rows_value = people, first, np.ones(len(people), np.int64)
        frames.append(
            pl.DataFrame(
                {
                    "person_id": population.person_ids[rows_person],
                    "kind_id": np.full(len(rows_person), config.kind_ids[type_index], np.int64),
                    "day": rows_day.astype(np.int64),
                    "value": np.asarray(rows_value, dtype=np.int64),
                }
            )
        )
    if not frames:
        return pl.DataFrame(
            schema={"person_id": pl.Int64, "kind_id": pl.Int64, "day": pl.Int64, "value": pl.Int64}
        )
    return pl.concat(frames)


def _signal_rows(
    frame: pl.DataFrame, population: Population, config: EngineConfig
) -> engine.SignalRows:
    index = config.type_index()
    return engine.SignalRows(
        person_index=population.index_of(frame.get_column("person_id").to_numpy()).astype(np.int32),
        type_index=np.array(
            [index[k] for k in frame.get_column("kind_id").to_list()], dtype=np.int16
        ),
        observed_day=frame.get_column("day").to_numpy().astype(np.int32),
        value=frame.get_column("value").to_numpy().astype(np.float64),
    )


# --- A year of rounds ----------------------------------------------------------------------------

OUTCOMES = (
    VisitOutcome.MET,
    VisitOutcome.REFUSED,
    VisitOutcome.MOVED,
    VisitOutcome.DECEASED,
)
OUTCOME_SHARE = np.array([0.82, 0.1, 0.06, 0.02])
NEED_BY_KIND: dict[str, str] = {
    "electricity": "housing",
    "water": "housing",
    "gas": "housing",
    "rent": "housing",
    "rental": "housing",
    "apartment": "housing",
    "eviction": "housing",
    "vulnerable": "housing",
    "health": "health",
    "medical": "health",
    "illness": "health",
    "mental": "health",
    "hospital": "care",
    "care": "care",
    "elderly": "loneliness",
    "isolation": "loneliness",
    "job": "employment",
    "unemployment": "employment",
    "business": "employment",
    "wage": "income",
    "meal": "food",
    "child": "food",
    "mail": "safety",
    "disaster": "safety",
    "observation": "loneliness",
    "neighbour": "loneliness",
}


def _need_of(code: str) -> str:
    for word, need in NEED_BY_KIND.items():
        if word in code:
            return need
    return "income"


def _at(day: dt.date, hour: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))


@dataclass
class Made:
    rounds: int = 0
    assignments: int = 0
    visits: int = 0
    cases: int = 0
    referrals: int = 0


def _rounds(
    *,
    city: City,
    config: EngineConfig,
    population: Population,
    person_dong: npt.NDArray[np.int64],
    signals: engine.SignalRows,
    staff: dict[int, DongStaff],
    rng: np.random.Generator,
    today: dt.date,
    progress: Progress,
) -> Made:
    made = Made()
    resources = list(Resource.objects.filter(city=city))
    by_need: dict[str, list[Resource]] = defaultdict(list)
    for r in resources:
        for need in r.needs:
            by_need[need].append(r)
    true_weight = np.array(
        [t.weight_points * TRUE_NEED_FACTOR.get(t.code, 1.0) / 10 for t in config.signal_types]
    )
    dong_ids = sorted(staff)
    reach = {
        d: float(rng.uniform(0.55, 0.97)) for d in dong_ids
    }  # how well each dong keeps the SLA
    counts = np.bincount(np.searchsorted(dong_ids, person_dong), minlength=len(dong_ids))
    list_size = {d: int(max(5, min(50, counts[i] // 150))) for i, d in enumerate(dong_ids)}
    busy_until: dict[int, dt.date] = {}  # person index → no listing before this day
    in_case: set[int] = set()
    case_rows: list[tuple[Case, list[tuple[str, str]], dt.datetime, Any]] = []
    for r in range(ROUNDS_PER_YEAR):
        as_of = today - dt.timedelta(days=7 + 60 * (ROUNDS_PER_YEAR - 1 - r))
        is_last = r == ROUNDS_PER_YEAR - 1
        progress(f"복지 데모: {r + 1}/{ROUNDS_PER_YEAR}회차 ({as_of})")
        features = engine.build_features(
            signals=signals,
            residents=population.residents,
            signal_types=config.signal_types,
            today=as_of,
        )
        score = config.model.score(features)
        risk = engine.risk_scale(score, ceiling=rounds_ceiling(config.model, config))
        base = features.has_signal & (score > 0)
        truth = features.signal_strength @ true_weight
        for dong_id in dong_ids:
            people_staff = staff[dong_id]
            eligible = base & (person_dong == dong_id)
            candidates = np.flatnonzero(eligible)
            blocked = [
                i
                for i in candidates.tolist()
                if i in in_case or busy_until.get(i, dt.date.min) > as_of
            ]
            if blocked:
                eligible[blocked] = False
            top = engine.rank_outreach(score, eligible=eligible, k=list_size[dong_id])
            if not len(top):
                continue
            reasons = engine.explain(
                model=config.model,
                features=features,
                signals=signals,
                rows=top.astype(np.intp),
                max_reasons=5,
            )
            started = _at(as_of, 9)
            due_on = as_of + dt.timedelta(days=SLA_DAYS)
            status_of = dict.fromkeys(
                np.flatnonzero(eligible).tolist(), NotListed.BELOW_CUTOFF.value
            )
            status_of |= dict.fromkeys(top.tolist(), NotListed.LISTED.value)
            for i in blocked:
                status_of[i] = (
                    NotListed.OPEN_CASE.value if i in in_case else NotListed.RECENT_VISIT.value
                )
            round_ = Round.objects.create(
                dong_id=dong_id,
                number=r + 1,
                config=config.config,
                as_of=as_of,
                list_size=list_size[dong_id],
                status=RoundStatus.OPEN if is_last else RoundStatus.CLOSED,
                created_by=people_staff.officer,
                started_by=people_staff.officer,
                started_at=started,
                due_on=due_on,
                closed_at=None if is_last else _at(as_of + dt.timedelta(days=45), 18),
                scored_count=len(candidates),
                listed_count=len(top),
                # Everyone flagged is counted with why they are not listed (the funnel's base).
                flag_counts=dict(Counter(status_of.values())),
                model_summary={"model": "points", "config_version": config.config.version},
            )
            made.rounds += 1
            FlaggedPerson.objects.bulk_create(
                [
                    FlaggedPerson(
                        round=round_,
                        person_id=int(population.person_ids[i]),
                        dong_id=dong_id,
                        score=round(float(score[i]), 6),
                        risk_pct=round(float(risk[i]), 1),
                        status=status,
                        due_days=SLA_DAYS,
                    )
                    for i, status in status_of.items()
                ],
                batch_size=2000,
            )
            entries = OutreachEntry.objects.bulk_create(
                [
                    OutreachEntry(
                        round=round_,
                        rank=rank,
                        person_id=int(population.person_ids[row]),
                        score=round(float(score[row]), 6),
                        reasons=[
                            {
                                "code": x.code.value,
                                "signal": x.signal_code,
                                "value": x.value,
                                "day": x.observed_day,
                                "part": round(x.contribution, 4),
                            }
                            for x in why
                        ],
                    )
                    for rank, (row, why) in enumerate(
                        zip(top.tolist(), reasons, strict=True), start=1
                    )
                ]
            )
            visitors = people_staff.visitors
            assignments: list[Assignment] = []
            visits: list[Visit] = []
            for i, (row, entry) in enumerate(zip(top.tolist(), entries, strict=True)):
                visitor = visitors[i % len(visitors)]
                assignment = Assignment(
                    round=round_,
                    entry=entry,
                    person_id=entry.person_id,
                    dong_id=dong_id,
                    assignee=visitor,
                    assigned_by=people_staff.officer,
                    assigned_at=started,
                    purpose=DEFAULT_PURPOSE,
                    due_on=due_on,
                )
                busy_until[row] = as_of + dt.timedelta(days=90)
                days = (
                    int(rng.integers(1, SLA_DAYS + 1))
                    if rng.random() < reach[dong_id]
                    else int(rng.integers(SLA_DAYS + 1, 40))
                )
                visited_on = as_of + dt.timedelta(days=days)
                never = rng.random() < 0.04  # nobody went: overdue, escalated to the officer
                if never or visited_on > today:  # still open (overdue once past the due date)
                    assignments.append(assignment)
                    continue
                outcome = OUTCOMES[int(rng.choice(len(OUTCOMES), p=OUTCOME_SHARE))]
                visited_at = _at(visited_on, int(rng.integers(9, 18)))
                if rng.random() < 0.25:  # a first try found nobody at home
                    visits.append(
                        Visit(
                            person_id=entry.person_id,
                            dong_id=dong_id,
                            assignment=assignment,
                            visitor=visitor,
                            visited_at=visited_at - dt.timedelta(days=1),
                            outcome=VisitOutcome.NOT_HOME,
                        )
                    )
                needs: list[str] = []
                if outcome == VisitOutcome.MET:
                    chance = 1 / (1 + np.exp(-(truth[row] - 2.2)))
                    if rng.random() < chance:
                        codes = [x.signal_code for x in reasons[i] if x.signal_code]
                        needs = sorted({_need_of(c) for c in codes} or {"income"})
                assignment.outcome = outcome
                assignment.status = AssignmentStatus.DONE
                assignment.resolved_at = visited_at
                if outcome in (VisitOutcome.MET, VisitOutcome.REFUSED):
                    assignment.reached_at = visited_at
                    assignment.reached_on = visited_on
                if outcome == VisitOutcome.MET:
                    assignment.need_confirmed = bool(needs)
                assignments.append(assignment)
                visits.append(
                    Visit(
                        person_id=entry.person_id,
                        dong_id=dong_id,
                        assignment=assignment,
                        visitor=visitor,
                        visited_at=visited_at,
                        outcome=outcome,
                        needs=needs,
                    )
                )
                if needs and rng.random() < 0.7:
                    in_case.add(row)
                    case = Case(
                        person_id=entry.person_id,
                        dong_id=dong_id,
                        programme=str(
                            rng.choice(["integrated", "simple", "emergency"], p=[0.5, 0.35, 0.15])
                        ),
                        opened_by=people_staff.officer,
                        opened_at=visited_at + dt.timedelta(days=2),
                    )
                    case_rows.append(
                        (case, [(n, "") for n in needs], visited_at, people_staff.officer)
                    )
            for a in assignments:
                if a.status == AssignmentStatus.OPEN and a.due_on < today:
                    a.escalated_at = _at(a.due_on + dt.timedelta(days=1), 9)
            Assignment.objects.bulk_create(assignments)
            for v in visits:
                v.assignment_id = v.assignment.pk
            Visit.objects.bulk_create(visits)
            made.assignments += len(assignments)
            made.visits += len(visits)
    made.cases, made.referrals = _cases(case_rows, by_need, rng, today, in_case)
    return made


def _cases(
    rows: list[tuple[Case, list[tuple[str, str]], dt.datetime, Any]],
    by_need: dict[str, list[Resource]],
    rng: np.random.Generator,
    today: dt.date,
    in_case: set[int],
) -> tuple[int, int]:
    """Cases from the visits that found needs: a plan, referrals around their loop, follow-ups,
    and closure for those old enough."""
    now = _at(today, 12)
    cases = Case.objects.bulk_create([c for c, _n, _v, _o in rows])
    needs: list[CaseNeed] = []
    actions: list[PlanAction] = []
    notes: list[CaseNote] = []
    referrals: list[Referral] = []
    steps_of: list[list[tuple[str, dt.datetime]]] = []
    closures: list[Case] = []
    for case, (_c, case_needs, _visited_at, officer) in zip(cases, rows, strict=True):
        case.workers.add(officer)
        age_days = (now - case.opened_at).days
        for category, detail in case_needs:
            needs.append(
                CaseNeed(case=case, category=category, detail=detail, is_met=age_days > 90)
            )
        actions.append(
            PlanAction(
                case=case,
                action="욕구 상세 조사와 서비스 안내",
                owner=officer,
                due_on=(case.opened_at + dt.timedelta(days=7)).date(),
                done_at=case.opened_at + dt.timedelta(days=5) if age_days > 7 else None,
                created_by=officer,
            )
        )
        notes.append(
            CaseNote(
                case=case,
                author=officer,
                written_at=case.opened_at,
                text="초기 상담: 생활 실태와 가족 관계 확인.",
            )
        )
        for category, _d in case_needs[:2]:
            options = by_need.get(category) or []
            local = [r for r in options if r.dong_id in (None, case.dong_id)]
            if not local:
                continue
            resource = local[int(rng.integers(len(local)))]
            sent = case.opened_at + dt.timedelta(days=3)
            if sent > now:
                continue
            referral = Referral(
                case=case,
                resource=resource,
                dong_id=case.dong_id,
                status=ReferralStatus.SENT,
                sent_by=officer,
                sent_at=sent,
            )
            steps: list[tuple[str, dt.datetime]] = [(ReferralStatus.SENT, sent)]
            accepted = sent + dt.timedelta(days=int(rng.integers(2, 10)))
            if accepted <= now:
                if rng.random() < 0.15:
                    referral.status = ReferralStatus.DECLINED
                    referral.declined_at = accepted
                    referral.decline_reason = str(
                        rng.choice(["not_eligible", "no_capacity", "person_declined"])
                    )
                    steps.append((ReferralStatus.DECLINED, accepted))
                else:
                    referral.status = ReferralStatus.ACCEPTED
                    referral.accepted_at = accepted
                    steps.append((ReferralStatus.ACCEPTED, accepted))
                    served = accepted + dt.timedelta(days=int(rng.integers(5, 60)))
                    if served <= now:
                        referral.status = ReferralStatus.SERVED
                        referral.served_at = served
                        steps.append((ReferralStatus.SERVED, served))
            referrals.append(referral)
            steps_of.append(steps)
        if age_days > 100:
            closures.append(case)
        else:
            case.next_follow_up_on = today + dt.timedelta(days=int(rng.integers(-5, 20)))
    CaseNeed.objects.bulk_create(needs)
    PlanAction.objects.bulk_create(actions)
    CaseNote.objects.bulk_create(notes)
    made = Referral.objects.bulk_create(referrals)
    ReferralEvent.objects.bulk_create(
        ReferralEvent(referral=referral, status=status, at=at, by=referral.sent_by)
        for referral, steps in zip(made, steps_of, strict=True)
        for status, at in steps
    )
    pending = {
        r.case_id for r in made if r.status in (ReferralStatus.SENT, ReferralStatus.ACCEPTED)
    }
    for case in cases:
        if case in closures and case.pk not in pending:
            case.closed_at = case.opened_at + dt.timedelta(days=int(rng.integers(60, 100)))
            case.closed_by = case.opened_by
            case.closure_reason = str(
                rng.choice(["resolved", "connected", "refused", "moved"], p=[0.45, 0.4, 0.1, 0.05])
            )
            case.next_follow_up_on = None
    Case.objects.bulk_update(
        cases, ["closed_at", "closed_by", "closure_reason", "next_follow_up_on"]
    )
    in_case.clear()
    return len(cases), len(made)


# --- The whole welfare demo ----------------------------------------------------------------------


def _has_demo(city: City) -> bool:
    marker = SignalImport.objects.filter(city=city, filename=MARKER).first()
    return (
        marker is not None
        and Round.objects.filter(dong__city=city).exists()
        and (marker.imported_count == 0 or marker.signal_set.exists())
    )


def _forget_demo(city: City) -> None:
    """Remove what a previous demo load left (e.g. after the residents were replaced)."""
    Concern.objects.filter(dong__city=city).delete()
    Case.objects.filter(dong__city=city).delete()
    Round.objects.filter(dong__city=city).delete()
    SignalImport.objects.filter(city=city, filename=MARKER).delete()


def load_demo(*, city: City, seed: int, progress: Progress | None = None) -> dict[str, int]:
    """Load the welfare demo over the city's residents; nothing happens when it is there."""
    say = progress or _quiet
    config = engine_config(ensure_default_config(city=city))
    if _has_demo(city):
        say("복지 데모가 이미 있습니다: 그대로 둡니다.")
        return {}
    rng = np.random.default_rng([seed, 4])
    today = timezone.localdate()
    with transaction.atomic():
        _forget_demo(city)
        resources = _resources(city)
        staff = _staff(city, rng)
        say("복지 데모: 주민 읽는 중…")
        population = _population(city, today)
        person_dong = _dong_of(population.person_ids)
        say("복지 데모: 위험 신호 만드는 중…")
        frame = _signals(population, config, rng, today)
        marker = SignalImport.objects.create(
            city=city,
            filename=MARKER,
            status=ImportStatus.IMPORTED,
            row_count=frame.height,
            valid_count=frame.height,
            imported_count=frame.height,
            finished_at=timezone.now(),
        )
        epoch = dt.date(1970, 1, 1)
        rows = frame.select(
            pl.lit(marker.pk, dtype=pl.Int64).alias("batch_id"),
            "person_id",
            "kind_id",
            (pl.lit(epoch) + pl.duration(days=pl.col("day"))).cast(pl.Date).alias("observed_on"),
            "value",
            pl.lit("데모").alias("source"),
        )
        with bulk_writes():
            write_signals(rows)
        signals = _signal_rows(frame, population, config)
        made = _rounds(
            city=city,
            config=config,
            population=population,
            person_dong=person_dong,
            signals=signals,
            staff=staff,
            rng=rng,
            today=today,
            progress=say,
        )
        _concerns(staff, rng, today)
    say(
        f"복지 데모: 신호 {frame.height:,}건, 회차 {made.rounds:,}개, 방문 {made.visits:,}건, "
        f"사례 {made.cases:,}건, 의뢰 {made.referrals:,}건, 자원 {resources:,}개"
    )
    return {
        "signals": frame.height,
        "rounds": made.rounds,
        "assignments": made.assignments,
        "visits": made.visits,
        "cases": made.cases,
        "referrals": made.referrals,
        "resources": resources,
    }


def _concerns(staff: dict[int, DongStaff], rng: np.random.Generator, today: dt.date) -> None:
    rows = []
    for dong_staff in staff.values():
        member = dong_staff.visitors[0]
        for n in range(int(rng.integers(0, 3))):
            rows.append(
                Concern(
                    dong=dong_staff.dong,
                    reported_by=member,
                    reported_at=_at(today - dt.timedelta(days=int(rng.integers(0, 20))), 15),
                    name=SURNAMES[int(rng.integers(len(SURNAMES)))]
                    + GIVEN[int(rng.integers(len(GIVEN)))],
                    address=f"{dong_staff.dong.name} {int(rng.integers(1, 300))}번지",
                    description=(
                        "며칠째 불이 꺼져 있고 우편물이 쌓여 있습니다",
                        "이웃과 왕래가 끊긴 홀몸 어르신입니다",
                    )[n % 2],
                )
            )
    Concern.objects.bulk_create(rows)
