"""School-meal sourcing: how much of each ingredient to buy from each supplier each month.

A linear programme solved with HiGHS (`highspy`). For every month the demand of each ingredient
is met exactly, by purchases from suppliers that offer it (within each offer's monthly capacity,
and only from offers holding the certifications the ingredient requires) or by substitutes within
its food group up to the share the nutritionist allows. The goal is a weighted sum the user sets:

    minimise  w_cost · cost / C  −  w_local · local value / V  +  w_distance · (kg · km) / D

where "local value" prices the kilograms bought from local suppliers at each ingredient's
reference price (the mean offered price), so buying a dearer local product never counts as more
local, and C, V, D normalise the three terms to comparable scales. A minimum local share and the
budget are constraints. Shortfalls, an unreachable local share and an exceeded budget are elastic
(penalised slack), so an infeasible plan answers with what makes it infeasible, in data
(`Binding`), rather than a solver status.

`tradeoff_curve` re-solves the same model for rising local-share floors at least cost: the price
of each extra won that stays in the city.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

import highspy
import numpy as np
import scipy.sparse as sparse  # type: ignore[import-untyped]

from saram.economy.engine.registry import Locality

__all__ = [
    "Binding",
    "BindingCode",
    "Goal",
    "Ingredient",
    "ModelSize",
    "Offer",
    "Plan",
    "PlanStatus",
    "Problem",
    "Purchase",
    "SourcingInputError",
    "Substitution",
    "SubstitutionUse",
    "TradeoffPoint",
    "solve",
    "tradeoff_curve",
]

# Penalty per unit of slack, relative to the (normalised) objective: large enough that slack is
# used only where nothing else can meet the constraint.
_PENALTY = 1e4
# The local-floor and budget rows count money in millions of won, so that every coefficient of
# the model is of order 1e-3..1e3 (tiny coefficients make solvers' tolerances bite).
_MONEY = 1e6


class PlanStatus(StrEnum):
    OPTIMAL = "optimal"
    TIME_LIMIT = "time_limit"  # the best plan found before the time limit; may not be optimal
    INFEASIBLE = "infeasible"  # constraints cannot all be met: see `Plan.binding`


class BindingCode(StrEnum):
    SHORT_SUPPLY = "short_supply"  # demand of an ingredient in a month exceeds what can be bought
    BUDGET = "budget"  # the cheapest plan that meets demand costs more than the budget
    LOCAL_SHARE = "local_share"  # the local-share floor cannot be reached
    CAPACITY_FULL = "capacity_full"  # informative: a local supplier's capacity is used up


class SourcingInputError(ValueError):
    """Inconsistent input (lengths, unknown codes, negative numbers): a programming error or a
    bad import that the app should have refused row by row."""


@dataclass(frozen=True)
class Ingredient:
    code: str
    group: str  # food group: substitutions stay within it
    required_certifications: frozenset[str] = frozenset()  # e.g. {"친환경"} for rice


@dataclass(frozen=True)
class Offer:
    """One supplier's offer of one ingredient: price and capacity per month."""

    supplier: str
    ingredient: str
    price_krw_per_kg: int
    capacity_kg: tuple[float, ...]  # one per month of the problem; 0 out of season
    locality: Locality
    distance_km: float
    certifications: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Substitution:
    """Up to `max_share` of `original`'s demand in a month may be met by `substitute` (1:1 kg)."""

    original: str
    substitute: str
    max_share: float


@dataclass(frozen=True)
class Goal:
    local_weight: float = 1.0
    cost_weight: float = 0.0
    distance_weight: float = 0.0
    min_local_share: float | None = None  # floor on the local share of reference value, 0..1
    count_province_as_local: bool = False


@dataclass(frozen=True)
class Problem:
    months: tuple[str, ...]  # labels, e.g. "2026-03"
    ingredients: tuple[Ingredient, ...]
    demand_kg: dict[str, tuple[float, ...]]  # ingredient code → kg per month
    offers: tuple[Offer, ...]
    substitutions: tuple[Substitution, ...] = ()
    budget_krw: int | None = None
    goal: Goal = field(default_factory=Goal)


