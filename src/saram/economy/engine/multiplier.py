"""Local multiplier LM3 = (round 1 + round 2 + round 3) / round 1, from re-spend surveys.

Round 1 is what a programme paid its suppliers. Round 2 is what those suppliers paid locally:
local staff and local suppliers (supplier survey). Round 3 is what round-2 recipients re-spent
locally: staff from the employee survey, local suppliers as the surveyed suppliers do.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from fractions import Fraction

from saram.economy.engine.policy import Param
from saram.economy.engine.registry import Locality


class SurveyProblem(StrEnum):
    SHARE_OUT_OF_RANGE = "share_out_of_range"
    SHARES_OVER_ONE = "shares_over_one"
    NON_POSITIVE_SPEND = "non_positive_spend"
    NO_SPEND = "no_spend"


class SurveyError(ValueError):
    def __init__(self, code: SurveyProblem, **params: Param) -> None:
        super().__init__(code.value)
        self.code = code
        self.params: Mapping[str, Param] = params


class LM3Assumption(StrEnum):
    """What LM3 had to assume where the surveys are silent."""

    UNSURVEYED_IN_CITY_AS_SURVEYED_MEAN = "unsurveyed_in_city_as_surveyed_mean"
    UNSURVEYED_OUTSIDE_CITY_SPENDS_NOTHING_LOCALLY = "unsurveyed_outside_spends_nothing_locally"
    LOCAL_SUPPLIERS_RESPEND_AS_SURVEYED_MEAN = "local_suppliers_respend_as_surveyed_mean"
    STAFF_RESPEND_AS_EMPLOYEE_MEAN = "staff_respend_as_employee_mean"
    NO_EMPLOYEE_SURVEY_STAFF_RESPEND_ZERO = "no_employee_survey_staff_respend_zero"
    NO_SUPPLIER_SURVEY = "no_supplier_survey"


@dataclass(frozen=True, slots=True)
class SpendLine:
    """Round 1: what a programme paid one supplier."""

    programme: str
    business_number: str
    locality: Locality
    amount_krw: int


@dataclass(frozen=True, slots=True)
class SupplierSurvey:
    """Shares (0..1) of a supplier's income paid to local staff and to local suppliers."""

    business_number: str
    local_staff_share: Fraction
    local_supplier_share: Fraction


@dataclass(frozen=True, slots=True)
class EmployeeSurvey:
    """Share (0..1) of one employee's pay spent in the city."""

    local_spend_share: Fraction


@dataclass(frozen=True, slots=True)
class AssumptionUsed:
    code: LM3Assumption
    value: Fraction  # the share assumed (0 where the assumption is a rule, not a number)


@dataclass(frozen=True, slots=True)
class LM3Result:
    """LM3 of one programme (or the whole city: programme == ""), rounds in KRW."""

    programme: str
    round1_krw: int
    round2_krw: int
    round3_krw: int
    surveyed_spend_krw: int
    assumptions: tuple[AssumptionUsed, ...]

    @property
    def lm3(self) -> float:
        return (self.round1_krw + self.round2_krw + self.round3_krw) / self.round1_krw


def _share(value: Fraction, name: str) -> Fraction:
    if not 0 <= value <= 1:
        raise SurveyError(SurveyProblem.SHARE_OUT_OF_RANGE, field=name, value=str(value))
    return value


def _mean(values: Sequence[Fraction]) -> Fraction:
    return sum(values, Fraction(0)) / len(values) if values else Fraction(0)


