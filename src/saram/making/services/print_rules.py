"""The print service's rules kept by people, as versioned data: discounts on quotes (pupils,
incubator credits) kept by centre staff, and the welfare programme's yearly assistive-device
budgets kept by the city. Each carries its source, layer and validity dates.

A change to a rule already in force is a new version from a date: the old version ends the day
before and stays, so what a quote or a budget line was made under can still be read. A rule not
yet in force is changed in place. Ending a rule gives it a last day.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from saram.core import audit
from saram.core.access import Can
from saram.core.errors import RowError, SaramError
from saram.core.models import AuditAction
from saram.making.models import DeviceBudget, Discount, DiscountBasis
from saram.making.models.printing import Layer
from saram.making.services._common import require

DISCOUNT_FIELDS = (
    "basis",
    "name",
    "name_en",
    "rate_percent",
    "min_age",
    "max_age",
    "layer",
    "source",
    "is_uncertain",
    "valid_from",
    "valid_until",
)
BUDGET_FIELDS = ("amount_krw", "layer", "source", "valid_from")
_DAY = dt.timedelta(days=1)


def _refuse(errors: list[RowError]) -> None:
    """Raise every field's problem at once (the form shows each beside its field)."""
    if errors:
        first = errors[0]
        raise SaramError(first.code, params=first.params, row_errors=errors)


def _err(field: str, code: str, **params: Any) -> RowError:
    return RowError(0, field, code=code, params=params)


def _day(value: dt.date | None) -> str:
    return value.isoformat() if value else str(_("종료일 없음"))


# --- Discounts -----------------------------------------------------------------------------------


def _discount_errors(
    values: dict[str, Any], *, today: dt.date, exclude: list[int], new_start: bool = True
) -> list[RowError]:
    errors: list[RowError] = []
    rate = values.get("rate_percent")
    if rate is None or not 0 < rate <= 100:
        errors.append(_err("rate_percent", "print_rule_rate"))
    low, high = values.get("min_age"), values.get("max_age")
    if values.get("basis") != DiscountBasis.PUPIL and (low is not None or high is not None):
        errors.append(_err("min_age", "print_rule_ages_pupils_only"))
    elif low is not None and high is not None and low > high:
        errors.append(_err("max_age", "print_rule_ages_order", low=low, high=high))
    if not str(values.get("source") or "").strip():
        errors.append(_err("source", "print_rule_no_source"))
    start, end = values.get("valid_from"), values.get("valid_until")
    if start is None:
        errors.append(_err("valid_from", "print_rule_no_start"))
        return errors
    if new_start and start < today:
        errors.append(_err("valid_from", "print_rule_in_past", today=today.isoformat()))
    if end is not None and end < start:
        errors.append(_err("valid_until", "print_rule_ends_before_start"))
    clash = (
        Discount.objects.filter(basis=values.get("basis"))
        .exclude(pk__in=exclude)
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=start))
    )
    if end is not None:
        clash = clash.filter(valid_from__lte=end)
    other = clash.order_by("valid_from").first()
    if other is not None:
        errors.append(
            _err(
                "valid_from",
                "print_rule_overlaps",
                name=str(other),
                start=other.valid_from.isoformat(),
                end=_day(other.valid_until),
            )
        )
    return errors


def _discount_values(values: dict[str, Any]) -> dict[str, Any]:
    out = {k: values.get(k) for k in DISCOUNT_FIELDS}
    out["source"] = str(out["source"] or "").strip()
    out["is_uncertain"] = bool(out["is_uncertain"])
    return out


def _record(by: Any, action: Any, row: Any, purpose: Any, **detail: Any) -> None:
    audit.record(
        actor=by,
        action=action,
        target_type=f"making.{type(row).__name__.lower()}",
        target_id=row.pk,
        purpose=str(purpose),
        detail={k: str(v) if v is not None else None for k, v in detail.items()},
    )


def add_discount(*, by: Any, values: dict[str, Any], today: dt.date) -> Discount:
    """Staff add a discount from a day on; it may not overlap another of the same kind."""
    require(by, Can.MANAGE_MAKING)
    data = _discount_values(values)
    with transaction.atomic():
        # One kind's versions are checked and written one writer at a time.
        list(Discount.objects.select_for_update().filter(basis=data["basis"]))
        _refuse(_discount_errors(data, today=today, exclude=[]))
        discount = Discount.objects.create(**data)
        _record(by, AuditAction.CREATE, discount, _("출력 할인 등록"), rate=data["rate_percent"])
    return discount