@dataclass(frozen=True)
class Purchase:
    supplier: str
    ingredient: str
    month: int  # index into Problem.months
    kg: float
    cost_krw: int
    is_local: bool


@dataclass(frozen=True)
class SubstitutionUse:
    original: str
    substitute: str
    month: int
    kg: float


@dataclass(frozen=True)
class Binding:
    """A constraint that decides the plan, in data the app puts into words."""

    code: BindingCode
    ingredient: str = ""
    month: int = -1
    needed: float = 0.0  # kg, KRW or share, by code
    available: float = 0.0
    supplier: str = ""


@dataclass(frozen=True)
class ModelSize:
    rows: int
    columns: int
    nonzeros: int


@dataclass(frozen=True)
class Plan:
    status: PlanStatus
    purchases: tuple[Purchase, ...]
    substitutions: tuple[SubstitutionUse, ...]
    total_cost_krw: int
    local_cost_krw: int
    local_value_share: float  # local kg at reference prices / all kg at reference prices
    distance_kg_km: float
    binding: tuple[Binding, ...]
    size: ModelSize
    seconds: float

    @property
    def local_share(self) -> float:
        """Share of the money paid that goes to local suppliers."""
        return self.local_cost_krw / self.total_cost_krw if self.total_cost_krw else 0.0


@dataclass(frozen=True)
class TradeoffPoint:
    min_local_share: float
    local_share: float  # money paid locally / money paid
    total_cost_krw: int
    local_cost_krw: int
    feasible: bool


# ------------------------------------------------------------------------------------------------
# The model


@dataclass
class _Model:
    problem: Problem
    n_months: int
    ing_index: dict[str, int]
    offers: list[Offer]  # eligible offers only
    offer_ing: np.ndarray  # ingredient index per eligible offer
    price: np.ndarray
    cap: np.ndarray  # offers × months
    local: np.ndarray  # bool per offer
    dist: np.ndarray
    subs: list[Substitution]
    demand: np.ndarray  # ingredients × months
    ref_price: np.ndarray  # per ingredient
    # column blocks
    n_x: int
    n_z: int
    n_short: int
    col_budget: int  # -1 when no budget row
    col_local: int  # slack of the local floor row (always present; floor may be 0)
    row_local: int
    row_budget: int
    cost: np.ndarray
    lower: np.ndarray
    upper: np.ndarray
    row_lower: np.ndarray
    row_upper: np.ndarray
    matrix: Any  # scipy.sparse.csc_matrix (scipy ships no type hints)
    norm_ref_total: float


