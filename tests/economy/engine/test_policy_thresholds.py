"""The policy engine at and around each threshold, across the date the city's rules start."""

import datetime as dt

import pytest

from saram.economy.engine.policy import (
    BidScope,
    ContractMethod,
    DecisionNote,
    FirmClass,
    Layer,
    PolicyError,
    PolicyProblem,
    PurchaseKind,
    PurchaseRequest,
    ReasonCode,
    RuleBook,
    Supplier,
    evaluate,
)
from saram.economy.engine.registry import Locality

REFORM_ON = dt.date(2025, 1, 1)
BEFORE_REFORM = dt.date(2024, 12, 31)


def request(
    amount_krw: int,
    on: dt.date = dt.date(2025, 3, 2),
    *,
    kind: PurchaseKind = PurchaseKind.GOODS,
    is_remainder: bool = False,
    category: str = "books",
) -> PurchaseRequest:
    return PurchaseRequest(category, amount_krw, "도서관본부", on, kind, is_remainder)


def rule_ids(decision) -> list[str]:  # type: ignore[no-untyped-def]
    return [c.rule_id for c in decision.citations]


@pytest.mark.parametrize(
    ("amount_krw", "method", "scope"),
    [
        (19_999_999, ContractMethod.PRIVATE_CONTRACT_SINGLE, BidScope.CITY),
        (20_000_000, ContractMethod.PRIVATE_CONTRACT_SINGLE, BidScope.CITY),
        (20_000_001, ContractMethod.RESTRICTED_BID, BidScope.CITY),
        (49_999_999, ContractMethod.RESTRICTED_BID, BidScope.CITY),
        (50_000_000, ContractMethod.RESTRICTED_BID, BidScope.CITY),
        (50_000_001, ContractMethod.RESTRICTED_BID, BidScope.PROVINCE),
        (229_999_999, ContractMethod.RESTRICTED_BID, BidScope.PROVINCE),
        (230_000_000, ContractMethod.OPEN_BID, BidScope.NATIONAL),  # 고시금액 미만 only
    ],
)
def test_method_and_scope_around_each_threshold(
    jeonju_rules: RuleBook,
    suppliers: tuple[Supplier, ...],
    amount_krw: int,
    method: ContractMethod,
    scope: BidScope,
) -> None:
    decision = evaluate(request(amount_krw), jeonju_rules, suppliers)
    assert (decision.method, decision.scope) == (method, scope)


def test_fifty_million_is_the_citys_rule_and_one_won_more_is_the_laws(
    jeonju_rules: RuleBook, suppliers: tuple[Supplier, ...]
) -> None:
    at = evaluate(request(50_000_000), jeonju_rules, suppliers)
    above = evaluate(request(50_000_001), jeonju_rules, suppliers)
    assert rule_ids(at)[:2] == ["jeonju.city_bid", "law.regional.goods_services"]
    assert at.citations[0].layer is Layer.CITY
    assert at.citations[0].reason is ReasonCode.CITY_RESTRICTION_WITHIN_LIMIT
    assert at.citations[1].reason is ReasonCode.REGIONAL_RESTRICTION_BASIS
    assert rule_ids(above)[0] == "law.regional.goods_services"
    assert above.citations[0].layer is Layer.LAW
    assert "jeonju.city_bid" not in rule_ids(above)
    assert at.is_restricted_to_city and above.is_restricted_to_province


def test_city_restricted_bid_lists_only_city_firms_of_the_category(
    jeonju_rules: RuleBook, suppliers: tuple[Supplier, ...]
) -> None:
    decision = evaluate(request(49_999_999), jeonju_rules, suppliers)
    names = [s.name for s in decision.eligible_suppliers]
    # social-economy firm first (the city's preference), then the other city bookstore
    assert names == ["firm 2", "firm 1"]
    assert all(s.locality is Locality.IN_CITY for s in decision.eligible_suppliers)


def test_province_bid_lists_city_then_province_firms(
    jeonju_rules: RuleBook, suppliers: tuple[Supplier, ...]
) -> None:
    decision = evaluate(request(50_000_001), jeonju_rules, suppliers)
    assert [s.name for s in decision.eligible_suppliers] == ["firm 2", "firm 1", "firm 3"]


