"""The engine's inputs: signal types, household points, signal rows and residents as columns."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any

import numpy as np
import numpy.typing as npt

EPOCH = date(1970, 1, 1)


def day_number(day: date) -> int:
    """Days since 1970-01-01: the unit of `observed_day` and of `today` inside the engine."""
    return (day - EPOCH).days


class SeverityUnit(StrEnum):
    """What a signal's value counts: months in arrears, an amount in KRW, or presence alone."""

    MONTHS = "months"
    KRW = "krw"
    FLAG = "flag"


@dataclass(frozen=True, slots=True)
class SignalType:
    """One kind of risk signal and how much it weighs.

    Points of one observation = `weight_points` × min(value / `cap_value`, 1) × 0.5 ** (age in
    days / `half_life_days`): severity grows linearly with months or amount up to the cap, and
    evidence loses half its weight every half-life.
    """

    code: str
    label_ko: str
    label_en: str
    weight_points: float
    unit: SeverityUnit
    cap_value: float
    half_life_days: float
    demo_prevalence: float

    def __post_init__(self) -> None:
        if not self.code or not self.code.isascii() or not self.code.isidentifier():
            raise ValueError(f"signal type code {self.code!r}: use lower_snake_case ASCII")
        if not np.isfinite(self.weight_points) or self.weight_points < 0:
            raise ValueError(f"{self.code}: weight_points must be a finite number ≥ 0")
        if not np.isfinite(self.cap_value) or self.cap_value <= 0:
            raise ValueError(f"{self.code}: cap_value must be a finite number > 0")
        if self.unit is SeverityUnit.FLAG and self.cap_value != 1:
            raise ValueError(f"{self.code}: a flag's cap_value is 1")
        if not np.isfinite(self.half_life_days) or self.half_life_days <= 0:
            raise ValueError(f"{self.code}: half_life_days must be a finite number > 0")
        if not 0 <= self.demo_prevalence <= 1:
            raise ValueError(f"{self.code}: demo_prevalence is a share between 0 and 1")


@dataclass(frozen=True, slots=True)
class HouseholdPoints:
    """Points a household factor adds to a person who already has signal points."""

    lives_alone_points: float = 4.0
    aged_65_plus_points: float = 3.0
    child_in_household_points: float = 3.0

    def __post_init__(self) -> None:
        for name in ("lives_alone_points", "aged_65_plus_points", "child_in_household_points"):
            points = getattr(self, name)
            if not np.isfinite(points) or points < 0:
                raise ValueError(f"{name} must be a finite number ≥ 0")

    def as_vector(self) -> npt.NDArray[np.float64]:
        """The points in the order of `RiskFeatures.household`'s columns."""
        return np.array(
            [self.lives_alone_points, self.aged_65_plus_points, self.child_in_household_points],
            dtype=np.float64,
        )


def _column(name: str, values: Any, dtype: type[np.generic]) -> npt.NDArray[Any]:
    """A 1-D array of `dtype`, refusing values the narrower type would silently wrap."""
    array = np.asarray(values)
    if array.ndim != 1:
        raise ValueError(f"{name} must be one-dimensional, got shape {array.shape}")
    if array.dtype == dtype:
        return array
    if array.size == 0:
        return np.empty(0, dtype=dtype)
    if np.issubdtype(dtype, np.integer):
        if not np.issubdtype(array.dtype, np.integer):
            raise ValueError(f"{name} must hold integers, got {array.dtype}")
        info = np.iinfo(np.dtype(dtype))
        if array.min() < info.min or array.max() > info.max:
            raise ValueError(f"{name} has values outside {np.dtype(dtype).name}")
    elif dtype is np.bool_ and not (
        np.issubdtype(array.dtype, np.integer) and np.isin(array, (0, 1)).all()
    ):
        raise ValueError(f"{name} must hold booleans (or 0 and 1), got {array.dtype}")
    return array.astype(dtype)


@dataclass(frozen=True, eq=False)
class SignalRows:
    """Signal observations as columns, one row per person, signal type and observation.

    `person_index` indexes `Residents`; `type_index` indexes the model's signal types;
    `observed_day` counts days since 1970-01-01 (see `day_number`); `value` is months in
    arrears, an amount in KRW, or 1 for a flag, as the signal type's unit says.
    """

    person_index: npt.NDArray[np.int32]
    type_index: npt.NDArray[np.int16]
    observed_day: npt.NDArray[np.int32]
    value: npt.NDArray[np.float64]

    def __post_init__(self) -> None:
        columns = {
            "person_index": _column("person_index", self.person_index, np.int32),
            "type_index": _column("type_index", self.type_index, np.int16),
            "observed_day": _column("observed_day", self.observed_day, np.int32),
            "value": _column("value", self.value, np.float64),
        }
        lengths = {len(column) for column in columns.values()}
        if len(lengths) > 1:
            raise ValueError(f"signal columns differ in length: {sorted(lengths)}")
        value = columns["value"]
        # NaN fails `>= 0` too, so one pass catches negative and missing values.
        if not np.all(np.isfinite(value) & (value >= 0)):
            raise ValueError("signal values must be finite numbers ≥ 0")
        for name, column in columns.items():
            object.__setattr__(self, name, column)

    def __len__(self) -> int:
        return len(self.person_index)

    @classmethod
    def empty(cls) -> SignalRows:
        """No signals at all."""
        return cls(
            person_index=np.empty(0, np.int32),
            type_index=np.empty(0, np.int16),
            observed_day=np.empty(0, np.int32),
            value=np.empty(0, np.float64),
        )

    def take(self, rows: npt.NDArray[Any]) -> SignalRows:
        """The rows selected by a boolean mask or an index array."""
        return SignalRows(
            person_index=self.person_index[rows],
            type_index=self.type_index[rows],
            observed_day=self.observed_day[rows],
            value=self.value[rows],
        )


@dataclass(frozen=True, eq=False)
class Residents:
    """Household facts per resident; the position in each column is the person index."""

    age_years: npt.NDArray[np.int16]
    lives_alone: npt.NDArray[np.bool_]
    child_in_household: npt.NDArray[np.bool_]

    def __post_init__(self) -> None:
        columns = {
            "age_years": _column("age_years", self.age_years, np.int16),
            "lives_alone": _column("lives_alone", self.lives_alone, np.bool_),
            "child_in_household": _column("child_in_household", self.child_in_household, np.bool_),
        }
        lengths = {len(column) for column in columns.values()}
        if len(lengths) > 1:
            raise ValueError(f"resident columns differ in length: {sorted(lengths)}")
        for name, column in columns.items():
            object.__setattr__(self, name, column)

    def __len__(self) -> int:
        return len(self.age_years)
