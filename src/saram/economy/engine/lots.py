"""Lot planner: cut a programme budget into lots local firms can win, never into an unlawful split.

Lots start as fine as the rules' lot boundaries allow (per library, subject, quarter). Any group
of lots that the splitting rule would flag is merged into one lot and re-checked until nothing is
flagged, so a plan is lawful by construction; `find_splits` over the plan is the proof.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum

from saram.economy.engine.policy import (
    BidScope,
    Citation,
    ContractMethod,
    LotDimension,
    Param,
    PurchaseKind,
    PurchaseRequest,
    RuleBook,
    Supplier,
    evaluate,
)
from saram.economy.engine.registry import Locality
from saram.economy.engine.splitting import Purchase, SplitFlag, check_addition, find_splits

BP = 10_000  # basis points in one


class LotReasonCode(StrEnum):
    """Why a lot is lawful (or how it came to be what it is)."""

    SEPARATE_DEPARTMENT = "separate_department"
    ALONE_IN_WINDOW = "alone_in_window"
    WINDOW_SUM_WITHIN_THRESHOLDS = "window_sum_within_thresholds"
    MERGED_TO_AVOID_SPLIT = "merged_to_avoid_split"
    BOUNDARY_NOT_ALLOWED = "boundary_not_allowed"
    REMAINDER_AFTER_AWARDS = "remainder_after_awards"


class PlanNote(StrEnum):
    REMAINDER_OUTSIDE_YEAR = "remainder_outside_year"
    REMAINDER_WOULD_SPLIT = "remainder_would_split"
    NO_ELIGIBLE_LOCAL_SUPPLIER = "no_eligible_local_supplier"


class AssumptionCode(StrEnum):
    BID_AWARD_RATIO_BP = "bid_award_ratio_bp"
    OPEN_BID_LOCAL_WIN_BP = "open_bid_local_win_bp"
    OPEN_BID_LOCAL_WIN_FROM_REGISTRY = "open_bid_local_win_from_registry"
    EQUAL_CHANCE_PER_ELIGIBLE_FIRM = "equal_chance_per_eligible_firm"
    ORDER_DAY_OF_QUARTER = "order_day_of_quarter"
    # For a lot restricted to city firms "local" means the winner's head office is in the city
    # (the restriction's own test), not where the money is spent next: that is LM3's question.
    CITY_LOT_LOCAL_IS_WINNERS_OFFICE = "city_lot_local_is_winners_office"


class LotPlanProblem(StrEnum):
    NON_POSITIVE_AMOUNT = "non_positive_amount"
    BAD_QUARTER = "bad_quarter"
    NO_DEMAND = "no_demand"


class LotPlanError(ValueError):
    def __init__(self, code: LotPlanProblem, **params: Param) -> None:
        super().__init__(code.value)
        self.code = code
        self.params: Mapping[str, Param] = params


@dataclass(frozen=True, slots=True)
class DemandLine:
    """Planned spend of one library on one subject in one quarter (1-4)."""

    library: str
    subject: str
    quarter: int
    amount_krw: int


@dataclass(frozen=True, slots=True)
class Programme:
    """A programme's yearly demand: `department` orders whatever the rules do not let libraries
    order themselves."""

    programme_id: str
    department: str
    category: str
    kind: PurchaseKind
    fiscal_year: int
    lines: tuple[DemandLine, ...]


@dataclass(frozen=True, slots=True)
class LotAssumptions:
    bid_award_ratio_bp: int = 9_000  # winning bid as a share of the estimate
    order_day_of_quarter: int = 10
    # None: the share of registered firms for the category that are in the city.
    open_bid_local_win_bp: int | None = None


@dataclass(frozen=True, slots=True)
class Assumption:
    code: AssumptionCode
    value: int


@dataclass(frozen=True, slots=True)
class LotReason:
    code: LotReasonCode
    params: Mapping[str, Param] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Lot:
    """One order of the plan: its boundaries, method, eligible local firms and why it is lawful."""

    lot_id: str
    department: str
    libraries: tuple[str, ...]
    subjects: tuple[str, ...]
    quarters: tuple[int, ...]
    amount_krw: int
    order_on: dt.date
    is_remainder: bool
    method: ContractMethod
    scope: BidScope
    eligible_suppliers: tuple[Supplier, ...]
    citations: tuple[Citation, ...]
    reasons: tuple[LotReason, ...]
    expected_local_krw: int


@dataclass(frozen=True, slots=True)
class LotPlan:
    """Lots for a programme, with expected local share against one open national bid."""

    programme_id: str
    lots: tuple[Lot, ...]
    planned_krw: int
    expected_local_krw: int
    status_quo_local_krw: int
    assumptions: tuple[Assumption, ...]
    notes: tuple[PlanNote, ...]

    @property
    def expected_local_share(self) -> float:
        return self.expected_local_krw / self.planned_krw if self.planned_krw else 0.0

    @property
    def status_quo_local_share(self) -> float:
        return self.status_quo_local_krw / self.planned_krw if self.planned_krw else 0.0

    def as_purchases(self, category: str, kind: PurchaseKind) -> tuple[Purchase, ...]:
        """The plan's lots as purchases, for the splitting rule."""
        return tuple(
            Purchase(
                purchase_id=lot.lot_id,
                department=lot.department,
                category=category,
                kind=kind,
                amount_krw=lot.amount_krw,
                ordered_on=lot.order_on,
                is_remainder=lot.is_remainder,
            )
            for lot in self.lots
        )


