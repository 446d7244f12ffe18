"""The learned model and the top-k comparison of both models on held-out past rounds."""

from __future__ import annotations

import math
from dataclasses import replace
from datetime import date, timedelta

import numpy as np
import pytest
import scipy.sparse as sp

from saram.welfare.engine import (
    HouseholdPoints,
    PointsModel,
    ReasonCode,
    Residents,
    RiskFeatures,
    RoundOutcomes,
    SeverityUnit,
    SignalRows,
    SignalType,
    TopKResult,
    assess_risk,
    build_features,
    day_number,
    evaluate_top_k,
    explain,
    fit_outcome_model,
    round_outcomes,
)

FIRST_ROUND = date(2024, 7, 1)
ROUND_DAYS = [FIRST_ROUND + timedelta(days=60 * i) for i in range(6)]

# "rent" truly drives a confirmed need; "phone" is common and weighs much in the points model
# but has nothing to do with need. A city whose weights are off is what the learned model is for.
RENT = SignalType("rent_arrears", "월세 체납", "Rent arrears", 4, SeverityUnit.MONTHS, 6, 120, 0.1)
PHONE = SignalType(
    "phone_arrears", "통신비 체납", "Phone arrears", 20, SeverityUnit.MONTHS, 6, 120, 0.2
)
JOB = SignalType("job_loss", "실직", "Job loss", 6, SeverityUnit.FLAG, 1, 180, 0.1)
TYPES = (RENT, PHONE, JOB)
MISWEIGHTED = PointsModel(TYPES, HouseholdPoints(4, 3, 3))


def synthetic_city(seed: int, n_people: int = 20_000) -> tuple[SignalRows, Residents]:
    rng = np.random.default_rng(seed)
    n_rows = 40_000
    first_day = day_number(FIRST_ROUND) - 200
    last_day = day_number(ROUND_DAYS[-1])
    type_index = rng.choice(3, n_rows, p=[0.3, 0.5, 0.2])
    value = np.where(type_index == 2, 1.0, rng.integers(1, 9, n_rows).astype(float))
    signals = SignalRows(
        person_index=rng.integers(0, n_people, n_rows),
        type_index=type_index,
        observed_day=rng.integers(first_day, last_day, n_rows),
        value=value,
    )
    residents = Residents(
        age_years=rng.integers(20, 95, n_people),
        lives_alone=rng.random(n_people) < 0.3,
        child_in_household=rng.random(n_people) < 0.2,
    )
    return signals, residents


def true_need_probability(features: RiskFeatures) -> np.ndarray:
    rent = features.signal_strength[:, 0].toarray().ravel()
    log_odds = -3.0 + 5.0 * rent + 0.8 * features.household[:, 0]
    return 1 / (1 + np.exp(-log_odds))


def past_rounds(seed: int) -> tuple[SignalRows, Residents, list[RoundOutcomes]]:
    signals, residents = synthetic_city(seed)
    rng = np.random.default_rng(seed + 100)
    rounds = []
    for day in ROUND_DAYS:
        features = build_features(
            signals=signals, residents=residents, signal_types=TYPES, today=day
        )
        flagged = np.flatnonzero(features.has_signal)
        assessed = rng.choice(flagged, 3000, replace=False)
        confirmed = rng.random(3000) < true_need_probability(features.take(assessed))
        rounds.append(
            round_outcomes(
                signals=signals,
                residents=residents,
                signal_types=TYPES,
                round_day=day,
                person_index=assessed,
                need_confirmed=confirmed,
            )
        )
    return signals, residents, rounds


History = tuple[SignalRows, Residents, list[RoundOutcomes]]


@pytest.fixture(scope="module")
def history() -> History:
    return past_rounds(seed=5)


def test_the_learned_model_finds_more_needs_than_misweighted_points(history: History) -> None:
    _, _, rounds = history
    model = fit_outcome_model(rounds=rounds[:4], signal_types=TYPES)
    evaluation = evaluate_top_k(
        rounds=rounds[4:], learned_model=model, points_model=MISWEIGHTED, k=300
    )
    assert len(evaluation.learned_by_round) == 2
    assert evaluation.learned.listed == evaluation.points.listed == 600
    assert evaluation.learned.precision > evaluation.points.precision + 0.15
    assert evaluation.learned.recall > evaluation.points.recall