def _build(problem: Problem) -> _Model:
    n_m = len(problem.months)
    if n_m == 0:
        raise SourcingInputError("no months")
    ing_index = {ing.code: i for i, ing in enumerate(problem.ingredients)}
    if len(ing_index) != len(problem.ingredients):
        raise SourcingInputError("duplicate ingredient codes")
    n_i = len(ing_index)
    demand = np.zeros((n_i, n_m))
    for code, row in problem.demand_kg.items():
        if code not in ing_index:
            raise SourcingInputError(f"demand for unknown ingredient {code!r}")
        if len(row) != n_m:
            raise SourcingInputError(f"demand of {code!r} has {len(row)} months, expected {n_m}")
        values = np.asarray(row, dtype=float)
        if not np.all(np.isfinite(values)) or np.any(values < 0):
            raise SourcingInputError(f"demand of {code!r} must be finite and not negative")
        demand[ing_index[code]] = values

    required = {ing.code: ing.required_certifications for ing in problem.ingredients}
    offers: list[Offer] = []
    for offer in problem.offers:
        if offer.ingredient not in ing_index:
            raise SourcingInputError(f"offer of unknown ingredient {offer.ingredient!r}")
        if len(offer.capacity_kg) != n_m:
            raise SourcingInputError(f"offer {offer.supplier}/{offer.ingredient}: months")
        if offer.price_krw_per_kg < 0 or min(offer.capacity_kg, default=0) < 0:
            raise SourcingInputError(f"offer {offer.supplier}/{offer.ingredient}: negative")
        if required[offer.ingredient] <= offer.certifications:
            offers.append(offer)
    n_o = len(offers)
    offer_ing = np.fromiter((ing_index[o.ingredient] for o in offers), dtype=np.int64, count=n_o)
    price = np.fromiter((o.price_krw_per_kg for o in offers), dtype=float, count=n_o)
    cap = np.array([o.capacity_kg for o in offers], dtype=float).reshape(n_o, n_m)
    local_levels = {Locality.IN_CITY}
    if problem.goal.count_province_as_local:
        local_levels.add(Locality.IN_PROVINCE)
    local = np.fromiter((o.locality in local_levels for o in offers), dtype=bool, count=n_o)
    dist = np.fromiter((o.distance_km for o in offers), dtype=float, count=n_o)

    # Reference price per ingredient: the mean offered price (all offers, eligible or not), so
    # the local value of a kilogram does not depend on which local supplier sells it.
    ref_price = np.zeros(n_i)
    counts = np.zeros(n_i)
    for o in problem.offers:
        ref_price[ing_index[o.ingredient]] += o.price_krw_per_kg
        counts[ing_index[o.ingredient]] += 1
    ref_price = np.divide(ref_price, counts, out=np.ones(n_i), where=counts > 0)

    subs = [
        s for s in problem.substitutions if s.original in ing_index and s.substitute in ing_index
    ]
    for s in subs:
        if not 0 <= s.max_share <= 1:
            raise SourcingInputError(f"substitution share {s.max_share} outside 0..1")

    n_x = n_o * n_m
    n_z = len(subs) * n_m
    n_short = n_i * n_m
    has_budget = problem.budget_krw is not None
    n_cols = n_x + n_z + n_short + 1 + (1 if has_budget else 0)
    col_local = n_x + n_z + n_short
    col_budget = col_local + 1 if has_budget else -1

    # Rows: balance per ingredient × month (equality), local floor (≥), budget (≤).
    n_bal = n_i * n_m
    row_local = n_bal
    row_budget = n_bal + 1 if has_budget else -1
    n_rows = n_bal + 1 + (1 if has_budget else 0)

    rows: list[np.ndarray] = []
    cols: list[np.ndarray] = []
    vals: list[np.ndarray] = []
    months = np.arange(n_m)
    # x[o, m] at column o * n_m + m supplies ingredient offer_ing[o] in month m.
    x_cols = np.arange(n_x)
    x_offer = x_cols // n_m
    x_month = x_cols % n_m
    rows.append(offer_ing[x_offer] * n_m + x_month)
    cols.append(x_cols)
    vals.append(np.ones(n_x))
    # z[s, m]: substitute supplies, original's demand is reduced.
    for k, s in enumerate(subs):
        zc = n_x + k * n_m + months
        rows.append(ing_index[s.original] * n_m + months)
        cols.append(zc)
        vals.append(np.ones(n_m))
        rows.append(ing_index[s.substitute] * n_m + months)
        cols.append(zc)
        vals.append(-np.ones(n_m))
    # shortage slack per balance row.
    sc = n_x + n_z + np.arange(n_short)
    rows.append(np.arange(n_short))
    cols.append(sc)
    vals.append(np.ones(n_short))

    # Local floor: Σ ref·x_local − floor · Σ ref·demand + slack ≥ 0, written as
    # Σ ref·x_local + slack ≥ floor · total_ref (the total at reference prices is fixed by demand;
    # substitutes are valued at their own reference price, close enough for a floor).
    ref_x = ref_price[offer_ing[x_offer]]
    local_x = local[x_offer]
    total_ref = float((demand * ref_price[:, None]).sum())
    norm_ref_total = total_ref if total_ref > 0 else 1.0
    rows.append(np.full(int(local_x.sum()), row_local))
    cols.append(x_cols[local_x])
    vals.append(ref_x[local_x] / _MONEY)
    rows.append(np.array([row_local]))
    cols.append(np.array([col_local]))
    vals.append(np.array([1.0]))
    price_x = price[x_offer]
    if has_budget:
        rows.append(np.full(n_x, row_budget))
        cols.append(x_cols)
        vals.append(price_x / _MONEY)
        rows.append(np.array([row_budget]))
        cols.append(np.array([col_budget]))
        vals.append(np.array([-1.0]))

    matrix = sparse.csc_matrix(
        (np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))),
        shape=(n_rows, n_cols),
    )

    goal = problem.goal
    dist_x = dist[x_offer]
    total_kg = float(demand.sum()) or 1.0
    mean_dist = float(dist.mean()) if n_o else 1.0
    norm_dist = total_kg * (mean_dist or 1.0)
    cost = np.zeros(n_cols)
    # Objective in millions of won: cost and local value as they are, distance scaled so that
    # the whole demand carried the mean distance weighs as much as the whole demand's value.
    cost[:n_x] = (
        goal.cost_weight * price_x / _MONEY
        - goal.local_weight * np.where(local_x, ref_x, 0.0) / _MONEY
        + goal.distance_weight * dist_x / norm_dist * (norm_ref_total / _MONEY)
    )
    # A tiny cost on every purchase breaks ties towards the cheaper plan when only the local
    # share is asked for; substitutes carry a tiny cost so they are used only when they help.
    cost[:n_x] += 1e-4 * price_x / _MONEY
    cost[n_x : n_x + n_z] = 1e-4 * float(ref_price.mean()) / _MONEY
    short_scale = np.repeat(ref_price, n_m) / _MONEY
    cost[n_x + n_z : n_x + n_z + n_short] = _PENALTY * np.maximum(short_scale, 1e-9)
    cost[col_local] = _PENALTY
    if has_budget:
        cost[col_budget] = _PENALTY

    lower = np.zeros(n_cols)
    upper = np.full(n_cols, np.inf)
    upper[:n_x] = cap.reshape(-1)
    for k, s in enumerate(subs):
        orig = demand[ing_index[s.original]]
        upper[n_x + k * n_m : n_x + (k + 1) * n_m] = s.max_share * orig
    row_lower = np.concatenate([demand.reshape(-1), [0.0], [-np.inf] if has_budget else []])
    row_upper = np.concatenate(
        [
            demand.reshape(-1),
            [np.inf],
            [(problem.budget_krw or 0) / _MONEY] if has_budget else [],
        ]
    )
    floor = goal.min_local_share or 0.0
    row_lower[row_local] = floor * norm_ref_total / _MONEY

    return _Model(
        problem=problem,
        n_months=n_m,
        ing_index=ing_index,
        offers=offers,
        offer_ing=offer_ing,
        price=price,
        cap=cap,
        local=local,
        dist=dist,
        subs=subs,
        demand=demand,
        ref_price=ref_price,
        n_x=n_x,
        n_z=n_z,
        n_short=n_short,
        col_budget=col_budget,
        col_local=col_local,
        row_local=row_local,
        row_budget=row_budget,
        cost=cost,
        lower=lower,
        upper=upper,
        row_lower=row_lower,
        row_upper=row_upper,
        matrix=matrix,
        norm_ref_total=norm_ref_total,
    )


