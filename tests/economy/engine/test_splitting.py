"""Anti-splitting: parts under the statutory cap whose sum crosses it, inside the window
(the fiscal year under the shipped law; a number of days where a rule book says so)."""

import datetime as dt

from saram.economy.engine.policy import Layer, PurchaseKind, RuleBook, SplitWindow
from saram.economy.engine.splitting import (
    Purchase,
    SplitReason,
    check_addition,
    find_splits,
)

from .conftest import law_version

DAY = dt.date(2025, 3, 3)


def buy(
    pid: str,
    amount_krw: int,
    days_after: int = 0,
    *,
    department: str = "평화도서관",
    category: str = "books",
) -> Purchase:
    return Purchase(
        pid, department, category, PurchaseKind.GOODS, amount_krw, DAY + dt.timedelta(days_after)
    )


def test_three_parts_are_flagged_against_the_laws_twenty_million_never_the_citys_fifty(
    jeonju_rules: RuleBook,
) -> None:
    flags = find_splits(
        [buy("a", 18_000_000), buy("b", 18_000_000, 10), buy("c", 18_000_000, 20)], jeonju_rules
    )
    (flag,) = flags
    assert flag.reason is SplitReason.PARTS_SUM_OVER_THRESHOLD
    assert flag.purchase_ids == ("a", "b", "c")
    assert flag.total_krw == 54_000_000
    assert flag.largest_part_krw == 18_000_000
    assert flag.threshold.cap_krw == 20_000_000
    assert flag.threshold.rule_id == "law.private.any"
    assert flag.threshold.layer is Layer.LAW
    assert (flag.first_on, flag.last_on) == (DAY, DAY + dt.timedelta(20))
    assert flag.window is SplitWindow.FISCAL_YEAR


def test_twelve_monthly_single_quote_orders_of_19_9_million_are_one_split(
    jeonju_rules: RuleBook,
) -> None:
    orders = [
        Purchase(
            f"m{m}", "평화도서관", "books", PurchaseKind.GOODS, 19_900_000, dt.date(2025, m, 5)
        )
        for m in range(1, 13)
    ]
    (flag,) = find_splits(orders, jeonju_rules)
    assert len(flag.purchase_ids) == 12
    assert flag.total_krw == 238_800_000
    assert (flag.threshold.cap_krw, flag.threshold.layer) == (20_000_000, Layer.LAW)
    assert "제25조" in flag.threshold.source


def test_eight_orders_of_19_9_million_spread_over_a_year_are_flagged(
    jeonju_rules: RuleBook,
) -> None:
    # Forty days apart: no 30-day window ever held two of them.
    orders = [buy(f"o{i}", 19_900_000, 40 * i) for i in range(8)]
    (flag,) = find_splits(orders, jeonju_rules)
    assert len(flag.purchase_ids) == 8


def test_two_private_contracts_summing_over_twenty_million_are_flagged(
    jeonju_rules: RuleBook,
) -> None:
    (flag,) = find_splits([buy("a", 15_000_000), buy("b", 6_000_000, 3)], jeonju_rules)
    assert flag.threshold.rule_id == "law.private.any"
    assert flag.total_krw == 21_000_000


def test_the_fiscal_year_is_the_window_and_a_new_year_starts_a_new_one(
    jeonju_rules: RuleBook,
) -> None:
    def on(pid: str, day: dt.date) -> Purchase:
        return Purchase(pid, "평화도서관", "books", PurchaseKind.GOODS, 15_000_000, day)

    same_year = [on("a", dt.date(2025, 1, 2)), on("b", dt.date(2025, 12, 31))]
    across = [on("a", dt.date(2025, 12, 31)), on("b", dt.date(2026, 1, 1))]
    assert len(find_splits(same_year, jeonju_rules)) == 1
    assert find_splits(across, jeonju_rules) == ()


def test_a_window_of_days_counts_the_last_day_and_the_days_back() -> None:
    rules = RuleBook(law=(law_version(window_days=30),))
    inside = [buy("a", 15_000_000), buy("b", 15_000_000, 29)]
    outside = [buy("a", 15_000_000), buy("b", 15_000_000, 30)]
    (flag,) = find_splits(inside, rules)
    assert (flag.window, flag.window_days) == (SplitWindow.DAYS, 30)
    assert find_splits(outside, rules) == ()


def test_sum_exactly_at_the_threshold_is_lawful(jeonju_rules: RuleBook) -> None:
    assert find_splits([buy("a", 10_000_000), buy("b", 10_000_000, 1)], jeonju_rules) == ()


def test_different_departments_or_categories_are_not_summed(jeonju_rules: RuleBook) -> None:
    assert (
        find_splits(
            [buy("a", 15_000_000), buy("b", 15_000_000, 1, department="삼천도서관")], jeonju_rules
        )
        == ()
    )
    assert (
        find_splits([buy("a", 15_000_000), buy("b", 15_000_000, 1, category="paper")], jeonju_rules)
        == ()
    )


def test_a_part_already_above_the_threshold_is_not_a_split_of_it(jeonju_rules: RuleBook) -> None:
    # 60M went to a province bid as it should; the 5M beside it evades nothing at 50M, and
    # alone it is the only part under 20M.
    assert find_splits([buy("a", 60_000_000), buy("b", 5_000_000, 1)], jeonju_rules) == ()


def test_overlapping_windows_report_the_largest_once(jeonju_rules: RuleBook) -> None:
    rows = [buy("a", 12_000_000), buy("b", 12_000_000, 1), buy("c", 12_000_000, 2)]
    (flag,) = find_splits(rows, jeonju_rules)
    assert flag.purchase_ids == ("a", "b", "c")


def test_separate_clusters_are_separate_flags() -> None:
    rules = RuleBook(law=(law_version(window_days=30),))
    rows = [
        buy("a", 12_000_000),
        buy("b", 12_000_000, 1),
        buy("c", 12_000_000, 100),
        buy("d", 12_000_000, 101),
    ]
    assert [f.purchase_ids for f in find_splits(rows, rules)] == [("a", "b"), ("c", "d")]


def test_the_citys_own_bid_limit_is_never_a_splitting_cap(jeonju_rules: RuleBook) -> None:
    # From 2025 the city restricts bids up to 50M to its own firms; 30M + 25M would evade that
    # policy, not the statute: each part is above the law's 20M private-contract cap.
    after = [
        Purchase("a", "d", "books", PurchaseKind.GOODS, 30_000_000, dt.date(2025, 6, 1)),
        Purchase("b", "d", "books", PurchaseKind.GOODS, 25_000_000, dt.date(2025, 6, 5)),
    ]
    assert find_splits(after, jeonju_rules) == ()


def test_planner_check_refuses_an_addition_that_makes_a_split(jeonju_rules: RuleBook) -> None:
    plan = [buy("a", 18_000_000), buy("b", 30_000_000, 40)]
    flags = check_addition(plan, buy("new", 3_000_000, 200), jeonju_rules)
    assert [f.purchase_ids for f in flags] == [("a", "new")]
    assert flags[0].threshold.cap_krw == 20_000_000


def test_planner_check_allows_an_addition_in_the_next_fiscal_year(jeonju_rules: RuleBook) -> None:
    plan = [buy("a", 18_000_000), buy("b", 30_000_000, 40)]
    assert check_addition(plan, buy("new", 3_000_000, 400), jeonju_rules) == ()
