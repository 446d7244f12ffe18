"""From signal rows to one strength per person and signal type, the input of every model."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp  # type: ignore[import-untyped]

from ._inputs import Residents, SignalRows, SignalType, day_number

# Column order of `RiskFeatures.household`, shared by both models and their reasons.
HOUSEHOLD_COLUMNS = ("lives_alone", "aged_65_plus", "child_in_household")
OLD_AGE_FROM_YEARS = 65


@dataclass(frozen=True, eq=False)
class RiskFeatures:
    """What the models see of each person as of one day.

    `signal_strength` (people × signal types, sparse) holds the strongest current observation
    of each type as severity × recency decay, between 0 and 1; `household` (people × 3) holds
    0/1 for lives alone, aged 65+ and a child in the household. Row i describes resident
    `person_index[i]` as of the day `as_of`.
    """

    as_of: date
    person_index: npt.NDArray[np.int32]
    signal_strength: Any  # scipy.sparse.csr_matrix of float64 (scipy ships no type hints)
    household: npt.NDArray[np.float64]
    age_years: npt.NDArray[np.int16]

    def __len__(self) -> int:
        return len(self.person_index)

    @property
    def has_signal(self) -> npt.NDArray[np.bool_]:
        """Whether each row has at least one current signal of positive strength."""
        # Explicit zeros were dropped when the matrix was built, so a stored entry is positive.
        has_signal: npt.NDArray[np.bool_] = np.diff(self.signal_strength.indptr) > 0
        return has_signal

    def take(self, rows: npt.NDArray[Any]) -> RiskFeatures:
        """The rows at the given positions (e.g. the people assessed in one round)."""
        rows = np.asarray(rows)
        return RiskFeatures(
            as_of=self.as_of,
            person_index=self.person_index[rows],
            signal_strength=self.signal_strength[rows],
            household=self.household[rows],
            age_years=self.age_years[rows],
        )


def _type_column(signal_types: Sequence[SignalType], name: str) -> npt.NDArray[np.float64]:
    return np.array([getattr(t, name) for t in signal_types], dtype=np.float64)


def observation_strength(
    signals: SignalRows, signal_types: Sequence[SignalType], today_day: int
) -> npt.NDArray[np.float64]:
    """Severity × recency decay of each row, in [0, 1]; rows must not be observed after today."""
    cap_value = _type_column(signal_types, "cap_value")[signals.type_index]
    half_life_days = _type_column(signal_types, "half_life_days")[signals.type_index]
    age_days = (today_day - signals.observed_day).astype(np.float64)
    severity = np.minimum(signals.value / cap_value, 1.0)
    severity *= np.exp2(-age_days / half_life_days)
    return severity


def check_indices(signals: SignalRows, *, n_people: int, n_types: int) -> None:
    """Refuse rows whose person or signal type index points nowhere."""
    if len(signals):
        if signals.person_index.min() < 0 or signals.person_index.max() >= n_people:
            raise ValueError(f"person_index must lie in [0, {n_people})")
        if signals.type_index.min() < 0 or signals.type_index.max() >= n_types:
            raise ValueError(f"type_index must lie in [0, {n_types})")


def known_on(signals: SignalRows, today: date) -> SignalRows:
    """The rows observed on or before `today`."""
    # Scoring a past round re-reads today's table as of that day: later rows did not exist yet.
    known = signals.observed_day <= day_number(today)
    return signals if known.all() else signals.take(known)


def group_by_person_type(
    person_index: npt.NDArray[np.int32], type_index: npt.NDArray[np.int16], n_types: int
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64] | None]:
    """Sorted (person, type) keys and the row order that sorts them (None if already sorted)."""
    key = person_index.astype(np.int64) * n_types + type_index
    if len(key) < 2 or bool(np.all(key[1:] >= key[:-1])):
        return key, None
    row_bits = len(key).bit_length()
    key_bits = int(key.max()).bit_length()
    if row_bits + key_bits > 62:
        order = np.argsort(key, kind="stable")
        return key[order], order
    # np.sort is vectorised (SIMD) where np.argsort is not, so sorting the key with the row
    # number packed into its low bits gives the order several times faster.
    packed = (key << row_bits) | np.arange(len(key), dtype=np.int64)
    packed.sort()
    order = packed & ((1 << row_bits) - 1)
    packed >>= row_bits
    return packed, order


def build_features(
    *,
    signals: SignalRows,
    residents: Residents,
    signal_types: Sequence[SignalType],
    today: date,
) -> RiskFeatures:
    """Every resident's strongest current evidence per signal type and household factors.

    Rows observed after `today` are ignored; of several rows of one type for one person, the
    strongest counts, so a monthly re-report of the same arrears is not counted twice.
    """
    n_people, n_types = len(residents), len(signal_types)
    check_indices(signals, n_people=n_people, n_types=n_types)
    signals = known_on(signals, today)
    strength = observation_strength(signals, signal_types, day_number(today))

    key, order = group_by_person_type(signals.person_index, signals.type_index, n_types)
    if order is not None:
        strength = strength[order]
    if len(key):
        starts = np.flatnonzero(np.concatenate(([True], key[1:] != key[:-1])))
        if len(starts) < len(key):
            strength = np.maximum.reduceat(strength, starts)
            key = key[starts]
    group_person, group_type = np.divmod(key, n_types)
    positive = strength > 0
    if not positive.all():
        strength, group_person, group_type = (
            strength[positive],
            group_person[positive],
            group_type[positive],
        )
    indptr = np.zeros(n_people + 1, dtype=np.int64)
    np.cumsum(np.bincount(group_person, minlength=n_people), out=indptr[1:])
    signal_strength = sp.csr_matrix(
        (strength, group_type.astype(np.int32), indptr), shape=(n_people, n_types)
    )
    household = np.column_stack(
        (
            residents.lives_alone,
            residents.age_years >= OLD_AGE_FROM_YEARS,
            residents.child_in_household,
        )
    ).astype(np.float64)
    return RiskFeatures(
        as_of=today,
        person_index=np.arange(n_people, dtype=np.int32),
        signal_strength=signal_strength,
        household=household,
        age_years=residents.age_years,
    )