def _highs(model: _Model, time_limit_s: float) -> highspy.Highs:
    h = highspy.Highs()  # type: ignore[no-untyped-call]
    h.setOptionValue("output_flag", False)
    h.setOptionValue("time_limit", float(time_limit_s))
    lp = highspy.HighsLp()
    n_rows, n_cols = model.matrix.shape
    lp.num_col_ = n_cols
    lp.num_row_ = n_rows
    lp.col_cost_ = model.cost
    lp.col_lower_ = model.lower
    lp.col_upper_ = model.upper
    lp.row_lower_ = model.row_lower
    lp.row_upper_ = model.row_upper
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_ = model.matrix.indptr
    lp.a_matrix_.index_ = model.matrix.indices
    lp.a_matrix_.value_ = model.matrix.data
    h.passModel(lp)
    return h


def _run(h: highspy.Highs, model: _Model, started: float) -> Plan:
    h.run()
    status = h.getModelStatus()
    n_rows, n_cols = model.matrix.shape
    size = ModelSize(rows=n_rows, columns=n_cols, nonzeros=int(model.matrix.nnz))
    sol = h.getSolution()
    values = np.asarray(sol.col_value, dtype=float) if sol.value_valid else np.zeros(n_cols)
    if status == highspy.HighsModelStatus.kOptimal:
        plan_status = PlanStatus.OPTIMAL
    elif status == highspy.HighsModelStatus.kTimeLimit:
        plan_status = PlanStatus.TIME_LIMIT
    else:
        # The elastic model is always feasible; anything else is a solver failure.
        raise RuntimeError(f"HiGHS ended with {h.modelStatusToString(status)}")
    return _read(model, values, plan_status, size, time.perf_counter() - started)


