"""School meals: menus in, a sourcing plan out, orders through the policy engine, deliveries
tracked against the plan.

The optimiser (`economy.engine.sourcing`) runs in a task with a progress bar; this module reads
the year's demand and offers from the database in a few set-based queries, stores the plan, and
turns it into purchase orders whose contract method and citations come from the rule book.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Container
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

import numpy as np
from django.db import transaction
from django.db.models import F, Q, Sum
from django.utils import timezone, translation
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
from saram.core.services import jobs
from saram.economy import errors_meals  # noqa: F401  (registers the codes raised here)
from saram.economy.engine import sourcing
from saram.economy.models import (
    Category,
    FarmOffer,
    Ingredient,
    Locality,
    MealDelivery,
    MealOrder,
    MenuItem,
    Recipe,
    RecipeIngredient,
    RunStatus,
    School,
    SchoolKind,
    SchoolMonth,
    SourcingLine,
    SourcingRun,
    SourcingSubstitution,
    Substitution,
    Supplier,
    TradeoffPoint,
)
from saram.economy.services.policy import check_purchase, citation_data

MONTHS = tuple(range(1, 13))
BUSINESS_NUMBER = "사업자등록번호"
CURVE_POINTS = 8


def _require(by: Any) -> None:
    """The meals' planning work: the procurement officer or a nutritionist."""
    scope = scope_of(by)
    if not scope.can(Can.PLAN_MEALS):
        scope.require(Can.MANAGE_ECONOMY)


def _unknown_codes(
    rows: list[dict[str, Any]],
    errors: list[RowError],
    *,
    column: str,
    known: Container[str],
    code: str,
    width: int = 40,
) -> None:
    """A row error for each row whose `column` names a code not in `known` (a missing value is
    the pipeline's own error already). Business numbers are compared without hyphens."""
    for row in rows:
        value = row[column]
        if value is None:
            continue
        key = value.replace("-", "") if column == BUSINESS_NUMBER else value
        if key not in known:
            errors.append(RowError(row["_row"], column, value=str(key)[:width], code=code))


# --- Demand --------------------------------------------------------------------------------


def meal_days(year: int) -> dict[str, np.ndarray]:
    """Pupil-meal days per school kind and month (pupils × meal days, summed over schools)."""
    out = {kind.value: np.zeros(12) for kind in SchoolKind}
    rows = (
        SchoolMonth.objects.filter(year=year)
        .values("school__kind", "month")
        .annotate(total=Sum(F("meal_days") * F("school__pupils")))
    )
    for row in rows:
        out[row["school__kind"]][row["month"] - 1] += float(row["total"] or 0)
    return out


def demand_kg(year: int) -> dict[str, np.ndarray]:
    """Kilograms of each ingredient per month: menus × recipes × pupil-meal days."""
    days = meal_days(year)
    grams = defaultdict(lambda: defaultdict(float))  # recipe → ingredient code → g per serving
    for recipe_id, code, g in RecipeIngredient.objects.values_list(
        "recipe_id", "ingredient__code", "grams_per_serving"
    ):
        grams[recipe_id][code] = float(g)
    out: dict[str, np.ndarray] = defaultdict(lambda: np.zeros(12))
    for kind, month, recipe_id, times in MenuItem.objects.filter(year=year).values_list(
        "school_kind", "month", "recipe_id", "servings_per_meal_day"
    ):
        servings = days[kind][month - 1] * float(times)
        for code, g in grams[recipe_id].items():
            out[code][month - 1] += servings * g / 1000.0
    return dict(out)


@dataclass(frozen=True)
class GoalInput:
    local_weight: int = 100
    cost_weight: int = 0
    distance_weight: int = 0
    min_local_share_pct: int | None = None
    budget_krw: int | None = None


