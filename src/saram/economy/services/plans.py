"""Procurement plans: purchases a department will order, each decided by the policy engine.

A planner cannot save a split the rules call unlawful: before a purchase is added, the engine
checks it against the department's other planned purchases and paid orders of the same
category (a row lock on the department makes concurrent planners take turns).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from saram.core import audit
from saram.core.access import Can, scope_of
from saram.core.errors import SaramError
from saram.core.models import AuditAction
from saram.economy import explanations
from saram.economy.engine import PolicyDecision, Purchase, SplitFlag, check_addition, find_splits
from saram.economy.engine.policy import PurchaseKind as EngineKind
from saram.economy.engine.policy import SplitWindow
from saram.economy.models import (
    BidScope,
    Category,
    ContractMethod,
    Department,
    LedgerEntry,
    Locality,
    PlannedPurchase,
    PlanSource,
    Programme,
    PurchasePlan,
    Stage,
    Supplier,
    amount_before_vat,
)
from saram.economy.services.policy import check_purchase, citation_data
from saram.economy.services.rules import current_revision, current_rule_book


def _names() -> tuple[dict[str, str], dict[str, str]]:
    departments = {d.code: d.display_name for d in Department.objects.all()}
    categories = {c.code: c.display_name for c in Category.objects.all()}
    return departments, categories


def describe_flag(
    flag: SplitFlag, *, departments: dict[str, str], categories: dict[str, str]
) -> str:
    """The evidence of a split in words: which orders, their sum, the threshold crossed."""
    return explanations.explain(
        flag.reason,
        {
            "department": departments.get(flag.department, flag.department),
            "category": categories.get(flag.category, flag.category),
            "parts": len(flag.purchase_ids),
            "first_on": flag.first_on.isoformat(),
            "last_on": flag.last_on.isoformat(),
            "window_days": flag.window_days,
            "period": explanations.split_period(flag.window_days)
            if flag.window is not SplitWindow.FISCAL_YEAR
            else f"{flag.last_on.year} " + explanations.split_period(366),
            "total_krw": flag.total_krw,
            "threshold_krw": flag.threshold.cap_krw,
            "threshold_source": flag.threshold.source,
            "layer": explanations.label(flag.threshold.layer),
            "largest_part_krw": flag.largest_part_krw,
        },
    )


def flag_data(flag: SplitFlag) -> dict[str, Any]:
    """A split flag as JSON-ready evidence (error parameters, API)."""
    return {
        "purchase_ids": list(flag.purchase_ids),
        "total_krw": flag.total_krw,
        "largest_part_krw": flag.largest_part_krw,
        "threshold_krw": flag.threshold.cap_krw,
        "threshold_rule": flag.threshold.rule_id,
        "threshold_source": flag.threshold.source,
        "window_days": flag.window_days,
        "window": flag.window.value,
        "threshold_layer": flag.threshold.layer.value,
        "first_on": flag.first_on.isoformat(),
        "last_on": flag.last_on.isoformat(),
    }


def _refuse_split(flags: Sequence[SplitFlag]) -> SaramError:
    departments, categories = _names()
    evidence = [describe_flag(f, departments=departments, categories=categories) for f in flags]
    return SaramError(
        "unlawful_split",
        params={
            "flags": [flag_data(f) for f in flags],
            "evidence": evidence,
            "evidence_text": " ".join(evidence),
        },
    )


def create_plan(
    *, by: Any, title: str, fiscal_year: int, programme: Programme | None = None
) -> PurchasePlan:
    """An empty procurement plan for a fiscal year."""
    scope_of(by).require(Can.MANAGE_ECONOMY)
    plan = PurchasePlan.objects.create(
        title=title.strip(),
        fiscal_year=fiscal_year,
        source=PlanSource.MANUAL,
        programme=programme,
        policy_revision=current_revision(),
        created_by=by,
    )
    audit.record(
        actor=by,
        action=AuditAction.CREATE,
        target_type="economy.plan",
        target_id=plan.pk,
        purpose=_("구매 계획 작성"),
        detail={"fiscal_year": fiscal_year},
    )
    return plan


def existing_purchases(
    *,
    department: Department,
    category: Category,
    around: dt.date,
    window_days: int,
    exclude: Iterable[int] = (),
) -> list[Purchase]:
    """The department's planned purchases and privately contracted payments of one category
    near a day (within twice the window, so a fiscal-year window sees the whole year), as the
    splitting rule sees them."""
    low = around - dt.timedelta(days=max(window_days, 1) * 2)
    high = around + dt.timedelta(days=max(window_days, 1) * 2)
    kind = EngineKind(category.kind)
    planned = (
        PlannedPurchase.objects.filter(
            department=department, category=category, order_on__range=(low, high)
        )
        .exclude(pk__in=list(exclude))
        .values_list("pk", "amount_krw", "order_on", "is_remainder")
    )
    out = [
        Purchase(f"plan:{pk}", department.code, category.code, kind, amount, on, remainder)
        for pk, amount, on, remainder in planned
    ]
    # Payments under a contract won by bid are instalments of one purchase, not parts; the
    # caps are VAT-exclusive, so each payment counts without its VAT.
    paid = (
        LedgerEntry.objects.filter(
            department=department, category=category, paid_on__range=(low, high)
        )
        .exclude(method__in=[ContractMethod.OPEN_BID, ContractMethod.RESTRICTED_BID])
        .values_list("payment_id", "amount_krw", "paid_on", "vat_basis")
    )
    out += [
        Purchase(
            f"paid:{pid}", department.code, category.code, kind, amount_before_vat(amount, b), on
        )
        for pid, amount, on, b in paid
    ]
    return out


def check_split(
    *,
    department: Department,
    category: Category,
    amount_krw: int,
    order_on: dt.date,
    is_remainder: bool = False,
    exclude: Iterable[int] = (),
) -> tuple[SplitFlag, ...]:
    """The splits a new purchase would make with the department's other orders (empty: lawful)."""
    rules = current_rule_book()
    kind = EngineKind(category.kind)
    window = rules.split_window_days(order_on, kind)
    candidate = Purchase(
        "new", department.code, category.code, kind, amount_krw, order_on, is_remainder
    )
    existing = existing_purchases(
        department=department,
        category=category,
        around=order_on,
        window_days=window,
        exclude=exclude,
    )
    return check_addition(existing, candidate, rules)


