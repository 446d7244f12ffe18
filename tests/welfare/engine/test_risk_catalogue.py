"""The default signal catalogue a city starts from."""

from __future__ import annotations

import re

from saram.welfare.engine import DEFAULT_SIGNAL_TYPES, PointsModel, SeverityUnit

HANGUL = re.compile(r"[가-힣]")

BLIND_SPOT_SIGNALS = {
    "electricity_arrears",
    "electricity_cut_off",
    "water_arrears",
    "gas_arrears",
    "health_insurance_arrears",
    "monthly_rent_arrears",
    "telecom_arrears",
    "financial_delinquency",
    "job_loss",
    "catastrophic_medical_cost",
    "basic_livelihood_dropped",
    "elderly_living_alone",
    "vulnerable_housing",
    "committee_observation",
}


def test_the_catalogue_has_about_forty_signal_types_with_unique_codes() -> None:
    codes = [t.code for t in DEFAULT_SIGNAL_TYPES]
    assert 38 <= len(codes) <= 45
    assert len(set(codes)) == len(codes)
    assert BLIND_SPOT_SIGNALS.issubset(codes)
    PointsModel(DEFAULT_SIGNAL_TYPES)  # refuses duplicate codes


def test_every_signal_type_is_labelled_in_korean_and_english() -> None:
    for signal_type in DEFAULT_SIGNAL_TYPES:
        assert HANGUL.search(signal_type.label_ko), signal_type.code
        assert signal_type.label_en.isascii() and signal_type.label_en, signal_type.code


def test_units_and_caps_are_plausible() -> None:
    for t in DEFAULT_SIGNAL_TYPES:
        if t.unit is SeverityUnit.MONTHS:
            assert 3 <= t.cap_value <= 24, t.code
            assert t.code.endswith("_arrears"), t.code
        elif t.unit is SeverityUnit.KRW:
            assert 1_000_000 <= t.cap_value <= 50_000_000, t.code
        else:
            assert t.cap_value == 1, t.code
        assert 0 < t.weight_points <= 25, t.code
        assert 14 <= t.half_life_days <= 5 * 365, t.code


def test_demo_prevalence_is_rare_per_signal_and_plausible_overall() -> None:
    prevalence = [t.demo_prevalence for t in DEFAULT_SIGNAL_TYPES]
    assert all(0 < p <= 0.05 for p in prevalence)
    # Roughly one resident in four has some signal in a year; most have none.
    assert 0.15 <= sum(prevalence) <= 0.40


def test_observations_by_people_fade_faster_than_administrative_records() -> None:
    by_code = {t.code: t for t in DEFAULT_SIGNAL_TYPES}
    assert by_code["committee_observation"].half_life_days < by_code["job_loss"].half_life_days
    assert (
        by_code["electricity_cut_off"].weight_points > by_code["electricity_arrears"].weight_points
    )
