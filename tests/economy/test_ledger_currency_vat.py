"""Ledger amounts in won on a known VAT basis: other currencies refused or converted at the
user's recorded rate; OCDS 1.0 amounts and packages read with the same checks."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest

from saram.core.errors import SaramError
from saram.core.imports import keep_upload
from saram.core.models import Role
from saram.economy.models import LedgerEntry, LedgerImport, amount_before_vat
from saram.economy.services import ledger

pytestmark = pytest.mark.django_db

HEADER = "지급번호,지급일,부서,품목,사업자등록번호,금액,통화,부가세"


@pytest.fixture
def officer(make_user: Any) -> Any:
    return make_user(Role.PROCUREMENT_OFFICER)


@pytest.fixture
def firm(make_supplier: Any) -> Any:
    return make_supplier("in_city", name="전주 책방")


def _csv(ledger_csv: Any, firm: Any, *rows: tuple[str, str, str]) -> bytes:
    return ledger_csv(
        [
            (pid, "2024-03-05", "가 도서관", "books", firm.business_number, amount, currency, vat)
            for pid, amount, currency, vat in [(f"P-{i}", *r) for i, r in enumerate(rows, 1)]
        ],
        header=HEADER,
    )


def test_an_amount_in_pounds_is_refused_with_a_row_error(
    officer: Any, firm: Any, ledger_csv: Any
) -> None:
    raw = _csv(ledger_csv, firm, ("60000", "GBP", ""), ("1250000", "KRW", ""))

    with pytest.raises(SaramError) as exc:
        ledger.import_ledger(by=officer, upload=keep_upload(raw, "l.csv"), fiscal_year=2024)

    assert [(e.row, e.field) for e in exc.value.row_errors] == [(2, "통화")]
    assert "GBP" in exc.value.row_errors[0].message
    assert LedgerEntry.objects.count() == 0


def test_an_amount_in_pounds_is_converted_at_the_rate_the_user_gave_and_the_rate_recorded(
    officer: Any, firm: Any, ledger_csv: Any
) -> None:
    raw = _csv(ledger_csv, firm, ("60000.50", "gbp", ""), ("1250000", "", ""))

    ledger.import_ledger(
        by=officer,
        upload=keep_upload(raw, "l.csv"),
        fiscal_year=2024,
        exchange_rates={"GBP": Decimal("1712.35")},
    )

    pound = LedgerEntry.objects.get(payment_id="P-1")
    assert pound.amount_krw == 102_741_856  # 60,000.50 × 1,712.35 = 102,741,856.175
    assert (pound.currency, pound.original_amount) == ("GBP", Decimal("60000.5"))
    assert LedgerEntry.objects.get(payment_id="P-2").currency == "KRW"
    assert LedgerImport.objects.get().exchange_rates == {"GBP": "1712.35"}


def test_each_row_keeps_its_vat_basis_and_caps_compare_without_vat(
    officer: Any, firm: Any, ledger_csv: Any
) -> None:
    raw = _csv(
        ledger_csv,
        firm,
        ("22000000", "", "포함"),
        ("22000000", "", "별도"),
        ("22000000", "", "면세"),
        ("22000000", "", ""),
    )
    ledger.import_ledger(by=officer, upload=keep_upload(raw, "l.csv"), fiscal_year=2024)

    bases = dict(LedgerEntry.objects.values_list("payment_id", "vat_basis"))
    assert bases == {"P-1": "included", "P-2": "excluded", "P-3": "exempt", "P-4": "included"}
    assert LedgerEntry.objects.get(payment_id="P-1").amount_before_vat_krw == 20_000_000
    assert LedgerEntry.objects.get(payment_id="P-2").amount_before_vat_krw == 22_000_000
    assert amount_before_vat(11, "included") == 10


def test_an_unknown_vat_word_is_a_row_error(officer: Any, firm: Any, ledger_csv: Any) -> None:
    raw = _csv(ledger_csv, firm, ("1000", "", "반반"))
    with pytest.raises(SaramError) as exc:
        ledger.import_ledger(by=officer, upload=keep_upload(raw, "l.csv"), fiscal_year=2024)
    assert [(e.row, e.field) for e in exc.value.row_errors] == [(2, "부가세")]


def _release(number: str, transactions: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "ocid": "ocds-test-1",
        "id": "r1",
        "date": "2024-02-01T09:00:00+09:00",
        "tag": ["implementation"],
        "buyer": {"name": "가 도서관"},
        "tender": {"items": [{"id": "1", "classification": {"scheme": "X", "id": "books"}}]},
        "contracts": [{"id": "c1", "implementation": {"transactions": transactions}}],
    }


def test_ocds_1_0_amounts_and_receivers_are_read_and_the_package_recorded(
    officer: Any, firm: Any
) -> None:
    number = firm.business_number
    package = {
        "uri": "https://example.org/packages/2024-02.json",
        "publishedDate": "2024-03-01T00:00:00Z",
        "version": "1.0",
        "publisher": {"name": "가 도서관"},
        "releases": [
            _release(
                number,
                [
                    {
                        "id": "T-1",
                        "date": "2024-02-10T10:00:00+09:00",
                        "amount": {"amount": 2_000_000, "currency": "KRW"},
                        "receiverOrganization": {
                            "scheme": "KR-BRN",
                            "id": number,
                            "legalName": "전주 책방",
                        },
                    }
                ],
            )
        ],
    }

    ledger.import_ledger(
        by=officer, upload=keep_upload(json.dumps(package).encode(), "p.json"), fiscal_year=2024
    )

    entry = LedgerEntry.objects.get(payment_id="T-1")
    assert (entry.amount_krw, entry.supplier_id) == (2_000_000, firm.pk)
    (recorded,) = LedgerImport.objects.get().ocds_packages
    assert recorded["uri"] == package["uri"] and recorded["version"] == "1.0"
    assert recorded["releases"] == 1


def test_an_ocds_transaction_in_pounds_is_refused_naming_that_transaction(
    officer: Any, firm: Any
) -> None:
    payee = {"id": f"KR-BRN-{firm.business_number}", "name": "전주 책방"}
    release = _release(
        firm.business_number,
        [
            {
                "id": "T-1",
                "date": "2024-02-10",
                "value": {"amount": 10_000, "currency": "KRW"},
                "payee": payee,
            },
            {
                "id": "T-2",
                "date": "2024-02-11",
                "value": {"amount": 60_000, "currency": "GBP"},
                "payee": payee,
            },
        ],
    )
    with pytest.raises(SaramError) as exc:
        ledger.import_ledger(
            by=officer,
            upload=keep_upload(json.dumps([release]).encode(), "r.json"),
            fiscal_year=2024,
        )

    assert [(e.row, e.field) for e in exc.value.row_errors] == [(2, "통화")]
    assert LedgerEntry.objects.count() == 0