@dataclass(slots=True)
class _Draft:
    department: str
    libraries: set[str]
    subjects: set[str]
    quarters: set[int]
    amount_krw: int
    order_on: dt.date
    merged_from: int = 1
    merged_over: list[LotReason] = field(default_factory=list)
    not_allowed: set[LotDimension] = field(default_factory=set)


def plan_lots(
    programme: Programme,
    rules: RuleBook,
    suppliers: Sequence[Supplier],
    assumptions: LotAssumptions = LotAssumptions(),
) -> LotPlan:
    """Lawful lots for a programme's yearly demand: no lot group the splitting rule would flag,
    each lot with its method, eligible local firms, citations and reasons."""
    _check_demand(programme)
    year_start = dt.date(programme.fiscal_year, 1, 1)
    dims = rules.lot_dimensions(year_start, programme.kind)
    drafts = _initial_drafts(programme, dims, assumptions)
    drafts = _merge_until_lawful(drafts, programme, rules)

    # What the bids save stays in each department's budget: the remainder, ordered after the
    # last lot's window has closed so it is never summed with the lots.
    notes: list[PlanNote] = []
    remainders: list[_Draft] = []
    by_department: dict[str, list[_Draft]] = {}
    for d in drafts:
        by_department.setdefault(d.department, []).append(d)
    for department, own in sorted(by_department.items()):
        remainder = _remainder_draft(department, own, programme, rules, suppliers, assumptions)
        if isinstance(remainder, PlanNote):
            notes.append(remainder)
        elif remainder is not None:
            remainders.append(remainder)

    open_bid_local_bp, from_registry = _open_bid_local_bp(programme, suppliers, assumptions)
    lots: list[Lot] = []
    ordered = sorted(drafts, key=lambda d: (d.department, d.order_on, sorted(d.subjects)))
    for i, draft in enumerate([*ordered, *remainders], start=1):
        is_remainder = i > len(ordered)
        lots.append(
            _lot(
                f"{programme.programme_id}-L{i:03d}",
                draft,
                is_remainder,
                programme,
                rules,
                suppliers,
                open_bid_local_bp,
                dims,
            )
        )
    lots = _with_window_reasons(lots, programme, rules)
    if any(not lot.eligible_suppliers and lot.scope is BidScope.CITY for lot in lots):
        notes.append(PlanNote.NO_ELIGIBLE_LOCAL_SUPPLIER)
    planned_krw = sum(line.amount_krw for line in programme.lines)
    non_remainder = [lot for lot in lots if not lot.is_remainder]
    return LotPlan(
        programme_id=programme.programme_id,
        lots=tuple(lots),
        planned_krw=planned_krw,
        expected_local_krw=sum(lot.expected_local_krw for lot in non_remainder),
        status_quo_local_krw=planned_krw * open_bid_local_bp // BP,
        assumptions=(
            Assumption(AssumptionCode.BID_AWARD_RATIO_BP, assumptions.bid_award_ratio_bp),
            Assumption(AssumptionCode.OPEN_BID_LOCAL_WIN_BP, open_bid_local_bp),
            Assumption(AssumptionCode.OPEN_BID_LOCAL_WIN_FROM_REGISTRY, int(from_registry)),
            Assumption(AssumptionCode.EQUAL_CHANCE_PER_ELIGIBLE_FIRM, 1),
            Assumption(AssumptionCode.ORDER_DAY_OF_QUARTER, assumptions.order_day_of_quarter),
            Assumption(
                AssumptionCode.CITY_LOT_LOCAL_IS_WINNERS_OFFICE,
                sum(1 for lot in lots if lot.scope is BidScope.CITY),
            ),
        ),
        notes=tuple(dict.fromkeys(notes)),
    )


