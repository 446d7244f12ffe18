"""The learned model: what past rounds' confirmed needs teach, and how it compares at top-k."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp  # type: ignore[import-untyped]

from ._features import HOUSEHOLD_COLUMNS, RiskFeatures, build_features
from ._inputs import Residents, SignalRows, SignalType
from .risk import RiskModel, rank_outreach


@dataclass(frozen=True, eq=False)
class RoundOutcomes:
    """The people assessed in one past round: their features as of the round's day, in
    person order, and whether a need was confirmed."""

    features: RiskFeatures
    need_confirmed: npt.NDArray[np.bool_]

    def __post_init__(self) -> None:
        confirmed = np.asarray(self.need_confirmed, dtype=np.bool_)
        if confirmed.shape != (len(self.features),):
            raise ValueError(
                f"need_confirmed has shape {confirmed.shape}, expected ({len(self.features)},)"
            )
        object.__setattr__(self, "need_confirmed", confirmed)


def round_outcomes(
    *,
    signals: SignalRows,
    residents: Residents,
    signal_types: Sequence[SignalType],
    round_day: date,
    person_index: npt.NDArray[np.int32],
    need_confirmed: npt.NDArray[np.bool_],
) -> RoundOutcomes:
    """One past round's outcomes with features rebuilt as they stood on the round's day."""
    person_index = np.asarray(person_index, dtype=np.int32)
    need_confirmed = np.asarray(need_confirmed, dtype=np.bool_)
    if person_index.shape != need_confirmed.shape:
        raise ValueError("person_index and need_confirmed differ in length")
    if len(np.unique(person_index)) != len(person_index):
        raise ValueError("a person appears twice in one round's outcomes")
    order = np.argsort(person_index, kind="stable")
    features = build_features(
        signals=signals, residents=residents, signal_types=signal_types, today=round_day
    )
    return RoundOutcomes(
        features=features.take(person_index[order]), need_confirmed=need_confirmed[order]
    )


def _design_matrix(features: RiskFeatures) -> Any:
    return sp.hstack([features.signal_strength, sp.csr_matrix(features.household)], format="csr")


@dataclass(frozen=True, eq=False)
class OutcomeModel:
    """A logistic regression of confirmed need on signal strengths and household factors,
    Platt-calibrated, so its score is a probability that a visit confirms a need.

    Nothing but these numbers: a model stored with them scores a round again exactly."""

    signal_types: tuple[SignalType, ...]
    signal_coefficients: npt.NDArray[np.float64]  # log-odds per unit of strength, per type
    household_coefficients: npt.NDArray[np.float64]  # log-odds per household factor
    intercept: float
    calibration_slope: float  # Platt: p = 1 / (1 + exp(slope × log-odds + offset))
    calibration_offset: float
    trained_rows: int
    confirmed_share: float

    def __post_init__(self) -> None:
        object.__setattr__(self, "signal_types", tuple(self.signal_types))
        object.__setattr__(
            self, "signal_coefficients", np.asarray(self.signal_coefficients, dtype=np.float64)
        )
        object.__setattr__(
            self,
            "household_coefficients",
            np.asarray(self.household_coefficients, dtype=np.float64),
        )
        if self.signal_coefficients.shape != (len(self.signal_types),):
            raise ValueError("one coefficient per signal type is needed")
        if self.household_coefficients.shape != (len(HOUSEHOLD_COLUMNS),):
            raise ValueError(f"{len(HOUSEHOLD_COLUMNS)} household coefficients are needed")

    def log_odds(self, features: RiskFeatures) -> npt.NDArray[np.float64]:
        """The regression's uncalibrated log-odds per feature row."""
        signal = np.asarray(features.signal_strength @ self.signal_coefficients).ravel()
        household = features.household @ self.household_coefficients
        return np.asarray(signal + household + self.intercept, dtype=np.float64)

    def score(self, features: RiskFeatures) -> npt.NDArray[np.float64]:
        """Calibrated probability of a confirmed need per feature row."""
        if len(features) == 0:
            return np.empty(0, dtype=np.float64)
        z = self.calibration_slope * self.log_odds(features) + self.calibration_offset
        return np.asarray(1.0 / (1.0 + np.exp(z)), dtype=np.float64)

    def contributions(
        self, features: RiskFeatures, rows: npt.NDArray[np.intp]
    ) -> tuple[Any, npt.NDArray[np.float64]]:
        """Coefficient × feature value: each part's share of the (uncalibrated) log-odds."""
        signal_parts = features.signal_strength[rows] @ sp.diags(self.signal_coefficients)
        household_parts = features.household[rows] * self.household_coefficients
        return sp.csr_matrix(signal_parts), household_parts


