"""Reads of the economy, already limited to what the asking user may see.

Spending, suppliers and plans are city-wide: a capability held anywhere in the city opens them,
and a user without it gets nothing (views answer 403 for lists, 404 for records).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import numpy as np
import polars as pl
from django.core.cache import cache
from django.db.models import Case, Count, Max, Q, QuerySet, Sum, Value, When
from django.db.models.functions import TruncMonth
from django.utils.translation import gettext as _

from saram.core.access import Can, not_found, scope_of
from saram.economy import explanations
from saram.economy.engine import (
    EmployeeSurvey as EngineEmployeeSurvey,
)
from saram.economy.engine import (
    LM3Result,
    SpendLine,
    SplitFlag,
    compute_lm3_by_programme,
    find_splits,
    local_share_report,
)
from saram.economy.engine import (
    SupplierSurvey as EngineSupplierSurvey,
)
from saram.economy.engine.multiplier import SurveyError
from saram.economy.engine.policy import KIND_CODES
from saram.economy.engine.registry import Locality as EngineLocality
from saram.economy.engine.splitting import PurchaseColumns
from saram.economy.models import (
    LOCALITY_CODE_CHOICES,
    Category,
    ContractMethod,
    Department,
    EmployeeSurvey,
    LedgerEntry,
    LedgerImport,
    LedgerTotal,
    PlannedPurchase,
    PolicyRevision,
    Programme,
    ProgrammeDemand,
    PurchasePlan,
    Supplier,
    SupplierSurvey,
    SupportRecord,
    amount_before_vat,
)
from saram.economy.services.rules import current_rule_book, target_share_bp
from saram.economy.services.welfare_spending import (
    WELFARE_CATEGORY_CODE,
    WELFARE_PROGRAMME_PREFIX,
)
from saram.welfare.selectors import served_referrals_by_organisation

__all__ = ["not_found"]

DIMENSIONS = ("department", "programme", "category", "month")


def can_view(user: Any) -> bool:
    """Whoever works with the economy, or reads the city's reports."""
    scope = scope_of(user)
    return (
        scope.can(Can.VIEW_REPORTS)
        or scope.can(Can.MANAGE_ECONOMY)
        or scope.can(Can.MANAGE_SOCIAL_ECONOMY)
    )


def can_manage(user: Any) -> bool:
    return scope_of(user).can(Can.MANAGE_ECONOMY)


def can_view_meals(user: Any) -> bool:
    """School meals: whoever sees the economy, and the nutritionists who plan the meals."""
    return can_view(user) or scope_of(user).can(Can.PLAN_MEALS)


def can_plan_meals(user: Any) -> bool:
    """Menus, substitutions, sourcing runs, orders and deliveries of school meals."""
    scope = scope_of(user)
    return scope.can(Can.MANAGE_ECONOMY) or scope.can(Can.PLAN_MEALS)


def can_manage_suppliers(user: Any) -> bool:
    scope = scope_of(user)
    return scope.can(Can.MANAGE_ECONOMY) or scope.can(Can.MANAGE_SOCIAL_ECONOMY)


# --- Suppliers -----------------------------------------------------------------------------


def suppliers_for(
    user: Any,
    *,
    query: str = "",
    locality: str = "",
    category: str = "",
    social: str = "",
    needs_review: bool | None = None,
) -> QuerySet[Supplier]:
    if not can_view(user):
        return Supplier.objects.none()
    qs = Supplier.objects.select_related("organisation", "organisation__dong").prefetch_related(
        "categories"
    )
    if query:
        qs = qs.filter(
            Q(organisation__name__icontains=query)
            | Q(organisation__business_number=query.replace("-", ""))
        )
    if locality:
        qs = qs.filter(locality=locality)
    if category:
        qs = qs.filter(categories__code=category)
    if social == "any":
        qs = qs.exclude(social_economy_type="")
    elif social:
        qs = qs.filter(social_economy_type=social)
    if needs_review is not None:
        qs = qs.filter(needs_review=needs_review)
    return qs.order_by("organisation__name", "id")


def supplier_for(user: Any, pk: int) -> Supplier:
    supplier = suppliers_for(user).filter(pk=pk).first()
    if supplier is None:
        raise not_found()
    return supplier


def categories() -> QuerySet[Category]:
    return Category.objects.order_by("code")


def departments() -> QuerySet[Department]:
    return Department.objects.order_by("name")


def display_names(model: Any) -> dict[str, str]:
    """A reference table's ids (as text) to the names shown (one query)."""
    return {str(o.id): o.display_name for o in model.objects.all()}


