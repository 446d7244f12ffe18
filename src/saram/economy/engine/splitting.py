"""Anti-splitting (수의계약 쪼개기): purchases that together cross a threshold none of them crosses.

The law sums split orders when it prices a purchase (지방계약법 시행령 제7조). A flag is raised for
purchases of one department, category and kind within the rules' window when every part stays
at or below a statutory cap (where the contract method changes) but their sum is above it. The
window is data: the fiscal year of the order for needs that recur through the year (the law's
rule as audits apply it), or a number of days counted from the last order back. Each flag
names the cap's rule, its source and its layer (law or city policy).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import numpy as np
import numpy.typing as npt

from saram.economy.engine.policy import KIND_CODES, PurchaseKind, RuleBook, SplitWindow, Threshold

# Day numbers fit in 20 bits (2,870 years), so (group, day) packs into one int64 sort key.
_DAY_BITS = 20
_EPOCH = np.datetime64("1970-01-01", "D")


class SplitReason(StrEnum):
    PARTS_SUM_OVER_THRESHOLD = "parts_sum_over_threshold"


@dataclass(frozen=True, slots=True)
class Purchase:
    """One order, planned or paid, as the splitting rule sees it."""

    purchase_id: str
    department: str
    category: str
    kind: PurchaseKind
    amount_krw: int
    ordered_on: dt.date
    is_remainder: bool = False


@dataclass(frozen=True, slots=True)
class SplitFlag:
    """Evidence of a split: the parts, their sum and the threshold the sum crosses."""

    reason: SplitReason
    department: str
    category: str
    kind: PurchaseKind
    purchase_ids: tuple[str, ...]
    total_krw: int
    largest_part_krw: int
    threshold: Threshold
    window_days: int
    first_on: dt.date
    last_on: dt.date
    window: SplitWindow = SplitWindow.DAYS


@dataclass(frozen=True, slots=True)
class PurchaseColumns:
    """Purchases as columns (a ledger or a plan), all arrays the same length."""

    purchase_id: npt.NDArray[Any]  # str
    department: npt.NDArray[Any]  # str
    category: npt.NDArray[Any]  # str
    kind: npt.NDArray[np.int8]  # index into policy.KIND_CODES
    amount_krw: npt.NDArray[np.int64]
    ordered_on: npt.NDArray[np.datetime64]  # datetime64[D]

    @classmethod
    def from_purchases(cls, purchases: Sequence[Purchase]) -> PurchaseColumns:
        kind_index = {k: i for i, k in enumerate(KIND_CODES)}
        return cls(
            purchase_id=np.array([p.purchase_id for p in purchases], dtype=np.str_),
            department=np.array([p.department for p in purchases], dtype=np.str_),
            category=np.array([p.category for p in purchases], dtype=np.str_),
            kind=np.array([kind_index[p.kind] for p in purchases], dtype=np.int8),
            amount_krw=np.array([p.amount_krw for p in purchases], dtype=np.int64),
            ordered_on=np.array([p.ordered_on for p in purchases], dtype="datetime64[D]"),
        )

    def __len__(self) -> int:
        return int(self.amount_krw.shape[0])


def find_splits(
    purchases: Sequence[Purchase] | PurchaseColumns, rules: RuleBook
) -> tuple[SplitFlag, ...]:
    """Every unlawful split in a plan or ledger, one flag per largest offending window."""
    cols = (
        purchases
        if isinstance(purchases, PurchaseColumns)
        else PurchaseColumns.from_purchases(purchases)
    )
    return _find(cols, rules, keep_contained=False)


def check_addition(
    existing: Sequence[Purchase], candidate: Purchase, rules: RuleBook
) -> tuple[SplitFlag, ...]:
    """For planners: the splits that adding `candidate` would create (empty: lawful to add)."""
    same = [
        p
        for p in existing
        if p.department == candidate.department
        and p.category == candidate.category
        and p.kind is candidate.kind
        and p.purchase_id != candidate.purchase_id
    ]
    before = {f.purchase_ids for f in _find(_columns(same), rules, keep_contained=True)}
    after = _find(_columns([*same, candidate]), rules, keep_contained=True)
    return tuple(
        f for f in after if candidate.purchase_id in f.purchase_ids and f.purchase_ids not in before
    )


def _columns(purchases: Sequence[Purchase]) -> PurchaseColumns:
    return PurchaseColumns.from_purchases(purchases)


def _thresholds_by_row(
    rules: RuleBook, days: npt.NDArray[np.datetime64], kinds: npt.NDArray[np.int8]
) -> tuple[list[Threshold], npt.NDArray[np.bool_], npt.NDArray[np.int64], npt.NDArray[np.bool_]]:
    """The distinct thresholds, which are in force on each row's day, each row's window and
    whether it is the fiscal year."""
    # Rules change a few times a decade: decide per distinct (day, kind), not per row.
    pair_keys = (days - _EPOCH).astype(np.int64) * len(KIND_CODES) + kinds.astype(np.int64)
    unique_keys, inverse = np.unique(pair_keys, return_inverse=True)
    per_pair: list[tuple[tuple[Threshold, ...], int, bool]] = []
    for key in unique_keys.tolist():
        day = dt.date(1970, 1, 1) + dt.timedelta(days=key // len(KIND_CODES))
        kind = KIND_CODES[key % len(KIND_CODES)]
        per_pair.append(
            (
                rules.split_thresholds(day, kind),
                rules.split_window_days(day, kind),
                rules.split_by_fiscal_year(day, kind),
            )
        )
    distinct = sorted(
        {t for ts, _w, _f in per_pair for t in ts}, key=lambda t: (t.cap_krw, t.rule_id)
    )
    index = {t: i for i, t in enumerate(distinct)}
    in_force_pair = np.zeros((len(per_pair), len(distinct)), dtype=bool)
    window_pair = np.zeros(len(per_pair), dtype=np.int64)
    fiscal_pair = np.zeros(len(per_pair), dtype=bool)
    for p, (ts, window, fiscal) in enumerate(per_pair):
        window_pair[p] = window
        fiscal_pair[p] = fiscal
        for t in ts:
            in_force_pair[p, index[t]] = True
    return distinct, in_force_pair[inverse], window_pair[inverse], fiscal_pair[inverse]


@dataclass(frozen=True, slots=True)
class _Window:
    end: int  # index into the sorted rows, inclusive
    start: int
    threshold: int  # index into the distinct thresholds


def _find(cols: PurchaseColumns, rules: RuleBook, *, keep_contained: bool) -> tuple[SplitFlag, ...]:
    n = len(cols)
    if n < 2:
        return ()
    days = cols.ordered_on.astype("datetime64[D]")
    group_labels = np.char.add(
        np.char.add(cols.department.astype(np.str_), "\x1f"),
        np.char.add(cols.category.astype(np.str_), "\x1f"),
    )
    group_labels = np.char.add(group_labels, cols.kind.astype(np.str_))
    # A fiscal-year window never reaches into another year: the year joins the group.
    _t, _in_force, _w, fiscal_rows = _thresholds_by_row(rules, days, cols.kind)
    years = days.astype("datetime64[Y]").astype(np.int64) + 1970
    year_part = np.where(fiscal_rows, years, 0).astype(np.str_)
    group_labels = np.char.add(np.char.add(group_labels, "\x1f"), year_part)
    _, group = np.unique(group_labels, return_inverse=True)
    day_num = (days - _EPOCH).astype(np.int64)
    key = (group.astype(np.int64) << _DAY_BITS) + day_num
    order = np.argsort(key, kind="stable")
    key = key[order]
    amount = cols.amount_krw.astype(np.int64)[order]
    thresholds, in_force, window, fiscal = _thresholds_by_row(rules, days[order], cols.kind[order])
    if not thresholds:
        return ()

    # A window ends at the last order of a day and reaches back window-1 days in its group.
    is_last_of_day = np.ones(n, dtype=bool)
    is_last_of_day[:-1] = key[:-1] != key[1:]
    group_base = (key >> _DAY_BITS) << _DAY_BITS
    reach_back = np.maximum(key - np.maximum(window - 1, 0), group_base)
    start = np.searchsorted(key, reach_back, side="left")
    valid_end = is_last_of_day & (window > 0)

    flagged_any = np.zeros(n, dtype=bool)
    best = np.full(n, -1, dtype=np.int64)
    for t_i, threshold in enumerate(thresholds):
        is_part = amount <= threshold.cap_krw
        part_sum = np.concatenate(([0], np.cumsum(np.where(is_part, amount, 0))))
        part_count = np.concatenate(([0], np.cumsum(is_part)))
        window_sum = part_sum[np.arange(1, n + 1)] - part_sum[start]
        window_count = part_count[np.arange(1, n + 1)] - part_count[start]
        hit = valid_end & in_force[:, t_i] & (window_count >= 2) & (window_sum > threshold.cap_krw)
        flagged_any |= hit
        # Thresholds ascend, so the last hit is the highest threshold evaded.
        best = np.where(hit, t_i, best)

    ends = np.flatnonzero(flagged_any)
    if not keep_contained and len(ends) > 1:
        # A window is contained in the next flagged window of its group when both start at
        # the same row; report only the largest.
        same_group = (key[ends[:-1]] >> _DAY_BITS) == (key[ends[1:]] >> _DAY_BITS)
        contained = same_group & (start[ends[:-1]] == start[ends[1:]])
        ends = ends[np.concatenate((~contained, [True]))]

    flags: list[SplitFlag] = []
    for end in ends.tolist():
        windows = [_Window(end, int(start[end]), int(best[end]))]
        if keep_contained:
            # Planners ask about one candidate: every threshold crossed counts, not the highest.
            windows = [
                _Window(end, int(start[end]), t_i)
                for t_i, threshold in enumerate(thresholds)
                if in_force[end, t_i] and _crosses(amount, int(start[end]), end, threshold)
            ]
        for w in windows:
            flags.append(
                _flag(cols, order, amount, days, w, thresholds, int(window[end]), bool(fiscal[end]))
            )
    return tuple(flags)


def _crosses(amount: npt.NDArray[np.int64], start: int, end: int, threshold: Threshold) -> bool:
    parts = amount[start : end + 1]
    parts = parts[parts <= threshold.cap_krw]
    return len(parts) >= 2 and int(parts.sum()) > threshold.cap_krw


def _flag(
    cols: PurchaseColumns,
    order: npt.NDArray[np.intp],
    amount: npt.NDArray[np.int64],
    days: npt.NDArray[np.datetime64],
    w: _Window,
    thresholds: list[Threshold],
    window_days: int,
    fiscal_year: bool = False,
) -> SplitFlag:
    threshold = thresholds[w.threshold]
    rows = np.arange(w.start, w.end + 1)
    rows = rows[amount[rows] <= threshold.cap_krw]
    original = order[rows]
    parts = amount[rows]
    first = int(original[0])
    part_days = days[order[rows]]
    return SplitFlag(
        reason=SplitReason.PARTS_SUM_OVER_THRESHOLD,
        department=str(cols.department[first]),
        category=str(cols.category[first]),
        kind=KIND_CODES[int(cols.kind[first])],
        purchase_ids=tuple(str(cols.purchase_id[i]) for i in original),
        total_krw=int(parts.sum()),
        largest_part_krw=int(parts.max()),
        threshold=threshold,
        window_days=window_days,
        first_on=part_days.min().astype(dt.date),
        last_on=part_days.max().astype(dt.date),
        window=SplitWindow.FISCAL_YEAR if fiscal_year else SplitWindow.DAYS,
    )