def _read(
    model: _Model, values: np.ndarray, status: PlanStatus, size: ModelSize, seconds: float
) -> Plan:
    n_m = model.n_months
    tol = 1e-6
    x = np.clip(values[: model.n_x], 0, None).reshape(len(model.offers), n_m)
    purchases: list[Purchase] = []
    for o_idx, m_idx in zip(*np.nonzero(x > tol), strict=True):
        offer = model.offers[o_idx]
        kg = float(x[o_idx, m_idx])
        purchases.append(
            Purchase(
                supplier=offer.supplier,
                ingredient=offer.ingredient,
                month=int(m_idx),
                kg=kg,
                cost_krw=round(kg * offer.price_krw_per_kg),
                is_local=bool(model.local[o_idx]),
            )
        )
    z = values[model.n_x : model.n_x + model.n_z].reshape(len(model.subs), n_m)
    uses = [
        SubstitutionUse(
            original=model.subs[k].original,
            substitute=model.subs[k].substitute,
            month=int(m),
            kg=float(z[k, m]),
        )
        for k, m in zip(*np.nonzero(z > tol), strict=True)
    ]
    short = values[model.n_x + model.n_z : model.n_x + model.n_z + model.n_short].reshape(
        len(model.ing_index), n_m
    )
    binding: list[Binding] = []
    codes = list(model.ing_index)
    supply = _supply_by_ingredient(model)
    infeasible = False
    for i, m in zip(*np.nonzero(short > 1e-3), strict=True):
        infeasible = True
        binding.append(
            Binding(
                code=BindingCode.SHORT_SUPPLY,
                ingredient=codes[i],
                month=int(m),
                needed=float(model.demand[i, m]),
                available=float(supply[i, m]),
            )
        )
    cost_total = float((x * model.price[:, None]).sum())
    local_cost = float((x[model.local] * model.price[model.local, None]).sum())
    ref_x = model.ref_price[model.offer_ing][:, None] * x
    local_value = float(ref_x[model.local].sum()) / model.norm_ref_total
    floor = model.problem.goal.min_local_share or 0.0
    if values[model.col_local] > 1e-6 and floor > 0:
        infeasible = True
        binding.append(
            Binding(code=BindingCode.LOCAL_SHARE, needed=floor, available=_max_local_share(model))
        )
    if model.col_budget >= 0 and values[model.col_budget] > 1e-6:
        infeasible = True
        binding.append(
            Binding(
                code=BindingCode.BUDGET,
                needed=cost_total,
                available=float(model.problem.budget_krw or 0),
            )
        )
    if not infeasible:
        # Informative: local offers used to their capacity hold the local share back.
        used = x >= model.cap - 1e-6
        full = np.nonzero(model.local[:, None] & used & (model.cap > tol))
        seen: set[tuple[str, str]] = set()
        for o_idx, m_idx in zip(*full, strict=True):
            offer = model.offers[o_idx]
            key = (offer.supplier, offer.ingredient)
            if key in seen:
                continue
            seen.add(key)
            binding.append(
                Binding(
                    code=BindingCode.CAPACITY_FULL,
                    ingredient=offer.ingredient,
                    month=int(m_idx),
                    needed=float(model.demand[model.ing_index[offer.ingredient], m_idx]),
                    available=float(model.cap[o_idx, m_idx]),
                    supplier=offer.supplier,
                )
            )
    dist_total = float((x * model.dist[:, None]).sum())
    return Plan(
        status=PlanStatus.INFEASIBLE if infeasible else status,
        purchases=tuple(purchases),
        substitutions=tuple(uses),
        total_cost_krw=round(cost_total),
        local_cost_krw=round(local_cost),
        local_value_share=local_value,
        distance_kg_km=dist_total,
        binding=tuple(binding),
        size=size,
        seconds=seconds,
    )