def by_code(model: Any, code: str | None) -> Any:
    """A reference row (category, department, programme) by its code, or None."""
    return model.objects.filter(code=code).first() if code else None


def award_candidates(user: Any, purchase: PlannedPurchase) -> QuerySet[Supplier]:
    """The registry's reviewed suppliers of the purchase's category, by name."""
    if not can_manage(user):
        return Supplier.objects.none()
    return (
        Supplier.objects.filter(categories=purchase.category_id, needs_review=False)
        .select_related("organisation")
        .order_by("organisation__name")
    )


def programme_for(user: Any, pk: int) -> Programme:
    if not can_view(user):
        raise not_found()
    found = Programme.objects.filter(pk=pk).first()
    if found is None:
        raise not_found()
    return found


def department_names() -> dict[str, str]:
    """Department code to the name shown (one query)."""
    return {d.code: d.display_name for d in Department.objects.all()}


def suppliers_by_number(numbers: Iterable[str]) -> dict[str, Supplier]:
    """The registry's suppliers with these 사업자등록번호, by number (one query)."""
    wanted = list(set(numbers))
    if not wanted:
        return {}
    return {
        s.organisation.business_number: s
        for s in Supplier.objects.filter(organisation__business_number__in=wanted).select_related(
            "organisation", "organisation__dong"
        )
    }


def plan_years(user: Any) -> list[int]:
    """The fiscal years that have plans, newest first (one small query)."""
    if not can_view(user):
        return []
    return list(
        PurchasePlan.objects.order_by("-fiscal_year")
        .values_list("fiscal_year", flat=True)
        .distinct()
    )


def programmes() -> QuerySet[Programme]:
    return Programme.objects.select_related("category").order_by("name")


def _jitter(key: str) -> tuple[float, float]:
    """A small, stable offset so that firms of one dong do not sit on one point."""
    digest = hashlib.sha256(key.encode()).digest()
    return (digest[0] - 128) / 128 * 0.004, (digest[1] - 128) / 128 * 0.005


def supplier_map(user: Any, *, category: str = "") -> dict[str, Any]:
    """Suppliers located in a dong of the city as GeoJSON points (at the dong's centroid,
    spread a little), with their categories."""
    features = []
    qs = suppliers_for(user, category=category).filter(organisation__dong__isnull=False)
    for s in qs:
        dong = s.organisation.dong
        dlat, dlng = _jitter(s.organisation.business_number or str(s.pk))
        features.append(
            {
                "type": "Feature",
                "geometry": {
                    "type": "Point",
                    "coordinates": [dong.centroid_lng + dlng, dong.centroid_lat + dlat],
                },
                "properties": {
                    "name": s.organisation.name,
                    "dong": dong.display_name,
                    "categories": [c.display_name for c in s.categories.all()],
                    "category_codes": [c.code for c in s.categories.all()],
                    "social": s.get_social_economy_type_display() if s.social_economy_type else "",
                    "url": f"/economy/suppliers/{s.pk}/",
                },
            }
        )
    return {"type": "FeatureCollection", "features": features}


# --- Ledger --------------------------------------------------------------------------------


def fiscal_years(user: Any) -> list[int]:
    if not can_view(user):
        return []
    return sorted(
        LedgerImport.objects.values_list("fiscal_year", flat=True).distinct(), reverse=True
    )


def ledger_imports_for(user: Any) -> QuerySet[LedgerImport]:
    if not can_view(user):
        return LedgerImport.objects.none()
    return LedgerImport.objects.select_related("imported_by").order_by("-imported_at", "-id")


def ledger_import_for(user: Any, pk: int) -> LedgerImport:
    found = ledger_imports_for(user).filter(pk=pk).first()
    if found is None:
        raise not_found()
    return found


@dataclass(frozen=True)
class LedgerFilter:
    """Which payments: a fiscal year and, optionally, one value of any dimension."""

    fiscal_year: int
    department: int | None = None
    programme: int | None = None
    category: int | None = None
    month: dt.date | None = None
    locality: int | None = None
    supplier: int | None = None


def ledger_for(user: Any, selection: LedgerFilter) -> QuerySet[LedgerEntry]:
    if not can_view(user):
        return LedgerEntry.objects.none()
    qs = LedgerEntry.objects.filter(fiscal_year=selection.fiscal_year)
    for name in ("department", "programme", "category", "supplier"):
        value = getattr(selection, name)
        if value is not None:
            qs = qs.filter(**{f"{name}_id": value})
    if selection.month is not None:
        first = selection.month.replace(day=1)
        after = (first + dt.timedelta(days=32)).replace(day=1)
        qs = qs.filter(paid_on__gte=first, paid_on__lt=after)
    if selection.locality is not None:
        qs = qs.filter(locality=selection.locality)
    return qs.select_related(
        "department", "programme", "category", "supplier__organisation"
    ).order_by("paid_on", "payment_id")


