"""Signal kinds, their weights as versioned configuration, and each dong's outreach settings.

A change never edits a version: it writes a new one with what changed, who changed it and why,
so that every round can say which version it was scored with.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from saram.core.access import Can, scope_of
from saram.core.errors import SaramError
from saram.core.models import City, Dong
from saram.welfare import engine
from saram.welfare.models import DongSettings, SeverityUnit, SignalConfig, SignalKind, SignalWeight

WEIGHT_FIELDS = ("weight_points", "cap_value", "half_life_days", "is_active")
HOUSEHOLD_FIELDS = ("lives_alone_points", "aged_65_plus_points", "child_in_household_points")


def require_configure(user: Any) -> None:
    """Refuse anyone who may not configure the city."""
    if not scope_of(user).can(Can.CONFIGURE):
        raise SaramError("welfare_config_forbidden")


def ensure_default_config(*, city: City, by: Any = None) -> SignalConfig:
    """The city's current configuration; the first call writes version 1 from the defaults."""
    current = SignalConfig.objects.filter(city=city).order_by("-version").first()
    if current is not None:
        return current
    with transaction.atomic():
        kinds = {k.code: k for k in SignalKind.objects.all()}
        for t in engine.DEFAULT_SIGNAL_TYPES:
            if t.code not in kinds:
                kinds[t.code] = SignalKind.objects.create(
                    code=t.code, label_ko=t.label_ko, label_en=t.label_en, unit=str(t.unit)
                )
        household = engine.DEFAULT_HOUSEHOLD_POINTS
        try:
            with transaction.atomic():
                config = SignalConfig.objects.create(
                    city=city,
                    version=1,
                    created_by=by,
                    note=_("기본 설정"),
                    lives_alone_points=household.lives_alone_points,
                    aged_65_plus_points=household.aged_65_plus_points,
                    child_in_household_points=household.child_in_household_points,
                )
        except IntegrityError:  # another process wrote version 1 first
            return SignalConfig.objects.get(city=city, version=1)
        SignalWeight.objects.bulk_create(
            SignalWeight(
                config=config,
                kind=kinds[t.code],
                weight_points=t.weight_points,
                cap_value=t.cap_value,
                half_life_days=t.half_life_days,
            )
            for t in engine.DEFAULT_SIGNAL_TYPES
        )
    return config


def _check_weight(kind: SignalKind, values: Mapping[str, Any]) -> None:
    """Let the engine refuse impossible numbers, naming the kind."""
    try:
        engine.SignalType(
            kind.code,
            kind.label_ko,
            kind.label_en,
            float(values["weight_points"]),
            engine.SeverityUnit(kind.unit),
            float(values["cap_value"]),
            float(values["half_life_days"]),
            0.0,
        )
    except ValueError:
        raise SaramError("config_bad_weight", kind=kind.label, kind_code=kind.code) from None


def change_config(
    *,
    by: Any,
    city: City,
    weights: Mapping[str, Mapping[str, Any]],
    household: Mapping[str, float] | None = None,
    note: str,
) -> SignalConfig:
    """Write the next version with the given changes; refuses a change that changes nothing."""
    require_configure(by)
    if not note.strip():
        raise SaramError("config_note_required")
    with transaction.atomic():
        previous = (
            SignalConfig.objects.select_for_update().filter(city=city).order_by("-version").first()
        ) or ensure_default_config(city=city, by=by)
        rows = list(previous.weights.select_related("kind"))
        by_code = {w.kind.code: w for w in rows}
        unknown = sorted(set(weights) - set(by_code))
        if unknown:
            raise SaramError("config_unknown_kind", codes=", ".join(unknown))
        changes: list[dict[str, Any]] = []
        new_rows: list[SignalWeight] = []
        for w in rows:
            wanted = {f: getattr(w, f) for f in WEIGHT_FIELDS}
            for field, value in weights.get(w.kind.code, {}).items():
                if field not in WEIGHT_FIELDS:
                    raise SaramError("config_bad_field", f=field)
                value = bool(value) if field == "is_active" else float(value)
                if value != wanted[field]:
                    changes.append(
                        {"kind": w.kind.code, "field": field, "old": wanted[field], "new": value}
                    )
                    wanted[field] = value
            _check_weight(w.kind, wanted)
            new_rows.append(SignalWeight(kind=w.kind, **wanted))
        points = {f: getattr(previous, f) for f in HOUSEHOLD_FIELDS}
        for field, value in (household or {}).items():
            if field not in HOUSEHOLD_FIELDS:
                raise SaramError("config_bad_field", f=field)
            if float(value) < 0:
                raise SaramError("config_bad_points")
            if float(value) != points[field]:
                changes.append(
                    {"kind": "", "field": field, "old": points[field], "new": float(value)}
                )
                points[field] = float(value)
        if not changes:
            raise SaramError("config_no_change")
        config = SignalConfig.objects.create(
            city=city,
            version=previous.version + 1,
            created_by=by,
            note=note.strip()[:300],
            changes=changes,
            **points,
        )
        for row in new_rows:
            row.config = config
        SignalWeight.objects.bulk_create(new_rows)
    return config


