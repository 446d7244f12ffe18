"""The school-meal optimiser on small cases whose optimum is known by hand."""

from __future__ import annotations

import pytest

from saram.economy.engine.registry import Locality
from saram.economy.engine.sourcing import (
    BindingCode,
    Goal,
    Ingredient,
    Offer,
    PlanStatus,
    Problem,
    SourcingInputError,
    Substitution,
    solve,
    tradeoff_curve,
)

CITY = Locality.IN_CITY
OUT = Locality.OUTSIDE


def _potatoes(*, local_cap: float = 5, demand: float = 8, **goal: float) -> Problem:
    return Problem(
        months=("2026-03", "2026-04"),
        ingredients=(Ingredient("potato", "vegetable"),),
        demand_kg={"potato": (demand, demand)},
        offers=(
            Offer("farm", "potato", 1000, (local_cap, local_cap), CITY, 10),
            Offer("wholesale", "potato", 800, (100, 100), OUT, 200),
        ),
        goal=Goal(**goal),
    )


def _kg(plan: object, supplier: str, month: int = 0) -> float:
    return sum(
        p.kg
        for p in plan.purchases  # type: ignore[attr-defined]
        if p.supplier == supplier and p.month == month
    )


def test_cost_only_buys_the_cheapest() -> None:
    plan = solve(_potatoes(local_weight=0, cost_weight=1))
    assert plan.status is PlanStatus.OPTIMAL
    assert _kg(plan, "wholesale") == pytest.approx(8)
    assert _kg(plan, "farm") == pytest.approx(0)
    assert plan.total_cost_krw == 2 * 8 * 800
    assert plan.local_share == 0


def test_local_goal_fills_local_capacity_first_and_the_rest_cheaply() -> None:
    plan = solve(_potatoes(local_weight=1, cost_weight=0))
    assert _kg(plan, "farm") == pytest.approx(5)
    assert _kg(plan, "wholesale") == pytest.approx(3)
    assert plan.total_cost_krw == 2 * (5 * 1000 + 3 * 800)
    assert plan.local_cost_krw == 2 * 5 * 1000
    capacity = [b for b in plan.binding if b.code is BindingCode.CAPACITY_FULL]
    assert capacity and capacity[0].supplier == "farm" and capacity[0].available == 5


def test_the_plan_meets_demand_exactly_every_month() -> None:
    plan = solve(_potatoes(local_weight=1, cost_weight=1, distance_weight=1))
    for month in (0, 1):
        bought = sum(p.kg for p in plan.purchases if p.month == month)
        assert bought == pytest.approx(8)


def test_a_substitute_within_the_allowed_share_covers_a_short_month() -> None:
    problem = Problem(
        months=("2026-03",),
        ingredients=(Ingredient("potato", "vegetable"), Ingredient("sweet", "vegetable")),
        demand_kg={"potato": (10,), "sweet": (0,)},
        offers=(
            Offer("farm", "potato", 1000, (7,), CITY, 10),
            Offer("farm2", "sweet", 1000, (100,), CITY, 10),
        ),
        substitutions=(Substitution("potato", "sweet", 0.3),),
    )
    plan = solve(problem)
    assert plan.status is PlanStatus.OPTIMAL
    assert _kg(plan, "farm") == pytest.approx(7)
    assert _kg(plan, "farm2") == pytest.approx(3)
    assert plan.substitutions[0].kg == pytest.approx(3)


def test_short_supply_is_explained_with_the_numbers() -> None:
    problem = Problem(
        months=("2026-03",),
        ingredients=(Ingredient("potato", "vegetable"),),
        demand_kg={"potato": (12_000,)},
        offers=(Offer("farm", "potato", 1000, (4_000,), CITY, 10),),
    )
    plan = solve(problem)
    assert plan.status is PlanStatus.INFEASIBLE
    (short,) = plan.binding
    assert short.code is BindingCode.SHORT_SUPPLY
    assert (short.ingredient, short.month) == ("potato", 0)
    assert (short.needed, short.available) == (12_000, 4_000)


def test_a_budget_below_the_cheapest_plan_is_explained() -> None:
    problem = _potatoes(local_weight=0, cost_weight=1)
    tight = Problem(**{**problem.__dict__, "budget_krw": 10_000})
    plan = solve(tight)
    assert plan.status is PlanStatus.INFEASIBLE
    budget = [b for b in plan.binding if b.code is BindingCode.BUDGET]
    assert budget and budget[0].available == 10_000 and budget[0].needed >= 12_800


def test_a_local_share_floor_out_of_reach_is_explained() -> None:
    plan = solve(_potatoes(local_weight=0, cost_weight=1, min_local_share=0.9))
    assert plan.status is PlanStatus.INFEASIBLE
    (floor,) = [b for b in plan.binding if b.code is BindingCode.LOCAL_SHARE]
    assert floor.needed == 0.9
    assert floor.available == pytest.approx(5 / 8, rel=0.01)


def test_a_floor_within_reach_costs_the_least_that_reaches_it() -> None:
    plan = solve(_potatoes(local_weight=0, cost_weight=1, min_local_share=0.5))
    assert plan.status is PlanStatus.OPTIMAL
    # Reference price (1000 + 800) / 2 = 900 for every kilogram: half the year's value local is
    # 8 of the 16 kg, bought wherever it is cheapest to place them.
    assert _kg(plan, "farm", 0) + _kg(plan, "farm", 1) == pytest.approx(8, abs=1e-6)
    assert plan.total_cost_krw == 8 * 1000 + 8 * 800


def test_uncertified_offers_are_not_used_for_an_ingredient_that_requires_it() -> None:
    problem = Problem(
        months=("2026-03",),
        ingredients=(Ingredient("rice", "grain", frozenset({"organic"})),),
        demand_kg={"rice": (10,)},
        offers=(
            Offer("cheap", "rice", 500, (100,), OUT, 300),
            Offer("organic", "rice", 900, (100,), CITY, 5, frozenset({"organic", "gap"})),
        ),
        goal=Goal(local_weight=0, cost_weight=1),
    )
    plan = solve(problem)
    assert {p.supplier for p in plan.purchases} == {"organic"}


def test_the_tradeoff_curve_costs_more_for_more_local_money() -> None:
    curve = tradeoff_curve(_potatoes(), points=4)
    assert len(curve) == 4
    assert curve[0].local_share == 0
    assert curve[-1].local_cost_krw == 2 * 5 * 1000
    costs = [p.total_cost_krw for p in curve]
    assert costs == sorted(costs)
    assert all(p.feasible for p in curve)


def test_inconsistent_input_is_refused() -> None:
    with pytest.raises(SourcingInputError):
        solve(
            Problem(
                months=("2026-03",),
                ingredients=(Ingredient("potato", "vegetable"),),
                demand_kg={"potato": (-1,)},
                offers=(),
            )
        )
    with pytest.raises(SourcingInputError):
        solve(
            Problem(
                months=("2026-03",),
                ingredients=(Ingredient("potato", "vegetable"),),
                demand_kg={"carrot": (1,)},
                offers=(),
            )
        )