def test_the_learned_model_matches_well_weighted_points(history: History) -> None:
    _, _, rounds = history
    well_weighted = PointsModel(
        (
            replace(RENT, weight_points=20),
            replace(PHONE, weight_points=0.5),
            replace(JOB, weight_points=0.5),
        ),
        HouseholdPoints(3, 0, 0),
    )
    model = fit_outcome_model(rounds=rounds[:4], signal_types=TYPES)
    evaluation = evaluate_top_k(
        rounds=rounds[4:], learned_model=model, points_model=well_weighted, k=300
    )
    assert evaluation.learned.precision >= evaluation.points.precision - 0.03


def test_the_learned_coefficients_point_at_the_true_driver(history: History) -> None:
    _, _, rounds = history
    model = fit_outcome_model(rounds=rounds[:4], signal_types=TYPES)
    rent, phone, job = model.signal_coefficients
    assert rent > 3.0
    assert abs(phone) < 1.0 and abs(job) < 1.0
    assert model.household_coefficients[0] > 0.4  # lives alone
    assert model.trained_rows == 12_000


def test_the_learned_probabilities_are_calibrated(history: History) -> None:
    _, _, rounds = history
    model = fit_outcome_model(rounds=rounds[:4], signal_types=TYPES)
    held_out = rounds[4:]
    predicted = np.concatenate([model.score(r.features) for r in held_out])
    confirmed = np.concatenate([r.need_confirmed for r in held_out])
    assert predicted.mean() == pytest.approx(confirmed.mean(), abs=0.03)
    high = predicted >= np.quantile(predicted, 0.9)
    assert predicted[high].mean() == pytest.approx(confirmed[high].mean(), abs=0.1)


def test_learned_reasons_are_coefficient_times_feature(history: History) -> None:
    signals, residents, rounds = history
    model = fit_outcome_model(rounds=rounds[:4], signal_types=TYPES)
    today = ROUND_DAYS[-1]
    features = build_features(signals=signals, residents=residents, signal_types=TYPES, today=today)
    rent = features.signal_strength[:, 0].toarray().ravel()
    person = int(np.argmax(rent))
    (reasons,) = explain(
        model=model,
        features=features,
        signals=signals,
        rows=np.array([person]),
    )
    top = reasons[0]
    assert (top.code, top.signal_code) == (ReasonCode.SIGNAL_MONTHS, "rent_arrears")
    assert top.contribution == pytest.approx(model.signal_coefficients[0] * rent[person])
    assert all(reason.contribution > 0 for reason in reasons)
    contributions = [reason.contribution for reason in reasons]
    assert contributions == sorted(contributions, reverse=True)


def test_an_outreach_round_can_use_the_learned_model(history: History) -> None:
    signals, residents, rounds = history
    model = fit_outcome_model(rounds=rounds[:4], signal_types=TYPES)
    today = ROUND_DAYS[-1]
    features = build_features(signals=signals, residents=residents, signal_types=TYPES, today=today)
    excluded = np.zeros(len(residents), dtype=bool)
    first = assess_risk(signals=signals, residents=residents, model=model, today=today, k=50)
    excluded[first.ranked[0].person_index] = True
    result = assess_risk(
        signals=signals, residents=residents, model=model, today=today, k=50, excluded=excluded
    )
    listed = [line.person_index for line in result.ranked]
    assert len(listed) == 50
    assert first.ranked[0].person_index not in listed
    assert features.has_signal[listed].all()
    assert all(0 < line.score < 1 and line.reasons for line in result.ranked)


