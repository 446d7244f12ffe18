"""The policy's answer for one purchase: the rules in force and the registry's suppliers."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from saram.core.access import Can, scope_of
from saram.core.errors import SaramError
from saram.economy import explanations
from saram.economy.engine import (
    PolicyDecision,
    PolicyError,
    PurchaseKind,
    PurchaseRequest,
    evaluate,
)
from saram.economy.engine.policy import Citation, Layer, ReasonCode
from saram.economy.models import Category, Department, PlannedPurchase
from saram.economy.services.rules import current_rule_book
from saram.economy.services.suppliers import policy_suppliers


def citations_of(purchase: PlannedPurchase) -> tuple[Citation, ...]:
    """The engine's citations of a planned purchase, from what it stored."""
    return tuple(
        Citation(
            rule_id=c["rule_id"],
            layer=Layer(c["layer"]),
            version_id=c["version_id"],
            source=c["source"],
            reason=ReasonCode(c["reason"]),
        )
        for c in purchase.citations
    )


def citation_data(citations: Iterable[Citation]) -> list[dict[str, str]]:
    """Citations as JSON-ready dicts, for storing with a purchase."""
    return [
        {
            "rule_id": c.rule_id,
            "layer": c.layer.value,
            "version_id": c.version_id,
            "source": c.source,
            "reason": c.reason.value,
        }
        for c in citations
    ]


def check_purchase(
    *,
    by: Any,
    category: Category,
    amount_krw: int,
    department: Department | None,
    requested_on: dt.date,
    is_remainder: bool = False,
) -> PolicyDecision:
    """The engine's answer for one purchase request, with the registry's local suppliers."""
    (decision,) = check_purchases(
        by=by,
        category=category,
        department=department,
        requests=[(amount_krw, requested_on)],
        is_remainder=is_remainder,
    )
    return decision


def check_purchases(
    *,
    by: Any,
    category: Category,
    department: Department | None,
    requests: Iterable[tuple[int, dt.date]],
    is_remainder: bool = False,
) -> list[PolicyDecision]:
    """The engine's answers for purchases of one category, as (amount, requested on): the rule
    book and the registry's local suppliers are read once for all of them."""
    scope = scope_of(by)
    if not (
        scope.can(Can.MANAGE_ECONOMY) or scope.can(Can.VIEW_REPORTS) or scope.can(Can.PLAN_MEALS)
    ):
        scope.require(Can.MANAGE_ECONOMY)
    book = current_rule_book()
    suppliers = policy_suppliers(category=category.code)
    decisions = []
    for amount_krw, requested_on in requests:
        request = PurchaseRequest(
            category=category.code,
            estimated_amount_krw=amount_krw,
            department=department.code if department else "",
            requested_on=requested_on,
            kind=PurchaseKind(category.kind),
            is_remainder=is_remainder,
        )
        try:
            decisions.append(evaluate(request, book, suppliers))
        except PolicyError as exc:
            raise SaramError(
                exc.code.value,
                explanations.lazy_explain(exc.code, exc.params),
                params=dict(exc.params),
            ) from exc
    return decisions