def build_problem(year: int, goal: GoalInput) -> sourcing.Problem:
    """The year's sourcing problem as plain data for the engine."""
    demand = demand_kg(year)
    ingredients = tuple(
        sourcing.Ingredient(
            code=code,
            group=group,
            required_certifications=frozenset([cert]) if cert else frozenset(),
        )
        for code, group, cert in Ingredient.objects.values_list(
            "code", "group", "required_certification"
        )
    )
    offers = []
    rows = FarmOffer.objects.filter(year=year).values_list(
        "supplier_id",
        "ingredient__code",
        "price_krw_per_kg",
        "capacity_kg",
        "supplier__locality",
        "supplier__farm__distance_km",
        "supplier__farm__certifications",
    )
    for supplier_id, code, price, capacity, locality, distance, certs in rows:
        offers.append(
            sourcing.Offer(
                supplier=str(supplier_id),
                ingredient=code,
                price_krw_per_kg=int(price),
                capacity_kg=tuple(float(c) for c in capacity),
                locality=sourcing.Locality(locality),
                distance_km=float(distance or 0),
                certifications=frozenset(certs or ()),
            )
        )
    subs = tuple(
        sourcing.Substitution(original=o, substitute=s, max_share=pct / 100)
        for o, s, pct in Substitution.objects.values_list(
            "original__code", "substitute__code", "max_share_pct"
        )
    )
    return sourcing.Problem(
        months=tuple(f"{year}-{m:02d}" for m in MONTHS),
        ingredients=ingredients,
        demand_kg={code: tuple(row.tolist()) for code, row in demand.items()},
        offers=tuple(offers),
        substitutions=subs,
        budget_krw=goal.budget_krw,
        goal=sourcing.Goal(
            local_weight=goal.local_weight / 100,
            cost_weight=goal.cost_weight / 100,
            distance_weight=goal.distance_weight / 100,
            min_local_share=(
                goal.min_local_share_pct / 100 if goal.min_local_share_pct is not None else None
            ),
        ),
    )


# --- Runs ----------------------------------------------------------------------------------


def start_run(
    *,
    by: Any,
    year: int,
    category: Category,
    goal: GoalInput,
    enqueue: Callable[[str], object],
) -> SourcingRun:
    """Queue an optimisation of the year's sourcing; the worker solves it with progress."""
    _require(by)
    if not MenuItem.objects.filter(year=year).exists():
        raise SaramError("meals_no_menu", year=year)
    if not FarmOffer.objects.filter(year=year).exists():
        raise SaramError("meals_no_offers", year=year)
    total = goal.local_weight + goal.cost_weight + goal.distance_weight
    if total <= 0:
        raise SaramError("meals_no_goal")
    with transaction.atomic():
        run = SourcingRun.objects.create(
            year=year,
            category=category,
            local_weight=goal.local_weight,
            cost_weight=goal.cost_weight,
            distance_weight=goal.distance_weight,
            min_local_share_pct=goal.min_local_share_pct,
            budget_krw=goal.budget_krw,
            created_by=by,
        )
        job = jobs.start_job(
            by=by,
            kind="sourcing",
            label=f"sourcing {year}",
            params={"run": run.pk},
            enqueue=enqueue,
        )
        SourcingRun.objects.filter(pk=run.pk).update(job=job)
        run.job = job
        audit.record(
            actor=by,
            action=AuditAction.CREATE,
            target_type="sourcing_run",
            target_id=run.pk,
            purpose=_("학교급식 조달 계획 계산"),
            detail={"year": year},
        )
    return run


