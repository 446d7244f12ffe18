"""LM3 on a hand-computed example, and what it assumes where the surveys are silent."""

from fractions import Fraction

import pytest

from saram.economy.engine.multiplier import (
    EmployeeSurvey,
    LM3Assumption,
    SpendLine,
    SupplierSurvey,
    SurveyError,
    SurveyProblem,
    compute_lm3,
    compute_lm3_by_programme,
)
from saram.economy.engine.registry import Locality

M = 1_000_000
SPEND = (
    SpendLine("school-meals", "A", Locality.IN_CITY, 100 * M),
    SpendLine("school-meals", "B", Locality.OUTSIDE, 100 * M),
    SpendLine("uniforms", "C", Locality.IN_CITY, 50 * M),
)
SURVEYS = (SupplierSurvey("A", Fraction(40, 100), Fraction(20, 100)),)
EMPLOYEES = (EmployeeSurvey(Fraction(40, 100)), EmployeeSurvey(Fraction(60, 100)))


def test_hand_computed_school_meals() -> None:
    # Round 1: A 100M + B 100M = 200M.
    # Round 2: A pays 40 % to local staff (40M) and 20 % to local suppliers (20M) = 60M;
    #          B is outside and unsurveyed: counted as 0.
    # Round 3: staff re-spend 50 % locally (mean of 40 % and 60 %): 20M;
    #          local suppliers re-spend like surveyed firms (40 % + 20 % = 60 %): 12M → 32M.
    # LM3 = (200 + 60 + 32) / 200 = 1.46
    result = compute_lm3(SPEND, SURVEYS, EMPLOYEES, programme="school-meals")
    assert (result.round1_krw, result.round2_krw, result.round3_krw) == (200 * M, 60 * M, 32 * M)
    assert result.lm3 == pytest.approx(1.46)
    assert result.surveyed_spend_krw == 100 * M
    codes = {a.code: a.value for a in result.assumptions}
    assert codes[LM3Assumption.UNSURVEYED_OUTSIDE_CITY_SPENDS_NOTHING_LOCALLY] == 0
    assert codes[LM3Assumption.STAFF_RESPEND_AS_EMPLOYEE_MEAN] == Fraction(1, 2)
    assert codes[LM3Assumption.LOCAL_SUPPLIERS_RESPEND_AS_SURVEYED_MEAN] == Fraction(3, 5)


def test_unsurveyed_local_supplier_takes_the_surveyed_mean() -> None:
    # C (in the city, unsurveyed) is taken to re-spend like A: 40 % staff, 20 % suppliers.
    # Round 2 = 30M; round 3 = 20M × 0.5 + 10M × 0.6 = 16M; LM3 = 96 / 50 = 1.92.
    result = compute_lm3(SPEND, SURVEYS, EMPLOYEES, programme="uniforms")
    assert (result.round2_krw, result.round3_krw) == (30 * M, 16 * M)
    assert result.lm3 == pytest.approx(1.92)
    assert LM3Assumption.UNSURVEYED_IN_CITY_AS_SURVEYED_MEAN in {a.code for a in result.assumptions}


def test_programmes_and_the_city_side_by_side() -> None:
    per, city = compute_lm3_by_programme(SPEND, SURVEYS, EMPLOYEES)
    assert [p.programme for p in per] == ["school-meals", "uniforms"]
    assert city.round1_krw == 250 * M
    assert city.round2_krw == per[0].round2_krw + per[1].round2_krw
    assert city.lm3 == pytest.approx((250 + 90 + 48) / 250)


def test_without_employee_survey_staff_respend_is_zero_and_said_so() -> None:
    result = compute_lm3(SPEND, SURVEYS, (), programme="school-meals")
    assert result.round3_krw == 12 * M
    assert LM3Assumption.NO_EMPLOYEE_SURVEY_STAFF_RESPEND_ZERO in {
        a.code for a in result.assumptions
    }


@pytest.mark.parametrize(
    ("surveys", "problem"),
    [
        ((SupplierSurvey("A", Fraction(6, 5), Fraction(0)),), SurveyProblem.SHARE_OUT_OF_RANGE),
        ((SupplierSurvey("A", Fraction(7, 10), Fraction(4, 10)),), SurveyProblem.SHARES_OVER_ONE),
    ],
)
def test_impossible_survey_answers_are_refused(
    surveys: tuple[SupplierSurvey, ...], problem: SurveyProblem
) -> None:
    with pytest.raises(SurveyError) as caught:
        compute_lm3(SPEND, surveys, EMPLOYEES)
    assert caught.value.code is problem


def test_an_unknown_programme_has_no_spend() -> None:
    with pytest.raises(SurveyError) as caught:
        compute_lm3(SPEND, SURVEYS, EMPLOYEES, programme="library-books")
    assert caught.value.code is SurveyProblem.NO_SPEND