def fit_outcome_model(
    *,
    rounds: Sequence[RoundOutcomes],
    signal_types: Sequence[SignalType],
    regularization_c: float = 1.0,
    calibration_folds: int = 5,
    seed: int = 0,
) -> OutcomeModel:
    """Fit the learned model on past rounds' assessed people and whether a need was confirmed.

    Calibration is fitted on out-of-fold predictions; the coefficients that explain a score
    are those of the one regression fitted on all rows.
    """
    # Imported here: the web process imports this package on every start, and only fitting
    # needs scikit-learn (a fitted model scores through its own methods).
    from sklearn.calibration import CalibratedClassifierCV  # type: ignore[import-untyped]  # noqa: PLC0415 -- heavy (scikit-learn), only when fitting
    from sklearn.linear_model import LogisticRegression  # type: ignore[import-untyped]  # noqa: PLC0415 -- heavy (scikit-learn), only when fitting
    from sklearn.model_selection import StratifiedKFold  # type: ignore[import-untyped]  # noqa: PLC0415 -- heavy (scikit-learn), only when fitting

    if not rounds:
        raise ValueError("no past rounds to learn from")
    n_types = len(signal_types)
    for round_ in rounds:
        if round_.features.signal_strength.shape[1] != n_types:
            raise ValueError(f"a round's features have not {n_types} signal types")
    design = sp.vstack([_design_matrix(r.features) for r in rounds], format="csr")
    confirmed = np.concatenate([r.need_confirmed for r in rounds])
    positives = int(confirmed.sum())
    negatives = len(confirmed) - positives
    folds = min(calibration_folds, positives, negatives)
    if folds < 2:
        raise ValueError(
            "past rounds need at least two confirmed needs and two unconfirmed ones "
            f"(have {positives} and {negatives})"
        )
    classifier = CalibratedClassifierCV(
        LogisticRegression(C=regularization_c, max_iter=1000),
        method="sigmoid",
        cv=StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed),
        ensemble=False,
    )
    classifier.fit(design, confirmed)
    fitted = classifier.calibrated_classifiers_[0]
    regression, calibrator = fitted.estimator, fitted.calibrators[0]
    coefficients = np.asarray(regression.coef_, dtype=np.float64).ravel()
    return OutcomeModel(
        signal_types=tuple(signal_types),
        signal_coefficients=coefficients[:n_types],
        household_coefficients=coefficients[n_types:],
        intercept=float(regression.intercept_[0]),
        calibration_slope=float(calibrator.a_),
        calibration_offset=float(calibrator.b_),
        trained_rows=len(confirmed),
        confirmed_share=positives / len(confirmed),
    )


@dataclass(frozen=True, slots=True)
class TopKResult:
    """Of one list of at most k people: how many were listed, how many had a confirmed need,
    and how many confirmed needs there were among everyone assessed."""

    listed: int
    found: int
    confirmed: int

    @property
    def precision(self) -> float:
        """Share of the listed people whose need was confirmed (NaN if nobody was listed)."""
        return self.found / self.listed if self.listed else float("nan")

    @property
    def recall(self) -> float:
        """Share of all confirmed needs the list found (NaN if none was confirmed)."""
        return self.found / self.confirmed if self.confirmed else float("nan")

    def __add__(self, other: TopKResult) -> TopKResult:
        return TopKResult(
            self.listed + other.listed, self.found + other.found, self.confirmed + other.confirmed
        )


