"""The supplier registry: one registry of organisations, numbers checked, places resolved."""

from __future__ import annotations

from typing import Any

import pytest
import tablib
from django.core.exceptions import PermissionDenied
from django.utils import translation

from saram.core.errors import SaramError
from saram.core.imports import keep_upload
from saram.core.models import AuditEntry, Dong, Organisation, Role
from saram.economy.engine.registry import make_business_number
from saram.economy.models import LedgerEntry, Supplier
from saram.economy.services import ledger, suppliers

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer(make_user: Any) -> Any:
    return make_user(Role.PROCUREMENT_OFFICER)


def test_a_number_with_a_wrong_checksum_is_refused(officer: Any, rules: None) -> None:
    good = make_business_number(123_456_789)
    bad = good[:9] + str((int(good[9]) + 1) % 10)
    with pytest.raises(SaramError) as exc:
        suppliers.register_supplier(by=officer, name="틀린 번호", business_number=bad)
    assert "검증 숫자" in exc.value.message
    # A code and parameters, not text: a reader in English reads it in English.
    assert (exc.value.code, exc.value.params) == ("brn_checksum", {"field": "business_number"})
    stored = SaramError.from_dict(exc.value.as_dict())
    with translation.override("en"):
        assert "check digit" in stored.message.lower()
    assert not Organisation.objects.filter(name="틀린 번호").exists()


@pytest.mark.parametrize(
    ("address", "locality", "province", "municipality", "has_dong"),
    [
        ("전북특별자치도 전주시 덕진구 송천1동 123", "in_city", "전북특별자치도", "전주시", True),
        ("전라북도 전주시 완산구 노송광장로 10", "in_city", "전북특별자치도", "전주시", False),
        ("전북특별자치도 익산시 인북로 10", "in_province", "전북특별자치도", "익산시", False),
        ("서울특별시 중구 세종대로 110", "outside", "서울특별시", "중구", False),
    ],
)
def test_the_address_is_resolved_to_dong_city_and_province(
    officer: Any,
    rules: None,
    address: str,
    locality: str,
    province: str,
    municipality: str,
    has_dong: bool,
) -> None:
    supplier = suppliers.register_supplier(
        by=officer,
        name="업체",
        business_number=make_business_number(100_000_001),
        address=address,
    )
    assert (supplier.locality, supplier.province, supplier.municipality) == (
        locality,
        province,
        municipality,
    )
    assert (supplier.organisation.dong is not None) == has_dong
    if has_dong:
        assert supplier.organisation.dong == Dong.objects.get(name="송천1동")


def test_an_existing_organisation_is_reused_so_there_is_one_registry(
    officer: Any, rules: None, dong: Any
) -> None:
    number = make_business_number(100_000_002)
    org = Organisation.objects.create(kind="firm", name="동네 인쇄", business_number=number)
    supplier = suppliers.register_supplier(
        by=officer, name="동네 인쇄", business_number=f"{number[:3]}-{number[3:5]}-{number[5:]}",
        dong=dong,
    )  # fmt: skip
    assert supplier.organisation == org
    assert Organisation.objects.filter(business_number=number).count() == 1
    assert AuditEntry.objects.filter(target_type="economy.supplier").exists()


def test_moving_a_supplier_reclassifies_its_payments(
    officer: Any, rules: None, make_supplier: Any, ledger_csv: Any, dong: Any
) -> None:
    firm = make_supplier("outside")
    raw = ledger_csv(
        [("X-1", "2024-02-01", "회계과", "", "books", firm.business_number, "", 1000, "")]
    )
    ledger.import_ledger(by=officer, upload=keep_upload(raw, "x.csv"), fiscal_year=2024)
    assert LedgerEntry.objects.get().locality == 2

    suppliers.update_supplier(
        by=officer, supplier=firm, name=firm.name, address="전북특별자치도 전주시", dong=dong
    )
    assert LedgerEntry.objects.get().locality == 0


