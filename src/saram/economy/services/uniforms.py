"""School uniforms (교복): each school's joint purchase (학교주관구매) as a lot, decided by the
rule book, with the local textile firms that could take it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from saram.core.errors import SaramError
from saram.economy import errors_meals  # noqa: F401  (registers the codes raised here)
from saram.economy.models import Category, Locality, UniformDemand, UniformOffer
from saram.economy.services.policy import check_purchases, citation_data


@dataclass(frozen=True)
class UniformLot:
    demand: UniformDemand
    amount_krw: int
    method: str
    scope: str
    citations: list[dict[str, str]]
    local_firms: tuple[str, ...]  # firms in the city with the capacity and a price within cap

    @property
    def is_city_restricted(self) -> bool:
        return self.scope == "city"


@dataclass(frozen=True)
class UniformPlan:
    year: int
    lots: tuple[UniformLot, ...]
    sets_needed: int
    local_capacity_sets: int

    @property
    def local_can_cover(self) -> bool:
        return self.local_capacity_sets >= self.sets_needed


def plan_uniform_lots(*, by: Any, year: int, category: Category) -> UniformPlan:
    """One lot per school's joint purchase, each with its lawful method and the local firms
    that can bid for it."""
    demand = list(
        UniformDemand.objects.filter(year=year).select_related("school").order_by("purchase_on")
    )
    if not demand:
        raise SaramError("uniforms_no_demand", year=year)
    offers = list(
        UniformOffer.objects.filter(year=year, supplier__locality=Locality.IN_CITY).select_related(
            "supplier__organisation"
        )
    )
    decisions = check_purchases(
        by=by,
        category=category,
        department=None,
        requests=[(d.new_pupils * d.budget_per_set_krw, d.purchase_on) for d in demand],
    )
    lots = []
    for d, decision in zip(demand, decisions, strict=True):
        amount = d.new_pupils * d.budget_per_set_krw
        firms = tuple(
            o.supplier.organisation.name
            for o in offers
            if o.capacity_sets >= d.new_pupils and o.price_per_set_krw <= d.budget_per_set_krw
        )
        lots.append(
            UniformLot(
                demand=d,
                amount_krw=amount,
                method=decision.method.value,
                scope=decision.scope.value,
                citations=citation_data(decision.citations),
                local_firms=firms,
            )
        )
    return UniformPlan(
        year=year,
        lots=tuple(lots),
        sets_needed=sum(d.new_pupils for d in demand),
        local_capacity_sets=sum(o.capacity_sets for o in offers),
    )
