"""The lot planner: a programme's yearly demand cut into lawful lots local firms can win.

The engine proposes the lots (never an unlawful split, by construction); saving re-plans on the
server, checks the lots against every other order of the same departments, and keeps each lot
as a planned purchase with its method, eligible local firms and the reasons it is lawful.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from decimal import Decimal, InvalidOperation
from typing import Any, BinaryIO

from django.db import transaction
from django.db.models import Q, Sum
from django.utils.translation import gettext as _

from saram.core import audit
from saram.core.access import Can, scope_of
from saram.core.errors import RowError, SaramError
from saram.core.imports import (
    CellError,
    Column,
    ImportSpec,
    Upload,
    read_table,
    register_spec,
    rejected,
    typed_rows,
)
from saram.core.models import AuditAction
from saram.core.services.exports import write_table_file
from saram.economy import explanations
from saram.economy.engine import (
    DemandLine,
    Lot,
    LotAssumptions,
    LotPlan,
    LotPlanError,
    LotReasonCode,
    find_splits,
    plan_lots,
)
from saram.economy.engine import (
    Programme as LotProgramme,
)
from saram.economy.engine.policy import PurchaseKind as EngineKind
from saram.economy.models import (
    ContractMethod,
    Department,
    LedgerEntry,
    PlannedPurchase,
    PlanSource,
    Programme,
    ProgrammeDemand,
    PurchasePlan,
    Stage,
    Supplier,
)
from saram.economy.services.plans import describe_flag, existing_purchases
from saram.economy.services.policy import citation_data
from saram.economy.services.rules import current_revision, current_rule_book
from saram.economy.services.suppliers import policy_suppliers


@dataclass(frozen=True)
class LotSettings:
    """What the planner may change: the assumptions behind the expected local share."""

    bid_award_ratio_bp: int = 9_000
    open_bid_local_win_bp: int | None = None
    order_day_of_quarter: int = 10

    def engine(self) -> LotAssumptions:
        return LotAssumptions(
            bid_award_ratio_bp=self.bid_award_ratio_bp,
            order_day_of_quarter=self.order_day_of_quarter,
            open_bid_local_win_bp=self.open_bid_local_win_bp,
        )


def _engine_programme(programme: Programme, fiscal_year: int) -> LotProgramme:
    if programme.category is None:
        raise SaramError("economy_programme_no_category", name=programme.name)
    lines = tuple(
        DemandLine(library=code, subject=subject, quarter=quarter, amount_krw=amount)
        for code, subject, quarter, amount in ProgrammeDemand.objects.filter(
            programme=programme, fiscal_year=fiscal_year
        )
        .order_by("department__code", "quarter", "subject")
        .values_list("department__code", "subject", "quarter", "amount_krw")
    )
    return LotProgramme(
        programme_id=programme.code,
        department=programme.department.code if programme.department else programme.code,
        category=programme.category.code,
        kind=EngineKind(programme.category.kind),
        fiscal_year=fiscal_year,
        lines=lines,
    )


def propose_lots(
    *, by: Any, programme: Programme, fiscal_year: int, settings: LotSettings = LotSettings()
) -> LotPlan:
    """The engine's lots for a programme's demand in a year (nothing is saved)."""
    scope = scope_of(by)
    if not (scope.can(Can.MANAGE_ECONOMY) or scope.can(Can.VIEW_REPORTS)):
        scope.require(Can.MANAGE_ECONOMY)
    return _plan(programme, fiscal_year, settings)


def open_bid_history_bp(programme: Programme) -> int | None:
    """What firms in the city won of the programme's category in open national bids, from the
    ledger (basis points); None when the ledger holds no such bid."""
    if programme.category is None:
        return None
    totals = (
        LedgerEntry.objects.filter(category=programme.category, method=ContractMethod.OPEN_BID)
        .order_by()
        .aggregate(all=Sum("amount_krw"), local=Sum("amount_krw", filter=Q(locality=0)))
    )
    if not totals["all"]:
        return None
    return int((totals["local"] or 0) * 10_000 // totals["all"])


def open_bid_baseline(programme: Programme, settings: LotSettings) -> LotSettings:
    """The one answer to "what would an open national bid leave in the city?" that the page,
    the API and the saved plan all use: the planner's own figure, else the ledger's history of
    open bids for the category, else (in the engine) the registry's share of city firms."""
    if settings.open_bid_local_win_bp is not None:
        return settings
    return replace(settings, open_bid_local_win_bp=open_bid_history_bp(programme))


