"""The default catalogue of risk signals a city starts from, before it tunes its own."""

from __future__ import annotations

from ._inputs import HouseholdPoints, SeverityUnit, SignalType


def _months(
    code: str, ko: str, en: str, weight: float, cap_months: float, half_life_days: float, p: float
) -> SignalType:
    return SignalType(code, ko, en, weight, SeverityUnit.MONTHS, cap_months, half_life_days, p)


def _krw(
    code: str, ko: str, en: str, weight: float, cap_krw: float, half_life_days: float, p: float
) -> SignalType:
    return SignalType(code, ko, en, weight, SeverityUnit.KRW, cap_krw, half_life_days, p)


def _flag(
    code: str, ko: str, en: str, weight: float, half_life_days: float, p: float
) -> SignalType:
    return SignalType(code, ko, en, weight, SeverityUnit.FLAG, 1.0, half_life_days, p)


# Weights are points at full severity; a person with several strong signals scores 40-80.
# Half-lives: arrears fade in months once paid or cut off, programme exits and illness in a
# year, an observation by a neighbour or committee member in weeks (it asks for a visit now).
# Prevalence is the share of residents with such a signal in a year, used for demo data.
DEFAULT_SIGNAL_TYPES: tuple[SignalType, ...] = (
    # Utilities: arrears grow month by month; a cut-off is the sharper signal.
    _months("electricity_arrears", "전기요금 체납", "Electricity bill arrears", 14, 6, 120, 0.015),
    _flag("electricity_cut_off", "단전", "Electricity cut off", 20, 90, 0.002),
    _months("water_arrears", "수도요금 체납", "Water bill arrears", 12, 6, 120, 0.010),
    _flag("water_cut_off", "단수", "Water cut off", 18, 90, 0.001),
    _months("gas_arrears", "도시가스요금 체납", "Gas bill arrears", 12, 6, 120, 0.012),
    _flag("gas_cut_off", "단가스", "Gas cut off", 18, 90, 0.0015),
    _months("telecom_arrears", "통신비 체납", "Phone bill arrears", 8, 6, 120, 0.025),
    # Social insurance.
    _months(
        "health_insurance_arrears",
        "건강보험료 체납",
        "Health insurance arrears",
        14,
        12,
        180,
        0.030,
    ),
    _months(
        "national_pension_arrears",
        "국민연금 보험료 체납",
        "National pension arrears",
        5,
        12,
        180,
        0.020,
    ),
    # Housing.
    _months("monthly_rent_arrears", "월세 체납", "Monthly rent arrears", 15, 6, 120, 0.008),
    _months(
        "public_rental_arrears",
        "공공임대주택 임대료 체납",
        "Public rental housing arrears",
        14,
        6,
        120,
        0.004,
    ),
    _months(
        "apartment_fee_arrears",
        "공동주택 관리비 체납",
        "Apartment maintenance fee arrears",
        12,
        6,
        120,
        0.010,
    ),
    _flag(
        "vulnerable_housing",
        "주거 취약(고시원·쪽방·비닐하우스)",
        "Vulnerable housing (gosiwon, jjokbang, greenhouse)",
        12,
        365,
        0.005,
    ),
    _flag("eviction_notice", "퇴거·명도 예정", "Facing eviction", 16, 90, 0.001),
    # Debt.
    _krw(
        "financial_delinquency",
        "금융 연체(대출)",
        "Loan delinquency",
        10,
        10_000_000,
        180,
        0.015,
    ),
    _krw(
        "card_delinquency", "신용카드 대금 연체", "Credit card delinquency", 7, 3_000_000, 180, 0.02
    ),
    _flag(
        "debt_adjustment_dropout",
        "채무조정 중도 탈락",
        "Dropped out of debt adjustment",
        10,
        365,
        0.002,
    ),
    # Work and income.
    _flag(
        "job_loss",
        "실직(고용보험 자격 상실)",
        "Job loss (left employment insurance)",
        12,
        180,
        0.020,
    ),
    _flag(
        "unemployment_benefit_ended",
        "구직급여 종료",
        "Unemployment benefit ended",
        10,
        180,
        0.010,
    ),
    _flag("business_closure", "폐업(자영업)", "Closed own business", 11, 180, 0.006),
    _krw("wage_arrears", "임금 체불", "Unpaid wages", 10, 6_000_000, 180, 0.003),
    # Leaving a programme is often the moment a household falls through.
    _flag(
        "basic_livelihood_dropped",
        "기초생활보장 수급 탈락·중지",
        "Left basic livelihood security",
        15,
        365,
        0.003,
    ),
    _flag(
        "emergency_aid_rejected",
        "긴급복지지원 탈락",
        "Emergency welfare aid rejected",
        13,
        180,
        0.002,
    ),
    _flag("housing_benefit_dropped", "주거급여 탈락", "Left housing benefit", 10, 365, 0.002),
    _flag(
        "long_term_care_dropped",
        "장기요양등급 탈락",
        "Lost long-term care grade",
        9,
        365,
        0.002,
    ),
    # Health and care.
    _krw(
        "catastrophic_medical_cost",
        "재난적 의료비 지출",
        "Catastrophic medical spending",
        14,
        10_000_000,
        365,
        0.004,
    ),
    _flag(
        "severe_illness",
        "중증질환 산정특례 등록",
        "Registered with a severe illness",
        8,
        365,
        0.010,
    ),
    _flag(
        "mental_health_crisis",
        "정신건강 위기(자살 시도 등)",
        "Mental health crisis (e.g. suicide attempt)",
        20,
        180,
        0.001,
    ),
    _flag(
        "hospital_discharge_no_carer",
        "퇴원 후 돌봄 공백",
        "Discharged from hospital with no carer",
        9,
        90,
        0.004,
    ),
    # Household and isolation.
    _flag(
        "elderly_living_alone",
        "고령 1인 가구(75세 이상)",
        "Living alone aged 75 or over",
        6,
        1825,
        0.035,
    ),
    _flag(
        "head_of_household_death",
        "주소득자 사망",
        "Death of the main earner",
        10,
        365,
        0.002,
    ),
    _flag("social_isolation", "사회적 고립(고독사 위험)", "Social isolation", 12, 180, 0.006),
    _flag("child_meal_risk", "결식 우려 아동", "Child at risk of missing meals", 9, 180, 0.003),
    _flag("out_of_school_youth", "학교 밖 청소년", "Young person out of school", 6, 365, 0.002),
    _flag("young_carer", "가족돌봄청년", "Young carer", 8, 365, 0.001),
    _flag(
        "disaster_damage", "재난 피해(화재·침수)", "Disaster damage (fire, flood)", 14, 180, 0.001
    ),
    # Eyes in the neighbourhood: fast-fading, they ask for a visit now.
    _flag(
        "energy_use_drop",
        "전력 사용량 급감",
        "Sudden drop in electricity use",
        8,
        30,
        0.004,
    ),
    _flag(
        "mail_piling_up",
        "우편물 적체(집배원 관찰)",
        "Mail piling up (postal carrier)",
        10,
        45,
        0.003,
    ),
    _flag(
        "committee_observation",
        "복지위원 관찰",
        "Welfare committee member's observation",
        18,
        60,
        0.004,
    ),
    _flag("neighbour_report", "이웃 제보", "Report from a neighbour", 14, 60, 0.003),
)

DEFAULT_HOUSEHOLD_POINTS = HouseholdPoints(
    lives_alone_points=4.0, aged_65_plus_points=3.0, child_in_household_points=3.0
)
