"""The explainable points model, the outreach ranking and the reasons behind each score."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp  # type: ignore[import-untyped]

from ._features import (
    HOUSEHOLD_COLUMNS,
    RiskFeatures,
    build_features,
    known_on,
    observation_strength,
)
from ._inputs import HouseholdPoints, Residents, SeverityUnit, SignalRows, SignalType, day_number


class ReasonCode(StrEnum):
    """Why a person scores: the app maps each code to one translated message."""

    SIGNAL_MONTHS = "signal_months"  # {signal} {value} months in arrears
    SIGNAL_AMOUNT = "signal_amount"  # {signal} {value} KRW
    SIGNAL_FLAG = "signal_flag"  # {signal}
    LIVES_ALONE = "lives_alone"
    AGED_65_PLUS = "aged_65_plus"  # aged {value}
    CHILD_IN_HOUSEHOLD = "child_in_household"


_SIGNAL_REASON = {
    SeverityUnit.MONTHS: ReasonCode.SIGNAL_MONTHS,
    SeverityUnit.KRW: ReasonCode.SIGNAL_AMOUNT,
    SeverityUnit.FLAG: ReasonCode.SIGNAL_FLAG,
}
_HOUSEHOLD_REASON = (
    ReasonCode.LIVES_ALONE,
    ReasonCode.AGED_65_PLUS,
    ReasonCode.CHILD_IN_HOUSEHOLD,
)
assert len(_HOUSEHOLD_REASON) == len(HOUSEHOLD_COLUMNS)


@dataclass(frozen=True, slots=True)
class Reason:
    """One part of a score: points (points model) or log-odds (learned model) it contributed.

    For a signal: its code, the value of its strongest current observation (months, KRW, or 1)
    and that observation's day. For AGED_65_PLUS: the age in years as `value`.
    """

    code: ReasonCode
    contribution: float
    signal_code: str | None = None
    value: float | None = None
    observed_day: int | None = None


@dataclass(frozen=True, slots=True)
class RankedPerson:
    """One line of an outreach list: rank from 1, the resident, the score and its reasons."""

    rank: int
    person_index: int
    score: float
    reasons: tuple[Reason, ...]


@dataclass(frozen=True, eq=False)
class RiskAssessment:
    """Every resident's score (indexed by person index) and the top-k list with reasons."""

    score: npt.NDArray[np.float64]
    ranked: tuple[RankedPerson, ...]
    features: RiskFeatures | None = None  # what the scores were computed from


class RiskModel(Protocol):
    """What an outreach round needs of a model: scores and the parts each score is made of."""

    @property
    def signal_types(self) -> tuple[SignalType, ...]: ...

    def score(self, features: RiskFeatures) -> npt.NDArray[np.float64]: ...

    def contributions(
        self, features: RiskFeatures, rows: npt.NDArray[np.intp]
    ) -> tuple[Any, npt.NDArray[np.float64]]:
        """Per-signal-type (sparse, rows × types) and per-household-factor (rows × 3) parts."""
        ...


@dataclass(frozen=True)
class PointsModel:
    """Score = Σ over signal types of weight × strongest current strength, plus household points.

    Household points count only for a person who has signal points: living alone or being 65
    raises a concern, it does not make one.
    """

    signal_types: tuple[SignalType, ...]
    household: HouseholdPoints = field(default_factory=HouseholdPoints)

    def __post_init__(self) -> None:
        object.__setattr__(self, "signal_types", tuple(self.signal_types))
        codes = [t.code for t in self.signal_types]
        if len(set(codes)) != len(codes):
            raise ValueError("signal type codes must be unique")

    @property
    def weight_points(self) -> npt.NDArray[np.float64]:
        """Points of each signal type at full strength, in type-index order."""
        return np.array([t.weight_points for t in self.signal_types], dtype=np.float64)

    def score(self, features: RiskFeatures) -> npt.NDArray[np.float64]:
        """Points per feature row."""
        if features.signal_strength.shape[1] != len(self.signal_types):
            raise ValueError("features were built for other signal types than this model's")
        signal_points: npt.NDArray[np.float64] = features.signal_strength @ self.weight_points
        household_points = features.household @ self.household.as_vector()
        return signal_points + np.where(signal_points > 0, household_points, 0.0)

    def contributions(
        self, features: RiskFeatures, rows: npt.NDArray[np.intp]
    ) -> tuple[Any, npt.NDArray[np.float64]]:
        """Points per signal type (sparse, rows × types) and per household factor (rows × 3)."""
        strength = features.signal_strength[rows]
        signal_points = strength @ sp.diags(self.weight_points)
        has_points = np.asarray(signal_points.sum(axis=1)).ravel() > 0
        household = features.household[rows] * self.household.as_vector()
        household[~has_points] = 0.0
        return sp.csr_matrix(signal_points), household


