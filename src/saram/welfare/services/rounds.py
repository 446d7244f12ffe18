"""Outreach rounds: score a dong with the risk engine, store the ranked list, assign every listed
person to an officer or committee member with a due date, and escalate what runs late."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.db.models import Count, Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from saram.core import audit
from saram.core.access import Can, Scope, scope_of, scopes_of
from saram.core.errors import SaramError
from saram.core.models import AuditAction, City, Dong, Person, Role, RoleAssignment
from saram.core.services import jobs
from saram.welfare import engine
from saram.welfare.models import (
    Assignment,
    AssignmentStatus,
    Case,
    CommitteeMember,
    Death,
    FlaggedPerson,
    LearnedModel,
    MemberConflict,
    ModelKind,
    NotListed,
    OutreachEntry,
    Round,
    RoundStatus,
    Signal,
    SignalConfig,
    Visit,
    VisitOutcome,
)
from saram.welfare.services import due as due_rules
from saram.welfare.services.config import EngineConfig, engine_config, ensure_default_config
from saram.welfare.services.config import settings_for as dong_settings

CHILD_BELOW_YEARS = 18
MAX_REASONS = 5
Progress = Callable[[int, int, str], None]


def _no_progress(done: int, total: int, message: str) -> None:
    return None


def require_officer(user: Any, dong_id: int) -> Scope:
    """Refuse anyone but an officer of the dong; their scope otherwise."""
    scope = scope_of(user)
    if dong_id not in scope.dong_ids(Can.MANAGE_PEOPLE):
        raise SaramError("round_forbidden")
    return scope


# --- Reading residents and signals as engine columns --------------------------------------------


def _as_days(values: Sequence[Any]) -> npt.NDArray[np.int32]:
    """Dates from the database (date objects, or ISO text from SQLite's raw cursor) as day
    numbers since 1970-01-01."""
    if not len(values):
        return np.empty(0, dtype=np.int32)
    return np.array(values, dtype="datetime64[D]").astype(np.int64).astype(np.int32)


def _ages(birth_days: npt.NDArray[np.int32], today: dt.date) -> npt.NDArray[np.int16]:
    """Whole years of age on `today` for birth dates given as day numbers."""
    birth = birth_days.astype("datetime64[D]")
    years = birth.astype("datetime64[Y]").astype(np.int64) + 1970
    months = birth.astype("datetime64[M]").astype(np.int64) % 12 + 1
    days = (birth - birth.astype("datetime64[M]")).astype(np.int64) + 1
    before_birthday = (months > today.month) | ((months == today.month) & (days > today.day))
    return (today.year - years - before_birthday.astype(np.int64)).astype(np.int16)


@dataclass(frozen=True)
class Population:
    """Residents as engine columns: position i describes person `person_ids[i]`."""

    person_ids: npt.NDArray[np.int64]  # sorted
    household_ids: npt.NDArray[np.int64]  # -1 when none
    residents: engine.Residents

    def index_of(self, person_ids: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
        return np.searchsorted(self.person_ids, person_ids)


def population_where(where: str, params: list[Any], today: dt.date) -> Population:
    """Residents matching a WHERE clause over the people table, with household facts."""
    table = Person._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT id, birth_date, lives_alone, household_id FROM {table} WHERE {where} "
            "ORDER BY id",
            params,
        )
        rows = cursor.fetchall()
    ids = np.array([r[0] for r in rows], dtype=np.int64)
    birth = _as_days([r[1] for r in rows])
    alone = np.array([bool(r[2]) for r in rows], dtype=np.bool_)
    households = np.array([r[3] if r[3] is not None else -1 for r in rows], dtype=np.int64)
    ages = _ages(birth, today)
    child_households = _households_with_children(households, today)
    child = np.isin(households, child_households) & (households >= 0)
    return Population(
        person_ids=ids,
        household_ids=households,
        residents=engine.Residents(age_years=ages, lives_alone=alone, child_in_household=child),
    )


def _households_with_children(
    households: npt.NDArray[np.int64], today: dt.date
) -> npt.NDArray[np.int64]:
    wanted = np.unique(households[households >= 0])
    if not len(wanted):
        return np.empty(0, dtype=np.int64)
    born_after = dt.date(today.year - CHILD_BELOW_YEARS, today.month, min(today.day, 28))
    found: list[int] = []
    table = Person._meta.db_table
    with connection.cursor() as cursor:
        if len(wanted) > 50_000:  # a city: every child once beats many IN lists
            cursor.execute(
                f"SELECT DISTINCT household_id FROM {table} "
                "WHERE household_id IS NOT NULL AND birth_date > %s",
                [born_after],
            )
            every = np.array([r[0] for r in cursor.fetchall()], dtype=np.int64)
            return every[np.isin(every, wanted)]
        for start in range(0, len(wanted), 5000):
            chunk = wanted[start : start + 5000].tolist()
            marks = ", ".join(["%s"] * len(chunk))
            cursor.execute(
                f"SELECT DISTINCT household_id FROM {table} "
                f"WHERE household_id IN ({marks}) AND birth_date > %s",
                [*chunk, born_after],
            )
            found += [r[0] for r in cursor.fetchall()]
    return np.array(found, dtype=np.int64)


def _signal_rows(
    population: Population, config: EngineConfig, *, where: str, params: list[Any], today: dt.date
) -> engine.SignalRows:
    """The signals of the population known on `today`, as engine columns."""
    signal = Signal._meta.db_table
    person = Person._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT s.person_id, s.kind_id, s.observed_on, s.value FROM {signal} s "
            f"JOIN {person} p ON p.id = s.person_id WHERE {where} AND s.observed_on <= %s",
            [*params, today],
        )
        rows = cursor.fetchall()
    if not rows:
        return engine.SignalRows.empty()
    person_id = np.array([r[0] for r in rows], dtype=np.int64)
    kind_id = np.array([r[1] for r in rows], dtype=np.int64)
    day = _as_days([r[2] for r in rows])
    value = np.array([r[3] for r in rows], dtype=np.float64)
    lookup = np.full(max(config.kind_ids, default=0) + 1, -1, dtype=np.int64)
    lookup[list(config.kind_ids)] = np.arange(len(config.kind_ids))
    type_index = np.where(kind_id < len(lookup), lookup[np.minimum(kind_id, len(lookup) - 1)], -1)
    position = population.index_of(person_id)
    known = (
        (type_index >= 0)
        & (position < len(population.person_ids))
        & (population.person_ids[np.minimum(position, len(population.person_ids) - 1)] == person_id)
    )
    return engine.SignalRows(
        person_index=position[known].astype(np.int32),
        type_index=type_index[known].astype(np.int16),
        observed_day=day[known],
        value=value[known],
    )


def dong_population(dong: Dong, today: dt.date) -> Population:
    """Every resident of the dong as engine columns, ages as of `today`."""
    return population_where("dong_id = %s", [dong.pk], today)


def dong_signals(
    population: Population, config: EngineConfig, dong: Dong, today: dt.date
) -> engine.SignalRows:
    """The dong's residents' signals known on `today`, as engine columns."""
    return _signal_rows(population, config, where="p.dong_id = %s", params=[dong.pk], today=today)


# --- The learned model from past rounds' outcomes -----------------------------------------------


@dataclass(frozen=True)
class PastOutcomes:
    population: Population
    signals: engine.SignalRows
    rounds: list[tuple[int, dt.date, npt.NDArray[np.int64], npt.NDArray[np.bool_]]]


def past_outcomes(*, city: City, config: EngineConfig, before: dt.date) -> PastOutcomes:
    """Every past round of the city with visit outcomes: who was listed, whose need was
    confirmed, and their signals and household facts."""
    rows = list(
        Assignment.objects.filter(
            dong__city=city, need_confirmed__isnull=False, round__as_of__lt=before
        )
        .order_by("round_id", "person_id")
        .values_list("round_id", "round__as_of", "person_id", "need_confirmed")
    )
    person_ids = sorted({r[2] for r in rows})
    if not person_ids:
        empty = Population(
            np.empty(0, np.int64),
            np.empty(0, np.int64),
            engine.Residents(np.empty(0, np.int16), np.empty(0, np.bool_), np.empty(0, np.bool_)),
        )
        return PastOutcomes(empty, engine.SignalRows.empty(), [])
    marks = ", ".join(["%s"] * len(person_ids))
    population = population_where(f"id IN ({marks})", person_ids, before)
    signals = _signal_rows(
        population, config, where=f"p.id IN ({marks})", params=person_ids, today=before
    )
    # The dongs' rounds of one day are one round of the city: the national system too sends
    # its lists on the same day, and top-k is only meaningful over more than one dong's list.
    by_day: dict[dt.date, dict[int, bool]] = {}
    for _round_id, as_of, person_id, confirmed in rows:
        by_day.setdefault(as_of, {})[person_id] = bool(confirmed)
    rounds = [
        (
            i,
            as_of,
            population.index_of(np.array(list(people), dtype=np.int64)),
            np.array(list(people.values()), dtype=np.bool_),
        )
        for i, (as_of, people) in enumerate(sorted(by_day.items()))
    ]
    return PastOutcomes(population, signals, rounds)


def _round_outcomes(
    past: PastOutcomes, config: EngineConfig, chosen: Iterable[int]
) -> list[engine.RoundOutcomes]:
    return [
        engine.round_outcomes(
            signals=past.signals,
            residents=past.population.residents,
            signal_types=config.signal_types,
            round_day=as_of,
            person_index=index.astype(np.int32),
            need_confirmed=confirmed,
        )
        for i, (_round_id, as_of, index, confirmed) in enumerate(past.rounds)
        if i in set(chosen)
    ]


def engine_model(stored: LearnedModel, config: SignalConfig) -> engine.OutcomeModel:
    """The stored model as the engine scores with it, for a round under `config`: refused when
    the configuration's signal types are not those the model was fitted on."""
    types = engine_config(config).signal_types
    if [t.code for t in types] != list(stored.signal_codes):
        raise SaramError(
            "learned_model_other_config",
            model_version=stored.config.version,
            round_version=config.version,
        )
    return engine.OutcomeModel(
        signal_types=types,
        signal_coefficients=np.asarray(stored.signal_coefficients, dtype=np.float64),
        household_coefficients=np.asarray(stored.household_coefficients, dtype=np.float64),
        intercept=stored.intercept,
        calibration_slope=stored.calibration_slope,
        calibration_offset=stored.calibration_offset,
        trained_rows=stored.trained_rows,
        confirmed_share=stored.confirmed_share,
    )


def model_in_use(city: City) -> LearnedModel | None:
    return (
        LearnedModel.objects.filter(city=city, chosen_at__isnull=False, retired_at__isnull=True)
        .select_related("config")
        .first()
    )


# --- Scoring a round ----------------------------------------------------------------------------


def _exclusions(
    dong: Dong, population: Population, today: dt.date
) -> dict[str, npt.NDArray[np.bool_]]:
    """Why people are left off a list, each as a mask: their death recorded, in an open case,
    visited recently, or waiting for a visit already (in that order of precedence when shown)."""
    recent_days = dong_settings(dong).recent_visit_days
    since = timezone.make_aware(
        dt.datetime.combine(today - dt.timedelta(days=recent_days), dt.time())
    )
    in_case = set(
        Case.objects.filter(dong=dong, closed_at__isnull=True).values_list("person_id", flat=True)
    )
    # Only a meeting counts: a refusal or a move is not a visit that settles a person's need.
    visited = set(
        Visit.objects.filter(
            dong=dong, visited_at__gte=since, outcome=VisitOutcome.MET
        ).values_list("person_id", flat=True)
    )
    waiting = set(
        Assignment.objects.filter(dong=dong, status=AssignmentStatus.OPEN).values_list(
            "person_id", flat=True
        )
    )

    died = set(Death.objects.filter(dong=dong).values_list("person_id", flat=True))

    def mask(ids: set[int]) -> npt.NDArray[np.bool_]:
        return np.isin(population.person_ids, np.array(sorted(ids), dtype=np.int64))

    return {
        NotListed.DECEASED: mask(died),
        NotListed.OPEN_CASE: mask(in_case),
        NotListed.RECENT_VISIT: mask(visited),
        NotListed.WAITING: mask(waiting),
    }


def _excluded(dong: Dong, population: Population, today: dt.date) -> npt.NDArray[np.bool_]:
    """People in an open case, visited recently, or waiting for a visit already."""
    masks = list(_exclusions(dong, population, today).values())
    return np.logical_or.reduce(masks) if masks else np.zeros(len(population.person_ids), bool)


def _ceiling(model: engine.RiskModel, config: EngineConfig) -> float:
    """The top of a model's score: 1 for a probability, else every signal and household
    factor at full strength (the points model)."""
    if isinstance(model, engine.PointsModel):
        household = model.household.as_vector()
        return float(model.weight_points.sum() + household.sum())
    return 1.0


def _reason_json(reason: engine.Reason) -> dict[str, Any]:
    return {
        "code": reason.code.value,
        "signal": reason.signal_code,
        "value": reason.value,
        "day": reason.observed_day,
        "part": round(reason.contribution, 4),
    }


def plan_round(
    *,
    by: Any,
    dong: Dong,
    model_kind: str = ModelKind.POINTS,
    list_size: int | None = None,
    today: dt.date | None = None,
    enqueue: Callable[[str], object] | None = None,
) -> Round:
    """A new round of the dong with the city's current configuration, waiting to be scored
    (by a job given to the scoring task's `enqueue` and linked to the round, or at once
    without it). An unstarted list of the dong is replaced."""
    require_officer(by, dong.pk)
    if model_kind not in ModelKind.values:
        raise SaramError("round_bad_model")
    size = list_size or dong_settings(dong).list_size
    if size < 1 or size > 5000:
        raise SaramError("round_bad_list_size")
    config = ensure_default_config(city=dong.city)
    as_of = today or timezone.localdate()
    stored = _learned_model_for(dong.city, as_of) if model_kind == ModelKind.LEARNED else None
    with transaction.atomic():
        Round.objects.filter(dong=dong, status__in=(RoundStatus.DRAFT, RoundStatus.FAILED)).delete()
        if Round.objects.filter(dong=dong, status=RoundStatus.SCORING).exists():
            raise SaramError("round_busy")
        number = (Round.objects.filter(dong=dong).aggregate(n=Max("number"))["n"] or 0) + 1
        round_ = Round.objects.create(
            dong=dong,
            number=number,
            config=config,
            model_kind=model_kind,
            learned_model=stored,
            as_of=as_of,
            list_size=size,
            status=RoundStatus.SCORING,
            created_by=by,
        )
        if enqueue is not None:
            round_.job = jobs.start_job(
                by=by,
                kind="welfare_round",
                # Stored as its msgid and parameters, shown in the reader's language.
                label=gettext_noop("%(dong)s 발굴 목록 계산"),
                params={
                    "round": round_.pk,
                    "label_params": {"dong": {"ko": dong.name, "en": dong.name_en}},
                },
                enqueue=enqueue,
            )
            round_.save(update_fields=["job"])
    if enqueue is None:
        score_round(round_=round_)
        round_.refresh_from_db()
    return round_


def _learned_model_for(city: City, as_of: dt.date) -> Any:
    """The learned model the city put in use, for a round of `as_of`: refused when there is
    none, or when it learned from rounds on or after that day (a round's list may use only
    what was known on its day)."""
    stored = model_in_use(city)
    if stored is None:
        raise SaramError("no_learned_model_in_use")
    if stored.held_out_to >= as_of:
        raise SaramError(
            "learned_model_after_round",
            held_out_to=stored.held_out_to.isoformat(),
            as_of=as_of.isoformat(),
        )
    return stored


def score_round(*, round_: Round, progress: Progress = _no_progress) -> Round:
    """Score every resident of the round's dong as of its day and store the ranked list with
    each person's reasons; a failure is recorded on the round."""
    try:
        return _score(round_, progress)
    except SaramError as exc:
        Round.objects.filter(pk=round_.pk).update(status=RoundStatus.FAILED, message=exc.message)
        raise


def _score(round_: Round, progress: Progress) -> Round:
    dong, today = round_.dong, round_.as_of
    config = engine_config(round_.config)
    progress(0, 4, _("주민 읽는 중"))
    population = dong_population(dong, today)
    progress(1, 4, _("신호 읽는 중"))
    signals = dong_signals(population, config, dong, today)
    model: engine.RiskModel = config.model
    summary: dict[str, Any] = {"model": round_.model_kind, "config_version": round_.config.version}
    if round_.model_kind == ModelKind.LEARNED:
        # The stored model the round was planned with: scoring it again gives the same list.
        stored = round_.learned_model
        if stored is None:
            raise SaramError("no_learned_model_in_use")
        progress(2, 4, _("학습 모형 읽는 중"))
        learned = engine_model(stored, round_.config)
        model = learned
        summary |= {
            "learned_model": stored.pk,
            "trained_from": stored.trained_from.isoformat(),
            "trained_to": stored.trained_to.isoformat(),
            "trained_rows": learned.trained_rows,
            "confirmed_share": round(learned.confirmed_share, 4),
        }
    progress(3, 4, _("점수 계산 중"))
    exclusions = _exclusions(dong, population, today)
    excluded = np.logical_or.reduce(list(exclusions.values()))
    assessment = engine.assess_risk(
        signals=signals,
        residents=population.residents,
        model=model,
        today=today,
        k=round_.list_size,
        excluded=excluded,
        max_reasons=MAX_REASONS,
    )
    features = assessment.features
    assert features is not None
    score = assessment.score
    risk_pct = engine.risk_scale(score, ceiling=_ceiling(model, config))
    rules = due_rules.ensure_default_rules(city=dong.gu.city)
    due = engine.due_days(
        rules=due_rules.rule_specs(rules, config),
        features=features,
        lives_alone=population.residents.lives_alone,
        risk_pct=risk_pct,
        default_days=dong_settings(dong).sla_days,
    )
    flagged = features.has_signal & (score > 0)
    # Someone a due rule marks urgent is listed whatever the cut-off: they are the people a
    # fixed list size would otherwise lose.
    urgent = flagged & (due.rule >= 0) & due.is_high_risk
    ranked = list(assessment.ranked)
    on_list = np.zeros(len(score), dtype=np.bool_)
    on_list[[line.person_index for line in ranked]] = True
    extra = engine.rank_outreach(score, eligible=urgent & ~excluded & ~on_list, k=len(score))
    if len(extra):
        reasons = engine.explain(
            model=model,
            features=features,
            signals=signals,
            rows=extra.astype(np.intp),
            max_reasons=MAX_REASONS,
        )
        for row, why in zip(extra.tolist(), reasons, strict=True):
            ranked.append(
                engine.RankedPerson(
                    rank=len(ranked) + 1, person_index=row, score=float(score[row]), reasons=why
                )
            )
        on_list[extra] = True
    entries = [
        OutreachEntry(
            round=round_,
            rank=line.rank,
            person_id=int(population.person_ids[line.person_index]),
            score=round(line.score, 6),
            reasons=[_reason_json(r) for r in line.reasons],
        )
        for line in ranked
    ]
    status = np.full(len(score), NotListed.BELOW_CUTOFF.value, dtype=object)
    for reason in (
        NotListed.WAITING,
        NotListed.RECENT_VISIT,
        NotListed.OPEN_CASE,
        NotListed.DECEASED,
    ):
        status[exclusions[reason]] = reason.value  # the last assigned (a death) wins
    status[on_list] = NotListed.LISTED.value
    flagged_rows = np.flatnonzero(flagged)
    flagged_people = [
        FlaggedPerson(
            round=round_,
            person_id=int(population.person_ids[i]),
            dong_id=dong.pk,
            score=round(float(score[i]), 6),
            risk_pct=round(float(risk_pct[i]), 1),
            status=status[i],
            is_urgent=bool(urgent[i]),
            due_days=int(due.days[i]),
        )
        for i in flagged_rows.tolist()
    ]
    scored = int(np.count_nonzero(score > 0))
    with transaction.atomic():
        OutreachEntry.objects.filter(round=round_).delete()
        FlaggedPerson.objects.filter(round=round_).delete()
        OutreachEntry.objects.bulk_create(entries, batch_size=2000)
        FlaggedPerson.objects.bulk_create(flagged_people, batch_size=2000)
        Round.objects.filter(pk=round_.pk).update(
            status=RoundStatus.DRAFT,
            listed_count=len(entries),
            scored_count=scored,
            flag_counts={
                key: int(n)
                for key, n in zip(*np.unique(status[flagged_rows], return_counts=True), strict=True)
            }
            if len(flagged_rows)
            else {},
            model_summary=summary,
            message="",
        )
    progress(4, 4, _("완료"))
    round_.refresh_from_db()
    return round_


# --- Assigning ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Visitor:
    """Who can be given visits: their open visits now and whom they must never be given."""

    user_id: int
    load: int
    excluded_people: frozenset[int] = frozenset()
    excluded_households: frozenset[int] = frozenset()

    def may_visit(self, person_id: int, household_id: int | None) -> bool:
        if person_id in self.excluded_people:
            return False
        return household_id is None or household_id not in self.excluded_households


def balance(
    people: Sequence[tuple[int, int | None]], visitors: Sequence[Visitor]
) -> dict[int, int]:
    """Each person, in list order, to the eligible visitor with the fewest open visits (ties in
    the visitors' order). Raises SaramError for a person no visitor may be given."""
    load = {v.user_id: v.load for v in visitors}
    plan: dict[int, int] = {}
    for person_id, household_id in people:
        eligible = [v for v in visitors if v.may_visit(person_id, household_id)]
        if not eligible:
            raise SaramError("round_no_visitor", n=len(plan) + 1, person=person_id)
        chosen = min(eligible, key=lambda v: load[v.user_id])
        plan[person_id] = chosen.user_id
        load[chosen.user_id] += 1
    return plan


def eligible_visitors(dong: Dong) -> list[Any]:
    """Officers of the dong and committee members with a login who may be given its visits."""
    users = get_user_model().objects.filter(is_active=True)
    officers = set(
        RoleAssignment.objects.filter(role=Role.WELFARE_OFFICER)
        .filter(dong.covering())
        .values_list("user_id", flat=True)
    )
    members = set(
        CommitteeMember.objects.filter(
            committee__dong=dong, left_on__isnull=True, user__isnull=False
        ).values_list("user_id", flat=True)
    )
    candidates = list(users.filter(pk__in=officers | members).order_by("username"))
    chosen = [
        u
        for u, scope in zip(candidates, scopes_of(candidates), strict=True)
        if dong.pk in scope.dong_ids(Can.VISIT_ASSIGNED)
        or dong.pk in scope.dong_ids(Can.MANAGE_PEOPLE)
    ]
    # Committee members first: the round is theirs; officers take what is left over.
    return sorted(chosen, key=lambda u: (u.pk in officers, u.username))


def visitors_for(dong: Dong, users: Sequence[Any]) -> list[Visitor]:
    """Each chosen user's current load and exclusions (household, conflicts, refusals)."""
    ids = [u.pk for u in users]
    loads = dict(
        Assignment.objects.filter(assignee_id__in=ids, status=AssignmentStatus.OPEN)
        .values_list("assignee_id")
        .annotate(n=Count("id"))
        .values_list("assignee_id", "n")
    )
    people: dict[int, set[int]] = defaultdict(set)
    households: dict[int, set[int]] = defaultdict(set)
    for member_id, person_id in MemberConflict.objects.filter(member_id__in=ids).values_list(
        "member_id", "person_id"
    ):
        people[member_id].add(person_id)
    for visitor_id, person_id in Visit.objects.filter(
        visitor_id__in=ids, outcome=VisitOutcome.REFUSED
    ).values_list("visitor_id", "person_id"):
        people[visitor_id].add(person_id)
    for user_id, person_id, household_id in CommitteeMember.objects.filter(
        user_id__in=ids, person__isnull=False
    ).values_list("user_id", "person_id", "person__household_id"):
        people[user_id].add(person_id)
        if household_id is not None:
            households[user_id].add(household_id)
    return [
        Visitor(
            user_id=u.pk,
            load=loads.get(u.pk, 0),
            excluded_people=frozenset(people[u.pk]),
            excluded_households=frozenset(households[u.pk]),
        )
        for u in users
    ]


DEFAULT_PURPOSE = gettext_noop("안부 확인과 복지 상담 안내")


def start_round(
    *,
    by: Any,
    round_: Round,
    assignees: Sequence[Any],
    now: dt.datetime,
    purpose: str = "",
) -> list[Assignment]:
    """Give every listed person to one of `assignees` with balanced loads and the dong's SLA;
    nobody is given a person of their own household or one who refused them before."""
    require_officer(by, round_.dong_id)
    if round_.status != RoundStatus.DRAFT:
        raise SaramError("round_not_draft")
    allowed = {u.pk for u in eligible_visitors(round_.dong)}
    chosen = [u for u in assignees if u.pk in allowed]
    if len(chosen) != len(assignees) or not chosen:
        raise SaramError("round_bad_assignee")
    entries = list(
        OutreachEntry.objects.filter(round=round_)
        .order_by("rank")
        .values_list("id", "person_id", "person__household_id")
    )
    plan = balance([(p, h) for _e, p, h in entries], visitors_for(round_.dong, chosen))
    today = timezone.localtime(now).date()
    sla = dong_settings(round_.dong).sla_days
    flags = {
        person_id: (days, urgent)
        for person_id, days, urgent in FlaggedPerson.objects.filter(round=round_).values_list(
            "person_id", "due_days", "is_urgent"
        )
    }

    def due_of(person_id: int) -> dt.date:
        return today + dt.timedelta(days=flags.get(person_id, (sla, False))[0])

    due_on = max((due_of(p) for _e, p, _h in entries), default=today + dt.timedelta(days=sla))
    text = (purpose.strip() or _(DEFAULT_PURPOSE))[:200]
    with transaction.atomic():
        locked = Round.objects.select_for_update().get(pk=round_.pk)
        if locked.status != RoundStatus.DRAFT:
            raise SaramError("round_not_draft")
        assignments = Assignment.objects.bulk_create(
            [
                Assignment(
                    round=round_,
                    entry_id=entry_id,
                    person_id=person_id,
                    dong_id=round_.dong_id,
                    assignee_id=plan[person_id],
                    assigned_by=by,
                    assigned_at=now,
                    purpose=text,
                    due_on=due_of(person_id),
                    is_urgent=flags.get(person_id, (sla, False))[1],
                    is_high_risk=flags.get(person_id, (sla, False))[1],
                )
                for entry_id, person_id, _h in entries
            ],
            batch_size=2000,
        )
        Round.objects.filter(pk=round_.pk).update(
            status=RoundStatus.OPEN, started_by=by, started_at=now, due_on=due_on
        )
        audit.record(
            actor=by,
            action=AuditAction.CREATE,
            target_type="welfare_round",
            target_id=round_.pk,
            purpose=_("발굴 회차 시작"),
            detail={"assigned": len(assignments), "assignees": sorted(set(plan.values()))},
        )
    round_.refresh_from_db()
    return assignments


def reassign(*, by: Any, assignment: Assignment, assignee: Any, now: dt.datetime) -> Assignment:
    """Give an open or returned visit to someone else, under the same rules as a round."""
    require_officer(by, assignment.dong_id)
    if assignment.status == AssignmentStatus.DONE:
        raise SaramError("assignment_done")
    if assignee.pk not in {u.pk for u in eligible_visitors(assignment.dong)}:
        raise SaramError("round_bad_assignee")
    household = (
        Person.objects.filter(pk=assignment.person_id)
        .values_list("household_id", flat=True)
        .first()
    )
    balance([(assignment.person_id, household)], visitors_for(assignment.dong, [assignee]))
    with transaction.atomic():
        assignment.assignee = assignee
        assignment.status = AssignmentStatus.OPEN
        assignment.returned_reason = ""
        assignment.assigned_by = by
        assignment.assigned_at = now
        assignment.escalated_at = None
        assignment.save()
        audit.record(
            actor=by,
            action=AuditAction.UPDATE,
            target_type="welfare_assignment",
            target_id=assignment.pk,
            purpose=_("방문 담당 바꾸기"),
            detail={"assignee": assignee.pk},
        )
    return assignment


def return_assignment(
    *, by: Any, assignment: Assignment, reason: str, is_conflict: bool
) -> Assignment:
    """A visitor hands a visit back (e.g. the person is a relative); a conflict is remembered so
    they are never given that person again."""
    if assignment.assignee_id != by.pk or assignment.status != AssignmentStatus.OPEN:
        raise SaramError("return_not_yours")
    if not reason.strip():
        raise SaramError("return_reason_required")
    with transaction.atomic():
        assignment.status = AssignmentStatus.RETURNED
        assignment.returned_reason = reason.strip()[:200]
        assignment.save(update_fields=["status", "returned_reason"])
        if is_conflict:
            MemberConflict.objects.get_or_create(
                member=by, person_id=assignment.person_id, defaults={"reason": reason[:200]}
            )
    return assignment


def is_overdue(assignment: Assignment, now: dt.datetime) -> bool:
    """Past its due date with nobody reached or the case otherwise settled."""
    return (
        assignment.status != AssignmentStatus.DONE
        and assignment.due_on < timezone.localtime(now).date()
    )


def escalate_overdue(*, now: dt.datetime) -> int:
    """Mark every open visit past its due date as escalated to the dong's officers (once)."""
    today = timezone.localtime(now).date()
    return Assignment.objects.filter(
        status__in=(AssignmentStatus.OPEN, AssignmentStatus.RETURNED),
        due_on__lt=today,
        escalated_at__isnull=True,
    ).update(escalated_at=now)


def close_round(*, by: Any, round_: Round, now: dt.datetime) -> Round:
    """Close an open round; visits still open stay on their visitors' lists."""
    require_officer(by, round_.dong_id)
    if round_.status != RoundStatus.OPEN:
        raise SaramError("round_not_open")
    Round.objects.filter(pk=round_.pk).update(status=RoundStatus.CLOSED, closed_at=now)
    round_.refresh_from_db()
    return round_


def assign_to_member(
    *, by: Any, assignment: Assignment, member: CommitteeMember, now: dt.datetime
) -> Assignment:
    """Give an open visit to a committee member who has no login: the officer (`by`) holds it
    and records the visit for them; the printed list shows the member."""
    require_officer(by, assignment.dong_id)
    if assignment.status not in (AssignmentStatus.OPEN, AssignmentStatus.RETURNED):
        raise SaramError("assignment_done")
    if (
        member.user_id is not None
        or member.left_on is not None
        or member.committee.dong_id != assignment.dong_id
    ):
        raise SaramError("member_not_active")
    if member.person_id is not None:
        # Never the member's own household (the same rule as for members with a login).
        own = Person.objects.filter(pk=member.person_id).values_list("household_id", flat=True)
        theirs = Person.objects.filter(pk=assignment.person_id).values_list(
            "household_id", flat=True
        )
        own_household, their_household = own.first(), theirs.first()
        if member.person_id == assignment.person_id or (
            own_household is not None and own_household == their_household
        ):
            raise SaramError("member_conflict")
    with transaction.atomic():
        assignment.assignee = by
        assignment.member = member
        assignment.status = AssignmentStatus.OPEN
        assignment.returned_reason = ""
        assignment.assigned_by = by
        assignment.assigned_at = now
        assignment.save()
        audit.record(
            actor=by,
            action=AuditAction.UPDATE,
            target_type="welfare_assignment",
            target_id=assignment.pk,
            purpose=_("로그인 없는 위원에게 방문 맡김"),
            detail={"member": member.pk},
        )
    return assignment