def _plan(programme: Programme, fiscal_year: int, settings: LotSettings) -> LotPlan:
    if not 1 <= settings.bid_award_ratio_bp <= 10_000:
        raise SaramError("economy_bad_award_ratio", low=0, high=100)
    if settings.open_bid_local_win_bp is not None and not (
        0 <= settings.open_bid_local_win_bp <= 10_000
    ):
        raise SaramError("economy_bad_local_win", low=0, high=100)
    settings = open_bid_baseline(programme, settings)
    try:
        return plan_lots(
            _engine_programme(programme, fiscal_year),
            current_rule_book(),
            policy_suppliers(),
            settings.engine(),
        )
    except LotPlanError as exc:
        raise SaramError(
            exc.code.value, explanations.lazy_explain(exc.code, exc.params), params=dict(exc.params)
        ) from exc


def _reason_data(lot: Lot) -> list[dict[str, Any]]:
    return [
        {
            "code": r.code.value,
            "params": {k: str(v) if hasattr(v, "value") else v for k, v in r.params.items()},
        }
        for r in lot.reasons
    ]


def lot_title(programme: Programme, lot: Lot, departments: Mapping[str, Department]) -> str:
    """A lot's title: programme, ordering library, quarters and subjects."""
    department = departments.get(lot.department)
    where = department.name if department else lot.department
    quarters = ",".join(str(q) for q in lot.quarters)
    if lot.is_remainder:
        return _("%(programme)s %(where)s 발주 후 잔액") % {
            "programme": programme.name,
            "where": where,
        }
    return _("%(programme)s %(where)s %(quarters)s분기 (%(subjects)s)") % {
        "programme": programme.name,
        "where": where,
        "quarters": quarters,
        "subjects": ", ".join(lot.subjects),
    }


def save_lot_plan(
    *, by: Any, programme: Programme, fiscal_year: int, settings: LotSettings = LotSettings()
) -> PurchasePlan:
    """Plan the lots again on the server and save them as a plan; refused with the evidence if
    a lot would split with another order of the same department already planned or paid."""
    scope_of(by).require(Can.MANAGE_ECONOMY)
    return store_lot_plan(by=by, programme=programme, fiscal_year=fiscal_year, settings=settings)