def test_learning_needs_both_outcomes() -> None:
    features = build_features(
        signals=SignalRows(
            person_index=[0, 1], type_index=[0, 0], observed_day=[0, 0], value=[1, 2]
        ),
        residents=Residents(age_years=[50, 60], lives_alone=[0, 1], child_in_household=[0, 0]),
        signal_types=TYPES,
        today=date(1970, 1, 1),
    )
    round_ = RoundOutcomes(features=features, need_confirmed=np.array([True, True]))
    with pytest.raises(ValueError, match="at least two confirmed needs and two unconfirmed"):
        fit_outcome_model(rounds=[round_], signal_types=TYPES)
    with pytest.raises(ValueError, match="no past rounds"):
        fit_outcome_model(rounds=[], signal_types=TYPES)


def test_round_outcomes_use_features_as_they_stood_on_the_round_day() -> None:
    round_day = date(2025, 1, 31)
    d = day_number(round_day)
    signals = SignalRows(
        person_index=[2, 0, 0], type_index=[2, 2, 0], observed_day=[d, d + 1, d], value=[1, 1, 3]
    )
    residents = Residents(
        age_years=[70, 30, 40], lives_alone=[1, 0, 0], child_in_household=[0, 0, 1]
    )
    outcomes = round_outcomes(
        signals=signals,
        residents=residents,
        signal_types=TYPES,
        round_day=round_day,
        person_index=np.array([2, 0]),
        need_confirmed=np.array([False, True]),
    )
    assert outcomes.features.person_index.tolist() == [0, 2]
    assert outcomes.need_confirmed.tolist() == [True, False]
    # Person 0's job loss was reported the day after the round: it is not in the features.
    assert outcomes.features.signal_strength.toarray().tolist() == [[0.5, 0, 0], [0, 0, 1]]
    with pytest.raises(ValueError, match="twice"):
        round_outcomes(
            signals=signals,
            residents=residents,
            signal_types=TYPES,
            round_day=round_day,
            person_index=np.array([2, 2]),
            need_confirmed=np.array([False, True]),
        )


def hand_features(strength: list[list[float]]) -> RiskFeatures:
    n = len(strength)
    return RiskFeatures(
        as_of=FIRST_ROUND,
        person_index=np.arange(n, dtype=np.int32),
        signal_strength=sp.csr_matrix(np.array(strength)),
        household=np.zeros((n, 3)),
        age_years=np.full(n, 40, dtype=np.int16),
    )


def test_precision_and_recall_at_k_worked_by_hand() -> None:
    no_household = HouseholdPoints(0, 0, 0)
    first_heavy = PointsModel(
        (replace(RENT, weight_points=10), replace(PHONE, weight_points=1)), no_household
    )
    second_heavy = PointsModel(
        (replace(RENT, weight_points=1), replace(PHONE, weight_points=10)), no_household
    )
    features = hand_features([[1, 0], [0, 1], [0.5, 0], [0, 0.5], [0.25, 0], [0, 0.25]])
    # first_heavy scores 10, 1, 5, 0.5, 2.5, 0.25; second_heavy 1, 10, 0.5, 5, 0.25, 2.5.
    rounds = [
        RoundOutcomes(features, np.array([1, 1, 0, 1, 0, 0], dtype=bool)),
        RoundOutcomes(features, np.array([0, 0, 0, 0, 0, 1], dtype=bool)),
        RoundOutcomes(features, np.zeros(6, dtype=bool)),
    ]
    evaluation = evaluate_top_k(
        rounds=rounds, learned_model=second_heavy, points_model=first_heavy, k=2
    )
    # Round 1: first_heavy lists 0 and 2 (one need of three); second_heavy 1 and 3 (two).
    # Round 2: the one need (person 5) is 4th for first_heavy, 3rd for second_heavy.
    assert evaluation.points_by_round == (
        TopKResult(2, 1, 3),
        TopKResult(2, 0, 1),
        TopKResult(2, 0, 0),
    )
    assert evaluation.learned_by_round == (
        TopKResult(2, 2, 3),
        TopKResult(2, 0, 1),
        TopKResult(2, 0, 0),
    )
    assert (evaluation.points.precision, evaluation.points.recall) == (1 / 6, 1 / 4)
    assert (evaluation.learned.precision, evaluation.learned.recall) == (2 / 6, 2 / 4)
    assert math.isnan(evaluation.points_by_round[2].recall)

    wide = evaluate_top_k(
        rounds=rounds[1:2], learned_model=second_heavy, points_model=first_heavy, k=10
    )
    assert wide.points == TopKResult(listed=6, found=1, confirmed=1)
    assert (wide.points.precision, wide.points.recall) == (1 / 6, 1.0)