def ledger_total_krw(qs: QuerySet[LedgerEntry]) -> int:
    """The sum of a selection of payments (one query)."""
    return int(qs.order_by().aggregate(s=Sum("amount_krw"))["s"] or 0)


def selection_names(user: Any, selection: LedgerFilter) -> dict[str, Any]:
    """What a selection's ids name, for the page's heading (a few small queries)."""
    if not can_view(user):
        return {}

    def one(model: Any, pk: int | None, *related: str) -> Any:
        return None if pk is None else model.objects.select_related(*related).filter(pk=pk).first()

    return {
        "department": one(Department, selection.department),
        "programme": one(Programme, selection.programme),
        "category": one(Category, selection.category),
        "supplier": one(Supplier, selection.supplier, "organisation"),
        "locality": dict(LOCALITY_CODE_CHOICES).get(selection.locality)
        if selection.locality is not None
        else None,
    }


def split_rows(user: Any, flags: list[SplitFlag]) -> dict[str, list[LedgerEntry]]:
    """The payments behind each split flag, by payment id (one query for all the flags)."""
    if not can_view(user) or not flags:
        return {}
    ids = {pid for f in flags for pid in f.purchase_ids}
    out: dict[str, list[LedgerEntry]] = {}
    for entry in (
        LedgerEntry.objects.filter(payment_id__in=ids)
        .select_related("supplier__organisation")
        .order_by("paid_on")
    ):
        out.setdefault(entry.payment_id, []).append(entry)
    return out


@dataclass(frozen=True)
class ShareRow:
    """Local share and leakage of one group (a department, programme, category or month)."""

    key: Any
    label: str
    row_count: int
    total_krw: int
    in_city_krw: int
    in_province_krw: int
    outside_krw: int
    unknown_krw: int
    leakage_krw: int
    local_share: float | None

    @property
    def local_percent(self) -> float | None:
        return None if self.local_share is None else round(self.local_share * 100, 1)


def _labels(dimension: str) -> dict[Any, str]:
    if dimension == "department":
        return {d.id: d.display_name for d in Department.objects.all()}
    if dimension == "programme":
        return {p.id: p.display_name for p in Programme.objects.all()}
    if dimension == "category":
        return {c.id: c.display_name for c in Category.objects.all()}
    return {}


def _totals_for(user: Any, selection: LedgerFilter) -> QuerySet[LedgerTotal]:
    """The ledger totals of a selection (every filter but the supplier is one of their keys)."""
    if not can_view(user):
        return LedgerTotal.objects.none()
    qs = LedgerTotal.objects.filter(fiscal_year=selection.fiscal_year)
    for name in ("department", "programme", "category"):
        value = getattr(selection, name)
        if value is not None:
            qs = qs.filter(**{f"{name}_id": value})
    if selection.month is not None:
        qs = qs.filter(month=selection.month.replace(day=1))
    if selection.locality is not None:
        qs = qs.filter(locality=selection.locality)
    return qs.order_by()


def _aggregated(user: Any, selection: LedgerFilter, keys: list[str]) -> pl.DataFrame:
    """Sums by (keys, locality): from the ledger totals (a few thousand rows, whatever the
    ledger's size), or from the ledger itself when a supplier is selected."""
    fields = [k if k == "month" else f"{k}_id" for k in keys]
    if selection.supplier is None:
        rows = list(
            _totals_for(user, selection)
            .values(*fields, "locality")
            .annotate(n=Sum("row_count"), amount=Sum("amount_krw"))
            .values_list(*fields, "locality", "n", "amount")
        )
    else:
        qs = ledger_for(user, selection).order_by()
        if "month" in keys:
            qs = qs.annotate(month=TruncMonth("paid_on"))
        rows = list(
            qs.values(*fields, "locality")
            .annotate(n=Count("id"), amount=Sum("amount_krw"))
            .values_list(*fields, "locality", "n", "amount")
        )
    schema: dict[str, Any] = {k: (pl.Date if k == "month" else pl.Int64) for k in keys} | {
        "locality": pl.Int8,
        "n": pl.Int64,
        "amount_krw": pl.Int64,
    }
    frame = pl.DataFrame(rows, schema=schema, orient="row")
    # Groups whose corrections cancel out (a supplier that moved) are not shown.
    return frame.filter(pl.col("n") != 0)


