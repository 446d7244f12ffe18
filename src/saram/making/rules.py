"""The centre's booking rules: city policy (not law), kept as data with their source."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class BookingRules:
    weekly_quota_hours: int
    max_hours: int
    horizon_days: int
    cancel_deadline_hours: int
    no_show_limit: int
    no_show_window_days: int
    suspension_days: int
    layer: str
    source: Any


# Layer: the centre's own operating policy (시 정책), not a law; the figures are the demo's
# choice, modelled on public fab labs' fair-use rules, and uncertain for any real centre.
RULES = BookingRules(
    weekly_quota_hours=8,
    max_hours=4,
    horizon_days=28,
    cancel_deadline_hours=24,
    no_show_limit=3,
    no_show_window_days=60,
    suspension_days=14,
    layer="city_policy",
    source=_("센터 장비 이용 규칙 (데모 값, 확인 필요)"),
)
