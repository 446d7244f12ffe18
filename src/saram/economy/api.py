"""The economy JSON API (/api/economy/): the same selectors and services as the pages."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping, Sequence
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.urls import reverse
from ninja import File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import LimitOffsetPagination, paginate

from saram.core.access import Can, scope_of
from saram.core.bounds import Year
from saram.core.errors import SaramError
from saram.core.imports import keep_upload, refuse_oversized
from saram.core.services import jobs
from saram.economy import explanations, selectors
from saram.economy.engine import LotPlan, PolicyDecision
from saram.economy.engine.policy import Citation
from saram.economy.models import Category, ContractMethod, Department, Programme, Supplier
from saram.economy.presenters import lot_reason_data
from saram.economy.selectors import LedgerFilter
from saram.economy.services import lots, ocds, plans, policy
from saram.economy.services.rules import current_rules, rule_index
from saram.economy.tasks import import_ledger_task

router = Router(tags=["economy"])


def _require_view(request: HttpRequest) -> None:
    if not selectors.can_view(request.user):
        raise PermissionDenied("economy")


class SupplierOut(Schema):
    id: int
    business_number: str
    name: str
    address: str
    dong_code: str | None
    locality: str
    province: str
    municipality: str
    social_economy_type: str
    is_sme: bool
    categories: list[str]
    needs_review: bool


def _supplier_out(s: Supplier) -> dict[str, Any]:
    org = s.organisation
    return {
        "id": s.pk,
        "business_number": org.business_number,
        "name": org.name,
        "address": org.address,
        "dong_code": org.dong.code if org.dong else None,
        "locality": s.locality,
        "province": s.province,
        "municipality": s.municipality,
        "social_economy_type": s.social_economy_type,
        "is_sme": s.is_sme,
        "categories": [c.code for c in s.categories.all()],
        "needs_review": s.needs_review,
    }


@router.get("/suppliers", response=list[SupplierOut])
@paginate(LimitOffsetPagination)
def list_suppliers(
    request: HttpRequest,
    q: str = "",
    locality: str = "",
    category: str = "",
    social: str = "",
) -> Any:
    _require_view(request)
    qs = selectors.suppliers_for(
        request.user, query=q, locality=locality, category=category, social=social
    )
    return [_supplier_out(s) for s in qs]


@router.get("/suppliers/{supplier_id}", response=SupplierOut)
def get_supplier(request: HttpRequest, supplier_id: int) -> Any:
    return _supplier_out(selectors.supplier_for(request.user, supplier_id))


class ShareRowOut(Schema):
    key: str | None
    label: str
    row_count: int
    total_krw: int
    in_city_krw: int
    in_province_krw: int
    outside_krw: int
    unknown_krw: int
    leakage_krw: int
    local_share: float | None


class LocalShareOut(Schema):
    fiscal_year: int
    by: str
    total: ShareRowOut | None
    rows: list[ShareRowOut]


def _share_out(r: selectors.ShareRow) -> dict[str, Any]:
    key = r.key.isoformat() if isinstance(r.key, dt.date) else r.key
    return {
        "key": None if key is None else str(key),
        "label": r.label,
        "row_count": r.row_count,
        "total_krw": r.total_krw,
        "in_city_krw": r.in_city_krw,
        "in_province_krw": r.in_province_krw,
        "outside_krw": r.outside_krw,
        "unknown_krw": r.unknown_krw,
        "leakage_krw": r.leakage_krw,
        "local_share": r.local_share,
    }


@router.get("/ledger/local-share", response=LocalShareOut)
def local_share(request: HttpRequest, year: Year, by: str = "department") -> Any:
    """Local share and leakage of a fiscal year by department, programme, category or month."""
    _require_view(request)
    if by not in selectors.DIMENSIONS:
        by = "department"
    selection = LedgerFilter(fiscal_year=year)
    total = selectors.local_share_total(request.user, selection)
    return {
        "fiscal_year": year,
        "by": by,
        "total": _share_out(total) if total else None,
        "rows": [_share_out(r) for r in selectors.local_share(request.user, selection, by=by)],
    }


class SplitOut(Schema):
    department: str
    category: str
    payment_ids: list[str]
    total_krw: int
    largest_part_krw: int
    threshold_krw: int
    threshold_rule: str
    threshold_source: str
    threshold_layer: str  # law or city: which rule layer the flag rests on
    window: str  # fiscal_year or days
    window_days: int
    first_on: dt.date
    last_on: dt.date
    evidence: str


@router.get("/ledger/splits", response=list[SplitOut])
def ledger_splits(request: HttpRequest, year: Year) -> Any:
    """Privately contracted payments that together cross a threshold none of them crosses."""
    _require_view(request)
    departments = selectors.display_names(Department)
    categories = selectors.display_names(Category)
    return [
        {
            "department": departments.get(f.department, f.department),
            "category": categories.get(f.category, f.category),
            "payment_ids": list(f.purchase_ids),
            "total_krw": f.total_krw,
            "largest_part_krw": f.largest_part_krw,
            "threshold_krw": f.threshold.cap_krw,
            "threshold_rule": f.threshold.rule_id,
            "threshold_source": f.threshold.source,
            "threshold_layer": f.threshold.layer.value,
            "window": f.window.value,
            "window_days": f.window_days,
            "first_on": f.first_on,
            "last_on": f.last_on,
            "evidence": plans.describe_flag(f, departments=departments, categories=categories),
        }
        for f in selectors.ledger_split_flags(request.user, fiscal_year=year)
    ]


class LedgerImportOut(Schema):
    id: int
    filename: str
    source: str
    fiscal_year: int
    row_count: int
    total_krw: int
    imported_at: dt.datetime


@router.get("/ledger/imports", response=list[LedgerImportOut])
@paginate(LimitOffsetPagination)
def list_ledger_imports(request: HttpRequest) -> Any:
    """The ledger files accepted so far, newest first."""
    _require_view(request)
    return list(selectors.ledger_imports_for(request.user))


class JobOut(Schema):
    id: uuid.UUID
    status: str
    url: str


@router.post("/ledger/imports", response={202: JobOut})
def import_ledger(request: HttpRequest, fiscal_year: Form[Year], file: File[UploadedFile]) -> Any:
    """Start importing a ledger file (CSV, XLSX or OCDS JSON); follow the job's page."""
    scope_of(request.user).require(Can.MANAGE_ECONOMY)
    refuse_oversized(request)
    job = jobs.start_job(
        by=request.user,
        kind="economy.ledger",
        label="지출 자료 가져오기",
        params={"fiscal_year": fiscal_year},
        enqueue=import_ledger_task.enqueue,
        upload=keep_upload(file, file.name or "ledger.csv"),
    )
    job.refresh_from_db()
    return Status(
        202,
        {"id": job.pk, "status": job.status, "url": reverse("economy:ledger_job", args=[job.pk])},
    )


