"""Builders shared by the economy engine tests: small rule books and a supplier table."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from saram.economy.engine.policy import (
    BidScope,
    FirmClass,
    Layer,
    LotDimension,
    PurchaseKind,
    Rule,
    RuleBook,
    RuleEffect,
    RuleSetVersion,
    Supplier,
    default_rule_book,
)
from saram.economy.engine.registry import Locality, make_business_number

GOODS_SERVICES = frozenset({PurchaseKind.GOODS, PurchaseKind.SERVICES})
ALL_KINDS = frozenset(PurchaseKind)


def law_version(
    *,
    version_id: str = "law-test",
    effective_from: dt.date = dt.date(2020, 1, 1),
    effective_to: dt.date | None = None,
    private_cap_krw: int = 20_000_000,
    province_cap_krw: int = 230_000_000,
    window_days: int = 30,
) -> RuleSetVersion:
    return RuleSetVersion(
        version_id=version_id,
        layer=Layer.LAW,
        effective_from=effective_from,
        effective_to=effective_to,
        source="test law",
        rules=(
            Rule(
                "law.private.any",
                RuleEffect.PRIVATE_CONTRACT,
                GOODS_SERVICES,
                "제25조",
                limit_krw=private_cap_krw,
                firm_class=FirmClass.ANY,
                single_quote_limit_krw=private_cap_krw,
            ),
            Rule(
                "law.private.social_economy",
                RuleEffect.PRIVATE_CONTRACT,
                GOODS_SERVICES,
                "제25조",
                limit_krw=100_000_000,
                firm_class=FirmClass.SOCIAL_ECONOMY,
                single_quote_limit_krw=50_000_000,
            ),
            Rule(
                "law.regional",
                RuleEffect.REGIONAL_RESTRICTION,
                GOODS_SERVICES,
                "제20조",
                limit_krw=province_cap_krw,
                scope=BidScope.PROVINCE,
            ),
            Rule(
                "law.aggregation",
                RuleEffect.SPLIT_AGGREGATION,
                ALL_KINDS,
                "제7조",
                window_days=window_days,
            ),
        ),
    )


def city_version(
    *,
    version_id: str = "city-test",
    effective_from: dt.date = dt.date(2020, 1, 1),
    effective_to: dt.date | None = None,
    city_cap_krw: int | None = 50_000_000,
    remainder_cap_krw: int | None = 5_000_000,
    dimensions: frozenset[LotDimension] = frozenset(LotDimension),
    social_economy: bool = True,
) -> RuleSetVersion:
    rules: list[Rule] = []
    if city_cap_krw is not None:
        rules.append(
            Rule(
                "city.bid",
                RuleEffect.REGIONAL_RESTRICTION,
                GOODS_SERVICES,
                "city ordinance",
                limit_krw=city_cap_krw,
                scope=BidScope.CITY,
            )
        )
    if remainder_cap_krw is not None:
        rules.append(
            Rule(
                "city.remainder",
                RuleEffect.REMAINDER_PRIVATE_CONTRACT,
                GOODS_SERVICES,
                "city ordinance",
                limit_krw=remainder_cap_krw,
                scope=BidScope.CITY,
            )
        )
    if social_economy:
        rules.append(Rule("city.se", RuleEffect.SOCIAL_ECONOMY_PREFERENCE, GOODS_SERVICES, "조례"))
    rules.append(
        Rule("city.lots", RuleEffect.LOT_BOUNDARY, GOODS_SERVICES, "방침", dimensions=dimensions)
    )
    return RuleSetVersion(
        version_id=version_id,
        layer=Layer.CITY,
        effective_from=effective_from,
        effective_to=effective_to,
        source="test city",
        rules=tuple(rules),
    )


def supplier(
    serial: int,
    locality: Locality,
    categories: tuple[str, ...] = ("books",),
    *,
    social_economy: bool = False,
) -> Supplier:
    classes = {FirmClass.ANY}
    if social_economy:
        classes.add(FirmClass.SOCIAL_ECONOMY)
    return Supplier(
        business_number=make_business_number(serial),
        name=f"firm {serial}",
        locality=locality,
        categories=frozenset(categories),
        firm_classes=frozenset(classes),
    )


JEONJU_RULES = Path(__file__).parents[3] / "data" / "cities" / "jeonju" / "procurement_rules.json"


def jeonju_city_layer() -> dict[str, Any]:
    """The demo city's own layer, read from its city directory (a city is data)."""
    data: dict[str, Any] = json.loads(JEONJU_RULES.read_text("utf-8"))
    return data


@pytest.fixture(scope="session")
def jeonju_rules() -> RuleBook:
    return default_rule_book(jeonju_city_layer())


@pytest.fixture
def suppliers() -> tuple[Supplier, ...]:
    return (
        supplier(1, Locality.IN_CITY),
        supplier(2, Locality.IN_CITY, social_economy=True),
        supplier(3, Locality.IN_PROVINCE),
        supplier(4, Locality.OUTSIDE),
        supplier(5, Locality.OUTSIDE),
        supplier(6, Locality.IN_CITY, ("uniforms",)),
    )