# Sums of one selection, kept per ledger version: the page answers from memory until the ledger
# totals change (an import, a removal, a supplier moved, a rebuild), whatever the process.
SHARE_CACHE_SECONDS = 3600
_SumRow = tuple[Any, int, int, int, int, int, int, int, float | None]


def ledger_version() -> str:
    """A mark that changes whenever the ledger totals change (one indexed query).

    Writers only append to or delete from the totals (a correction is a new row), so the
    pair (row count, last id) never comes back to an earlier value once the data changed.
    """
    found = LedgerTotal.objects.aggregate(n=Count("id"), last=Max("id"))
    return f"{found['n']}.{found['last'] or 0}"


def _share_sums(user: Any, selection: LedgerFilter, by: str) -> list[_SumRow]:
    """The engine's report over the database's sums, as plain tuples (labels are added by the
    caller, so a renamed department shows its new name at once)."""
    frame = _aggregated(user, selection, [by])
    if frame.height == 0:
        return []
    report = local_share_report(frame, by=[by])
    counts = frame.group_by(by).agg(pl.col("n").sum().alias("rows"))
    report = report.join(counts, on=by, how="left", nulls_equal=True)
    return [
        (
            row[by],
            int(row["rows"]),
            int(row["total_krw"]),
            int(row["in_city_krw"] or 0),
            int(row["in_province_krw"] or 0),
            int(row["outside_krw"] or 0),
            int(row["unknown_krw"] or 0),
            int(row["leakage_krw"] or 0),
            row["local_share"],
        )
        for row in report.iter_rows(named=True)
    ]


def local_share(user: Any, selection: LedgerFilter, *, by: str) -> list[ShareRow]:
    """Local share and leakage per value of one dimension (department, programme, category,
    month), by the engine's report over the database's sums; computed once per ledger version
    and selection, then read from the cache."""
    if not can_view(user):
        return []
    if by not in DIMENSIONS:
        by = "department"
    digest = hashlib.sha256(repr((by, selection)).encode()).hexdigest()[:32]
    key = f"saram:economy:share:{ledger_version()}:{digest}"
    sums: list[_SumRow] | None = cache.get(key)
    if sums is None:
        sums = _share_sums(user, selection, by)
        cache.set(key, sums, SHARE_CACHE_SECONDS)
    labels = _labels(by)
    out = [
        ShareRow(
            key=key_,
            label=key_.strftime("%Y-%m") if isinstance(key_, dt.date) else labels.get(key_, "—"),
            row_count=n,
            total_krw=total,
            in_city_krw=in_city,
            in_province_krw=in_province,
            outside_krw=outside,
            unknown_krw=unknown,
            leakage_krw=leakage,
            local_share=share,
        )
        for key_, n, total, in_city, in_province, outside, unknown, leakage, share in sums
    ]
    if by != "month":
        out.sort(key=lambda r: -r.total_krw)
    return out


def total_of(rows: list[ShareRow]) -> ShareRow | None:
    """The whole selection from its rows by any one dimension (each payment is in one row)."""
    if not rows:
        return None
    total = sum(r.total_krw for r in rows)
    in_city = sum(r.in_city_krw for r in rows)
    return ShareRow(
        key=None,
        label="",
        row_count=sum(r.row_count for r in rows),
        total_krw=total,
        in_city_krw=in_city,
        in_province_krw=sum(r.in_province_krw for r in rows),
        outside_krw=sum(r.outside_krw for r in rows),
        unknown_krw=sum(r.unknown_krw for r in rows),
        leakage_krw=sum(r.leakage_krw for r in rows),
        local_share=in_city / total if total else None,
    )


def local_share_total(user: Any, selection: LedgerFilter) -> ShareRow | None:
    return total_of(local_share(user, selection, by="programme"))


def top_leakage(user: Any, selection: LedgerFilter, *, limit: int = 10) -> list[dict[str, Any]]:
    """The suppliers outside the city paid the most: where the money leaves."""
    qs = (
        ledger_for(user, selection)
        .order_by()
        .filter(locality__in=[1, 2])
        .values("supplier_id", "supplier__organisation__name", "supplier__province")
        .annotate(total=Sum("amount_krw"), n=Count("id"))
        .order_by("-total")[:limit]
    )
    return list(qs)


