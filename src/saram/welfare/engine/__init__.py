"""The welfare risk engine: who most needs a visit, and why. Plain columns in, plain data out.

The points model scores every resident from signal rows (severity × recency decay × weight,
plus household factors); the learned model is a calibrated logistic regression fitted on past
rounds' outcomes. Both rank an outreach list whose every line carries its reasons.
"""

from ._catalogue import DEFAULT_HOUSEHOLD_POINTS, DEFAULT_SIGNAL_TYPES
from ._features import HOUSEHOLD_COLUMNS, OLD_AGE_FROM_YEARS, RiskFeatures, build_features
from ._inputs import (
    HouseholdPoints,
    Residents,
    SeverityUnit,
    SignalRows,
    SignalType,
    day_number,
)
from ._outcomes import (
    HOUSEHOLD_REASONS,
    NO_REASON,
    ListChanges,
    OutcomeModel,
    RoundOutcomes,
    TopKEvaluation,
    TopKResult,
    compare_lists,
    evaluate_top_k,
    fit_outcome_model,
    round_outcomes,
)
from .due import DueDates, DueRuleSpec, due_days, risk_scale
from .risk import (
    PointsModel,
    RankedPerson,
    Reason,
    ReasonCode,
    RiskAssessment,
    RiskModel,
    assess_risk,
    explain,
    rank_outreach,
)

__all__ = [
    "DEFAULT_HOUSEHOLD_POINTS",
    "DEFAULT_SIGNAL_TYPES",
    "HOUSEHOLD_COLUMNS",
    "HOUSEHOLD_REASONS",
    "NO_REASON",
    "OLD_AGE_FROM_YEARS",
    "DueDates",
    "DueRuleSpec",
    "HouseholdPoints",
    "ListChanges",
    "OutcomeModel",
    "PointsModel",
    "RankedPerson",
    "Reason",
    "ReasonCode",
    "Residents",
    "RiskAssessment",
    "RiskFeatures",
    "RiskModel",
    "RoundOutcomes",
    "SeverityUnit",
    "SignalRows",
    "SignalType",
    "TopKEvaluation",
    "TopKResult",
    "assess_risk",
    "build_features",
    "compare_lists",
    "day_number",
    "due_days",
    "evaluate_top_k",
    "explain",
    "fit_outcome_model",
    "rank_outreach",
    "risk_scale",
    "round_outcomes",
]