def solve_run(run_id: int, *, progress: Callable[[int, int], None] | None = None) -> SourcingRun:
    """Solve a queued run and store its plan and trade-off curve (the task calls this)."""
    run = SourcingRun.objects.get(pk=run_id)
    SourcingRun.objects.filter(pk=run_id).update(status=RunStatus.RUNNING)
    goal = GoalInput(
        local_weight=run.local_weight,
        cost_weight=run.cost_weight,
        distance_weight=run.distance_weight,
        min_local_share_pct=run.min_local_share_pct,
        budget_krw=run.budget_krw,
    )
    problem = build_problem(run.year, goal)
    steps = 1 + CURVE_POINTS
    try:
        plan = sourcing.solve(problem, time_limit_s=60)
        if progress:
            progress(1, steps)
        curve = sourcing.tradeoff_curve(
            problem,
            points=CURVE_POINTS,
            progress=(lambda done, _total: progress(1 + done, steps)) if progress else None,
        )
    except Exception:
        SourcingRun.objects.filter(pk=run_id).update(status=RunStatus.FAILED)
        raise
    names = dict(Ingredient.objects.values_list("code", "id"))
    demand_total = float(sum(sum(v) for v in problem.demand_kg.values()))
    with transaction.atomic():
        SourcingLine.objects.filter(run_id=run_id).delete()
        SourcingSubstitution.objects.filter(run_id=run_id).delete()
        TradeoffPoint.objects.filter(run_id=run_id).delete()
        SourcingLine.objects.bulk_create(
            [
                SourcingLine(
                    run_id=run_id,
                    supplier_id=int(p.supplier),
                    ingredient_id=names[p.ingredient],
                    month=p.month + 1,
                    kg=p.kg,
                    cost_krw=p.cost_krw,
                    is_local=p.is_local,
                )
                for p in plan.purchases
            ],
            batch_size=2000,
        )
        SourcingSubstitution.objects.bulk_create(
            [
                SourcingSubstitution(
                    run_id=run_id,
                    original_id=names[u.original],
                    substitute_id=names[u.substitute],
                    month=u.month + 1,
                    kg=u.kg,
                )
                for u in plan.substitutions
            ]
        )
        TradeoffPoint.objects.bulk_create(
            [
                TradeoffPoint(
                    run_id=run_id,
                    floor_pct=round(pt.min_local_share * 100, 2),
                    local_share=pt.local_share,
                    total_cost_krw=pt.total_cost_krw,
                    local_cost_krw=pt.local_cost_krw,
                    feasible=pt.feasible,
                )
                for pt in curve
            ]
        )
        SourcingRun.objects.filter(pk=run_id).update(
            status=RunStatus(plan.status.value),
            total_cost_krw=plan.total_cost_krw,
            local_cost_krw=plan.local_cost_krw,
            demand_kg=demand_total,
            binding=[_binding_data(b, problem) for b in plan.binding[:50]],
            model_rows=plan.size.rows,
            model_columns=plan.size.columns,
            model_nonzeros=plan.size.nonzeros,
            seconds=plan.seconds,
        )
    run.refresh_from_db()
    return run


def _binding_data(b: sourcing.Binding, problem: sourcing.Problem) -> dict[str, Any]:
    return {
        "code": b.code.value,
        "ingredient": b.ingredient,
        "month": b.month + 1 if b.month >= 0 else None,
        "needed": b.needed,
        "available": b.available,
        "supplier": b.supplier,
    }


# --- Orders --------------------------------------------------------------------------------


def issue_orders(*, by: Any, run: SourcingRun, on: dt.date) -> list[MealOrder]:
    """Turn a plan into one supply contract per supplier for the year, each decided by the rule
    book on the year's whole amount (a recurring need is not cut into parts).

    Orders are issued once per run: issuing again answers with the orders already made.
    """
    _require(by)
    if run.status not in (RunStatus.OPTIMAL, RunStatus.TIME_LIMIT):
        raise SaramError("meals_plan_not_usable")
    with transaction.atomic():
        locked = SourcingRun.objects.select_for_update().get(pk=run.pk)
        if MealOrder.objects.filter(run=locked).exists():
            return list(MealOrder.objects.filter(run=locked))
        sums = (
            SourcingLine.objects.filter(run=locked)
            .values("supplier_id")
            .annotate(total=Sum("cost_krw"))
            .values_list("supplier_id", "total")
        )
        orders = []
        for supplier_id, amount in sums:
            if not amount or amount <= 0:
                continue
            decision = check_purchase(
                by=by,
                category=locked.category,
                amount_krw=int(amount),
                department=None,
                requested_on=on,
            )
            orders.append(
                MealOrder(
                    run=locked,
                    supplier_id=supplier_id,
                    amount_krw=int(amount),
                    method=decision.method.value,
                    scope=decision.scope.value,
                    citations=citation_data(decision.citations),
                    issued_by=by,
                )
            )
        MealOrder.objects.bulk_create(orders)
        audit.record(
            actor=by,
            action=AuditAction.CREATE,
            target_type="meal_orders",
            target_id=locked.pk,
            purpose=_("학교급식 발주"),
            detail={"orders": len(orders), "on": on.isoformat()},
        )
    return list(MealOrder.objects.filter(run=run))