def _file(rows: list[list[str]]) -> bytes:
    data = tablib.Dataset(headers=list(suppliers.EXPORT_HEADERS))
    for row in rows:
        data.append(row + [""] * (len(suppliers.EXPORT_HEADERS) - len(row)))
    return data.export("csv").encode()


def test_import_reports_every_bad_row_and_writes_nothing(
    officer: Any, rules: None, categories: Any
) -> None:
    good = make_business_number(100_000_003)
    raw = _file(
        [
            [good, "좋은 서점", "", "전북특별자치도 전주시 완산구 중앙동 1", "", "", "", "Y"],
            [good[:9] + "0" if good[9] != "0" else good[:9] + "1", "틀린 번호"],
            [good, "같은 번호"],
            [make_business_number(100_000_004), "품목 틀림", "", "", "", "", "", "",
             "", "", "", "", "장난감"],
            [make_business_number(100_000_005), "유형 틀림", "", "", "9999999999", "", "재단"],
        ]
    )  # fmt: skip
    with pytest.raises(SaramError) as exc:
        suppliers.import_suppliers(by=officer, upload=keep_upload(raw, "s.csv"))
    assert {(e.row, e.field) for e in exc.value.row_errors} == {
        (3, "사업자등록번호"),
        (4, "사업자등록번호"),
        (5, "공급품목"),
        (6, "행정동코드"),
        (6, "사회적경제유형"),
    }
    assert not Supplier.objects.exists()


def test_export_then_import_round_trips(officer: Any, rules: None, make_supplier: Any) -> None:
    make_supplier("in_city", categories_=("books", "uniforms"), social_economy_type="cooperative")
    make_supplier("outside")
    exported = suppliers.export_suppliers(
        by=officer, fmt="xlsx", suppliers=Supplier.objects.all()
    ).read()
    count = suppliers.import_suppliers(by=officer, upload=keep_upload(exported, "s.xlsx"))
    assert count == 2 and Supplier.objects.count() == 2
    coop = Supplier.objects.get(social_economy_type="cooperative")
    assert set(coop.categories.values_list("code", flat=True)) == {"books", "uniforms"}


def test_only_economy_officers_change_the_registry(make_user: Any, rules: None) -> None:
    for role in (Role.CITIZEN, Role.WELFARE_OFFICER, Role.CITY_ADMIN):
        with pytest.raises(PermissionDenied):
            suppliers.register_supplier(
                by=make_user(role), name="x", business_number=make_business_number(5)
            )


def test_the_map_shows_local_suppliers_of_a_category(
    rules: None, make_supplier: Any, client_as: Any
) -> None:
    make_supplier("in_city", categories_=("books",), name="책방")
    make_supplier("in_city", categories_=("uniforms",), name="교복집")
    make_supplier("outside", categories_=("books",), name="서울 총판")
    client = client_as(Role.PROCUREMENT_OFFICER)
    data = client.get("/economy/suppliers/map.geojson?category=books").json()
    assert [f["properties"]["name"] for f in data["features"]] == ["책방"]
    lng, lat = data["features"][0]["geometry"]["coordinates"]
    assert 126.9 < lng < 127.3 and 35.7 < lat < 35.95
    assert client.get("/economy/suppliers/map/").status_code == 200


def test_the_list_filters_and_exports(rules: None, make_supplier: Any, client_as: Any) -> None:
    make_supplier("in_city", name="가 서점")
    make_supplier("outside", name="나 총판", needs_review=True)
    client = client_as(Role.SOCIAL_ECONOMY_OFFICER)
    page = client.get("/economy/suppliers/?locality=outside").content.decode()
    assert "나 총판" in page and "가 서점" not in page
    review = client.get("/economy/suppliers/?review=1").content.decode()
    assert "나 총판" in review and "가 서점" not in review
    exported = client.get("/economy/suppliers/?format=csv")
    csv_text = b"".join(exported.streaming_content).decode("utf-8-sig")
    assert csv_text.splitlines()[0].startswith("사업자등록번호,상호")
