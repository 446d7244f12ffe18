"""Anti-splitting: parts under a threshold whose sum crosses it, inside the window."""

import datetime as dt

from saram.economy.engine.policy import PurchaseKind, RuleBook
from saram.economy.engine.splitting import (
    Purchase,
    SplitReason,
    check_addition,
    find_splits,
)

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


def test_three_parts_under_fifty_million_summing_over_it_are_flagged(
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
    assert flag.threshold.cap_krw == 50_000_000  # the highest threshold the parts evade
    assert flag.threshold.rule_id == "jeonju.city_bid"
    assert (flag.first_on, flag.last_on) == (DAY, DAY + dt.timedelta(20))
    assert flag.window_days == 30


def test_two_private_contracts_summing_over_twenty_million_are_flagged(
    jeonju_rules: RuleBook,
) -> None:
    (flag,) = find_splits([buy("a", 15_000_000), buy("b", 6_000_000, 3)], jeonju_rules)
    assert flag.threshold.rule_id == "law.private.any"
    assert flag.total_krw == 21_000_000


def test_the_window_counts_the_last_day_and_twenty_nine_days_back(
    jeonju_rules: RuleBook,
) -> None:
    inside = [buy("a", 15_000_000), buy("b", 15_000_000, 29)]
    outside = [buy("a", 15_000_000), buy("b", 15_000_000, 30)]
    assert len(find_splits(inside, jeonju_rules)) == 1
    assert find_splits(outside, jeonju_rules) == ()


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


def test_separate_clusters_are_separate_flags(jeonju_rules: RuleBook) -> None:
    rows = [
        buy("a", 12_000_000),
        buy("b", 12_000_000, 1),
        buy("c", 12_000_000, 100),
        buy("d", 12_000_000, 101),
    ]
    assert [f.purchase_ids for f in find_splits(rows, jeonju_rules)] == [("a", "b"), ("c", "d")]


def test_thresholds_follow_the_rules_in_force_on_the_last_day(jeonju_rules: RuleBook) -> None:
    # 2024: no city rule, so 30M + 25M = 55M crosses no threshold the parts are under
    # (20M is below each part, 230M far above the sum).
    before = [
        Purchase("a", "d", "books", PurchaseKind.GOODS, 30_000_000, dt.date(2024, 6, 1)),
        Purchase("b", "d", "books", PurchaseKind.GOODS, 25_000_000, dt.date(2024, 6, 5)),
    ]
    after = [
        Purchase("a", "d", "books", PurchaseKind.GOODS, 30_000_000, dt.date(2025, 6, 1)),
        Purchase("b", "d", "books", PurchaseKind.GOODS, 25_000_000, dt.date(2025, 6, 5)),
    ]
    assert find_splits(before, jeonju_rules) == ()
    assert find_splits(after, jeonju_rules)[0].threshold.cap_krw == 50_000_000


def test_planner_check_refuses_an_addition_that_makes_a_split(jeonju_rules: RuleBook) -> None:
    plan = [buy("a", 18_000_000), buy("b", 30_000_000, 40)]
    flags = check_addition(plan, buy("new", 3_000_000, 5), jeonju_rules)
    assert [f.purchase_ids for f in flags] == [("a", "new")]
    assert flags[0].threshold.cap_krw == 20_000_000


def test_planner_check_allows_an_addition_outside_the_window(jeonju_rules: RuleBook) -> None:
    plan = [buy("a", 18_000_000), buy("b", 30_000_000, 40)]
    assert check_addition(plan, buy("new", 3_000_000, 80), jeonju_rules) == ()
