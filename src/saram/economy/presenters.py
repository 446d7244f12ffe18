"""View-models of the economy pages: what a template shows, built from selectors' answers.

Views parse the request and call a selector or a service; the presenter turns the answer into
words and rows (reason codes through `explanations`, suppliers and departments fetched once per
page, never once per row).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from enum import StrEnum
from typing import Any

from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _

from saram.economy import explanations, selectors
from saram.economy.engine import LotPlan, PolicyDecision
from saram.economy.engine.lots import AssumptionCode, PlanNote
from saram.economy.engine.policy import BidScope as Reach
from saram.economy.engine.policy import FirmClass, Layer, LotDimension, RuleEffect
from saram.economy.engine.policy import PurchaseKind as RuleKind
from saram.economy.models import BidScope, ContractMethod, PlannedPurchase, PolicyRevision
from saram.economy.models import PurchaseKind as KindChoice
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


def _rule_words(rule: Mapping[str, Any]) -> dict[str, str]:
    """One stored rule as a person reads it: what it does, to what, up to what amount."""
    parts: list[str] = []
    kinds = [str(KindChoice(k).label) for k in rule.get("kinds", []) if k in KindChoice.values]
    if kinds:
        parts.append(", ".join(kinds))
    if rule.get("firm_class"):
        parts.append(explanations.label(FirmClass(rule["firm_class"])))
    if rule.get("scope"):
        parts.append(_("입찰 참가: %(scope)s") % {"scope": scope_label(rule["scope"])})
    if rule.get("limit_krw") is not None:
        limit = explanations.won(int(rule["limit_krw"]))
        parts.append(
            _("%(limit)s원 이하") % {"limit": limit}
            if rule.get("limit_inclusive", True)
            else _("%(limit)s원 미만") % {"limit": limit}
        )
    if rule.get("single_quote_limit_krw") is not None:
        parts.append(
            _("1인 견적 %(limit)s원 이하")
            % {"limit": explanations.won(int(rule["single_quote_limit_krw"]))}
        )
    if rule.get("window") == "fiscal_year":
        parts.append(_("합산 기간: %(period)s") % {"period": explanations.split_period(366)})
    elif rule.get("window_days"):
        parts.append(
            _("합산 기간: %(period)s")
            % {"period": explanations.split_period(int(rule["window_days"]))}
        )
    if rule.get("dimensions"):
        names = [explanations.label(LotDimension(d)) for d in rule["dimensions"]]
        parts.append(_("나눌 수 있는 단위: %(units)s") % {"units": ", ".join(names)})
    if rule.get("target_share_bp") is not None:
        parts.append(
            _("목표 %(percent)s") % {"percent": explanations.percent_bp(rule["target_share_bp"])}
        )
    return {
        "name": explanations.label(RuleEffect(rule["effect"])),
        "what": " · ".join(parts),
        "source": str(rule.get("source", "")),
    }


def revision_view(revision: PolicyRevision) -> dict[str, Any]:
    """A saved revision of the rules in words: each layer's versions, dates, sources, rules."""
    layers = []
    for layer, data in ((Layer.LAW, revision.law), (Layer.CITY, revision.city)):
        layers.append(
            {
                "label": explanations.label(layer),
                "title": str(data.get("title", "")),
                "versions": [
                    {
                        "effective_from": v.get("effective_from"),
                        "effective_to": v.get("effective_to"),
                        "source": v.get("source", ""),
                        "rules": [_rule_words(r) for r in v.get("rules", [])],
                    }
                    for v in data.get("versions", [])
                ],
            }
        )
    author = revision.created_by
    return {
        "revision": revision,
        "layers": layers,
        "author": (author.get_full_name() or _("이름 없는 사용자")) if author else _("기본 규칙"),
    }


def _krw(value: int) -> str:
    return f"{value:,}"


def _share_bar(r: selectors.ShareRow, in_city_label: str) -> str:
    """One row's bar (in the city, the province, outside, unknown) as safe HTML."""
    parts = format_html_join(
        "",
        '<span class="{}" style="width:{}%"></span>',
        (
            (name, round(part * 100 / r.total_krw))
            for name, part in (
                ("in_city", r.in_city_krw),
                ("in_province", r.in_province_krw),
                ("outside", r.outside_krw),
                ("unknown", r.unknown_krw),
            )
        ),
    )
    return format_html(
        '<div class="sharebar" role="img" aria-label="{} {}%">{}</div>',
        in_city_label,
        r.local_percent,
        parts,
    )


