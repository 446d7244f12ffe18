"""Due dates from the city's rules: who must be visited within days, and who is high-risk."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from saram.core.errors import SaramError
from saram.core.models import City
from saram.welfare import engine
from saram.welfare.models import DueRule
from saram.welfare.services.config import EngineConfig, require_configure

CUT_OFF_CODES = ("electricity_cut_off", "water_cut_off", "gas_cut_off")


def ensure_default_rules(*, city: City) -> list[DueRule]:
    """The city's due rules; the first call writes the starting rule (city policy, editable):
    a power, water or gas cut-off of someone over 75 living alone is due within 3 days."""
    rules = list(DueRule.objects.filter(city=city, is_active=True).order_by("order", "id"))
    if rules or DueRule.objects.filter(city=city).exists():
        return rules
    with transaction.atomic():
        rule = DueRule.objects.create(
            city=city,
            name=_("단전·단수·단가스 + 75세 이상 1인 가구"),
            order=1,
            signal_codes=list(CUT_OFF_CODES),
            min_age=75,
            lives_alone=True,
            days=3,
            is_high_risk=True,
            source=_("시 정책: 고위험 1인 가구 우선 방문 (시가 고칠 수 있음)"),
            layer=DueRule.Layer.CITY,
        )
    return [rule]


def rule_specs(rules: list[DueRule], config: EngineConfig) -> list[engine.DueRuleSpec]:
    """The rules as the engine reads them (signal codes as type positions)."""
    index = {t.code: i for i, t in enumerate(config.signal_types)}
    return [
        engine.DueRuleSpec(
            days=r.days,
            type_indexes=frozenset(index[c] for c in r.signal_codes if c in index),
            min_age=r.min_age,
            lives_alone=r.lives_alone,
            min_risk_pct=r.min_risk_pct,
            is_high_risk=r.is_high_risk,
        )
        for r in rules
        # A rule naming only kinds the configuration no longer has matches nobody.
        if not r.signal_codes or any(c in index for c in r.signal_codes)
    ]


def save_rule(*, by: Any, city: City, rule: DueRule | None = None, **fields: Any) -> DueRule:
    """Create or change one due rule of the city (administrator only)."""
    require_configure(by)
    days = fields.get("days")
    if days is not None and not 1 <= int(days) <= 90:
        raise SaramError("bad_due_days", days=days)
    if not str(fields.get("source", rule.source if rule else "")).strip():
        raise SaramError("due_rule_source_required")
    target = rule or DueRule(city=city)
    for name, value in fields.items():
        setattr(target, name, value)
    target.save()
    return target