# --- Imports -------------------------------------------------------------------------------


def _positive_decimal(text: str) -> Decimal:
    try:
        value = Decimal(text.replace(",", ""))
    except InvalidOperation:
        raise CellError("meals_not_number") from None
    if value <= 0:
        raise CellError("meals_not_positive")
    return value


def _named_codes(model: Any) -> Callable[[], list[str]]:
    """The codes a column accepts, each with its name in the reader's language: the template's
    list of allowed values, so a nutritionist need not look codes up elsewhere."""

    def codes() -> list[str]:
        english = (translation.get_language() or "ko").startswith("en")
        rows = model.objects.order_by("code").values_list("code", "name", "name_en")
        return [
            f"{code} ({(name_en if english and name_en else name)})" for code, name, name_en in rows
        ]

    return codes


def _month(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise CellError("meals_bad_month") from None
    if not 1 <= value <= 12:
        raise CellError("meals_bad_month")
    return value


def _kind(text: str) -> str:
    by_label = {str(k.label): k.value for k in SchoolKind}
    if text in by_label:
        return by_label[text]
    if text in SchoolKind.values:
        return text
    raise CellError("meals_bad_school_kind")


MENU_SPEC = register_spec(
    ImportSpec(
        "economy_menus",
        (
            Column("월", _month, example="3"),
            Column("학교급", _kind, example="초등학교"),
            Column("메뉴코드", example="bibimbap"),
            Column("메뉴", example="전주비빔밥"),
            Column("식재료코드", example="rice", allowed=_named_codes(Ingredient)),
            Column("1인분g", _positive_decimal, example="90"),
            Column("급식일당횟수", _positive_decimal, example="0.1"),
        ),
    )
)
MENU_COLUMNS = MENU_SPEC.columns


def import_menus(*, by: Any, upload: Upload, year: int) -> int:
    """A term's menus (one row per dish × ingredient) replace that year's months they name.

    All or nothing: an unknown ingredient, a quantity not above zero, a dish with no servings
    or a month outside 1–12 rejects the file with every bad row listed.
    """
    _require(by)
    table = read_table(upload, MENU_SPEC)
    rows, errors = typed_rows(table, MENU_SPEC)
    known = dict(Ingredient.objects.values_list("code", "id"))
    _unknown_codes(rows, errors, column="식재료코드", known=known, code="meals_unknown_ingredient")
    if errors:
        raise rejected(errors, table=table.frame, spec=MENU_SPEC)
    with transaction.atomic():
        recipes: dict[str, Recipe] = {}
        for row in rows:
            code = row["메뉴코드"]
            if code not in recipes:
                recipes[code], _created = Recipe.objects.update_or_create(
                    code=code, defaults={"name": row["메뉴"]}
                )
        months = {row["월"] for row in rows}
        MenuItem.objects.filter(year=year, month__in=months).delete()
        RecipeIngredient.objects.filter(recipe__in=recipes.values()).delete()
        seen_lines: set[tuple[str, str]] = set()
        lines = []
        for row in rows:
            key = (row["메뉴코드"], row["식재료코드"])
            if key in seen_lines:
                continue
            seen_lines.add(key)
            lines.append(
                RecipeIngredient(
                    recipe=recipes[row["메뉴코드"]],
                    ingredient_id=known[row["식재료코드"]],
                    grams_per_serving=row["1인분g"],
                )
            )
        RecipeIngredient.objects.bulk_create(lines)
        items: dict[tuple[int, str, str], MenuItem] = {}
        for row in rows:
            key = (row["월"], row["학교급"], row["메뉴코드"])
            items[key] = MenuItem(
                year=year,
                month=row["월"],
                school_kind=row["학교급"],
                recipe=recipes[row["메뉴코드"]],
                servings_per_meal_day=row["급식일당횟수"],
                uploaded_by=by,
            )
        MenuItem.objects.bulk_create(items.values())
        audit.record(
            actor=by,
            action=AuditAction.IMPORT,
            target_type="menus",
            purpose=_("학교급식 식단 가져오기"),
            detail={"year": year, "rows": len(rows), "dishes": len(recipes)},
        )
    return len(rows)


def _capacity(text: str) -> Decimal:
    """Capacity in kilograms; a value with a unit other than kg is refused (t, g, 톤)."""
    cleaned = text.replace(",", "").strip().lower()
    for unit in ("kg",):
        cleaned = cleaned.removesuffix(unit).strip()
    if any(u in cleaned for u in ("t", "g", "톤", "그램")):
        raise CellError("meals_capacity_unit")
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise CellError("meals_not_number") from None
    if value < 0:
        raise CellError("meals_not_negative")
    return value


OFFER_SPEC = register_spec(
    ImportSpec(
        "economy_farm_offers",
        (
            Column("사업자등록번호", example="4029012345"),
            Column("식재료코드", example="potato", allowed=_named_codes(Ingredient)),
            Column("kg당가격", _positive_decimal, example="1200"),
            *(
                Column(f"{m}월kg", _capacity, example="2000" if 5 <= m <= 10 else "0")
                for m in MONTHS
            ),
        ),
    )
)
OFFER_COLUMNS = OFFER_SPEC.columns


def import_offers(*, by: Any, upload: Upload, year: int) -> int:
    """Farms' offers for a year (price and monthly capacity in kg), all or nothing; the
    procurement officer's (supply agreements with the registry's firms)."""
    scope_of(by).require(Can.MANAGE_ECONOMY)
    table = read_table(upload, OFFER_SPEC)
    rows, errors = typed_rows(table, OFFER_SPEC)
    ingredients = dict(Ingredient.objects.values_list("code", "id"))
    numbers = {
        n.replace("-", ""): pk
        for n, pk in Supplier.objects.values_list("organisation__business_number", "id")
        if n
    }
    _unknown_codes(
        rows, errors, column="식재료코드", known=ingredients, code="meals_unknown_ingredient"
    )
    _unknown_codes(
        rows, errors, column=BUSINESS_NUMBER, known=numbers, code="meals_unknown_supplier", width=20
    )
    if errors:
        raise rejected(errors, table=table.frame, spec=OFFER_SPEC)
    with transaction.atomic():
        count = 0
        for row in rows:
            FarmOffer.objects.update_or_create(
                supplier_id=numbers[row["사업자등록번호"].replace("-", "")],
                ingredient_id=ingredients[row["식재료코드"]],
                year=year,
                defaults={
                    "price_krw_per_kg": int(row["kg당가격"]),
                    "capacity_kg": [float(row[f"{m}월kg"]) for m in MONTHS],
                },
            )
            count += 1
        audit.record(
            actor=by,
            action=AuditAction.IMPORT,
            target_type="farm_offers",
            purpose=_("농가 공급 계획 가져오기"),
            detail={"year": year, "rows": count},
        )
    return count


# --- Tracking ------------------------------------------------------------------------------


@dataclass(frozen=True)
class TrackRow:
    month: int
    planned_krw: int
    planned_local_krw: int
    delivered_krw: int
    delivered_local_krw: int
    paid_krw: int = 0  # of the delivered amount, what the city has paid
    paid_local_krw: int = 0  # of which to firms in the city: the money that stayed

    @property
    def planned_share(self) -> float | None:
        return self.planned_local_krw / self.planned_krw if self.planned_krw else None

    @property
    def achieved_share(self) -> float | None:
        return self.delivered_local_krw / self.delivered_krw if self.delivered_krw else None


def tracking(run: SourcingRun, *, school: School | None = None) -> list[TrackRow]:
    """Local share planned vs achieved per month (for one school: its share of the plan by its
    pupil-meal days)."""
    planned: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for month, is_local, cost in (
        SourcingLine.objects.filter(run=run)
        .values("month", "is_local")
        .annotate(total=Sum("cost_krw"))
        .values_list("month", "is_local", "total")
    ):
        planned[month][0] += int(cost or 0)
        if is_local:
            planned[month][1] += int(cost or 0)
    if school is not None:
        weight = _school_weight(run.year, school)
        planned = defaultdict(
            lambda: [0, 0],
            {
                m: [round(v[0] * weight[m - 1]), round(v[1] * weight[m - 1])]
                for m, v in planned.items()
            },
        )
    delivered: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    deliveries = MealDelivery.objects.filter(order__run=run)
    if school is not None:
        deliveries = deliveries.filter(school=school)
    for month, locality, amount, paid in (
        deliveries.values("month", "order__supplier__locality")
        .annotate(total=Sum("amount_krw"), paid=Sum("amount_krw", filter=Q(paid_on__isnull=False)))
        .values_list("month", "order__supplier__locality", "total", "paid")
    ):
        is_local = locality == Locality.IN_CITY
        delivered[month][0] += int(amount or 0)
        delivered[month][2] += int(paid or 0)
        if is_local:
            delivered[month][1] += int(amount or 0)
            delivered[month][3] += int(paid or 0)
    return [
        TrackRow(
            month=m,
            planned_krw=planned[m][0],
            planned_local_krw=planned[m][1],
            delivered_krw=delivered[m][0],
            delivered_local_krw=delivered[m][1],
            paid_krw=delivered[m][2],
            paid_local_krw=delivered[m][3],
        )
        for m in MONTHS
    ]


def _school_weight(year: int, school: School) -> list[float]:
    totals = np.zeros(12)
    own = np.zeros(12)
    for school_id, month, days, pupils in SchoolMonth.objects.filter(year=year).values_list(
        "school_id", "month", "meal_days", "school__pupils"
    ):
        totals[month - 1] += days * pupils
        if school_id == school.pk:
            own[month - 1] += days * pupils
    return np.divide(own, totals, out=np.zeros(12), where=totals > 0).tolist()


def record_delivery(
    *,
    by: Any,
    order: MealOrder,
    school: School,
    ingredient: Ingredient,
    month: int,
    kg: float,
    amount_krw: int,
    delivered_on: dt.date,
    paid_on: dt.date | None = None,
) -> MealDelivery:
    """Record what arrived at a school against an order (and when it was paid, if it was)."""
    _require(by)
    if kg <= 0:
        raise SaramError("meals_not_positive")
    if amount_krw < 0:
        raise SaramError("meals_not_negative")
    if delivered_on > timezone.localdate():
        raise SaramError("meals_future_delivery")
    with transaction.atomic():
        delivery = MealDelivery.objects.create(
            order=order,
            school=school,
            ingredient=ingredient,
            month=month,
            kg=kg,
            amount_krw=amount_krw,
            delivered_on=delivered_on,
            paid_on=paid_on,
        )
        audit.record(
            actor=by,
            action=AuditAction.CREATE,
            target_type="meal_delivery",
            target_id=delivery.pk,
            purpose=_("학교급식 배송 기록"),
        )
    return delivery


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text[:10])
    except ValueError:
        raise CellError("meals_bad_date") from None


