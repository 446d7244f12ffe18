"""The points model, the outreach ranking and its reasons, on cases small enough to work by hand.

Numbers are chosen so the arithmetic is exact in binary floating point (halves and quarters),
which lets scores and reasons be compared with ==.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import numpy as np
import pytest

from saram.welfare.engine import (
    DEFAULT_HOUSEHOLD_POINTS,
    DEFAULT_SIGNAL_TYPES,
    HouseholdPoints,
    PointsModel,
    Reason,
    ReasonCode,
    Residents,
    RiskAssessment,
    SeverityUnit,
    SignalRows,
    SignalType,
    assess_risk,
    build_features,
    day_number,
    rank_outreach,
)

TODAY = date(2025, 6, 30)
T = day_number(TODAY)

ELECTRICITY = SignalType(
    "electricity_arrears",
    "전기요금 체납",
    "Electricity arrears",
    12,
    SeverityUnit.MONTHS,
    6,
    30,
    0.01,
)
JOB_LOSS = SignalType("job_loss", "실직", "Job loss", 10, SeverityUnit.FLAG, 1, 60, 0.01)
LOAN = SignalType("loan", "금융 연체", "Loan", 8, SeverityUnit.KRW, 3_000_000, 90, 0.01)
TYPES = (ELECTRICITY, JOB_LOSS, LOAN)
E, J, L = 0, 1, 2
MODEL = PointsModel(TYPES, HouseholdPoints(4, 3, 2))


def residents(
    n: int,
    *,
    ages: list[int] | None = None,
    alone: list[int] | None = None,
    child: list[int] | None = None,
) -> Residents:
    return Residents(
        age_years=np.array(ages if ages is not None else [40] * n),
        lives_alone=np.array(alone if alone is not None else [0] * n, dtype=bool),
        child_in_household=np.array(child if child is not None else [0] * n, dtype=bool),
    )


def signals(*rows: tuple[int, int, int, float]) -> SignalRows:
    """Rows as (person, type, days before today, value)."""
    if not rows:
        return SignalRows.empty()
    person, type_, days_ago, value = zip(*rows, strict=True)
    return SignalRows(
        person_index=np.array(person),
        type_index=np.array(type_),
        observed_day=T - np.array(days_ago),
        value=np.array(value, dtype=float),
    )


def assess(
    rows: SignalRows,
    people: Residents,
    k: int = 10,
    *,
    excluded: np.ndarray | None = None,
    max_reasons: int | None = None,
) -> RiskAssessment:
    return assess_risk(
        signals=rows,
        residents=people,
        model=MODEL,
        today=TODAY,
        k=k,
        excluded=excluded,
        max_reasons=max_reasons,
    )


def test_one_signal_scores_weight_times_severity_times_decay() -> None:
    # 3 of 6 months is half severity; 30 days at a 30-day half-life is half weight.
    result = assess(signals((0, E, 30, 3)), residents(1))
    assert result.score.tolist() == [12 * 0.5 * 0.5]


def test_severity_stops_growing_at_the_cap() -> None:
    result = assess(signals((0, E, 0, 6), (1, E, 0, 12), (2, E, 0, 1.5)), residents(3))
    assert result.score.tolist() == [12.0, 12.0, 3.0]


def test_an_amount_in_krw_counts_up_to_its_cap() -> None:
    result = assess(signals((0, L, 0, 750_000), (1, L, 0, 9_000_000)), residents(2))
    assert result.score.tolist() == [2.0, 8.0]


def test_evidence_halves_every_half_life() -> None:
    rows = signals((0, J, 0, 1), (1, J, 60, 1), (2, J, 120, 1), (3, J, 180, 1))
    assert assess(rows, residents(4)).score.tolist() == [10.0, 5.0, 2.5, 1.25]


def test_repeated_reports_of_one_signal_count_once_at_their_strongest() -> None:
    # Last month 3 months in arrears (12 × 0.5 × 0.5 = 3); today 2 months (12 × 1/3 = 4).
    rows = signals((0, E, 30, 3), (0, E, 0, 2))
    result = assess(rows, residents(1))
    assert result.score.tolist() == [pytest.approx(4.0, abs=1e-12)]
    assert result.ranked[0].reasons[0].value == 2.0
    assert result.ranked[0].reasons[0].observed_day == T


def test_different_signal_types_add_up() -> None:
    rows = signals((0, E, 0, 6), (0, J, 60, 1), (0, L, 0, 1_500_000))
    assert assess(rows, residents(1)).score.tolist() == [12 + 5 + 4]


def test_household_factors_add_points_only_to_someone_with_a_signal() -> None:
    people = residents(3, ages=[78, 78, 30], alone=[1, 1, 0], child=[0, 0, 1])
    result = assess(signals((0, J, 0, 1), (2, J, 0, 1)), people)
    # Person 1 lives alone at 78 but has no signal: no points, not listed.
    assert result.score.tolist() == [10 + 4 + 3, 0.0, 10 + 2]
    assert [line.person_index for line in result.ranked] == [0, 2]


def test_aged_65_plus_starts_on_the_65th_birthday_year() -> None:
    people = residents(2, ages=[64, 65])
    result = assess(signals((0, J, 0, 1), (1, J, 0, 1)), people)
    assert result.score.tolist() == [10.0, 13.0]


def test_rows_observed_after_today_are_not_yet_known() -> None:
    result = assess(signals((0, J, -1, 1), (1, J, 0, 1)), residents(2))
    assert result.score.tolist() == [0.0, 10.0]
    assert [line.person_index for line in result.ranked] == [1]


def test_a_zero_value_is_no_signal() -> None:
    people = residents(1, alone=[1])
    result = assess(signals((0, E, 0, 0)), people)
    assert result.score.tolist() == [0.0]
    assert result.ranked == ()


def test_the_list_is_ranked_by_score_with_reasons_largest_first() -> None:
    people = residents(3, ages=[78, 40, 40], alone=[1, 0, 0])
    rows = signals((0, E, 0, 3), (0, J, 0, 1), (1, J, 60, 1), (2, L, 0, 3_000_000))
    result = assess(rows, people)
    assert [(line.rank, line.person_index, line.score) for line in result.ranked] == [
        (1, 0, 6 + 10 + 4 + 3),
        (2, 2, 8.0),
        (3, 1, 5.0),
    ]
    assert result.ranked[0].reasons == (
        Reason(ReasonCode.SIGNAL_FLAG, 10.0, "job_loss", 1.0, T),
        Reason(ReasonCode.SIGNAL_MONTHS, 6.0, "electricity_arrears", 3.0, T),
        Reason(ReasonCode.LIVES_ALONE, 4.0),
        Reason(ReasonCode.AGED_65_PLUS, 3.0, value=78.0),
    )
    assert result.ranked[1].reasons == (
        Reason(ReasonCode.SIGNAL_AMOUNT, 8.0, "loan", 3_000_000.0, T),
    )
    assert result.ranked[2].reasons == (
        Reason(ReasonCode.SIGNAL_FLAG, 5.0, "job_loss", 1.0, T - 60),
    )


def test_reasons_add_up_to_the_score() -> None:
    people = residents(1, ages=[70], alone=[1], child=[1])
    rows = signals((0, E, 10, 5), (0, J, 33, 1), (0, L, 7, 1_234_567))
    line = assess(rows, people).ranked[0]
    assert sum(reason.contribution for reason in line.reasons) == pytest.approx(line.score)
    assert len(line.reasons) == 6


def test_equal_contributions_keep_signal_order_then_household_order() -> None:
    # Electricity 12 × 1/3 = 4, lives alone 4: the signal comes first.
    people = residents(1, alone=[1])
    reasons = assess(signals((0, E, 0, 2)), people).ranked[0].reasons
    assert [reason.code for reason in reasons] == [ReasonCode.SIGNAL_MONTHS, ReasonCode.LIVES_ALONE]


def test_max_reasons_keeps_the_largest() -> None:
    people = residents(1, ages=[70], alone=[1])
    rows = signals((0, E, 0, 6), (0, J, 0, 1))
    reasons = assess(rows, people, max_reasons=2).ranked[0].reasons
    assert [reason.contribution for reason in reasons] == [12.0, 10.0]


def test_reason_shows_the_strongest_observation_not_the_largest_value() -> None:
    # 6 months 60 days ago: 12 × 1 × 0.25 = 3; 2 months today: 4. The list says "2 months".
    reasons = assess(signals((0, E, 60, 6), (0, E, 0, 2)), residents(1)).ranked[0].reasons
    assert (reasons[0].value, reasons[0].observed_day) == (2.0, T)


def test_excluded_people_keep_their_score_but_are_not_listed() -> None:
    rows = signals((0, J, 0, 1), (1, J, 60, 1), (2, J, 120, 1))
    result = assess(rows, residents(3), excluded=np.array([True, False, False]))
    assert result.score.tolist() == [10.0, 5.0, 2.5]
    assert [line.person_index for line in result.ranked] == [1, 2]


def test_excluded_mask_must_cover_every_resident() -> None:
    with pytest.raises(ValueError, match="excluded"):
        assess(signals((0, J, 0, 1)), residents(2), excluded=np.array([True]))


def test_equal_scores_are_listed_in_person_order() -> None:
    rows = signals(*[(p, J, 0, 1) for p in (4, 2, 3, 0)], (1, J, 60, 1))
    result = assess(rows, residents(5), k=3)
    assert [line.person_index for line in result.ranked] == [0, 2, 3]


def test_k_beyond_the_flagged_lists_everyone_flagged() -> None:
    result = assess(signals((3, J, 0, 1)), residents(5), k=100)
    assert [line.person_index for line in result.ranked] == [3]


def test_k_zero_lists_nobody() -> None:
    assert assess(signals((0, J, 0, 1)), residents(1), k=0).ranked == ()


def test_no_signals_at_all_scores_everyone_zero() -> None:
    result = assess(signals(), residents(3, alone=[1, 1, 1]))
    assert result.score.tolist() == [0.0, 0.0, 0.0]
    assert result.ranked == ()


def test_no_residents_at_all() -> None:
    result = assess(signals(), residents(0))
    assert result.score.shape == (0,)
    assert result.ranked == ()


def test_a_signal_type_weighted_zero_lists_nobody() -> None:
    muted = PointsModel((ELECTRICITY, replace(JOB_LOSS, weight_points=0)))
    result = assess_risk(
        signals=signals((0, J, 0, 1)),
        residents=residents(1, alone=[1]),
        model=muted,
        today=TODAY,
        k=5,
    )
    assert result.score.tolist() == [0.0]
    assert result.ranked == ()


@pytest.mark.parametrize(
    ("column", "values", "message"),
    [
        ("value", [-1.0], "≥ 0"),
        ("value", [float("nan")], "≥ 0"),
        ("person_index", [2**40], "outside int32"),
        ("person_index", [0.5], "integers"),
    ],
)
def test_bad_signal_rows_are_refused(column: str, values: list[float], message: str) -> None:
    columns: dict[str, object] = {"person_index": [0], "type_index": [0], "observed_day": [T]}
    columns["value"] = [1.0]
    columns[column] = values
    with pytest.raises(ValueError, match=message):
        SignalRows(**columns)  # type: ignore[arg-type]


def test_signal_columns_of_different_lengths_are_refused() -> None:
    with pytest.raises(ValueError, match="differ in length"):
        SignalRows(person_index=[0, 1], type_index=[0], observed_day=[T], value=[1.0])  # type: ignore[arg-type]


def test_an_unknown_person_or_signal_type_is_refused() -> None:
    with pytest.raises(ValueError, match="person_index"):
        assess(signals((5, J, 0, 1)), residents(2))
    with pytest.raises(ValueError, match="type_index"):
        assess(signals((0, 7, 0, 1)), residents(2))


def test_signal_type_configuration_is_checked() -> None:
    with pytest.raises(ValueError, match="cap_value"):
        SignalType("x", "x", "x", 1, SeverityUnit.FLAG, 2, 30, 0.1)
    with pytest.raises(ValueError, match="half_life_days"):
        SignalType("x", "x", "x", 1, SeverityUnit.MONTHS, 6, 0, 0.1)
    with pytest.raises(ValueError, match="unique"):
        PointsModel((JOB_LOSS, JOB_LOSS))


def reference_scores(
    rows: SignalRows, people: Residents, model: PointsModel, today_day: int
) -> list[float]:
    """The points model written the slow, obvious way, one row at a time."""
    strongest: dict[tuple[int, int], float] = {}
    columns = (rows.person_index, rows.type_index, rows.observed_day, rows.value)
    for p, t, day, value in zip(*(column.tolist() for column in columns), strict=True):
        if day > today_day:
            continue
        signal_type = model.signal_types[t]
        strength = min(value / signal_type.cap_value, 1.0) * 0.5 ** (
            (today_day - day) / signal_type.half_life_days
        )
        strongest[(p, t)] = max(strongest.get((p, t), 0.0), strength)
    scores = [0.0] * len(people)
    for (p, t), strength in strongest.items():
        scores[p] += model.signal_types[t].weight_points * strength
    for p in range(len(people)):
        if scores[p] > 0:
            scores[p] += (
                model.household.lives_alone_points * bool(people.lives_alone[p])
                + model.household.aged_65_plus_points * bool(people.age_years[p] >= 65)
                + model.household.child_in_household_points * bool(people.child_in_household[p])
            )
    return scores


def random_case(seed: int, n_people: int, n_rows: int) -> tuple[SignalRows, Residents]:
    rng = np.random.default_rng(seed)
    n_types = len(DEFAULT_SIGNAL_TYPES)
    type_index = rng.integers(0, n_types, n_rows)
    caps = np.array([t.cap_value for t in DEFAULT_SIGNAL_TYPES])[type_index]
    rows = SignalRows(
        person_index=rng.integers(0, n_people, n_rows),
        type_index=type_index,
        observed_day=T - rng.integers(-20, 400, n_rows),
        value=np.round(rng.uniform(0, 1.5, n_rows) * caps),
    )
    people = Residents(
        age_years=rng.integers(0, 100, n_people),
        lives_alone=rng.random(n_people) < 0.3,
        child_in_household=rng.random(n_people) < 0.3,
    )
    return rows, people


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_vectorised_scores_match_the_row_by_row_reference(seed: int) -> None:
    rows, people = random_case(seed, n_people=300, n_rows=3000)
    model = PointsModel(DEFAULT_SIGNAL_TYPES, DEFAULT_HOUSEHOLD_POINTS)
    result = assess_risk(signals=rows, residents=people, model=model, today=TODAY, k=50)
    np.testing.assert_allclose(
        result.score, reference_scores(rows, people, model, T), rtol=0, atol=1e-9
    )
    for line in result.ranked:
        assert sum(r.contribution for r in line.reasons) == pytest.approx(line.score, abs=1e-9)


def test_row_order_does_not_change_scores_or_the_list() -> None:
    rows, people = random_case(7, n_people=500, n_rows=5000)
    model = PointsModel(DEFAULT_SIGNAL_TYPES, DEFAULT_HOUSEHOLD_POINTS)
    by_person = np.lexsort((rows.type_index, rows.person_index))
    shuffled = np.random.default_rng(0).permutation(len(rows))
    results = [
        assess_risk(signals=rows.take(order), residents=people, model=model, today=TODAY, k=40)
        for order in (by_person, shuffled)
    ]
    np.testing.assert_array_equal(results[0].score, results[1].score)
    assert results[0].ranked == results[1].ranked


def test_features_hold_the_strongest_strength_per_person_and_type() -> None:
    features = build_features(
        signals=signals((1, E, 30, 3), (1, E, 0, 1.5), (0, J, 60, 1)),
        residents=residents(2, ages=[80, 10], child=[0, 1]),
        signal_types=TYPES,
        today=TODAY,
    )
    assert features.signal_strength.toarray().tolist() == [[0, 0.5, 0], [0.25, 0, 0]]
    assert features.household.tolist() == [[0, 1, 0], [0, 0, 1]]
    assert features.has_signal.tolist() == [True, True]


@pytest.mark.parametrize("seed", range(5))
def test_rank_outreach_matches_a_full_sort(seed: int) -> None:
    rng = np.random.default_rng(seed)
    score = rng.integers(0, 20, 2000).astype(float)  # many ties, also at the cut
    eligible = rng.random(2000) < 0.7
    expected = sorted(np.flatnonzero(eligible), key=lambda i: (-score[i], i))[:150]
    assert rank_outreach(score, eligible=eligible, k=150).tolist() == expected


def test_the_default_catalogue_scores_a_year_of_signals() -> None:
    rows, people = random_case(11, n_people=1000, n_rows=4000)
    model = PointsModel(DEFAULT_SIGNAL_TYPES, DEFAULT_HOUSEHOLD_POINTS)
    result = assess_risk(
        signals=rows, residents=people, model=model, today=TODAY + timedelta(days=1), k=20
    )
    assert len(result.ranked) == 20
    scores = [line.score for line in result.ranked]
    assert scores == sorted(scores, reverse=True)
    assert all(line.reasons for line in result.ranked)