def ledger_split_flags(user: Any, *, fiscal_year: int) -> list[SplitFlag]:
    """Split purchases in a year's ledger: the engine over the year's payments as columns.

    Payments under a contract won by bid are instalments of one purchase, not parts of a
    split; only privately contracted payments (and those whose method is not given) count.
    The caps are VAT-exclusive estimated prices, so each payment counts without its VAT.
    """
    if not can_view(user):
        return []
    rows = list(
        LedgerEntry.objects.filter(fiscal_year=fiscal_year)
        .exclude(method__in=[ContractMethod.OPEN_BID, ContractMethod.RESTRICTED_BID])
        .order_by()
        .values_list(
            "payment_id",
            "department_id",
            "category_id",
            "category__kind",
            "amount_krw",
            "paid_on",
            "vat_basis",
        )
    )
    if len(rows) < 2:
        return []
    ids, departments, categories, kinds, amounts, days, bases = zip(*rows, strict=True)
    amounts = tuple(amount_before_vat(a, b) for a, b in zip(amounts, bases, strict=True))
    kind_index = {k.value: i for i, k in enumerate(KIND_CODES)}
    columns = PurchaseColumns(
        purchase_id=np.array(ids, dtype=np.str_),
        department=np.array([str(d) for d in departments], dtype=np.str_),
        category=np.array([str(c) for c in categories], dtype=np.str_),
        kind=np.array([kind_index[k] for k in kinds], dtype=np.int8),
        amount_krw=np.array(amounts, dtype=np.int64),
        ordered_on=np.array(days, dtype="datetime64[D]"),
    )
    return list(find_splits(columns, current_rule_book()))


# --- Plans ---------------------------------------------------------------------------------


def plans_for(user: Any) -> QuerySet[PurchasePlan]:
    if not can_view(user):
        return PurchasePlan.objects.none()
    return (
        PurchasePlan.objects.select_related("programme", "created_by")
        .annotate(purchase_count=Count("purchases"))
        .order_by("-fiscal_year", "-created_at", "-id")
    )


def plans_of_year_for(user: Any, year: int | None) -> QuerySet[PurchasePlan]:
    """The plans the user may read, of one fiscal year or of all years."""
    found = plans_for(user)
    return found if year is None else found.filter(fiscal_year=year)


def plan_for(user: Any, pk: int) -> PurchasePlan:
    plan = plans_for(user).filter(pk=pk).first()
    if plan is None:
        raise not_found()
    return plan


def purchases_of(plan: PurchasePlan) -> QuerySet[PlannedPurchase]:
    return plan.purchases.select_related(
        "department", "category", "award_supplier__organisation", "plan__programme"
    ).order_by("department__name", "order_on", "reference")


def purchase_for(user: Any, pk: int) -> PlannedPurchase:
    if not can_view(user):
        raise not_found()
    found = (
        PlannedPurchase.objects.select_related(
            "plan", "plan__programme", "department", "category", "award_supplier__organisation"
        )
        .filter(pk=pk)
        .first()
    )
    if found is None:
        raise not_found()
    return found


def purchases_for(user: Any, *, fiscal_year: int | None = None) -> QuerySet[PlannedPurchase]:
    if not can_view(user):
        return PlannedPurchase.objects.none()
    qs = PlannedPurchase.objects.select_related(
        "plan", "plan__programme", "department", "category", "award_supplier__organisation"
    )
    if fiscal_year is not None:
        qs = qs.filter(plan__fiscal_year=fiscal_year)
    return qs.order_by("plan_id", "order_on", "reference")


def demand_for(user: Any, *, programme: Programme, fiscal_year: int) -> QuerySet[ProgrammeDemand]:
    if not can_view(user):
        return ProgrammeDemand.objects.none()
    return (
        ProgrammeDemand.objects.filter(programme=programme, fiscal_year=fiscal_year)
        .select_related("department")
        .order_by("department__name", "quarter", "subject")
    )


def programmes_with_demand() -> set[int]:
    """Ids of the programmes whose demand the city plans (the ones the reports lead with)."""
    return set(ProgrammeDemand.objects.values_list("programme_id", flat=True).distinct())


def default_lot_planning(user: Any, *, today: dt.date) -> tuple[Programme, int] | None:
    """Where the lot planner opens: a programme and a year that has demand, the nearest year
    from this one on (else the latest before it); None when no programme has demand."""
    if not can_view(user):
        return None
    pairs = list(
        ProgrammeDemand.objects.order_by().values_list("programme_id", "fiscal_year").distinct()
    )
    if not pairs:
        return None
    ahead = [p for p in pairs if p[1] >= today.year]
    programme_id, year = (
        min(ahead, key=lambda p: (p[1], p[0])) if ahead else max(pairs, key=lambda p: (p[1], -p[0]))
    )
    return Programme.objects.get(pk=programme_id), year