def revise_discount(
    *, by: Any, discount: Discount, values: dict[str, Any], today: dt.date
) -> Discount:
    """Change a discount: in place while it is not yet in force, else as a new version from
    `valid_from` (the old one ends the day before). Returns the version now holding the values."""
    require(by, Can.MANAGE_MAKING)
    data = _discount_values(values)
    with transaction.atomic():
        list(Discount.objects.select_for_update().filter(basis=discount.basis))
        old = Discount.objects.get(pk=discount.pk)
        if old.valid_until is not None and old.valid_until < today:
            raise SaramError("print_rule_ended", end=old.valid_until.isoformat())
        errors: list[RowError] = []
        if data["basis"] != old.basis:
            errors.append(_err("basis", "print_rule_basis_fixed"))
        if old.valid_from > today:
            _refuse(errors + _discount_errors(data, today=today, exclude=[old.pk]))
            for name, value in data.items():
                setattr(old, name, value)
            old.save()
            _record(by, AuditAction.UPDATE, old, _("시행 전 출력 할인 수정"))
            return old
        start = data["valid_from"]
        if start is not None and start <= old.valid_from:
            errors.append(
                _err("valid_from", "print_rule_version_after", start=old.valid_from.isoformat())
            )
        _refuse(errors + _discount_errors(data, today=today, exclude=[old.pk]))
        old.valid_until = start - _DAY
        old.save(update_fields=["valid_until"])
        new = Discount.objects.create(**data)
        _record(by, AuditAction.UPDATE, new, _("출력 할인 새 판"), replaces=old.pk, start=start)
    return new


def end_discount(*, by: Any, discount: Discount, last_day: dt.date, today: dt.date) -> Discount:
    """End a discount after `last_day` (today or later); a rule not yet in force ends before
    its first day, so it never applies."""
    require(by, Can.MANAGE_MAKING)
    if last_day < today:
        raise SaramError("print_rule_end_in_past", today=today.isoformat())
    with transaction.atomic():
        locked = Discount.objects.select_for_update().get(pk=discount.pk)
        if locked.valid_until is not None and locked.valid_until <= last_day:
            raise SaramError("print_rule_ended", end=locked.valid_until.isoformat())
        locked.valid_until = max(last_day, locked.valid_from - _DAY)
        locked.save(update_fields=["valid_until"])
        _record(by, AuditAction.UPDATE, locked, _("출력 할인 종료"), last_day=locked.valid_until)
    return locked


# --- Assistive-device budgets --------------------------------------------------------------------


def _budget_errors(values: dict[str, Any], *, year: int, today: dt.date) -> list[RowError]:
    errors: list[RowError] = []
    amount = values.get("amount_krw")
    if amount is None or amount < 0:
        errors.append(_err("amount_krw", "device_budget_negative"))
    if not str(values.get("source") or "").strip():
        errors.append(_err("source", "device_budget_no_source"))
    start = values.get("valid_from")
    if start is None or start.year != year:
        errors.append(_err("valid_from", "device_budget_start_in_year", year=year))
    elif start < today:
        errors.append(_err("valid_from", "print_rule_in_past", today=today.isoformat()))
    return errors


def set_budget(
    *, by: Any, year: int, dong: Any | None, values: dict[str, Any], today: dt.date
) -> DeviceBudget:
    """The city sets a dong's (or the pool's) device budget for a year, from a day on. Where
    one is already in force, it ends the day before and the new amount is a new version."""
    require(by, Can.CONFIGURE)
    data = {k: values.get(k) for k in BUDGET_FIELDS}
    data["source"] = str(data["source"] or "").strip()
    data["layer"] = data["layer"] or Layer.CITY
    with transaction.atomic():
        # Ordered by id, not by the dong's name (Meta): PostgreSQL locks no outer-joined row.
        rows = (
            DeviceBudget.objects.select_for_update()
            .filter(year=year, valid_until__isnull=True)
            .order_by("id")
        )
        current = rows.filter(dong=dong).first() if dong is not None else None
        if dong is None:
            current = rows.filter(dong__isnull=True).first()
        errors = _budget_errors(data, year=year, today=today)
        if current is not None and data["valid_from"] and data["valid_from"] <= current.valid_from:
            errors.append(
                _err(
                    "valid_from",
                    "print_rule_version_after",
                    start=current.valid_from.isoformat(),
                )
            )
        _refuse(errors)
        if current is not None:
            current.valid_until = data["valid_from"] - _DAY
            current.save(update_fields=["valid_until"])
        budget = DeviceBudget.objects.create(year=year, dong=dong, **data)
        _record(
            by,
            AuditAction.UPDATE if current else AuditAction.CREATE,
            budget,
            _("보조기구 예산 설정"),
            amount=budget.amount_krw,
            replaces=current.pk if current else None,
        )
    return budget


def end_budget(*, by: Any, budget: DeviceBudget, last_day: dt.date, today: dt.date) -> None:
    """End a budget after `last_day`: from the next day the dong's devices draw on the city
    pool (or, for the pool, nothing can be requested)."""
    require(by, Can.CONFIGURE)
    if last_day < today:
        raise SaramError("print_rule_end_in_past", today=today.isoformat())
    with transaction.atomic():
        locked = DeviceBudget.objects.select_for_update().get(pk=budget.pk)
        if locked.valid_until is not None:
            raise SaramError("print_rule_ended", end=locked.valid_until.isoformat())
        locked.valid_until = max(last_day, locked.valid_from - _DAY)
        locked.save(update_fields=["valid_until"])
        _record(by, AuditAction.UPDATE, locked, _("보조기구 예산 종료"), last_day=last_day)