def test_the_same_amount_changes_scope_on_the_day_the_city_rule_starts(
    jeonju_rules: RuleBook, suppliers: tuple[Supplier, ...]
) -> None:
    before = evaluate(request(30_000_000, BEFORE_REFORM), jeonju_rules, suppliers)
    after = evaluate(request(30_000_000, REFORM_ON), jeonju_rules, suppliers)
    assert before.scope is BidScope.PROVINCE and after.scope is BidScope.CITY
    assert {c.version_id for c in before.citations} == {"law-2023"}
    assert "jeonju-2025" in {c.version_id for c in after.citations}
    # below 20M the decree allows any firm; only the city's rule makes it local
    small_before = evaluate(request(10_000_000, BEFORE_REFORM), jeonju_rules, suppliers)
    small_after = evaluate(request(10_000_000, REFORM_ON), jeonju_rules, suppliers)
    assert small_before.scope is BidScope.NATIONAL and small_after.scope is BidScope.CITY


@pytest.mark.parametrize(
    ("amount_krw", "is_remainder", "first_rule"),
    [
        (5_000_000, True, "jeonju.remainder"),
        (5_000_001, True, "law.private.any"),  # above the city's remainder cap: the law's route
        (5_000_000, False, "law.private.any"),
    ],
)
def test_remainder_up_to_five_million_goes_by_the_city_rule(
    jeonju_rules: RuleBook,
    suppliers: tuple[Supplier, ...],
    amount_krw: int,
    is_remainder: bool,
    first_rule: str,
) -> None:
    decision = evaluate(request(amount_krw, is_remainder=is_remainder), jeonju_rules, suppliers)
    assert decision.method is ContractMethod.PRIVATE_CONTRACT_SINGLE
    assert decision.scope is BidScope.CITY
    assert rule_ids(decision)[0] == first_rule


def test_remainder_before_the_reform_has_no_city_route(
    jeonju_rules: RuleBook, suppliers: tuple[Supplier, ...]
) -> None:
    decision = evaluate(
        request(4_000_000, BEFORE_REFORM, is_remainder=True), jeonju_rules, suppliers
    )
    assert "jeonju.remainder" not in rule_ids(decision)
    assert decision.scope is BidScope.NATIONAL


def test_social_economy_firms_get_a_private_contract_option_up_to_the_decree_limit(
    jeonju_rules: RuleBook, suppliers: tuple[Supplier, ...]
) -> None:
    decision = evaluate(request(70_000_000), jeonju_rules, suppliers)
    options = {o.firm_class: o for o in decision.options}
    social = options[FirmClass.SOCIAL_ECONOMY]
    assert social.method is ContractMethod.PRIVATE_CONTRACT_QUOTES  # over 50M: two quotes
    assert [s.name for s in social.eligible_suppliers] == ["firm 2"]
    assert "jeonju.social_economy" in [c.rule_id for c in social.citations]
    assert FirmClass.SOCIAL_ECONOMY not in {
        o.firm_class for o in evaluate(request(100_000_001), jeonju_rules, suppliers).options
    }


def test_works_follow_their_own_limits(jeonju_rules: RuleBook) -> None:
    decision = evaluate(request(300_000_000, kind=PurchaseKind.WORKS), jeonju_rules, ())
    assert decision.method is ContractMethod.PRIVATE_CONTRACT_QUOTES
    assert decision.scope is BidScope.NATIONAL  # the city's rule covers goods and services only


def test_no_local_firm_for_the_category_is_noted(
    jeonju_rules: RuleBook, suppliers: tuple[Supplier, ...]
) -> None:
    decision = evaluate(request(30_000_000, category="fuel"), jeonju_rules, suppliers)
    assert decision.eligible_suppliers == ()
    assert decision.notes == (DecisionNote.NO_ELIGIBLE_LOCAL_SUPPLIER,)


@pytest.mark.parametrize(
    ("amount_krw", "on", "problem"),
    [
        (0, REFORM_ON, PolicyProblem.NON_POSITIVE_AMOUNT),
        (-1, REFORM_ON, PolicyProblem.NON_POSITIVE_AMOUNT),
        (2**44, REFORM_ON, PolicyProblem.AMOUNT_TOO_LARGE),
        (1_000_000, dt.date(2022, 12, 31), PolicyProblem.NO_RULES_IN_FORCE),
    ],
)
def test_undecidable_requests_raise_with_a_code(
    jeonju_rules: RuleBook, amount_krw: int, on: dt.date, problem: PolicyProblem
) -> None:
    with pytest.raises(PolicyError) as caught:
        evaluate(request(amount_krw, on), jeonju_rules, ())
    assert caught.value.code is problem