def _check_demand(programme: Programme) -> None:
    if not programme.lines:
        raise LotPlanError(LotPlanProblem.NO_DEMAND, programme=programme.programme_id)
    for i, line in enumerate(programme.lines):
        if line.amount_krw <= 0:
            raise LotPlanError(
                LotPlanProblem.NON_POSITIVE_AMOUNT, line=i, amount_krw=line.amount_krw
            )
        if line.quarter not in (1, 2, 3, 4):
            raise LotPlanError(LotPlanProblem.BAD_QUARTER, line=i, quarter=line.quarter)


def _quarter_start(year: int, quarter: int, day: int) -> dt.date:
    return dt.date(year, 3 * (quarter - 1) + 1, max(1, min(day, 28)))


def _initial_drafts(
    programme: Programme, dims: frozenset[LotDimension], assumptions: LotAssumptions
) -> list[_Draft]:
    drafts: dict[tuple[str, str, int], _Draft] = {}
    for line in programme.lines:
        department = line.library if LotDimension.LIBRARY in dims else programme.department
        subject_key = line.subject if LotDimension.SUBJECT in dims else ""
        quarter_key = line.quarter if LotDimension.QUARTER in dims else 1
        key = (department, subject_key, quarter_key)
        order_on = _quarter_start(
            programme.fiscal_year, quarter_key, assumptions.order_day_of_quarter
        )
        draft = drafts.get(key)
        if draft is None:
            draft = drafts[key] = _Draft(department, set(), set(), set(), 0, order_on)
        draft.libraries.add(line.library)
        draft.subjects.add(line.subject)
        draft.quarters.add(line.quarter)
        draft.amount_krw += line.amount_krw
    for draft in drafts.values():
        # Record which boundaries the rules refused, so the lot can say why it is coarse.
        if len(draft.libraries) > 1:
            draft.not_allowed.add(LotDimension.LIBRARY)
        if len(draft.subjects) > 1 and LotDimension.SUBJECT not in dims:
            draft.not_allowed.add(LotDimension.SUBJECT)
        if len(draft.quarters) > 1:
            draft.not_allowed.add(LotDimension.QUARTER)
    return list(drafts.values())


def _draft_purchases(drafts: Sequence[_Draft], programme: Programme) -> list[Purchase]:
    return [
        Purchase(
            purchase_id=str(i),
            department=d.department,
            category=programme.category,
            kind=programme.kind,
            amount_krw=d.amount_krw,
            ordered_on=d.order_on,
        )
        for i, d in enumerate(drafts)
    ]


def _groups_over_cap(parts: list[int], drafts: Sequence[_Draft], cap_krw: int) -> list[list[int]]:
    """The flagged parts in order-date order, grouped so that each group sums above the cap
    (a group above the cap is no part of a split any more); the fewest merges that make the
    window lawful, so a year's quarterly lots stay quarterly when each quarter is above it."""
    ordered = sorted(parts, key=lambda i: (drafts[i].order_on, i))
    groups: list[list[int]] = []
    current: list[int] = []
    total = 0
    for i in ordered:
        current.append(i)
        total += drafts[i].amount_krw
        if total > cap_krw:
            groups.append(current)
            current, total = [], 0
    if current:
        if groups:
            groups[-1] += current
        else:
            groups.append(current)
    return groups