class CitationOut(Schema):
    rule_id: str
    layer: str
    version_id: str
    source: str
    reason: str
    why: str


class FirmOut(Schema):
    business_number: str
    name: str
    locality: str


class RouteOut(Schema):
    """A firm-class route the page shows: e.g. private contract with a social enterprise."""

    firm_class: str
    firm_class_label: str
    method: str
    method_label: str
    eligible_suppliers: list[FirmOut]
    citations: list[CitationOut]


class DecisionOut(Schema):
    method: str
    method_label: str
    scope: str
    eligible_suppliers: list[FirmOut]
    citations: list[CitationOut]
    options: list[RouteOut]
    notes: list[str]


class PurchaseRequestIn(Schema):
    category: str
    estimated_amount_krw: int
    requested_on: dt.date
    department: str = ""
    is_remainder: bool = False


def _citations_out(
    citations: Sequence[Citation], rules: Mapping[tuple[str, str], Mapping[str, Any]]
) -> list[dict[str, Any]]:
    keys = ("rule_id", "layer", "version_id", "source", "reason", "why")
    return [
        {k: worded[k] for k in keys} for worded in explanations.citations_in_words(citations, rules)
    ]


def _firms_out(suppliers: Sequence[Any]) -> list[dict[str, Any]]:
    return [
        {"business_number": s.business_number, "name": s.name, "locality": s.locality.value}
        for s in suppliers
    ]


def _decision_out(decision: PolicyDecision) -> dict[str, Any]:
    rules = rule_index()
    return {
        "method": decision.method.value,
        "method_label": str(ContractMethod(decision.method.value).label),
        "scope": decision.scope.value,
        "eligible_suppliers": _firms_out(decision.eligible_suppliers),
        "citations": _citations_out(decision.citations, rules),
        "options": [
            {
                "firm_class": o.firm_class.value,
                "firm_class_label": explanations.label(o.firm_class),
                "method": o.method.value,
                "method_label": str(ContractMethod(o.method.value).label),
                "eligible_suppliers": _firms_out(o.eligible_suppliers),
                "citations": _citations_out(o.citations, rules),
            }
            for o in decision.options
        ],
        "notes": [explanations.explain(n) for n in decision.notes],
    }