def add_signal_kind(
    *,
    by: Any,
    city: City,
    code: str,
    label_ko: str,
    label_en: str,
    unit: str,
    weight_points: float,
    cap_value: float,
    half_life_days: float,
    note: str,
) -> SignalConfig:
    """Add a kind of signal and write the next version that weighs it."""
    require_configure(by)
    if unit not in SeverityUnit.values:
        raise SaramError("kind_bad_unit")
    code = code.strip()
    if SignalKind.objects.filter(code=code).exists():
        raise SaramError("kind_duplicate", kind_code=code)
    kind = SignalKind(code=code, label_ko=label_ko.strip(), label_en=label_en.strip(), unit=unit)
    try:
        engine.SignalType(code, label_ko, label_en, 1.0, engine.SeverityUnit(unit), 1.0, 1.0, 0.0)
    except ValueError:
        raise SaramError("kind_bad_code") from None
    _check_weight(
        kind,
        {"weight_points": weight_points, "cap_value": cap_value, "half_life_days": half_life_days},
    )
    with transaction.atomic():
        previous = ensure_default_config(city=city, by=by)
        previous = SignalConfig.objects.select_for_update().get(pk=previous.pk)
        kind.save()
        config = SignalConfig.objects.create(
            city=city,
            version=previous.version + 1,
            created_by=by,
            note=note.strip()[:300] or _("신호 유형 추가"),
            changes=[{"kind": code, "field": "added", "old": None, "new": weight_points}],
            **{f: getattr(previous, f) for f in HOUSEHOLD_FIELDS},
        )
        rows = [
            SignalWeight(
                config=config,
                kind=w.kind,
                **{f: getattr(w, f) for f in WEIGHT_FIELDS},
            )
            for w in previous.weights.select_related("kind")
        ]
        rows.append(
            SignalWeight(
                config=config,
                kind=kind,
                weight_points=weight_points,
                cap_value=cap_value,
                half_life_days=half_life_days,
            )
        )
        SignalWeight.objects.bulk_create(rows)
    return config


@dataclass(frozen=True)
class EngineConfig:
    """A configuration version as the engine sees it: its types and their database ids."""

    config: SignalConfig
    model: engine.PointsModel
    kind_ids: tuple[int, ...]  # kind_ids[type_index] is the SignalKind id

    @property
    def signal_types(self) -> tuple[engine.SignalType, ...]:
        return self.model.signal_types

    def type_index(self) -> dict[int, int]:
        return {kind_id: i for i, kind_id in enumerate(self.kind_ids)}


def engine_config(config: SignalConfig) -> EngineConfig:
    """The points model of one version, over its active kinds."""
    weights = [w for w in config.weights.select_related("kind") if w.is_active]
    types = tuple(
        engine.SignalType(
            w.kind.code,
            w.kind.label_ko,
            w.kind.label_en,
            w.weight_points,
            engine.SeverityUnit(w.kind.unit),
            w.cap_value,
            w.half_life_days,
            0.0,
        )
        for w in weights
    )
    household = engine.HouseholdPoints(
        lives_alone_points=config.lives_alone_points,
        aged_65_plus_points=config.aged_65_plus_points,
        child_in_household_points=config.child_in_household_points,
    )
    return EngineConfig(
        config=config,
        model=engine.PointsModel(types, household),
        kind_ids=tuple(w.kind_id for w in weights),
    )


def settings_for(dong: Dong) -> DongSettings:
    """The dong's outreach settings, the defaults when none were saved."""
    found = DongSettings.objects.filter(dong=dong).first()
    return found or DongSettings(dong=dong)


def set_dong_settings(
    *, by: Any, dong: Dong, sla_days: int, list_size: int, recent_visit_days: int
) -> DongSettings:
    """Save a dong's SLA and list size; the city administrator or the dong's officers may."""
    scope = scope_of(by)
    if not (scope.can(Can.CONFIGURE) or dong.id in scope.dong_ids(Can.MANAGE_PEOPLE)):
        raise SaramError("dong_settings_forbidden")
    if sla_days < 1 or sla_days > 365:
        raise SaramError("dong_bad_sla")
    if list_size < 1 or list_size > 5000:
        raise SaramError("round_bad_list_size")
    if recent_visit_days > 730:
        raise SaramError("dong_bad_recent")
    found, _created = DongSettings.objects.update_or_create(
        dong=dong,
        defaults={
            "sla_days": sla_days,
            "list_size": list_size,
            "recent_visit_days": recent_visit_days,
            "updated_by": by,
        },
    )
    return found
