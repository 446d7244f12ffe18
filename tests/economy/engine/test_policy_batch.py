"""`evaluate_many` gives, row by row, what `evaluate` gives one request at a time."""

import datetime as dt

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from saram.economy.engine.policy import (
    KIND_CODES,
    SCOPE_CODES,
    BidScope,
    PolicyError,
    PolicyProblem,
    PurchaseKind,
    PurchaseRequest,
    RequestColumns,
    RuleBook,
    default_rule_book,
    evaluate,
    evaluate_many,
)
from saram.economy.engine.registry import Locality

from .conftest import jeonju_city_layer, supplier

RULES = default_rule_book(jeonju_city_layer())
SUPPLIERS = (
    supplier(1, Locality.IN_CITY, ("books", "paper")),
    supplier(2, Locality.IN_CITY, ("books",), social_economy=True),
    supplier(3, Locality.IN_PROVINCE, ("paper",)),
    supplier(4, Locality.OUTSIDE, ("books",)),
)
# Amounts cluster on the caps, where off-by-one mistakes live.
CAPS = [
    4_999_999,
    5_000_000,
    5_000_001,
    20_000_000,
    20_000_001,
    50_000_000,
    50_000_001,
    229_999_999,
    230_000_000,
    400_000_000,
    400_000_001,
    9_999_999_999,
    10_000_000_000,
]
amounts = st.one_of(st.sampled_from(CAPS), st.integers(min_value=-5, max_value=2**45))
requests = st.builds(
    PurchaseRequest,
    category=st.sampled_from(["books", "paper", "fuel"]),
    estimated_amount_krw=amounts,
    department=st.just("d"),
    requested_on=st.dates(dt.date(2022, 12, 1), dt.date(2026, 12, 31)),
    kind=st.sampled_from(list(PurchaseKind)),
    is_remainder=st.booleans(),
)


@settings(max_examples=60, deadline=None)
@given(st.lists(requests, min_size=1, max_size=40))
def test_batch_rows_agree_with_one_by_one(batch: list[PurchaseRequest]) -> None:
    decided = evaluate_many(RequestColumns.from_requests(batch), RULES, SUPPLIERS)
    for i, req in enumerate(batch):
        try:
            one = evaluate(req, RULES, SUPPLIERS)
        except PolicyError as exc:
            assert decided.problem_of(i) is exc.code
            assert decided.method_of(i) is None
            continue
        assert decided.problem_of(i) is None
        assert decided.method_of(i) is one.method
        assert decided.scope_of(i) is one.scope
        assert decided.citations_of(i) == one.citations
        assert decided.eligible_suppliers_of(i) == one.eligible_suppliers
        assert int(decided.eligible_count[i]) == len(one.eligible_suppliers)


def test_columns_built_with_numpy_decide_in_bulk() -> None:
    n = 10_000
    rng = np.random.default_rng(7)
    columns = RequestColumns(
        category=np.array(["books", "paper"])[rng.integers(0, 2, n)],
        amount_krw=rng.integers(1, 300_000_000, n, dtype=np.int64),
        requested_on=np.datetime64("2025-01-01") + rng.integers(0, 365, n).astype("timedelta64[D]"),
        kind=np.zeros(n, dtype=np.int8),  # goods
        is_remainder=np.zeros(n, dtype=bool),
    )
    decided = evaluate_many(columns, RULES, SUPPLIERS)
    assert (decided.problem == 0).all()
    city = columns.amount_krw <= 50_000_000
    assert set(decided.scope[city].tolist()) == {SCOPE_CODES.index(BidScope.CITY)}
    assert set(decided.scope[~city].tolist()) <= {
        SCOPE_CODES.index(BidScope.PROVINCE),
        SCOPE_CODES.index(BidScope.NATIONAL),
    }


def test_a_day_before_any_law_version_is_a_row_problem(jeonju_rules: RuleBook) -> None:
    req = PurchaseRequest("books", 1_000_000, "d", dt.date(2000, 1, 1), KIND_CODES[0])
    decided = evaluate_many(RequestColumns.from_requests([req]), jeonju_rules, ())
    assert decided.problem_of(0) is PolicyProblem.NO_RULES_IN_FORCE
