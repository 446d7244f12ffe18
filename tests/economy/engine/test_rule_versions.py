"""Rule books are refused, with every reason, when versions overlap, leave gaps or break the law."""

import dataclasses
import datetime as dt
import json
from importlib import resources

import pytest

from saram.economy.engine.policy import (
    Layer,
    RuleBook,
    RuleBookError,
    RuleProblemCode,
    load_rule_book,
    validate_rule_book,
)

from .conftest import city_version, jeonju_city_layer, law_version


def codes(problems) -> list[RuleProblemCode]:  # type: ignore[no-untyped-def]
    return [p.code for p in problems]


def test_contiguous_versions_are_accepted() -> None:
    law = (
        law_version(version_id="a", effective_to=dt.date(2023, 12, 31)),
        law_version(version_id="b", effective_from=dt.date(2024, 1, 1), private_cap_krw=30_000_000),
    )
    assert validate_rule_book(law, (city_version(),)) == ()


def test_overlapping_versions_are_refused_with_the_day_they_overlap() -> None:
    law = (
        law_version(version_id="a", effective_to=dt.date(2024, 1, 31)),
        law_version(version_id="b", effective_from=dt.date(2024, 1, 1)),
    )
    with pytest.raises(RuleBookError) as caught:
        RuleBook(law=law)
    (problem,) = caught.value.problems
    assert problem.code is RuleProblemCode.VERSION_OVERLAP
    assert problem.params == {
        "layer": "law",
        "version": "a",
        "other_version": "b",
        "overlap_from": "2024-01-01",
    }


def test_an_open_ended_version_followed_by_another_overlaps() -> None:
    city = (
        city_version(version_id="old"),
        city_version(version_id="new", effective_from=dt.date(2025, 1, 1)),
    )
    assert codes(validate_rule_book((law_version(),), city)) == [RuleProblemCode.VERSION_OVERLAP]


def test_a_gap_between_versions_is_refused_with_the_missing_days() -> None:
    city = (
        city_version(version_id="2023", effective_to=dt.date(2023, 12, 31)),
        city_version(version_id="2024", effective_from=dt.date(2024, 1, 2)),
    )
    (problem,) = validate_rule_book((law_version(),), city)
    assert problem.code is RuleProblemCode.VERSION_GAP
    assert problem.params["missing_from"] == "2024-01-01"
    assert problem.params["missing_to"] == "2024-01-01"


def test_a_version_ending_before_it_starts_is_refused() -> None:
    law = (law_version(effective_from=dt.date(2024, 2, 1), effective_to=dt.date(2024, 1, 1)),)
    assert RuleProblemCode.EMPTY_PERIOD in codes(validate_rule_book(law))


def test_no_law_version_is_refused() -> None:
    assert codes(validate_rule_book(())) == [RuleProblemCode.NO_LAW_VERSION]


def test_a_city_remainder_above_the_laws_private_limit_is_refused() -> None:
    problems = validate_rule_book((law_version(),), (city_version(remainder_cap_krw=25_000_000),))
    assert codes(problems) == [RuleProblemCode.CITY_EXCEEDS_LAW]
    assert problems[0].params["rule"] == "city.remainder"


def test_a_city_restriction_above_the_laws_regional_limit_is_refused() -> None:
    problems = validate_rule_book((law_version(),), (city_version(city_cap_krw=300_000_000),))
    assert codes(problems) == [RuleProblemCode.CITY_EXCEEDS_LAW]


def test_the_law_layer_cannot_restrict_to_one_city() -> None:
    city_rules = city_version().rules
    bad_law = dataclasses.replace(law_version(), rules=(*law_version().rules, city_rules[0]))
    assert RuleProblemCode.WRONG_LAYER in codes(validate_rule_book((bad_law,)))


def test_two_rules_for_the_same_slot_are_ambiguous() -> None:
    law = law_version()
    twin = dataclasses.replace(law.rules[0], rule_id="law.private.any.twin")
    doubled = dataclasses.replace(law, rules=(*law.rules, twin))
    assert codes(validate_rule_book((doubled,))) == [RuleProblemCode.AMBIGUOUS_RULES]


def test_duplicate_rule_ids_are_refused() -> None:
    law = law_version()
    doubled = dataclasses.replace(law, rules=(*law.rules, law.rules[-1]))
    assert RuleProblemCode.DUPLICATE_RULE_ID in codes(validate_rule_book((doubled,)))


def _shipped(name: str) -> dict:  # type: ignore[type-arg]
    text = resources.files("saram.economy.engine").joinpath("data", name).read_text("utf-8")
    return json.loads(text)  # type: ignore[no-any-return]


def test_shipped_jeonju_rules_load_with_both_layers(jeonju_rules: RuleBook) -> None:
    assert {v.layer for v in jeonju_rules.law} == {Layer.LAW}
    assert [v.version_id for v in jeonju_rules.city] == ["jeonju-2023", "jeonju-2025"]
    assert jeonju_rules.area is not None and jeonju_rules.area.city_name == "전주시"


def test_a_fractional_amount_in_a_rule_file_is_unreadable() -> None:
    law = _shipped("law_local_contract.json")
    law["versions"][0]["rules"][0]["limit_krw"] = 2e7
    with pytest.raises(RuleBookError) as caught:
        load_rule_book(law)
    assert codes(caught.value.problems) == [RuleProblemCode.UNREADABLE]


def test_a_shipped_city_file_edited_to_overlap_is_refused() -> None:
    city = jeonju_city_layer()
    city["versions"][0]["effective_to"] = "2025-06-30"
    with pytest.raises(RuleBookError) as caught:
        load_rule_book(_shipped("law_local_contract.json"), city)
    assert codes(caught.value.problems) == [RuleProblemCode.VERSION_OVERLAP]
