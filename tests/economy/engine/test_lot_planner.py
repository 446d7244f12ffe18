"""The lot planner: local lots for the library-book programme, and never an unlawful split."""

import datetime as dt

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from saram.economy.engine.lots import (
    DemandLine,
    LotAssumptions,
    LotPlan,
    LotReasonCode,
    PlanNote,
    Programme,
    plan_lots,
)
from saram.economy.engine.policy import (
    BidScope,
    ContractMethod,
    LotDimension,
    PurchaseKind,
    RuleBook,
)
from saram.economy.engine.registry import Locality
from saram.economy.engine.splitting import find_splits

from .conftest import city_version, law_version, supplier

LIBRARIES = (
    "완산도서관",
    "삼천도서관",
    "평화도서관",
    "인후도서관",
    "서신도서관",
    "송천도서관",
    "금암도서관",
    "쪽구름도서관",
    "건지도서관",
    "아중도서관",
    "효자도서관",
    "우아도서관",
)
SUBJECTS = ("아동", "청소년", "문학", "인문", "과학")
BOOKSTORES = (
    *(supplier(i, Locality.IN_CITY) for i in range(1, 9)),
    supplier(20, Locality.IN_PROVINCE),
    *(supplier(i, Locality.OUTSIDE) for i in range(30, 62)),
)


def library_programme(year: int = 2025, total_krw: int = 1_000_000_000) -> Programme:
    shares = [len(LIBRARIES) * len(SUBJECTS) * 4]
    per_line = total_krw // shares[0]
    lines = tuple(
        DemandLine(lib, subject, quarter, per_line)
        for lib in LIBRARIES
        for subject in SUBJECTS
        for quarter in (1, 2, 3, 4)
    )
    return Programme("library-books", "도서관본부", "books", PurchaseKind.GOODS, year, lines)


def assert_lawful(plan: LotPlan, rules: RuleBook, programme: Programme) -> None:
    assert find_splits(plan.as_purchases(programme.category, programme.kind), rules) == ()