def _merged(parts: list[_Draft], flag: SplitFlag) -> _Draft:
    return _Draft(
        department=parts[0].department,
        libraries=set().union(*(p.libraries for p in parts)),
        subjects=set().union(*(p.subjects for p in parts)),
        quarters=set().union(*(p.quarters for p in parts)),
        amount_krw=sum(p.amount_krw for p in parts),
        order_on=min(p.order_on for p in parts),
        merged_from=sum(p.merged_from for p in parts),
        merged_over=[
            *(r for p in parts for r in p.merged_over),
            LotReason(
                LotReasonCode.MERGED_TO_AVOID_SPLIT,
                {
                    "parts": len(parts),
                    "parts_total_krw": sum(p.amount_krw for p in parts),
                    "threshold_krw": flag.threshold.cap_krw,
                    "threshold_rule": flag.threshold.rule_id,
                    "window_days": flag.window_days,
                },
            ),
        ],
        not_allowed=set().union(*(p.not_allowed for p in parts)),
    )


def _merge_until_lawful(
    drafts: list[_Draft], programme: Programme, rules: RuleBook
) -> list[_Draft]:
    # Each round merges at least two parts (the first group sums above the cap, every part is
    # at or below it), so this ends; one lot per group cannot be flagged.
    while True:
        flags = find_splits(_draft_purchases(drafts, programme), rules)
        if not flags:
            return drafts
        flag = flags[0]
        members = [int(pid) for pid in flag.purchase_ids]
        groups = _groups_over_cap(members, drafts, flag.threshold.cap_krw)
        merged = [_merged([drafts[i] for i in g], flag) for g in groups if len(g) > 1]
        gone = {i for g in groups if len(g) > 1 for i in g}
        drafts = [d for i, d in enumerate(drafts) if i not in gone] + merged


# A remainder is ordered about a month after the department's last lot, once its award (and
# so the saving) is known.
REMAINDER_AFTER_LAST_LOT_DAYS = 30


def _expected_award_krw(amount_krw: int, method: ContractMethod, ratio_bp: int) -> int:
    if method in (ContractMethod.OPEN_BID, ContractMethod.RESTRICTED_BID):
        return amount_krw * ratio_bp // BP
    return amount_krw  # a quoted private contract is priced near the estimate


def _remainder_draft(
    department: str,
    own: Sequence[_Draft],
    programme: Programme,
    rules: RuleBook,
    suppliers: Sequence[Supplier],
    assumptions: LotAssumptions,
) -> _Draft | PlanNote | None:
    saved_krw = 0
    for d in own:
        request = PurchaseRequest(
            programme.category, d.amount_krw, department, d.order_on, programme.kind
        )
        method = evaluate(request, rules, ()).method
        saved_krw += d.amount_krw - _expected_award_krw(
            d.amount_krw, method, assumptions.bid_award_ratio_bp
        )
    if saved_krw <= 0:
        return None
    last_on = max(d.order_on for d in own)
    if rules.split_by_fiscal_year(last_on, programme.kind):
        # Every order of the year is summed anyway: order when the last award shows the saving.
        order_on = last_on + dt.timedelta(days=REMAINDER_AFTER_LAST_LOT_DAYS)
    else:
        order_on = last_on + dt.timedelta(days=rules.split_window_days(last_on, programme.kind))
    if order_on.year != programme.fiscal_year:
        return PlanNote.REMAINDER_OUTSIDE_YEAR
    candidate = Purchase(
        "remainder",
        department,
        programme.category,
        programme.kind,
        saved_krw,
        order_on,
        is_remainder=True,
    )
    existing = _draft_purchases(own, programme)
    if check_addition(existing, candidate, rules):
        return PlanNote.REMAINDER_WOULD_SPLIT
    return _Draft(
        department=department,
        libraries={lib for d in own for lib in d.libraries},
        subjects={s for d in own for s in d.subjects},
        quarters={q for d in own for q in d.quarters},
        amount_krw=saved_krw,
        order_on=order_on,
    )


def _open_bid_local_bp(
    programme: Programme, suppliers: Sequence[Supplier], assumptions: LotAssumptions
) -> tuple[int, bool]:
    if assumptions.open_bid_local_win_bp is not None:
        return assumptions.open_bid_local_win_bp, False
    registered = [s for s in suppliers if programme.category in s.categories]
    if not registered:
        return 0, True
    in_city = sum(1 for s in registered if s.locality is Locality.IN_CITY)
    return in_city * BP // len(registered), True


