"""Reads for school meals and uniforms, for users who may see the economy (city-wide data)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum

from saram.core.selectors import not_found
from saram.economy.models import (
    Category,
    FarmOffer,
    Locality,
    MealOrder,
    MenuItem,
    School,
    SchoolKind,
    SchoolMonth,
    SourcingLine,
    SourcingRun,
    Substitution,
    Supplier,
    TradeoffPoint,
    UniformAward,
    UniformDemand,
    UniformOffer,
)
from saram.economy.selectors import can_view, can_view_meals


def _check(user: Any) -> None:
    """School meals are open to the nutritionists too."""
    if not can_view_meals(user):
        raise not_found()


def _check_economy(user: Any) -> None:
    """Uniforms are the economy's procurement alone."""
    if not can_view(user):
        raise not_found()


def meal_years(user: Any) -> list[int]:
    """Years with menus, newest first."""
    _check(user)
    return sorted(set(MenuItem.objects.values_list("year", flat=True).distinct()), reverse=True)


@dataclass(frozen=True)
class MealsOverview:
    year: int
    schools: int
    pupils: int
    dishes: int
    offers: int
    local_suppliers: int
    suppliers: int


def meals_overview(user: Any, year: int) -> MealsOverview:
    _check(user)
    schools = School.objects.filter(months__year=year).distinct()
    totals = School.objects.filter(pk__in=schools.values("pk")).aggregate(
        n=Count("id"), pupils=Sum("pupils")
    )
    offers = FarmOffer.objects.filter(year=year)
    supplier_ids = offers.values("supplier_id").distinct()
    suppliers = Supplier.objects.filter(pk__in=supplier_ids).aggregate(
        n=Count("id"), local=Count("id", filter=Q(locality=Locality.IN_CITY))
    )
    return MealsOverview(
        year=year,
        schools=totals["n"] or 0,
        pupils=totals["pupils"] or 0,
        dishes=MenuItem.objects.filter(year=year).values("recipe_id").distinct().count(),
        offers=offers.count(),
        local_suppliers=suppliers["local"] or 0,
        suppliers=suppliers["n"] or 0,
    )


def meal_category(user: Any) -> Category | None:
    """The category school-meal ingredients are bought under (농산물), when the city has it."""
    _check(user)
    return Category.objects.filter(code="produce").first()


def runs_for(user: Any, *, year: int | None = None) -> QuerySet[SourcingRun]:
    _check(user)
    qs = SourcingRun.objects.select_related("category", "created_by")
    if year is not None:
        qs = qs.filter(year=year)
    return qs.order_by("-created_at", "-id")


def run_for(user: Any, pk: int) -> SourcingRun:
    run = runs_for(user).filter(pk=pk).first()
    if run is None:
        raise not_found()
    return run


def curve_of(run: SourcingRun) -> list[TradeoffPoint]:
    return list(TradeoffPoint.objects.filter(run=run).order_by("floor_pct"))


def plan_by_supplier(run: SourcingRun, *, limit: int = 30) -> list[dict[str, Any]]:
    """The suppliers the plan buys from, largest first: name, place, kg, money."""
    rows = (
        SourcingLine.objects.filter(run=run)
        .values("supplier_id", "supplier__organisation__name", "supplier__locality", "is_local")
        .annotate(kg=Sum("kg"), krw=Sum("cost_krw"))
        .order_by("-krw")[:limit]
    )
    return list(rows)


def plan_by_ingredient(run: SourcingRun) -> list[dict[str, Any]]:
    """Per ingredient: kilograms and money, and how much of it is local."""
    return list(
        SourcingLine.objects.filter(run=run)
        .values("ingredient__name", "ingredient__name_en", "ingredient__group")
        .annotate(
            kg=Sum("kg"),
            krw=Sum("cost_krw"),
            local_krw=Sum("cost_krw", filter=Q(is_local=True)),
        )
        .order_by("-krw")
    )


def plan_lines(run: SourcingRun) -> QuerySet[SourcingLine]:
    """Every line of a plan, for the export (streamed by the caller)."""
    return (
        SourcingLine.objects.filter(run=run)
        .order_by("month", "ingredient__code", "supplier_id")
        .values_list(
            "month",
            "ingredient__code",
            "ingredient__name",
            "supplier__organisation__business_number",
            "supplier__organisation__name",
            "supplier__locality",
            "kg",
            "cost_krw",
        )
    )


def orders_of(run: SourcingRun) -> QuerySet[MealOrder]:
    return MealOrder.objects.filter(run=run).select_related("supplier__organisation")


def schools_for(user: Any, *, year: int) -> QuerySet[School]:
    _check(user)
    return School.objects.filter(months__year=year).distinct().order_by("kind", "name")


def school_for(user: Any, pk: int) -> School:
    _check(user)
    school = School.objects.filter(pk=pk).first()
    if school is None:
        raise not_found()
    return school


def school_months(year: int) -> int:
    return SchoolMonth.objects.filter(year=year).count()


# --- Uniforms ------------------------------------------------------------------------------


@dataclass(frozen=True)
class UniformYear:
    year: int
    pupils: int
    awarded_krw: int
    local_krw: int

    @property
    def local_share(self) -> float | None:
        return self.local_krw / self.awarded_krw if self.awarded_krw else None


def uniform_years(user: Any) -> list[UniformYear]:
    """Uniform money by year and the share won by firms in the city."""
    _check_economy(user)
    pupils = dict(
        UniformDemand.objects.values("year").annotate(n=Sum("new_pupils")).values_list("year", "n")
    )
    money = {
        row["demand__year"]: row
        for row in UniformAward.objects.values("demand__year").annotate(
            total=Sum("amount_krw"), local=Sum("amount_krw", filter=Q(is_local=True))
        )
    }
    return [
        UniformYear(
            year=y,
            pupils=int(pupils.get(y) or 0),
            awarded_krw=int((money.get(y) or {}).get("total") or 0),
            local_krw=int((money.get(y) or {}).get("local") or 0),
        )
        for y in sorted(pupils)
    ]


def uniform_category(user: Any) -> Category | None:
    _check_economy(user)
    return Category.objects.filter(code="uniforms").first()


def uniform_demand_for(user: Any, *, year: int) -> QuerySet[UniformDemand]:
    _check_economy(user)
    return (
        UniformDemand.objects.filter(
            year=year, school__kind__in=[SchoolKind.MIDDLE, SchoolKind.HIGH]
        )
        .select_related("school")
        .order_by("purchase_on", "school__name")
    )


def uniform_offers_for(user: Any, *, year: int) -> QuerySet[UniformOffer]:
    _check_economy(user)
    return UniformOffer.objects.filter(year=year).select_related("supplier__organisation")


def substitutions_for(user: Any) -> QuerySet[Substitution]:
    _check(user)
    return Substitution.objects.select_related("original", "substitute").order_by(
        "original__group", "original__name", "substitute__name"
    )


def substitution_for(user: Any, pk: int) -> Substitution:
    rule = substitutions_for(user).filter(pk=pk).first()
    if rule is None:
        raise not_found()
    return rule