def _supply_by_ingredient(model: _Model) -> np.ndarray:
    """Kilograms that could be bought per ingredient and month, substitutes included."""
    n_i = len(model.ing_index)
    supply = np.zeros((n_i, model.n_months))
    np.add.at(supply, model.offer_ing, model.cap)
    direct = supply.copy()
    for s in model.subs:
        o = model.ing_index[s.original]
        t = model.ing_index[s.substitute]
        supply[o] += np.minimum(s.max_share * model.demand[o], direct[t])
    return supply


def _max_local_share(model: _Model) -> float:
    """The local share of reference value if every local kilogram on offer were bought."""
    local_cap = np.zeros_like(model.demand)
    np.add.at(local_cap, model.offer_ing[model.local], model.cap[model.local])
    local_kg = np.minimum(local_cap, model.demand)
    return float((local_kg * model.ref_price[:, None]).sum()) / model.norm_ref_total


def solve(problem: Problem, *, time_limit_s: float = 60.0) -> Plan:
    """The plan that best meets the goal; `Plan.binding` says what decides or prevents it."""
    started = time.perf_counter()
    model = _build(problem)
    return _run(_highs(model, time_limit_s), model, started)


def tradeoff_curve(
    problem: Problem,
    *,
    points: int = 8,
    time_limit_s: float = 60.0,
    progress: Callable[[int, int], None] | None = None,
) -> list[TradeoffPoint]:
    """Least cost for rising local-share floors, from the cheapest plan's share to the highest
    reachable one: how much each extra won buys in local spending."""
    if points < 2:
        raise SourcingInputError("a curve needs at least two points")
    cheapest = Problem(
        months=problem.months,
        ingredients=problem.ingredients,
        demand_kg=problem.demand_kg,
        offers=problem.offers,
        substitutions=problem.substitutions,
        budget_krw=None,
        goal=Goal(local_weight=0.0, cost_weight=1.0, distance_weight=0.0),
    )
    model = _build(cheapest)
    h = _highs(model, time_limit_s)
    started = time.perf_counter()
    first = _run(h, model, started)
    low = first.local_value_share
    high = _max_local_share(model)
    floors: Sequence[float] = np.linspace(low, high, points).tolist()
    out: list[TradeoffPoint] = []
    for k, floor in enumerate(floors):
        # The floor row is scaled by the reference total; a hair below the reachable maximum
        # keeps the last point feasible despite rounding.
        bound = min(floor, high - 1e-9) * model.norm_ref_total / _MONEY if k else 0.0
        h.changeRowBounds(model.row_local, bound, np.inf)
        plan = _run(h, model, time.perf_counter())
        out.append(
            TradeoffPoint(
                min_local_share=float(floor),
                local_share=plan.local_share,
                total_cost_krw=plan.total_cost_krw,
                local_cost_krw=plan.local_cost_krw,
                feasible=plan.status != PlanStatus.INFEASIBLE,
            )
        )
        if progress is not None:
            progress(k + 1, len(floors))
    return out