DELIVERY_SPEC = register_spec(
    ImportSpec(
        "economy_meal_deliveries",
        (
            Column("사업자등록번호", example="4029012345"),
            Column("학교코드", example="EL0001", allowed=_named_codes(School)),
            Column("식재료코드", example="potato", allowed=_named_codes(Ingredient)),
            Column("월", _month, example="3"),
            Column("kg", _positive_decimal, example="120"),
            Column("금액", _positive_decimal, example="144000"),
            Column("배송일", _date, example="2026-03-16"),
            Column("지급일", _date, required=False, example=""),
        ),
    )
)
DELIVERY_COLUMNS = DELIVERY_SPEC.columns


def import_deliveries(*, by: Any, upload: Upload, run: SourcingRun) -> int:
    """What arrived at schools against a plan's orders (one row per delivery), all or nothing:
    a firm without an order in this plan, an unknown school or ingredient, a delivery in the
    future or paid before it arrived is a row error."""
    _require(by)
    table = read_table(upload, DELIVERY_SPEC)
    rows, errors = typed_rows(table, DELIVERY_SPEC)
    orders = {
        (number or "").replace("-", ""): pk
        for number, pk in MealOrder.objects.filter(run=run).values_list(
            "supplier__organisation__business_number", "id"
        )
    }
    schools = dict(School.objects.values_list("code", "id"))
    ingredients = dict(Ingredient.objects.values_list("code", "id"))
    today = timezone.localdate()
    _unknown_codes(
        rows, errors, column=BUSINESS_NUMBER, known=orders, code="meals_no_order", width=20
    )
    _unknown_codes(
        rows, errors, column="학교코드", known=schools, code="meals_unknown_school", width=20
    )
    _unknown_codes(
        rows, errors, column="식재료코드", known=ingredients, code="meals_unknown_ingredient"
    )
    for row in rows:
        n = row["_row"]
        delivered, paid = row["배송일"], row["지급일"]
        if delivered is not None and delivered > today:
            errors.append(RowError(n, "배송일", value=str(delivered), code="meals_future_delivery"))
        if delivered is not None and paid is not None and paid < delivered:
            errors.append(RowError(n, "지급일", value=str(paid), code="meals_paid_before"))
    if errors:
        raise rejected(errors, table=table.frame, spec=DELIVERY_SPEC)
    with transaction.atomic():
        MealDelivery.objects.bulk_create(
            [
                MealDelivery(
                    order_id=orders[row["사업자등록번호"].replace("-", "")],
                    school_id=schools[row["학교코드"]],
                    ingredient_id=ingredients[row["식재료코드"]],
                    month=row["월"],
                    kg=float(row["kg"]),
                    amount_krw=int(row["금액"]),
                    delivered_on=row["배송일"],
                    paid_on=row["지급일"],
                )
                for row in rows
            ],
            batch_size=2000,
        )
        audit.record(
            actor=by,
            action=AuditAction.IMPORT,
            target_type="meal_deliveries",
            target_id=run.pk,
            purpose=_("학교급식 배송 기록 가져오기"),
            detail={"rows": len(rows)},
        )
    return len(rows)


