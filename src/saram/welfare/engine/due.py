"""How soon each listed person must be visited: the city's due rules applied to columns.

A rule matches a person who has a current signal of one of its types (any type when it names
none), is at least its age, lives alone if it asks so, and scores at least its risk; the first
matching rule in order gives the days, otherwise the dong's default applies.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from ._features import RiskFeatures


@dataclass(frozen=True)
class DueRuleSpec:
    """One due rule in engine terms: signal types by index into the model's types."""

    days: int
    type_indexes: frozenset[int] = frozenset()
    min_age: int | None = None
    lives_alone: bool = False
    min_risk_pct: float | None = None
    is_high_risk: bool = True


@dataclass(frozen=True, eq=False)
class DueDates:
    """Per feature row: days until due, the matching rule's position (-1: default) and
    whether that rule marks the person high-risk."""

    days: npt.NDArray[np.int16]
    rule: npt.NDArray[np.int16]
    is_high_risk: npt.NDArray[np.bool_]


def due_days(
    *,
    rules: Sequence[DueRuleSpec],
    features: RiskFeatures,
    lives_alone: npt.NDArray[np.bool_],
    risk_pct: npt.NDArray[np.float64],
    default_days: int,
) -> DueDates:
    """The first matching rule's days for every row, or `default_days`."""
    n = len(features)
    days = np.full(n, default_days, dtype=np.int16)
    rule_of = np.full(n, -1, dtype=np.int16)
    high = np.zeros(n, dtype=np.bool_)
    unset = np.ones(n, dtype=np.bool_)
    strength = features.signal_strength.tocsc()
    for position, rule in enumerate(rules):
        match = unset.copy()
        if rule.type_indexes:
            columns = sorted(i for i in rule.type_indexes if i < strength.shape[1])
            has_type = np.zeros(n, dtype=np.bool_)
            if columns:
                has_type = np.asarray((strength[:, columns] > 0).sum(axis=1)).ravel() > 0
            match &= has_type
        else:
            match &= features.has_signal
        if rule.min_age is not None:
            match &= features.age_years >= rule.min_age
        if rule.lives_alone:
            match &= lives_alone
        if rule.min_risk_pct is not None:
            match &= risk_pct >= rule.min_risk_pct
        days[match] = rule.days
        rule_of[match] = position
        high[match] = rule.is_high_risk
        unset &= ~match
    return DueDates(days=days, rule=rule_of, is_high_risk=high)


def risk_scale(score: npt.NDArray[np.float64], *, ceiling: float) -> npt.NDArray[np.float64]:
    """Scores on the common 0–100 scale: points as a share of `ceiling` (the points a person
    with every signal at full strength would have), a probability times 100 (ceiling 1)."""
    if ceiling <= 0:
        return np.zeros_like(score)
    return np.clip(100.0 * score / ceiling, 0.0, 100.0)