def test_library_books_become_local_lots(jeonju_rules: RuleBook) -> None:
    programme = library_programme()
    plan = plan_lots(programme, jeonju_rules, BOOKSTORES)
    assert_lawful(plan, jeonju_rules, programme)
    ordinary = [lot for lot in plan.lots if not lot.is_remainder]
    # ~20.8M per library-quarter: subjects merged (they would split the 20M cap), one city
    # bid per library per quarter.
    assert len(ordinary) == len(LIBRARIES) * 4
    assert {lot.method for lot in ordinary} == {ContractMethod.RESTRICTED_BID}
    assert {lot.scope for lot in ordinary} == {BidScope.CITY}
    assert all(len(lot.eligible_suppliers) == 8 for lot in ordinary)
    assert sum(lot.amount_krw for lot in ordinary) == plan.planned_krw
    assert plan.expected_local_share == 1.0
    # one open national bid: 8 of 41 registered bookstores are local
    assert plan.status_quo_local_krw == plan.planned_krw * (8 * 10_000 // 41) // 10_000
    assert plan.expected_local_krw > 4 * plan.status_quo_local_krw


def test_every_lot_says_why_it_is_lawful(jeonju_rules: RuleBook) -> None:
    plan = plan_lots(library_programme(), jeonju_rules, BOOKSTORES)
    for lot in plan.lots:
        codes = {r.code for r in lot.reasons}
        assert LotReasonCode.SEPARATE_DEPARTMENT in codes
        assert codes & {
            LotReasonCode.ALONE_IN_WINDOW,
            LotReasonCode.WINDOW_SUM_WITHIN_THRESHOLDS,
        }
        assert lot.citations
    merged = next(r for r in plan.lots[0].reasons if r.code is LotReasonCode.MERGED_TO_AVOID_SPLIT)
    assert merged.params["threshold_krw"] == 20_000_000
    assert merged.params["threshold_rule"] == "law.private.any"


def test_bid_savings_come_back_as_a_local_private_remainder(jeonju_rules: RuleBook) -> None:
    programme = library_programme(total_krw=600_000_000)  # 12.5M per library-quarter
    plan = plan_lots(programme, jeonju_rules, BOOKSTORES)
    assert_lawful(plan, jeonju_rules, programme)
    # Four 12.5M private contracts a year would split the law's 20M cap (summed over the
    # fiscal year): each library's quarters are merged in pairs into 25M city bids instead.
    ordinary = [lot for lot in plan.lots if not lot.is_remainder]
    assert len(ordinary) == len(LIBRARIES) * 2
    assert {lot.method for lot in ordinary} == {ContractMethod.RESTRICTED_BID}

    programme = library_programme(total_krw=1_000_000_000)
    plan = plan_lots(programme, jeonju_rules, BOOKSTORES)
    remainders = [lot for lot in plan.lots if lot.is_remainder]
    assert len(remainders) == len(LIBRARIES)
    for lot in remainders:
        quarter_krw = 5 * (1_000_000_000 // 240)  # five subjects' lines
        assert lot.amount_krw == 4 * (quarter_krw - quarter_krw * 9_000 // 10_000)
        assert lot.method is ContractMethod.PRIVATE_CONTRACT_SINGLE
        assert lot.scope is BidScope.CITY
        assert lot.order_on == dt.date(2025, 11, 9)  # 10 Oct + 30 days: outside the window
        assert LotReasonCode.REMAINDER_AFTER_AWARDS in {r.code for r in lot.reasons}


def test_status_quo_year_has_no_city_lots(jeonju_rules: RuleBook) -> None:
    programme = library_programme(year=2024)
    plan = plan_lots(programme, jeonju_rules, BOOKSTORES)
    assert_lawful(plan, jeonju_rules, programme)
    # no lot boundaries before the reform: one lot for the whole programme, above 230M
    (lot,) = [lot for lot in plan.lots if not lot.is_remainder]
    assert lot.method is ContractMethod.OPEN_BID
    assert {r.code for r in lot.reasons} >= {LotReasonCode.BOUNDARY_NOT_ALLOWED}
    assert plan.expected_local_krw == plan.status_quo_local_krw


# ------------------------------------------------------------------ property: never a split


@st.composite
def rule_books(draw: st.DrawFn) -> RuleBook:
    private_cap = draw(st.integers(1_000_000, 60_000_000))
    province_cap = draw(st.integers(private_cap, 400_000_000))
    city_cap = draw(st.one_of(st.none(), st.integers(1, province_cap)))
    remainder_cap = draw(st.one_of(st.none(), st.integers(1, private_cap)))
    window = draw(st.integers(1, 200))
    dims = frozenset(draw(st.sets(st.sampled_from(list(LotDimension)))))
    return RuleBook(
        law=(
            law_version(
                private_cap_krw=private_cap, province_cap_krw=province_cap, window_days=window
            ),
        ),
        city=(
            city_version(city_cap_krw=city_cap, remainder_cap_krw=remainder_cap, dimensions=dims),
        ),
    )


demand_lines = st.lists(
    st.builds(
        DemandLine,
        library=st.sampled_from(LIBRARIES[:4]),
        subject=st.sampled_from(SUBJECTS[:3]),
        quarter=st.integers(1, 4),
        amount_krw=st.integers(1, 80_000_000),
    ),
    min_size=1,
    max_size=30,
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    rules=rule_books(),
    lines=demand_lines,
    award_bp=st.integers(5_000, 10_000),
    order_day=st.integers(1, 28),
)
def test_planner_never_produces_a_split_the_rule_calls_unlawful(
    rules: RuleBook, lines: list[DemandLine], award_bp: int, order_day: int
) -> None:
    programme = Programme("p", "본부", "books", PurchaseKind.GOODS, 2025, tuple(lines))
    plan = plan_lots(
        programme,
        rules,
        BOOKSTORES,
        LotAssumptions(bid_award_ratio_bp=award_bp, order_day_of_quarter=order_day),
    )
    assert_lawful(plan, rules, programme)
    # every won of demand is in exactly one ordinary lot
    ordinary = [lot for lot in plan.lots if not lot.is_remainder]
    assert sum(lot.amount_krw for lot in ordinary) == sum(line.amount_krw for line in lines)
    assert all(lot.order_on.year == 2025 for lot in plan.lots)
    assert all(lot.reasons for lot in plan.lots)


def test_a_remainder_that_cannot_leave_the_window_within_the_year_is_noted() -> None:
    rules = RuleBook(law=(law_version(window_days=120),), city=(city_version(),))
    lines = (DemandLine("완산도서관", "아동", 4, 30_000_000),)
    plan = plan_lots(
        Programme("p", "본부", "books", PurchaseKind.GOODS, 2025, lines), rules, BOOKSTORES
    )
    assert PlanNote.REMAINDER_OUTSIDE_YEAR in plan.notes
    assert not any(lot.is_remainder for lot in plan.lots)