def store_lot_plan(
    *, by: Any, programme: Programme, fiscal_year: int, settings: LotSettings
) -> PurchasePlan:
    """`save_lot_plan` without the permission check: for the demo loader and other services
    that have checked it already."""
    lot_plan = _plan(programme, fiscal_year, settings)
    category = programme.category
    assert category is not None  # propose_lots refuses a programme without one
    codes = {lot.department for lot in lot_plan.lots}
    departments = {d.code: d for d in Department.objects.filter(code__in=codes)}
    unknown = sorted(codes - set(departments))
    if unknown:
        raise SaramError("economy_unknown_departments", codes=", ".join(unknown))
    numbers = {s.business_number for lot in lot_plan.lots for s in lot.eligible_suppliers}
    supplier_ids = dict(
        Supplier.objects.filter(organisation__business_number__in=numbers).values_list(
            "organisation__business_number", "id"
        )
    )
    rules = current_rule_book()
    with transaction.atomic():
        list(
            Department.objects.select_for_update().filter(
                pk__in=[d.pk for d in departments.values()]
            )
        )
        # Planning the lots again replaces the programme's earlier lot plan for the year, as long
        # as none of its lots has gone out to tender.
        previous = PurchasePlan.objects.filter(
            programme=programme, fiscal_year=fiscal_year, source=PlanSource.LOTS
        )
        if PlannedPurchase.objects.filter(plan__in=previous).exclude(stage=Stage.PLANNING).exists():
            raise SaramError(
                "lots_tendered",
                year=fiscal_year,
            )
        replaced = list(previous.values_list("pk", flat=True))
        previous.delete()
        # The plan's lots with the departments' other orders: the engine must find no split.
        others = []
        for lot in lot_plan.lots:
            window = rules.split_window_days(lot.order_on, EngineKind(category.kind))
            others += existing_purchases(
                department=departments[lot.department],
                category=category,
                around=lot.order_on,
                window_days=window,
            )
        unique_others = list({p.purchase_id: p for p in others}.values())
        new = lot_plan.as_purchases(category.code, EngineKind(category.kind))
        new_ids = {p.purchase_id for p in new}
        # Only splits the new lots take part in: older orders answer for themselves.
        flags = tuple(
            f for f in find_splits([*new, *unique_others], rules) if new_ids & set(f.purchase_ids)
        )
        if flags:
            names = {d.code: d.display_name for d in departments.values()}
            evidence = [
                describe_flag(f, departments=names, categories={category.code: category.name})
                for f in flags
            ]
            raise SaramError(
                "unlawful_split",
                params={"evidence": evidence, "evidence_text": " ".join(evidence)},
            )
        plan = PurchasePlan.objects.create(
            title=_("%(programme)s %(year)s년 분할 발주")
            % {
                "programme": programme.name,
                "year": fiscal_year,
            },
            fiscal_year=fiscal_year,
            source=PlanSource.LOTS,
            programme=programme,
            policy_revision=current_revision(),
            planned_krw=lot_plan.planned_krw,
            expected_local_krw=lot_plan.expected_local_krw,
            status_quo_local_krw=lot_plan.status_quo_local_krw,
            assumptions={a.code.value: a.value for a in lot_plan.assumptions},
            notes=[n.value for n in lot_plan.notes],
            created_by=by,
        )
        PlannedPurchase.objects.bulk_create(
            [
                PlannedPurchase(
                    plan=plan,
                    reference=lot.lot_id,
                    title=lot_title(programme, lot, departments)[:200],
                    department=departments[lot.department],
                    category=category,
                    kind=category.kind,
                    amount_krw=lot.amount_krw,
                    order_on=lot.order_on,
                    is_remainder=lot.is_remainder,
                    method=lot.method.value,
                    scope=lot.scope.value,
                    citations=citation_data(lot.citations),
                    reasons=_reason_data(lot),
                    eligible_supplier_ids=[
                        supplier_ids[s.business_number]
                        for s in lot.eligible_suppliers
                        if s.business_number in supplier_ids
                    ],
                    expected_local_krw=lot.expected_local_krw,
                    libraries=[
                        departments[c].name if c in departments else c for c in lot.libraries
                    ],
                    subjects=list(lot.subjects),
                    quarters=list(lot.quarters),
                )
                for lot in lot_plan.lots
            ]
        )
        audit.record(
            actor=by,
            action=AuditAction.CREATE,
            target_type="economy.plan",
            target_id=plan.pk,
            purpose=_("분할 발주 계획 저장"),
            detail={
                "programme": programme.code,
                "fiscal_year": fiscal_year,
                "lots": len(lot_plan.lots),
                "planned_krw": lot_plan.planned_krw,
                "replaced_plans": replaced,
            },
        )
    return plan


# --- Demand --------------------------------------------------------------------------------


def parse_quarter(text: str) -> int:
    """ "1", "1분기" or "Q1" → 1; a column parser of the demand file."""
    value = text.strip().removesuffix("분기").removeprefix("Q").removeprefix("q")
    if value not in {"1", "2", "3", "4"}:
        raise CellError("economy_bad_quarter")
    return int(value)


def parse_amount_krw(text: str) -> int:
    """A whole, positive number of won ("1,250,000" allowed); a column parser."""
    cleaned = text.replace(",", "").strip()
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise CellError("economy_demand_amount_not_number") from None
    if value != value.to_integral_value():
        raise CellError("economy_amount_not_whole")
    if value <= 0:
        raise CellError("economy_amount_not_positive")
    return int(value)


