"""What a ledger file holds: its columns, and payments read from OCDS releases into them.

CSV and XLSX ledgers are read by the import's file front (`services.ledger`); an OCDS file's
releases are read here into the same columns, so every form passes the same checks after.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import polars as pl

from saram.core.errors import RowError, SaramError
from saram.economy.engine.ocds import BUSINESS_NUMBER_SCHEME

# Columns of a ledger file: the Korean header, the English one also accepted, and the name used
# inside (English, so expressions read plainly).
LEDGER_COLUMNS: tuple[tuple[str, str, bool], ...] = (
    # (header, internal name, required)
    ("지급번호", "payment_id", True),
    ("지급일", "paid_on", True),
    ("부서", "department", True),
    ("사업", "programme", False),
    ("품목", "category", True),
    ("사업자등록번호", "business_number", True),
    ("거래처명", "supplier_name", False),
    ("금액", "amount_krw", True),
    ("계약방법", "method", False),
    ("통화", "currency", False),
    ("부가세", "vat_basis", False),
)
HEADER_OF = {name: header for header, name, _required in LEDGER_COLUMNS}
BY_HEADER = {header: name for header, name, _required in LEDGER_COLUMNS} | {
    name: name for _header, name, _required in LEDGER_COLUMNS
}


def ocds_json(raw: bytes) -> Any:
    """Decoded JSON of an OCDS file, or a SaramError naming the problem."""
    try:
        return json.loads(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise SaramError("economy_bad_json", reason=str(exc)) from exc


# --- Reading payments from releases --------------------------------------------------------


def _releases(data: Any) -> list[Mapping[str, Any]]:
    if isinstance(data, Mapping) and isinstance(data.get("releases"), list):
        return list(data["releases"])
    if isinstance(data, list):
        return data
    if isinstance(data, Mapping) and "ocid" in data:
        return [data]
    raise SaramError(
        "economy_not_ocds",
        row_errors=[RowError(1, "releases", code="economy_no_releases")],
    )


def _number_of(reference: Mapping[str, Any] | None, parties: Mapping[str, Any]) -> str:
    if not isinstance(reference, Mapping):
        return ""
    party = parties.get(str(reference.get("id", "")), {})
    identifier = party.get("identifier") if isinstance(party, Mapping) else None
    if isinstance(identifier, Mapping) and identifier.get("id"):
        return str(identifier["id"])
    ident = str(reference.get("id", ""))
    return ident.removeprefix(f"{BUSINESS_NUMBER_SCHEME}-")


def _name_of(reference: Mapping[str, Any] | None) -> str:
    return str(reference.get("name", "")) if isinstance(reference, Mapping) else ""


def _amount_text(value: Any) -> str | None:
    if not isinstance(value, Mapping) or value.get("amount") is None:
        return None
    amount = value["amount"]
    if isinstance(amount, float) and amount.is_integer():
        return str(int(amount))
    return str(amount)


def _category(release: Mapping[str, Any]) -> str | None:
    items = (release.get("tender") or {}).get("items") or []
    for item in items:
        classification = item.get("classification") or {}
        if classification.get("id"):
            return str(classification["id"])
        if item.get("description"):
            return str(item["description"])
    return None


def _method(release: Mapping[str, Any]) -> str | None:
    tender = release.get("tender") or {}
    details = tender.get("procurementMethodDetails")
    if details:
        return str(details).split(":")[0].strip()
    method = tender.get("procurementMethod")
    return str(method) if method else None


def _currency_of(value: Any) -> str | None:
    if not isinstance(value, Mapping) or not value.get("currency"):
        return None
    return str(value["currency"])


def _payee(transaction: Mapping[str, Any]) -> Any:
    # OCDS 1.0 named the payee `receiverOrganization` (an identifier: id, legalName).
    payee = transaction.get("payee")
    if payee is None and isinstance(transaction.get("receiverOrganization"), Mapping):
        org = transaction["receiverOrganization"]
        payee = {"id": org.get("id"), "name": org.get("legalName") or org.get("name")}
    return payee


def package_of(data: Any, releases: int) -> dict[str, Any]:
    """What the import records of an OCDS file: its package's uri, date and version."""
    meta = data if isinstance(data, Mapping) and "releases" in data else {}
    return {
        "uri": str(meta.get("uri", "")),
        "publishedDate": str(meta.get("publishedDate", "")),
        "version": str(meta.get("version", "1.0")) if meta else "",
        "publisher": str((meta.get("publisher") or {}).get("name", "")) if meta else "",
        "releases": releases,
    }


def ledger_frame_from_releases(raw: bytes) -> tuple[pl.DataFrame, list[dict[str, Any]]]:
    """Payments in OCDS releases (1.1, or 1.0 with `amount` and `receiverOrganization`) as
    ledger columns, and the package the file held. Each implementation transaction is a
    payment (a release without transactions counts its awards); `_row` numbers the payments
    in file order, so an error names the transaction; the amount's currency travels with it
    for the same checks as a CSV's."""
    data = ocds_json(raw)
    releases = _releases(data)
    rows: list[dict[str, Any]] = []
    for index, release in enumerate(releases, start=1):
        if not isinstance(release, Mapping):
            raise SaramError(
                "economy_release_not_object",
                n=index,
                row_errors=[RowError(index, "releases", code="economy_release_must_be_object")],
            )
        parties = {str(p.get("id")): p for p in release.get("parties") or [] if "id" in p}
        common = {
            "department": _name_of(release.get("buyer")) or None,
            "programme": ((release.get("planning") or {}).get("budget") or {}).get("description"),
            "category": _category(release),
            "method": _method(release),
        }
        payments = []
        for contract in release.get("contracts") or []:
            for t in (contract.get("implementation") or {}).get("transactions") or []:
                value = t.get("value") if t.get("value") is not None else t.get("amount")
                payee = _payee(t)
                payments.append(
                    {
                        "payment_id": t.get("id"),
                        "paid_on": t.get("date"),
                        "amount_krw": _amount_text(value),
                        "currency": _currency_of(value),
                        "business_number": _number_of(payee, parties) or None,
                        "supplier_name": _name_of(payee) or None,
                    }
                )
        if not payments:
            payments = [
                {
                    "payment_id": a.get("id"),
                    "paid_on": a.get("date"),
                    "amount_krw": _amount_text(a.get("value")),
                    "currency": _currency_of(a.get("value")),
                    "business_number": _number_of((a.get("suppliers") or [None])[0], parties)
                    or None,
                    "supplier_name": _name_of((a.get("suppliers") or [None])[0]) or None,
                }
                for a in release.get("awards") or []
            ]
        for payment in payments:
            row = {"_row": len(rows) + 1} | common | payment
            rows.append(
                {k: (None if v is None else str(v)) if k != "_row" else v for k, v in row.items()}
            )
    if not rows:
        raise SaramError(
            "economy_ocds_no_rows",
            row_errors=[RowError(1, "releases", code="economy_ocds_needs_transactions")],
        )
    schema: dict[str, Any] = {"_row": pl.Int64} | {name: pl.String for name in HEADER_OF}
    return pl.DataFrame(rows, schema=schema), [package_of(data, len(releases))]