def demand_years(programme: Programme) -> list[int]:
    return sorted(
        ProgrammeDemand.objects.filter(programme=programme)
        .values_list("fiscal_year", flat=True)
        .distinct(),
        reverse=True,
    )


def policy_revisions_for(user: Any) -> QuerySet[PolicyRevision]:
    if not can_view(user) and not scope_of(user).can(Can.CONFIGURE):
        return PolicyRevision.objects.none()
    return PolicyRevision.objects.select_related("created_by").order_by("-number")


def policy_revision_for(user: Any, number: int) -> PolicyRevision:
    found = policy_revisions_for(user).filter(number=number).first()
    if found is None:
        raise not_found()
    return found


# --- Local multiplier ----------------------------------------------------------------------


@dataclass(frozen=True)
class LM3Report:
    per_programme: tuple[tuple[Programme | None, LM3Result], ...]
    city: LM3Result | None
    supplier_surveys: int
    employee_surveys: int
    problem: str = ""


def _share(bp: int) -> Fraction:
    return Fraction(bp, 10_000)


def lm3_report(user: Any, *, fiscal_year: int) -> LM3Report:
    """LM3 per programme and for the city from the year's spend and the latest surveys."""
    if not can_view(user):
        return LM3Report((), None, 0, 0)
    year_end = dt.date(fiscal_year, 12, 31)
    spend_rows = (
        LedgerEntry.objects.filter(fiscal_year=fiscal_year)
        .order_by()
        .values("programme_id", "supplier_id", "supplier__organisation__business_number")
        .annotate(amount=Sum("amount_krw"), locality=Max("supplier__locality"))
    )
    spend = [
        SpendLine(
            programme=str(r["programme_id"] or ""),
            business_number=r["supplier__organisation__business_number"],
            locality=EngineLocality(r["locality"]),
            amount_krw=int(r["amount"]),
        )
        for r in spend_rows
        if r["amount"]
    ]
    latest: dict[int, SupplierSurvey] = {}
    for s in (
        SupplierSurvey.objects.filter(surveyed_on__lte=year_end)
        .select_related("supplier__organisation")
        .order_by("supplier_id", "-surveyed_on", "-id")
    ):
        latest.setdefault(s.supplier_id, s)
    supplier_surveys = [
        EngineSupplierSurvey(
            business_number=s.supplier.organisation.business_number,
            local_staff_share=_share(s.local_staff_bp),
            local_supplier_share=_share(s.local_supplier_bp),
        )
        for s in latest.values()
    ]
    employee_surveys = [
        EngineEmployeeSurvey(local_spend_share=_share(bp))
        for bp in EmployeeSurvey.objects.filter(surveyed_on__lte=year_end).values_list(
            "local_spend_bp", flat=True
        )
    ]
    if not spend:
        return LM3Report((), None, len(supplier_surveys), len(employee_surveys))
    try:
        per, city = compute_lm3_by_programme(spend, supplier_surveys, employee_surveys)
    except SurveyError as exc:
        return LM3Report(
            (),
            None,
            len(supplier_surveys),
            len(employee_surveys),
            problem=explanations.explain(exc.code, exc.params),
        )
    names = {str(p.id): p for p in Programme.objects.all()}
    return LM3Report(
        tuple((names.get(r.programme), r) for r in per),
        city,
        len(supplier_surveys),
        len(employee_surveys),
    )


def surveys_for(user: Any) -> QuerySet[SupplierSurvey]:
    if not can_view(user):
        return SupplierSurvey.objects.none()
    return SupplierSurvey.objects.select_related("supplier__organisation").order_by(
        "-surveyed_on", "-id"
    )


def latest_surveys_of(user: Any, supplier: Supplier, *, limit: int = 5) -> list[SupplierSurvey]:
    """A firm's latest re-spend surveys, if the user may read surveys."""
    return list(surveys_for(user).filter(supplier=supplier)[:limit])


def employee_surveys_for(user: Any) -> QuerySet[EmployeeSurvey]:
    if not can_view(user):
        return EmployeeSurvey.objects.none()
    return EmployeeSurvey.objects.select_related("supplier__organisation").order_by(
        "-surveyed_on", "-id"
    )


# --- Social economy ------------------------------------------------------------------------


@dataclass(frozen=True)
class SocialEconomyRow:
    supplier: Supplier
    support_krw: int
    support_count: int
    sales_krw: int
    welfare_referrals: int = 0  # welfare referrals the firm served in the year (Part D)