def compute_lm3(
    spend: Sequence[SpendLine],
    supplier_surveys: Sequence[SupplierSurvey],
    employee_surveys: Sequence[EmployeeSurvey],
    *,
    programme: str = "",
) -> LM3Result:
    """LM3 of the spend lines of one programme (or of all lines when `programme` is ""),
    with every assumption the surveys forced."""
    lines = [s for s in spend if not programme or s.programme == programme]
    if not lines:
        raise SurveyError(SurveyProblem.NO_SPEND, programme=programme)
    for line in lines:
        if line.amount_krw <= 0:
            raise SurveyError(
                SurveyProblem.NON_POSITIVE_SPEND,
                business_number=line.business_number,
                amount_krw=line.amount_krw,
            )
    surveys: dict[str, SupplierSurvey] = {}
    for s in supplier_surveys:
        _share(s.local_staff_share, "local_staff_share")
        _share(s.local_supplier_share, "local_supplier_share")
        if s.local_staff_share + s.local_supplier_share > 1:
            raise SurveyError(SurveyProblem.SHARES_OVER_ONE, business_number=s.business_number)
        surveys[s.business_number] = s
    for e in employee_surveys:
        _share(e.local_spend_share, "local_spend_share")

    assumptions: list[AssumptionUsed] = []
    staff_mean = _mean([s.local_staff_share for s in surveys.values()])
    supplier_mean = _mean([s.local_supplier_share for s in surveys.values()])
    if not surveys:
        assumptions.append(AssumptionUsed(LM3Assumption.NO_SUPPLIER_SURVEY, Fraction(0)))

    staff_krw = Fraction(0)
    local_suppliers_krw = Fraction(0)
    surveyed_krw = 0
    unsurveyed_in_city = unsurveyed_outside = False
    for line in lines:
        survey = surveys.get(line.business_number)
        if survey is not None:
            staff, local_supplier = survey.local_staff_share, survey.local_supplier_share
            surveyed_krw += line.amount_krw
        elif line.locality is Locality.IN_CITY:
            staff, local_supplier = staff_mean, supplier_mean
            unsurveyed_in_city = True
        else:
            # Conservative: a firm outside the city (or of unknown place) counts no local re-spend.
            staff, local_supplier = Fraction(0), Fraction(0)
            unsurveyed_outside = True
        staff_krw += line.amount_krw * staff
        local_suppliers_krw += line.amount_krw * local_supplier
    if unsurveyed_in_city:
        assumptions.append(
            AssumptionUsed(
                LM3Assumption.UNSURVEYED_IN_CITY_AS_SURVEYED_MEAN, staff_mean + supplier_mean
            )
        )
    if unsurveyed_outside:
        assumptions.append(
            AssumptionUsed(
                LM3Assumption.UNSURVEYED_OUTSIDE_CITY_SPENDS_NOTHING_LOCALLY, Fraction(0)
            )
        )

    employee_mean = _mean([e.local_spend_share for e in employee_surveys])
    if employee_surveys:
        assumptions.append(
            AssumptionUsed(LM3Assumption.STAFF_RESPEND_AS_EMPLOYEE_MEAN, employee_mean)
        )
    else:
        assumptions.append(
            AssumptionUsed(LM3Assumption.NO_EMPLOYEE_SURVEY_STAFF_RESPEND_ZERO, Fraction(0))
        )
    # Local suppliers' own local re-spend is not surveyed one level down; use the surveyed mean.
    respend = staff_mean + supplier_mean
    assumptions.append(
        AssumptionUsed(LM3Assumption.LOCAL_SUPPLIERS_RESPEND_AS_SURVEYED_MEAN, respend)
    )

    round1 = sum(line.amount_krw for line in lines)
    round2 = staff_krw + local_suppliers_krw
    round3 = staff_krw * employee_mean + local_suppliers_krw * respend
    # Exact fractions until here; KRW are whole, rounded once at the end.
    return LM3Result(
        programme=programme,
        round1_krw=round1,
        round2_krw=round(round2),
        round3_krw=round(round3),
        surveyed_spend_krw=surveyed_krw,
        assumptions=tuple(assumptions),
    )


def compute_lm3_by_programme(
    spend: Sequence[SpendLine],
    supplier_surveys: Sequence[SupplierSurvey],
    employee_surveys: Sequence[EmployeeSurvey],
) -> tuple[tuple[LM3Result, ...], LM3Result]:
    """LM3 per programme (sorted by name) and for the whole city, from the same surveys."""
    programmes = sorted({s.programme for s in spend})
    per = tuple(
        compute_lm3(spend, supplier_surveys, employee_surveys, programme=p) for p in programmes
    )
    return per, compute_lm3(spend, supplier_surveys, employee_surveys)
