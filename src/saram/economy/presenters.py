"""View-models of the economy pages: what a template shows, built from selectors' answers.

Views parse the request and call a selector or a service; the presenter turns the answer into
words and rows (reason codes through `explanations`, suppliers and departments fetched once per
page, never once per row).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from saram.economy import explanations, selectors
from saram.economy.engine import LotPlan, PolicyDecision
from saram.economy.engine.lots import AssumptionCode, PlanNote
from saram.economy.models import BidScope, ContractMethod, PlannedPurchase
from saram.economy.services.rules import rule_index

SCOPE_LABELS = dict(BidScope.choices)


def scope_label(value: str) -> str:
    return str(SCOPE_LABELS.get(value, value))


def method_label(value: str) -> str:
    return str(ContractMethod(value).label)


def lot_reason_data(reasons: Iterable[Any]) -> list[dict[str, Any]]:
    """The engine's lot reasons as stored data (codes and plain parameters)."""
    return [
        {
            "code": r.code.value,
            "params": {k: (v.value if hasattr(v, "value") else v) for k, v in r.params.items()},
        }
        for r in reasons
    ]


def decision_view(decision: PolicyDecision) -> dict[str, Any]:
    """The policy check's answer: method, scope, why, and the firm-class routes with firms."""
    numbers = {s.business_number for s in decision.eligible_suppliers} | {
        s.business_number for o in decision.options for s in o.eligible_suppliers
    }
    registry = selectors.suppliers_by_number(numbers)
    rules = rule_index()
    return {
        "method": method_label(decision.method.value),
        "scope_label": scope_label(decision.scope.value),
        "citations": explanations.citations_in_words(decision.citations, rules),
        "eligible": [
            registry[s.business_number]
            for s in decision.eligible_suppliers
            if s.business_number in registry
        ],
        "options": [
            {
                "label": explanations.label(o.firm_class),
                "method": method_label(o.method.value),
                "citations": explanations.citations_in_words(o.citations, rules),
                "eligible": [
                    registry[s.business_number]
                    for s in o.eligible_suppliers
                    if s.business_number in registry
                ],
            }
            for o in decision.options
        ],
        "notes": [explanations.explain(n) for n in decision.notes],
    }


def purchase_rows(purchases: Sequence[PlannedPurchase]) -> list[dict[str, Any]]:
    """A plan's purchases with their citations and reasons in words."""
    rules = rule_index()
    names = selectors.department_names()
    return [
        {
            "purchase": p,
            "citations": explanations.citations_in_words(p.citations, rules),
            "reasons": explanations.lot_reasons_in_words(p.reasons, names),
            "eligible_count": len(p.eligible_supplier_ids),
        }
        for p in purchases
    ]


def lot_rows(proposal: LotPlan) -> list[dict[str, Any]]:
    """The lot planner's proposal, one row per lot, firms and departments fetched once."""
    names = selectors.department_names()
    registry = selectors.suppliers_by_number(
        {s.business_number for lot in proposal.lots for s in lot.eligible_suppliers}
    )
    rules = rule_index()
    return [
        {
            "lot": lot,
            "department": names.get(lot.department, lot.department),
            "method": method_label(lot.method.value),
            "scope": scope_label(lot.scope.value),
            "citations": explanations.citations_in_words(lot.citations, rules),
            "reasons": explanations.lot_reasons_in_words(lot_reason_data(lot.reasons), names),
            "eligible": [
                registry[s.business_number]
                for s in lot.eligible_suppliers
                if s.business_number in registry
            ],
        }
        for lot in proposal.lots
    ]


def plan_note(code: str) -> str:
    try:
        return explanations.explain(PlanNote(code))
    except ValueError:
        return explanations.explain(code)


def assumption_lines(assumptions: Mapping[str, int]) -> list[str]:
    """A plan's assumptions in words (the registry's local-win rate only when it was used)."""
    lines = []
    for code, value in assumptions.items():
        try:
            key = AssumptionCode(code)
        except ValueError:
            continue
        if key is AssumptionCode.OPEN_BID_LOCAL_WIN_FROM_REGISTRY and not value:
            continue
        if key is AssumptionCode.CITY_LOT_LOCAL_IS_WINNERS_OFFICE and not value:
            continue
        lines.append(
            explanations.explain(key, {"percent": explanations.percent_bp(value), "value": value})
        )
    return lines