@dataclass(frozen=True)
class PriorityPurchase:
    """Progress on the priority-purchase target: social-economy share of eligible spending."""

    fiscal_year: int
    eligible_krw: int
    social_krw: int
    target_bp: int | None

    @property
    def share_percent(self) -> float:
        return round(self.social_krw * 100 / self.eligible_krw, 2) if self.eligible_krw else 0.0

    @property
    def target_percent(self) -> float | None:
        return None if self.target_bp is None else self.target_bp / 100

    @property
    def target_krw(self) -> int | None:
        return None if self.target_bp is None else self.eligible_krw * self.target_bp // 10_000

    @property
    def progress_percent(self) -> float | None:
        if not self.target_bp or not self.eligible_krw:
            return None
        return round(self.social_krw * 10_000 * 100 / (self.eligible_krw * self.target_bp), 1)


def social_economy_rows(user: Any, *, fiscal_year: int) -> list[SocialEconomyRow]:
    if not can_view(user):
        return []
    suppliers = list(
        Supplier.objects.exclude(social_economy_type="")
        .select_related("organisation", "organisation__dong")
        .order_by("organisation__name")
    )
    support = {
        r["supplier_id"]: r
        for r in SupportRecord.objects.filter(given_on__year=fiscal_year)
        .values("supplier_id")
        .annotate(total=Sum("amount_krw"), n=Count("id"))
    }
    sales = dict(
        LedgerEntry.objects.filter(fiscal_year=fiscal_year, supplier__in=suppliers)
        .order_by()
        .values("supplier_id")
        .annotate(total=Sum("amount_krw"))
        .values_list("supplier_id", "total")
    )
    referrals: dict[int, int] = {}
    for r in welfare_referrals(user, fiscal_year=fiscal_year):
        referrals[r.supplier.pk] = referrals.get(r.supplier.pk, 0) + r.served
    return [
        SocialEconomyRow(
            supplier=s,
            support_krw=int((support.get(s.id) or {}).get("total") or 0),
            support_count=int((support.get(s.id) or {}).get("n") or 0),
            sales_krw=int(sales.get(s.id) or 0),
            welfare_referrals=referrals.get(s.id, 0),
        )
        for s in suppliers
    ]


# --- Welfare money counted as local circulation ---------------------------------------------


@dataclass(frozen=True)
class WelfareReferrals:
    supplier: Supplier
    programme_code: str  # the welfare programme's code
    programme_label: str
    served: int


def welfare_referrals(user: Any, *, fiscal_year: int) -> list[WelfareReferrals]:
    """Welfare referrals that social enterprises and cooperatives of the registry served in a
    year, per firm and welfare programme (aggregates from the welfare app; no case, no person)."""
    if not can_view(user):
        return []
    rows = served_referrals_by_organisation(year=fiscal_year)
    suppliers = {
        s.organisation_id: s
        for s in Supplier.objects.filter(
            organisation_id__in={r["resource__organisation_id"] for r in rows}
        )
        .exclude(social_economy_type="")
        .select_related("organisation")
    }
    return [
        WelfareReferrals(
            supplier=suppliers[r["resource__organisation_id"]],
            programme_code=str(r["case__programme"] or ""),
            programme_label=r["programme_label"],
            served=int(r["served"]),
        )
        for r in rows
        if r["resource__organisation_id"] in suppliers
    ]


@dataclass(frozen=True)
class WelfareCirculation:
    """One welfare programme's money in the local economy: what the city paid providers for
    services bought for its cases (local share, LM3) and the referrals social-economy firms
    served. Linked to the programme, never to a person."""

    label: str
    spent_krw: int
    in_city_krw: int
    local_percent: float | None
    lm3: float | None
    referrals: int
    firms: int  # social-economy firms that served its referrals