@router.get("/policy/check", response=DecisionOut)
def check_purchase(request: HttpRequest, payload: Query[PurchaseRequestIn]) -> Any:
    """The contract method, bid restriction, eligible local suppliers and rules applied to one
    purchase request (a read: nothing is saved)."""
    _require_view(request)
    category = selectors.by_code(Category, payload.category)
    if category is None:
        raise SaramError("economy_unknown_category", category=payload.category)
    department = selectors.by_code(Department, payload.department)
    decision = policy.check_purchase(
        by=request.user,
        category=category,
        amount_krw=payload.estimated_amount_krw,
        department=department,
        requested_on=payload.requested_on,
        is_remainder=payload.is_remainder,
    )
    return _decision_out(decision)


class RulesOut(Schema):
    revision: int | None
    law: dict[str, Any]
    city: dict[str, Any]


@router.get("/policy/rules", response=RulesOut)
def rules(request: HttpRequest) -> Any:
    """The rules in force, both layers, as data."""
    scope = scope_of(request.user)
    if not (selectors.can_view(request.user) or scope.can(Can.CONFIGURE)):
        raise PermissionDenied("economy")
    law, city, revision = current_rules()
    return {"revision": revision.number if revision else None, "law": law, "city": city}


class PurchaseOut(Schema):
    id: int
    reference: str
    title: str
    department: str
    category: str
    amount_krw: int
    order_on: dt.date
    is_remainder: bool
    method: str
    scope: str
    stage: str
    expected_local_krw: int | None
    citations: list[dict[str, str]]
    reasons: list[str]


class PlanOut(Schema):
    id: int
    title: str
    fiscal_year: int
    source: str
    planned_krw: int
    expected_local_krw: int | None
    status_quo_local_krw: int | None


class PlanDetailOut(PlanOut):
    purchases: list[PurchaseOut]


def _plan_out(p: Any) -> dict[str, Any]:
    return {
        "id": p.pk,
        "title": p.title,
        "fiscal_year": p.fiscal_year,
        "source": p.source,
        "planned_krw": p.planned_krw,
        "expected_local_krw": p.expected_local_krw,
        "status_quo_local_krw": p.status_quo_local_krw,
    }


@router.get("/plans", response=list[PlanOut])
def list_plans(request: HttpRequest, year: Year | None = None) -> Any:
    _require_view(request)
    return [_plan_out(p) for p in selectors.plans_of_year_for(request.user, year)]


@router.get("/plans/{plan_id}", response=PlanDetailOut)
def get_plan(request: HttpRequest, plan_id: int) -> Any:
    plan = selectors.plan_for(request.user, plan_id)
    names = selectors.department_names()
    return _plan_out(plan) | {
        "purchases": [
            {
                "id": p.pk,
                "reference": p.reference,
                "title": p.title,
                "department": p.department.code,
                "category": p.category.code,
                "amount_krw": p.amount_krw,
                "order_on": p.order_on,
                "is_remainder": p.is_remainder,
                "method": p.method,
                "scope": p.scope,
                "stage": p.stage,
                "expected_local_krw": p.expected_local_krw,
                "citations": p.citations,
                "reasons": explanations.lot_reasons_in_words(p.reasons, names),
            }
            for p in selectors.purchases_of(plan)
        ]
    }


@router.get("/plans/{plan_id}/ocds")
def plan_ocds(request: HttpRequest, plan_id: int) -> Any:
    """The plan's purchases as an OCDS 1.1 release package (planning, tender, award)."""
    plan = selectors.plan_for(request.user, plan_id)
    return ocds.release_package(by=request.user, purchases=selectors.purchases_of(plan))


class LotsIn(Schema):
    programme: str
    fiscal_year: Year
    bid_award_ratio_bp: int = 9_000
    open_bid_local_win_bp: int | None = None