def _local_bp(scope: BidScope, eligible: Sequence[Supplier], open_bid_local_bp: int) -> int:
    if scope is BidScope.NATIONAL:
        return open_bid_local_bp
    if not eligible:
        return 0  # nobody may bid: the order would fail and go out again
    in_city = sum(1 for s in eligible if s.locality is Locality.IN_CITY)
    return in_city * BP // len(eligible)


def _lot(
    lot_id: str,
    draft: _Draft,
    is_remainder: bool,
    programme: Programme,
    rules: RuleBook,
    suppliers: Sequence[Supplier],
    open_bid_local_bp: int,
    dims: frozenset[LotDimension],
) -> Lot:
    request = PurchaseRequest(
        category=programme.category,
        estimated_amount_krw=draft.amount_krw,
        department=draft.department,
        requested_on=draft.order_on,
        kind=programme.kind,
        is_remainder=is_remainder,
    )
    decision = evaluate(request, rules, suppliers)
    eligible = decision.eligible_suppliers
    if decision.method in (
        ContractMethod.PRIVATE_CONTRACT_SINGLE,
        ContractMethod.PRIVATE_CONTRACT_QUOTES,
    ):
        # A private contract goes to one chosen firm: with a local firm available, it is local.
        local_bp = BP if any(s.locality is Locality.IN_CITY for s in eligible) else 0
        if decision.scope is BidScope.NATIONAL:
            local_bp = open_bid_local_bp
    else:
        local_bp = _local_bp(decision.scope, eligible, open_bid_local_bp)
    reasons: list[LotReason] = []
    if LotDimension.LIBRARY in dims and draft.department != programme.department:
        reasons.append(
            LotReason(LotReasonCode.SEPARATE_DEPARTMENT, {"department": draft.department})
        )
    for dimension in sorted(draft.not_allowed):
        reasons.append(LotReason(LotReasonCode.BOUNDARY_NOT_ALLOWED, {"dimension": dimension}))
    reasons.extend(draft.merged_over)
    if is_remainder:
        reasons.append(
            LotReason(LotReasonCode.REMAINDER_AFTER_AWARDS, {"remainder_krw": draft.amount_krw})
        )
    return Lot(
        lot_id=lot_id,
        department=draft.department,
        libraries=tuple(sorted(draft.libraries)),
        subjects=tuple(sorted(draft.subjects)),
        quarters=tuple(sorted(draft.quarters)),
        amount_krw=draft.amount_krw,
        order_on=draft.order_on,
        is_remainder=is_remainder,
        method=decision.method,
        scope=decision.scope,
        eligible_suppliers=eligible,
        citations=decision.citations,
        reasons=tuple(reasons),
        expected_local_krw=draft.amount_krw * local_bp // BP,
    )


def _with_window_reasons(lots: list[Lot], programme: Programme, rules: RuleBook) -> list[Lot]:
    """Add to each lot the window fact that makes it lawful under the splitting rule."""
    out: list[Lot] = []
    for lot in lots:
        window_days = rules.split_window_days(lot.order_on, programme.kind)
        near = [
            other
            for other in lots
            if other is not lot
            and other.department == lot.department
            and abs((other.order_on - lot.order_on).days) < window_days
        ]
        if not near:
            gaps = [
                abs((o.order_on - lot.order_on).days)
                for o in lots
                if o is not lot and o.department == lot.department
            ]
            reason = LotReason(
                LotReasonCode.ALONE_IN_WINDOW,
                {"window_days": window_days, "nearest_gap_days": min(gaps, default=-1)},
            )
        else:
            reason = LotReason(
                LotReasonCode.WINDOW_SUM_WITHIN_THRESHOLDS,
                {
                    "window_days": window_days,
                    "lots_in_window": len(near) + 1,
                    "window_sum_krw": lot.amount_krw + sum(o.amount_krw for o in near),
                },
            )
        out.append(replace(lot, reasons=(*lot.reasons, reason)))
    return out
