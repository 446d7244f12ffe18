"""The demo economy: Jeonju's suppliers and three years of leaking spending, loaded once."""

from __future__ import annotations

from typing import Any

import pytest

from saram.core.models import Role
from saram.economy import selectors
from saram.economy.demo import load_demo
from saram.economy.models import (
    EmployeeSurvey,
    LedgerEntry,
    PolicyRevision,
    Supplier,
    SupplierSurvey,
    SupportRecord,
)

pytestmark = pytest.mark.django_db


def _counts() -> tuple[int, ...]:
    return (
        Supplier.objects.count(),
        LedgerEntry.objects.count(),
        PolicyRevision.objects.count(),
        SupplierSurvey.objects.count(),
        EmployeeSurvey.objects.count(),
        SupportRecord.objects.count(),
    )


def test_loading_twice_changes_nothing(city: Any) -> None:
    first = load_demo(city=city, seed=7)
    counts = _counts()
    again = load_demo(city=city, seed=7)

    assert _counts() == counts
    assert first["ledger_rows"] > 9000 and again["ledger_rows"] == 0


def test_the_demo_has_every_kind_of_firm_in_and_outside_the_city(demo_economy: Any) -> None:
    localities = set(Supplier.objects.values_list("locality", flat=True))
    assert localities == {"in_city", "in_province", "outside"}
    categories = set(Supplier.objects.values_list("categories__code", flat=True))
    assert {"books", "uniforms", "produce", "printing", "construction"} <= categories
    assert Supplier.objects.exclude(social_economy_type="").count() >= 8
    assert set(LedgerEntry.objects.values_list("fiscal_year", flat=True).distinct()) == {
        2023,
        2024,
        2025,
    }


def test_only_the_planted_split_is_flagged(demo_economy: Any, make_user: Any) -> None:
    user = make_user(Role.PROCUREMENT_OFFICER)
    for year in (2023, 2024, 2025):
        flags = selectors.ledger_split_flags(user, fiscal_year=year)
        assert [sorted(f.purchase_ids) for f in flags] == [
            [f"{year}-office-split-{i}" for i in (1, 2, 3)]
        ]


def test_the_demo_schools_have_one_name_each_and_an_english_name_without_korean(
    city: Any,
) -> None:
    import numpy as np

    from saram.core.models import Dong
    from saram.economy.demo_meals import _schools

    schools = _schools(
        list(Dong.objects.filter(city=city).order_by("code")), np.random.default_rng(1)
    )

    names = [s.name for s in schools]
    assert len(names) == len(set(names))  # 인후1동, 2동, 3동's daycares are not all 인후어린이집
    assert all(s.name_en.isascii() and s.name_en for s in schools)
    assert len({s.name_en for s in schools}) == len(schools)