def decision_fields(decision: PolicyDecision) -> dict[str, Any]:
    """A policy decision as the fields a planned purchase keeps."""
    numbers = [s.business_number for s in decision.eligible_suppliers]
    ids = dict(
        Supplier.objects.filter(organisation__business_number__in=numbers).values_list(
            "organisation__business_number", "id"
        )
    )
    return {
        "method": decision.method.value,
        "scope": decision.scope.value,
        "citations": citation_data(decision.citations),
        "eligible_supplier_ids": [ids[n] for n in numbers if n in ids],
    }


def add_purchase(
    *,
    by: Any,
    plan: PurchasePlan,
    title: str,
    department: Department,
    category: Category,
    amount_krw: int,
    order_on: dt.date,
    is_remainder: bool = False,
) -> PlannedPurchase:
    """Add a purchase to a plan with the method the rules give it; refused with the evidence
    when it would split one purchase to stay under a threshold."""
    scope_of(by).require(Can.MANAGE_ECONOMY)
    if order_on.year != plan.fiscal_year:
        raise SaramError("economy_outside_year", year=plan.fiscal_year)
    decision = check_purchase(
        by=by,
        category=category,
        amount_krw=amount_krw,
        department=department,
        requested_on=order_on,
        is_remainder=is_remainder,
    )
    with transaction.atomic():
        # One planner at a time per department: the split check must see every other order.
        Department.objects.select_for_update().filter(pk=department.pk).first()
        flags = check_split(
            department=department,
            category=category,
            amount_krw=amount_krw,
            order_on=order_on,
            is_remainder=is_remainder,
        )
        if flags:
            raise _refuse_split(flags)
        count = plan.purchases.count()
        purchase = PlannedPurchase.objects.create(
            plan=plan,
            reference=f"P{count + 1:03d}",
            title=title.strip(),
            department=department,
            category=category,
            kind=category.kind,
            amount_krw=amount_krw,
            order_on=order_on,
            is_remainder=is_remainder,
            **decision_fields(decision),
        )
        PurchasePlan.objects.filter(pk=plan.pk).update(
            planned_krw=sum(plan.purchases.values_list("amount_krw", flat=True))
        )
        audit.record(
            actor=by,
            action=AuditAction.CREATE,
            target_type="economy.purchase",
            target_id=purchase.pk,
            purpose=_("발주 계획 추가"),
            detail={"plan": plan.pk, "amount_krw": amount_krw, "method": purchase.method},
        )
    return purchase