class LotOut(Schema):
    lot_id: str
    department: str
    subjects: list[str]
    quarters: list[int]
    amount_krw: int
    order_on: dt.date
    is_remainder: bool
    method: str
    scope: str
    eligible_suppliers: list[str]
    expected_local_krw: int
    citations: list[CitationOut]
    reasons: list[str]


class LotPlanOut(Schema):
    programme: str
    planned_krw: int
    expected_local_krw: int
    status_quo_local_krw: int
    lots: list[LotOut]


def _lot_plan_out(plan: LotPlan) -> dict[str, Any]:
    rules = rule_index()
    names = selectors.department_names()
    return {
        "programme": plan.programme_id,
        "planned_krw": plan.planned_krw,
        "expected_local_krw": plan.expected_local_krw,
        "status_quo_local_krw": plan.status_quo_local_krw,
        "lots": [
            {
                "lot_id": lot.lot_id,
                "department": lot.department,
                "subjects": list(lot.subjects),
                "quarters": list(lot.quarters),
                "amount_krw": lot.amount_krw,
                "order_on": lot.order_on,
                "is_remainder": lot.is_remainder,
                "method": lot.method.value,
                "scope": lot.scope.value,
                "eligible_suppliers": [s.business_number for s in lot.eligible_suppliers],
                "expected_local_krw": lot.expected_local_krw,
                "citations": _citations_out(lot.citations, rules),
                "reasons": explanations.lot_reasons_in_words(lot_reason_data(lot.reasons), names),
            }
            for lot in plan.lots
        ],
    }


@router.get("/lots", response=LotPlanOut)
def propose_lots(request: HttpRequest, payload: Query[LotsIn]) -> Any:
    """Lawful lots for a programme's demand in a year; nothing is saved."""
    programme = selectors.by_code(Programme, payload.programme)
    if programme is None:
        raise SaramError("economy_unknown_programme", programme=payload.programme)
    plan = lots.propose_lots(
        by=request.user,
        programme=programme,
        fiscal_year=payload.fiscal_year,
        settings=lots.LotSettings(
            bid_award_ratio_bp=payload.bid_award_ratio_bp,
            open_bid_local_win_bp=payload.open_bid_local_win_bp,
        ),
    )
    return _lot_plan_out(plan)


class LM3Out(Schema):
    programme: str
    round1_krw: int
    round2_krw: int
    round3_krw: int
    lm3: float
    assumptions: list[str]


class MultiplierOut(Schema):
    fiscal_year: int
    city: LM3Out | None
    programmes: list[LM3Out]


def _lm3_out(name: str, r: Any) -> dict[str, Any]:
    return {
        "programme": name,
        "round1_krw": r.round1_krw,
        "round2_krw": r.round2_krw,
        "round3_krw": r.round3_krw,
        "lm3": round(r.lm3, 4),
        "assumptions": [
            explanations.explain(a.code, {"percent": explanations.percent_bp(float(a.value) * 1e4)})
            for a in r.assumptions
        ],
    }


@router.get("/lm3", response=MultiplierOut)
def multiplier(request: HttpRequest, year: Year) -> Any:
    """LM3 per programme and for the city, with the assumptions the surveys forced."""
    _require_view(request)
    report = selectors.lm3_report(request.user, fiscal_year=year)
    return {
        "fiscal_year": year,
        "city": _lm3_out("", report.city) if report.city else None,
        "programmes": [_lm3_out(p.code if p else "", r) for p, r in report.per_programme],
    }


class SocialEconomyOut(Schema):
    fiscal_year: int
    eligible_krw: int
    social_krw: int
    target_bp: int | None
    progress_percent: float | None
    organisations: list[dict[str, Any]]


@router.get("/social-economy", response=SocialEconomyOut)
def social_economy(request: HttpRequest, year: Year) -> Any:
    """The priority-purchase progress and each social-economy organisation's support and sales."""
    _require_view(request)
    progress = selectors.priority_purchase(request.user, fiscal_year=year)
    assert progress is not None
    return {
        "fiscal_year": year,
        "eligible_krw": progress.eligible_krw,
        "social_krw": progress.social_krw,
        "target_bp": progress.target_bp,
        "progress_percent": progress.progress_percent,
        "organisations": [
            {
                "id": r.supplier.pk,
                "name": r.supplier.name,
                "type": r.supplier.social_economy_type,
                "support_krw": r.support_krw,
                "sales_krw": r.sales_krw,
            }
            for r in selectors.social_economy_rows(request.user, fiscal_year=year)
        ],
    }