def rank_outreach(
    score: npt.NDArray[np.float64], *, eligible: npt.NDArray[np.bool_], k: int
) -> npt.NDArray[np.int64]:
    """Positions of the k highest eligible scores, highest first; equal scores by position."""
    if k < 0:
        raise ValueError("k must be ≥ 0")
    candidates = np.flatnonzero(eligible)
    if k == 0 or len(candidates) == 0:
        return np.empty(0, dtype=np.int64)
    candidate_score = score[candidates]
    if k < len(candidates):
        # argpartition picks arbitrarily among scores tied at the cut; keep every tied person
        # so the sort below can break ties by position and the list is reproducible.
        threshold = candidate_score[np.argpartition(-candidate_score, k - 1)[k - 1]]
        near_top = np.flatnonzero(candidate_score >= threshold)
        candidates, candidate_score = candidates[near_top], candidate_score[near_top]
    order = np.lexsort((candidates, -candidate_score))[:k]
    return candidates[order].astype(np.int64)


def _strongest_observations(
    signals: SignalRows,
    signal_types: Sequence[SignalType],
    people: npt.NDArray[np.int32],
    today: date,
) -> dict[tuple[int, int], tuple[float, int]]:
    """(person, type) → (value, observed_day) of the strongest current row, for these people."""
    if len(people) == 0 or len(signals) == 0:
        return {}
    mine = known_on(signals.take(np.isin(signals.person_index, people)), today)
    if len(mine) == 0:
        return {}
    strength = observation_strength(mine, signal_types, day_number(today))
    # Of equally strong rows the latest is reported: it is what a visitor would ask about.
    order = np.lexsort((-mine.observed_day, -strength, mine.type_index, mine.person_index))
    key = mine.person_index[order].astype(np.int64) * len(signal_types) + mine.type_index[order]
    best = order[np.concatenate(([True], key[1:] != key[:-1]))]
    return {
        (int(p), int(t)): (float(v), int(d))
        for p, t, v, d in zip(
            mine.person_index[best],
            mine.type_index[best],
            mine.value[best],
            mine.observed_day[best],
            strict=True,
        )
    }


def explain(
    *,
    model: RiskModel,
    features: RiskFeatures,
    signals: SignalRows,
    rows: npt.NDArray[np.intp],
    max_reasons: int | None = None,
) -> tuple[tuple[Reason, ...], ...]:
    """The reasons behind each given feature row's score, largest contribution first.

    Only parts that raise the score are reasons; equal contributions keep signal-type order,
    then household order. `signals` are the rows the features were built from.
    """
    rows = np.asarray(rows, dtype=np.intp)
    signal_types = model.signal_types
    people = features.person_index[rows]
    observations = _strongest_observations(signals, signal_types, people, features.as_of)
    signal_parts, household_parts = model.contributions(features, rows)
    signal_parts = sp.csr_matrix(signal_parts)
    explained: list[tuple[Reason, ...]] = []
    for i, person in enumerate(people.tolist()):
        start, end = signal_parts.indptr[i], signal_parts.indptr[i + 1]
        ranked: list[tuple[float, int, Reason]] = []
        for type_index, part in zip(
            signal_parts.indices[start:end].tolist(),
            signal_parts.data[start:end].tolist(),
            strict=True,
        ):
            if part <= 0:
                continue
            signal_type = signal_types[type_index]
            value, observed_day = observations[(person, type_index)]
            reason = Reason(
                code=_SIGNAL_REASON[signal_type.unit],
                contribution=part,
                signal_code=signal_type.code,
                value=value,
                observed_day=observed_day,
            )
            ranked.append((-part, type_index, reason))
        for column, part in enumerate(household_parts[i].tolist()):
            if part <= 0:
                continue
            code = _HOUSEHOLD_REASON[column]
            age = float(features.age_years[rows[i]]) if code is ReasonCode.AGED_65_PLUS else None
            ranked.append((-part, len(signal_types) + column, Reason(code, part, value=age)))
        ranked.sort(key=lambda item: (item[0], item[1]))
        explained.append(tuple(reason for _, _, reason in ranked[:max_reasons]))
    return tuple(explained)


def assess_risk(
    *,
    signals: SignalRows,
    residents: Residents,
    model: RiskModel,
    today: date,
    k: int,
    excluded: npt.NDArray[np.bool_] | None = None,
    max_reasons: int | None = None,
) -> RiskAssessment:
    """Score every resident as of `today` and list the k highest with the reasons behind them.

    Listed are people with a current signal and a positive score who are not `excluded`
    (e.g. in an open case or visited recently).
    """
    features = build_features(
        signals=signals, residents=residents, signal_types=model.signal_types, today=today
    )
    score = model.score(features)
    eligible = features.has_signal & (score > 0)
    if excluded is not None:
        excluded = np.asarray(excluded, dtype=np.bool_)
        if excluded.shape != score.shape:
            raise ValueError(f"excluded has shape {excluded.shape}, expected {score.shape}")
        eligible &= ~excluded
    top = rank_outreach(score, eligible=eligible, k=k)
    reasons = explain(
        model=model,
        features=features,
        signals=signals,
        rows=top.astype(np.intp),
        max_reasons=max_reasons,
    )
    ranked = tuple(
        RankedPerson(rank=rank, person_index=int(row), score=float(score[row]), reasons=why)
        for rank, (row, why) in enumerate(zip(top.tolist(), reasons, strict=True), start=1)
    )
    return RiskAssessment(score=score, ranked=ranked, features=features)
