"""Fixtures of the economy tests: the demo economy, small registries and ledger files."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.conf import settings
from tests.module_db import module_transaction

from saram.core.models import City, Dong, Organisation, OrganisationKind
from saram.core.services.cities import load_city
from saram.economy.demo import load_demo
from saram.economy.engine.registry import make_business_number
from saram.economy.models import Category, Department, Locality, Programme, Supplier
from saram.economy.services.rules import install_shipped_rules

LEDGER_HEADER = "지급번호,지급일,부서,사업,품목,사업자등록번호,거래처명,금액,계약방법"


DEMO_SEED = 20150215


@pytest.fixture
def demo_economy(city: City) -> dict[str, Any]:
    """The demo economy of Jeonju (suppliers, three years of spending, rules, plans)."""
    return load_demo(city=city, seed=DEMO_SEED, with_meals=False)


@pytest.fixture(scope="module")
def shared_demo_economy(django_db_setup: None, django_db_blocker: Any) -> Iterator[dict[str, Any]]:
    """The demo economy loaded once for a whole module (a few seconds of CPU each time), inside a
    transaction rolled back at the module's end; each test's own changes roll back to it. A module
    whose every test reads the demo uses it by overriding `demo_economy` with this one
    (scripts/test hands out whole modules to its test processes, `--dist loadscope`)."""
    with module_transaction(django_db_blocker):
        city = load_city(settings.SARAM_CITY_DIR).city
        yield load_demo(city=city, seed=DEMO_SEED, with_meals=False)


@pytest.fixture
def rules(city: City) -> None:
    """The shipped rules as revision 1 (law 2023-, and from the loaded city's directory
    Jeonju's reform from 2025-01-01)."""
    install_shipped_rules(by=None)


@pytest.fixture
def categories(db: None) -> dict[str, Category]:
    found = {}
    for code, name, kind in (
        ("books", "도서", "goods"),
        ("uniforms", "교복", "goods"),
        ("produce", "농산물", "goods"),
        ("construction", "건설공사", "works"),
    ):
        found[code], _ = Category.objects.get_or_create(
            code=code, defaults={"name": name, "name_en": code.title(), "kind": kind}
        )
    return found


@pytest.fixture
def departments(db: None) -> dict[str, Department]:
    found = {}
    for code, name in (("library", "도서관정책과"), ("lib-a", "가 도서관"), ("lib-b", "나 도서관")):
        found[code], _ = Department.objects.get_or_create(code=code, defaults={"name": name})
    return found


_serial = iter(range(1, 10_000_000))


MakeSupplier = Callable[..., Supplier]


@pytest.fixture
def make_supplier(city: City, categories: dict[str, Category]) -> MakeSupplier:
    """`make_supplier(locality="in_city", categories=("books",), **fields)`: a registered firm
    (an Organisation with a supplier profile) with a fresh checksum-valid number."""

    def _make(
        locality: str = Locality.IN_CITY,
        *,
        categories_: tuple[str, ...] = ("books",),
        name: str | None = None,
        number: str | None = None,
        **fields: Any,
    ) -> Supplier:
        n = next(_serial)
        number = number or make_business_number(610_000_000 + n)
        dong = Dong.objects.order_by("code").first() if locality == Locality.IN_CITY else None
        org = Organisation.objects.create(
            kind=OrganisationKind.FIRM,
            name=name or f"업체 {n}",
            business_number=number,
            dong=dong,
            address="전북특별자치도 전주시" if dong else "서울특별시 중구",
        )
        supplier = Supplier.objects.create(organisation=org, locality=locality, **fields)
        supplier.categories.set([categories[c] for c in categories_])
        return supplier

    return _make


def _ledger_csv(rows: list[tuple[Any, ...]], header: str = LEDGER_HEADER) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header.split(","))
    for row in rows:
        writer.writerow(["" if v is None else str(v) for v in row])
    return out.getvalue().encode("utf-8")


@pytest.fixture
def ledger_csv() -> Callable[..., bytes]:
    """`ledger_csv(rows, header=LEDGER_HEADER)`: a ledger CSV file (UTF-8) from rows of
    (payment id, date, department, programme, category, 사업자등록번호, name, amount, method)."""
    return _ledger_csv


@pytest.fixture
def programme(categories: dict[str, Category], departments: dict[str, Department]) -> Programme:
    found, _ = Programme.objects.get_or_create(
        code="library-books",
        defaults={
            "name": "도서관 도서 구입",
            "category": categories["books"],
            "department": departments["library"],
        },
    )
    return found


@pytest.fixture(autouse=True)
def _korean() -> Any:
    """Messages are asserted in Korean, whatever language an earlier test left active."""
    from django.utils import translation

    with translation.override("ko"):
        yield