def share_table(rows: Sequence[selectors.ShareRow], *, by: str, year: int) -> list[dict[str, Any]]:
    """The local-share table's rows as text: money grouped, the drill-down link and the bar's
    widths worked out once here (the page shows up to a few hundred rows per request)."""
    base = reverse("economy:ledger_rows") + f"?year={year}&{by}="
    in_city_label = _("시내")
    out = []
    for r in rows:
        key = r.key.isoformat() if isinstance(r.key, dt.date) else ("" if r.key is None else r.key)
        out.append(
            {
                "label": r.label,
                "url": f"{base}{key}",
                "row_count": _krw(r.row_count),
                "total": _krw(r.total_krw),
                "in_city": _krw(r.in_city_krw),
                "in_province": _krw(r.in_province_krw),
                "outside": _krw(r.outside_krw),
                "leakage": _krw(r.leakage_krw),
                "local_percent": "—" if r.local_percent is None else str(r.local_percent),
                "bar": _share_bar(r, in_city_label) if r.total_krw else "",
            }
        )
    return out


# --- The local multiplier (LM3) page ---------------------------------------------------------


def multiplier_rows(
    report: Any, shares: Mapping[Any, Any], focus: Iterable[int]
) -> list[dict[str, Any]]:
    """One row per programme: its LM3 rounds beside its local share; the programmes the city
    plans purchases for first, then by first-round spending."""
    focus = set(focus)
    rows = []
    for programme, result in report.per_programme:
        share = shares.get(programme.pk if programme else None)
        rows.append(
            {
                "programme": programme,
                "result": result,
                "lm3": round(result.lm3, 2),
                "local_percent": share.local_percent if share else None,
                "focus": bool(programme and programme.pk in focus),
            }
        )
    rows.sort(key=lambda r: (not r["focus"], -r["result"].round1_krw))
    return rows


def multiplier_export_rows(rows: Iterable[Mapping[str, Any]]) -> Iterable[tuple[Any, ...]]:
    """The LM3 table's rows as the export writes them (a generator: the export may stream)."""
    return (
        (
            r["programme"].name if r["programme"] else "",
            "" if r["local_percent"] is None else r["local_percent"],
            r["lm3"],
            r["result"].round1_krw,
            r["result"].round2_krw,
            r["result"].round3_krw,
            r["result"].surveyed_spend_krw,
        )
        for r in rows
    )


def multiplier_chart(rows: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    return {
        "labels": [r["programme"].display_name if r["programme"] else "—" for r in rows],
        "lm3": [r["lm3"] for r in rows],
        "local": [r["local_percent"] or 0 for r in rows],
        "lm3_label": "LM3",
        "local_label": _("지역 비율 (%)"),
    }


def lm3_assumption_lines(report: Any) -> list[str]:
    """What the city's LM3 assumes where surveys are missing, in words."""
    if report.city is None:
        return []
    return [
        explanations.explain(a.code, {"percent": explanations.percent_bp(float(a.value) * 10_000)})
        for a in report.city.assumptions
    ]


# --- Rules and lots ----------------------------------------------------------------------------


def _words(enum: type[StrEnum], value: Any) -> str:
    """An engine value by its short name; a value the engine does not know stays as it is."""
    try:
        return explanations.label(enum(value))
    except ValueError:
        return str(value)


def _rule_labels(rule: Mapping[str, Any]) -> dict[str, Any]:
    """A stored rule's effect, purchase kinds, firm class, bid scope and lot dimensions in
    words (never the rule book's codes on the page)."""
    return {
        "effect_label": explanations.label(RuleEffect(rule["effect"])),
        "kinds_label": ", ".join(_words(RuleKind, k) for k in rule.get("kinds") or []),
        "applies_label": " ".join(
            [
                *([_words(FirmClass, rule["firm_class"])] if rule.get("firm_class") else []),
                *([_words(Reach, rule["scope"])] if rule.get("scope") else []),
                *(
                    [", ".join(_words(LotDimension, d) for d in rule["dimensions"])]
                    if rule.get("dimensions")
                    else []
                ),
            ]
        ),
    }


def rule_layers(law: Mapping[str, Any], city: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Both rule layers with their versions in date order and each rule's effect in words."""
    layers = []
    for layer, data in ((Layer.LAW, law), (Layer.CITY, city)):
        versions = [
            v | {"rules_shown": [r | _rule_labels(r) for r in v.get("rules", [])]}
            for v in sorted(data.get("versions", []), key=lambda v: v["effective_from"])
        ]
        layers.append(
            {
                "layer": layer.value,
                "label": explanations.label(layer),
                "title": data.get("title", ""),
                "note": data.get("note", ""),
                "versions": versions,
            }
        )
    return layers


def lot_proposal_words(proposal: LotPlan | None, history_bp: int | None) -> dict[str, Any]:
    """The lot planner's sentences: the open-bid history, the proposal's assumptions and notes."""
    return {
        "history_percent": explanations.percent_bp(history_bp) if history_bp is not None else "",
        "assumptions": assumption_lines(
            {a.code.value: a.value for a in proposal.assumptions} if proposal else {}
        ),
        "notes": [explanations.explain(n) for n in proposal.notes] if proposal else [],
    }