@dataclass(frozen=True)
class TopKEvaluation:
    """Precision and recall at k of both models on each held-out round and pooled."""

    k: int
    learned_by_round: tuple[TopKResult, ...]
    points_by_round: tuple[TopKResult, ...]

    @property
    def learned(self) -> TopKResult:
        """The learned model pooled over rounds (micro-average)."""
        return sum(self.learned_by_round, TopKResult(0, 0, 0))

    @property
    def points(self) -> TopKResult:
        """The points model pooled over rounds (micro-average)."""
        return sum(self.points_by_round, TopKResult(0, 0, 0))


def _top_k(score: npt.NDArray[np.float64], confirmed: npt.NDArray[np.bool_], k: int) -> TopKResult:
    top = rank_outreach(score, eligible=np.ones(len(score), dtype=np.bool_), k=k)
    return TopKResult(
        listed=len(top), found=int(confirmed[top].sum()), confirmed=int(confirmed.sum())
    )


def evaluate_top_k(
    *,
    rounds: Sequence[RoundOutcomes],
    learned_model: RiskModel,
    points_model: RiskModel,
    k: int,
) -> TopKEvaluation:
    """Rank each held-out round's assessed people by both models and count the confirmed needs
    each top-k finds; equal scores keep person order."""
    learned, points = [], []
    for round_ in rounds:
        learned.append(_top_k(learned_model.score(round_.features), round_.need_confirmed, k))
        points.append(_top_k(points_model.score(round_.features), round_.need_confirmed, k))
    return TopKEvaluation(k=k, learned_by_round=tuple(learned), points_by_round=tuple(points))


# What a household factor is called when it is the main reason a person is added or dropped.
HOUSEHOLD_REASONS = ("lives_alone", "aged_65_plus", "child_in_household")
NO_REASON = "none"


@dataclass(frozen=True)
class ListChanges:
    """Who a learned model's top-k would add to and drop from the points model's, summed over
    held-out rounds: counts, how many of them had a confirmed need, and each one's main reason
    (the part that weighs most in the model that lists them: a signal code or a household
    factor) counted."""

    adds: int
    drops: int
    adds_confirmed: int
    drops_confirmed: int
    add_reasons: dict[str, int]
    drop_reasons: dict[str, int]


def _main_reasons(
    model: RiskModel, features: RiskFeatures, rows: npt.NDArray[np.intp]
) -> list[str]:
    if len(rows) == 0:
        return []
    signal_parts, household_parts = model.contributions(features, rows)
    parts = np.hstack([sp.csr_matrix(signal_parts).toarray(), np.asarray(household_parts)])
    names = [t.code for t in model.signal_types] + list(HOUSEHOLD_REASONS)
    best = parts.argmax(axis=1)
    return [names[int(b)] if parts[i, b] > 0 else NO_REASON for i, b in enumerate(best.tolist())]


def compare_lists(
    *,
    rounds: Sequence[RoundOutcomes],
    learned_model: RiskModel,
    points_model: RiskModel,
    k: int,
) -> ListChanges:
    """On each held-out round, the people in the learned model's top-k but not in the points
    model's (adds) and the reverse (drops), with their outcomes and main reasons."""
    adds = drops = adds_confirmed = drops_confirmed = 0
    add_reasons: dict[str, int] = {}
    drop_reasons: dict[str, int] = {}
    for round_ in rounds:
        everyone = np.ones(len(round_.features), dtype=np.bool_)
        mine = rank_outreach(learned_model.score(round_.features), eligible=everyone, k=k)
        theirs = rank_outreach(points_model.score(round_.features), eligible=everyone, k=k)
        added = np.setdiff1d(mine, theirs).astype(np.intp)
        dropped = np.setdiff1d(theirs, mine).astype(np.intp)
        adds += len(added)
        drops += len(dropped)
        adds_confirmed += int(round_.need_confirmed[added].sum())
        drops_confirmed += int(round_.need_confirmed[dropped].sum())
        for reason in _main_reasons(learned_model, round_.features, added):
            add_reasons[reason] = add_reasons.get(reason, 0) + 1
        for reason in _main_reasons(points_model, round_.features, dropped):
            drop_reasons[reason] = drop_reasons.get(reason, 0) + 1
    return ListChanges(adds, drops, adds_confirmed, drops_confirmed, add_reasons, drop_reasons)