DEMAND_COLUMNS = (
    Column("부서", str),
    Column("분야", str),
    Column("분기", parse_quarter),
    Column("금액", parse_amount_krw),
)
DEMAND_SPEC = register_spec(ImportSpec("economy_demand", DEMAND_COLUMNS))


def import_demand(*, by: Any, programme: Programme, fiscal_year: int, upload: Upload) -> int:
    """Replace a programme's demand for a year from a file (부서, 분야, 분기, 금액); all or
    nothing. Departments are matched by name or code."""
    scope_of(by).require(Can.MANAGE_ECONOMY)
    table = read_table(upload, DEMAND_SPEC)
    rows, errors = typed_rows(table, DEMAND_SPEC)
    departments = {d.name: d for d in Department.objects.all()} | {
        d.code: d for d in Department.objects.all()
    }
    seen: dict[tuple[str, str, int], int] = {}
    for row in rows:
        n = row["_row"]
        if row["부서"] and row["부서"] not in departments:
            errors.append(RowError(n, "부서", value=row["부서"], code="economy_unknown_department"))
        key = (row["부서"], row["분야"], row["분기"])
        if None not in key and key in seen:
            errors.append(
                RowError(n, "분야", code="economy_demand_repeated", params={"row": seen[key]})
            )
        seen.setdefault(key, n)  # type: ignore[arg-type]
    if errors:
        raise rejected(errors, table=table.frame, spec=DEMAND_SPEC)
    with transaction.atomic():
        ProgrammeDemand.objects.filter(programme=programme, fiscal_year=fiscal_year).delete()
        ProgrammeDemand.objects.bulk_create(
            [
                ProgrammeDemand(
                    programme=programme,
                    fiscal_year=fiscal_year,
                    department=departments[row["부서"]],
                    subject=row["분야"],
                    quarter=row["분기"],
                    amount_krw=row["금액"],
                )
                for row in rows
            ]
        )
        audit.record(
            actor=by,
            action=AuditAction.IMPORT,
            target_type="economy.demand",
            target_id=programme.pk,
            purpose=_("사업 수요 가져오기"),
            detail={"fiscal_year": fiscal_year, "rows": len(rows), "file": upload.filename},
        )
    return len(rows)


LOT_EXPORT_HEADERS = (
    "번호",
    "건명",
    "부서",
    "분야",
    "분기",
    "추정가격(원)",
    "발주예정일",
    "발주후잔액",
    "계약방법",
    "입찰참가지역",
    "자격있는지역업체수",
    "예상지역지출(원)",
    "근거",
    "적법한이유",
)


def lot_rows(plan: PurchasePlan) -> list[tuple[Any, ...]]:
    """A saved plan's lots as table rows (the reasons in words, in the current language)."""
    rows = []
    for p in plan.purchases.select_related("department").order_by(
        "department__name", "order_on", "reference"
    ):
        reasons = " ".join(
            explanations.explain(_lot_code(r["code"]), r.get("params", {})) for r in p.reasons
        )
        citations = "; ".join(f"{c['rule_id']} ({c['source']})" for c in p.citations)
        rows.append(
            (
                p.reference,
                p.title,
                p.department.name,
                ", ".join(p.subjects),
                ", ".join(str(q) for q in p.quarters),
                p.amount_krw,
                p.order_on.isoformat(),
                "Y" if p.is_remainder else "N",
                p.get_method_display(),
                p.get_scope_display(),
                len(p.eligible_supplier_ids),
                p.expected_local_krw if p.expected_local_krw is not None else "",
                citations,
                reasons,
            )
        )
    return rows


def _lot_code(code: str) -> Any:
    try:
        return LotReasonCode(code)
    except ValueError:
        return code


def export_lots(*, by: Any, plan: PurchasePlan, fmt: str) -> BinaryIO:
    """A plan's lots as CSV or XLSX (audited)."""
    content = write_table_file(LOT_EXPORT_HEADERS, lot_rows(plan), fmt)
    audit.record(
        actor=by,
        action=AuditAction.EXPORT,
        target_type="economy.plan",
        target_id=plan.pk,
        purpose=_("분할 발주 내보내기"),
        detail={"format": fmt},
    )
    return content