def remove_purchase(*, by: Any, purchase: PlannedPurchase) -> None:
    """Take a purchase that has not been tendered out of its plan."""
    scope_of(by).require(Can.MANAGE_ECONOMY)
    if purchase.stage != Stage.PLANNING:
        raise SaramError("economy_already_tendered")
    with transaction.atomic():
        plan = purchase.plan
        audit.record(
            actor=by,
            action=AuditAction.DELETE,
            target_type="economy.purchase",
            target_id=purchase.pk,
            purpose=_("발주 계획 삭제"),
            detail={"plan": plan.pk, "amount_krw": purchase.amount_krw},
        )
        purchase.delete()
        PurchasePlan.objects.filter(pk=plan.pk).update(
            planned_krw=sum(plan.purchases.values_list("amount_krw", flat=True))
        )


def record_tender(*, by: Any, purchase: PlannedPurchase) -> PlannedPurchase:
    """Mark a planned purchase as tendered (published)."""
    scope_of(by).require(Can.MANAGE_ECONOMY)
    if purchase.stage != Stage.PLANNING:
        raise SaramError("economy_not_planned")
    purchase.stage = Stage.TENDER
    purchase.tendered_at = timezone.now()
    purchase.save(update_fields=["stage", "tendered_at"])
    audit.record(
        actor=by,
        action=AuditAction.UPDATE,
        target_type="economy.purchase",
        target_id=purchase.pk,
        purpose=_("발주 공고"),
    )
    return purchase


_SCOPE_LOCALITIES = {
    BidScope.CITY: {Locality.IN_CITY},
    BidScope.PROVINCE: {Locality.IN_CITY, Locality.IN_PROVINCE},
}


def record_award(
    *,
    by: Any,
    purchase: PlannedPurchase,
    supplier: Supplier,
    amount_krw: int,
    awarded_at: dt.datetime,
) -> PlannedPurchase:
    """Record who won a purchase and for how much; the winner must be allowed by its scope."""
    scope_of(by).require(Can.MANAGE_ECONOMY)
    if purchase.stage == Stage.AWARD:
        raise SaramError("economy_already_awarded")
    if amount_krw <= 0:
        raise SaramError("economy_bad_award_amount")
    if awarded_at.tzinfo is None:
        raise SaramError("economy_naive_time")
    allowed = _SCOPE_LOCALITIES.get(BidScope(purchase.scope))
    if allowed is not None and supplier.locality not in allowed:
        raise SaramError(
            "supplier_outside_scope", name=supplier.name, scope=purchase.get_scope_display()
        )
    purchase.stage = Stage.AWARD
    purchase.award_supplier = supplier
    purchase.award_amount_krw = amount_krw
    purchase.awarded_at = awarded_at
    purchase.save(update_fields=["stage", "award_supplier", "award_amount_krw", "awarded_at"])
    audit.record(
        actor=by,
        action=AuditAction.UPDATE,
        target_type="economy.purchase",
        target_id=purchase.pk,
        purpose=_("계약 기록"),
        detail={"supplier": supplier.pk, "amount_krw": amount_krw},
    )
    return purchase


def plan_flags(plan: PurchasePlan) -> tuple[SplitFlag, ...]:
    """Splits inside a plan (a saved plan has none; this is the proof shown with it)."""
    purchases = [
        Purchase(
            purchase_id=p.reference,
            department=p.department.code,
            category=p.category.code,
            kind=EngineKind(p.kind),
            amount_krw=p.amount_krw,
            ordered_on=p.order_on,
            is_remainder=p.is_remainder,
        )
        for p in plan.purchases.select_related("department", "category")
    ]
    return find_splits(purchases, current_rule_book())