def welfare_circulation(
    user: Any, *, fiscal_year: int, report: LM3Report, shares: Mapping[Any, ShareRow]
) -> list[WelfareCirculation]:
    """Part D: per welfare programme, its spending's local share and LM3 (from the ledger rows
    entered under the programme) beside the referrals social-economy firms served. `report`
    and `shares` (the year's local share by programme) are the page's own, not read again."""
    if not can_view(user):
        return []
    programmes = {
        p.pk: p for p in Programme.objects.filter(code__startswith=WELFARE_PROGRAMME_PREFIX)
    }
    lm3 = {p.pk: r.lm3 for p, r in report.per_programme if p is not None and p.pk in programmes}
    by_code: dict[str, dict[str, Any]] = {}
    for pk, programme in programmes.items():
        code = programme.code.removeprefix(WELFARE_PROGRAMME_PREFIX)
        share = shares.get(pk)
        if share is None and pk not in lm3:
            continue
        by_code[code] = {
            "label": programme.display_name,
            "spent_krw": share.total_krw if share else 0,
            "in_city_krw": share.in_city_krw if share else 0,
            "local_percent": share.local_percent if share else None,
            "lm3": round(lm3[pk], 2) if pk in lm3 else None,
            "referrals": 0,
            "firms": set(),
        }
    for r in welfare_referrals(user, fiscal_year=fiscal_year):
        entry = by_code.setdefault(
            r.programme_code,
            {
                "label": _("동네복지: %(programme)s") % {"programme": r.programme_label},
                "spent_krw": 0,
                "in_city_krw": 0,
                "local_percent": None,
                "lm3": None,
                "referrals": 0,
                "firms": set(),
            },
        )
        entry["referrals"] += r.served
        entry["firms"].add(r.supplier.pk)
    rows = [
        WelfareCirculation(**(entry | {"firms": len(entry["firms"])})) for entry in by_code.values()
    ]
    return sorted(rows, key=lambda r: (-r.spent_krw, -r.referrals, r.label))


def priority_purchase(user: Any, *, fiscal_year: int) -> PriorityPurchase | None:
    """Social-economy spending against the target; eligible spending is goods and services."""
    if not can_view(user):
        return None
    eligible = LedgerEntry.objects.filter(
        fiscal_year=fiscal_year, category__kind__in=["goods", "services"]
    ).order_by()
    totals = eligible.aggregate(
        all=Sum("amount_krw"),
        social=Sum("amount_krw", filter=~Q(supplier__social_economy_type="")),
    )
    return PriorityPurchase(
        fiscal_year=fiscal_year,
        eligible_krw=int(totals["all"] or 0),
        social_krw=int(totals["social"] or 0),
        target_bp=target_share_bp(on=dt.date(fiscal_year, 12, 31)),
    )


def support_for(user: Any, *, supplier: Supplier | None = None) -> QuerySet[SupportRecord]:
    if not can_view(user):
        return SupportRecord.objects.none()
    qs = SupportRecord.objects.select_related("supplier__organisation")
    if supplier is not None:
        qs = qs.filter(supplier=supplier)
    return qs.order_by("-given_on", "-id")


def supplier_sales(user: Any, supplier: Supplier) -> list[dict[str, Any]]:
    """A supplier's sales to the city per fiscal year."""
    if not can_view(user):
        return []
    return list(
        LedgerEntry.objects.filter(supplier=supplier)
        .order_by()
        .values("fiscal_year")
        .annotate(total=Sum("amount_krw"), n=Count("id"))
        .order_by("-fiscal_year")
    )


# --- Welfare purchases, one at a time -------------------------------------------------------


def welfare_purchases(user: Any, *, fiscal_year: int) -> QuerySet[LedgerEntry]:
    """Payments for services bought for welfare cases in a year, newest first (programme and
    provider only: a welfare purchase names no person)."""
    if not can_view(user):
        return LedgerEntry.objects.none()
    return (
        LedgerEntry.objects.filter(
            fiscal_year=fiscal_year, programme__code__startswith=WELFARE_PROGRAMME_PREFIX
        )
        .select_related("programme", "supplier__organisation", "department", "category")
        .order_by("-paid_on", "-id")
    )


def welfare_purchase_for(user: Any, pk: int) -> LedgerEntry:
    """One welfare purchase; any other ledger row, or a reader without the economy, is 404."""
    if not can_view(user):
        raise not_found()
    found = (
        LedgerEntry.objects.filter(pk=pk, programme__code__startswith=WELFARE_PROGRAMME_PREFIX)
        .select_related("programme", "supplier__organisation")
        .first()
    )
    if found is None:
        raise not_found()
    return found


def welfare_providers() -> QuerySet[Supplier]:
    """Suppliers a welfare service may be bought from: the registry's social-economy
    organisations first, then firms registered for social services."""
    return (
        Supplier.objects.filter(
            ~Q(social_economy_type="")
            | Q(
                pk__in=Supplier.categories.through.objects.filter(
                    category__code=WELFARE_CATEGORY_CODE
                ).values("supplier_id")
            )
        )
        .exclude(organisation__business_number__isnull=True)
        .exclude(organisation__business_number="")
        .select_related("organisation")
        .order_by(
            Case(When(social_economy_type="", then=Value(1)), default=Value(0)),
            "organisation__name",
        )
    )