def test_equal_scores_at_the_cut_keep_person_order() -> None:
    flat = PointsModel(TYPES[:1], HouseholdPoints(0, 0, 0))
    features = hand_features([[0.5], [1], [0.5], [0.5]])
    round_ = RoundOutcomes(features, np.array([0, 0, 0, 1], dtype=bool))
    # Person 1 first, then of the tied 0, 2 and 3 the first in person order: person 0.
    evaluation = evaluate_top_k(rounds=[round_], learned_model=flat, points_model=flat, k=2)
    assert evaluation.points == TopKResult(listed=2, found=0, confirmed=1)


def test_the_stored_numbers_score_exactly_as_the_fitted_classifier(history: History) -> None:
    """Coefficients, intercept and the Platt pair are the whole model: rebuilt from them, it
    gives scikit-learn's calibrated probabilities, so a stored model re-runs a round exactly."""
    from sklearn.calibration import CalibratedClassifierCV
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedKFold

    from saram.welfare.engine import OutcomeModel

    _, _, rounds = history
    model = fit_outcome_model(rounds=rounds[:4], signal_types=TYPES)
    design = sp.vstack(
        [
            sp.hstack([r.features.signal_strength, sp.csr_matrix(r.features.household)])
            for r in rounds[:4]
        ],
        format="csr",
    )
    confirmed = np.concatenate([r.need_confirmed for r in rounds[:4]])
    reference = CalibratedClassifierCV(
        LogisticRegression(C=1.0, max_iter=1000),
        method="sigmoid",
        cv=StratifiedKFold(n_splits=5, shuffle=True, random_state=0),
        ensemble=False,
    ).fit(design, confirmed)
    held_out = rounds[4].features
    expected = reference.predict_proba(
        sp.hstack([held_out.signal_strength, sp.csr_matrix(held_out.household)], format="csr")
    )[:, 1]
    rebuilt = OutcomeModel(
        signal_types=TYPES,
        signal_coefficients=model.signal_coefficients.tolist(),
        household_coefficients=model.household_coefficients.tolist(),
        intercept=model.intercept,
        calibration_slope=model.calibration_slope,
        calibration_offset=model.calibration_offset,
        trained_rows=model.trained_rows,
        confirmed_share=model.confirmed_share,
    )
    np.testing.assert_allclose(rebuilt.score(held_out), expected, rtol=1e-9, atol=1e-12)


def test_the_comparison_names_who_the_learned_model_adds_and_drops(history: History) -> None:
    from saram.welfare.engine import compare_lists

    _, _, rounds = history
    model = fit_outcome_model(rounds=rounds[:4], signal_types=TYPES)
    changes = compare_lists(rounds=rounds[4:], learned_model=model, points_model=MISWEIGHTED, k=300)
    evaluation = evaluate_top_k(
        rounds=rounds[4:], learned_model=model, points_model=MISWEIGHTED, k=300
    )
    # Two lists of equal length: every person added replaces one dropped.
    assert changes.adds == changes.drops > 0
    assert sum(changes.add_reasons.values()) == changes.adds
    assert sum(changes.drop_reasons.values()) == changes.drops
    # The confirmed needs gained are exactly the difference the top-k comparison reports.
    assert changes.adds_confirmed - changes.drops_confirmed == (
        evaluation.learned.found - evaluation.points.found
    )
    # The learned model lists rent arrears (what truly drives need); the points model's
    # overweighted phone arrears are what the people it loses were listed for.
    assert max(changes.add_reasons, key=changes.add_reasons.__getitem__) == "rent_arrears"
    assert max(changes.drop_reasons, key=changes.drop_reasons.__getitem__) == "phone_arrears"
    with pytest.raises(ValueError):
        replace(model, signal_coefficients=np.zeros(2))