# --- Substitutions -------------------------------------------------------------------------


def set_substitution(
    *, by: Any, original: Ingredient, substitute: Ingredient, max_share_pct: int
) -> Substitution:
    """Allow `substitute` to replace up to `max_share_pct` % of `original` in a month when local
    supply is short; both must be of the same food group (the nutritionist's rule)."""
    _require(by)
    if original.pk == substitute.pk:
        raise SaramError("meals_substitute_itself")
    if original.group != substitute.group:
        raise SaramError(
            "meals_substitute_other_group",
            original=original.name,
            substitute=substitute.name,
        )
    if not 1 <= max_share_pct <= 100:
        raise SaramError("meals_substitute_share", low=1, high=100)
    with transaction.atomic():
        rule, _created = Substitution.objects.update_or_create(
            original=original, substitute=substitute, defaults={"max_share_pct": max_share_pct}
        )
        audit.record(
            actor=by,
            action=AuditAction.UPDATE,
            target_type="meal_substitution",
            target_id=rule.pk,
            purpose=_("대체 식재료 규칙"),
            detail={"original": original.code, "substitute": substitute.code, "pct": max_share_pct},
        )
    return rule


def remove_substitution(*, by: Any, rule: Substitution) -> None:
    _require(by)
    with transaction.atomic():
        audit.record(
            actor=by,
            action=AuditAction.DELETE,
            target_type="meal_substitution",
            target_id=rule.pk,
            purpose=_("대체 식재료 규칙"),
        )
        rule.delete()
