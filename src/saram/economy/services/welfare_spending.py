"""Welfare money counted as local circulation: services bought for welfare cases, and
referrals served by social enterprises and cooperatives.

What the city pays providers for services bought for its cases is city spending like any
other: it enters the spending ledger under an economy programme that stands for the welfare
programme (통합사례관리, 긴급 지원, ...), so local share and LM3 count it, linked to the
programme and never to the person or the case. Referrals that social-economy firms served are
read per firm and programme from the welfare app's aggregate (no case, no person) by
`economy.selectors.welfare_referrals` and shown with the programme's figures.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import polars as pl
from django.db import transaction
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from saram.core import audit
from saram.core.access import Can, scope_of
from saram.core.errors import SaramError
from saram.core.models import AuditAction
from saram.economy.models import ImportSource, LedgerEntry, LedgerImport, Programme
from saram.economy.services.ledger import (
    LedgerFile,
    rejected_ledger,
    validate_ledger,
    write_ledger,
)
from saram.economy.services.ledger_files import HEADER_OF
from saram.economy.services.ledger_totals import take_out_entry

WELFARE_PROGRAMME_PREFIX = "welfare-"
# The ledger category of social services bought for cases (the demo's and the page's default).
WELFARE_CATEGORY_CODE = "social_services"


@dataclass(frozen=True)
class WelfarePurchase:
    """One payment for a service bought for cases: to whom, for which welfare programme."""

    payment_id: str
    paid_on: dt.date
    welfare_programme: str  # the welfare programme's code
    welfare_programme_label: Any  # its name as the welfare app shows it (a lazy label: both
    # languages are kept on the economy programme)
    department: str
    category: str
    business_number: str
    amount_krw: int
    vat_basis: str = "exempt"  # social services are mostly VAT-exempt (부가가치세법 제26조)
    # How the provider was contracted (a `ContractMethod` value); empty when not known. A
    # payment under a yearly agreement won in an open call is an instalment, not a contract.
    method: str = ""


def welfare_programme(code: str, label: Any) -> Programme:
    """The economy programme that stands for a welfare programme (made on first use), named
    in Korean and English when `label` is the welfare app's lazy label."""
    with translation.override("ko"):
        name = _("동네복지: %(programme)s") % {"programme": str(label)}
    name_en = ""
    if isinstance(label, Promise):
        with translation.override("en"):
            name_en = _("동네복지: %(programme)s") % {"programme": str(label)}
    programme, _created = Programme.objects.get_or_create(
        code=f"{WELFARE_PROGRAMME_PREFIX}{code}", defaults={"name": name, "name_en": name_en}
    )
    return programme


def record_welfare_purchases(
    *, by: Any, fiscal_year: int, purchases: Sequence[WelfarePurchase]
) -> LedgerImport:
    """Enter payments for services bought for welfare cases into the ledger, all or nothing,
    with the same checks as any ledger file; needs MANAGE_ECONOMY."""
    scope_of(by).require(Can.MANAGE_ECONOMY)
    return store_welfare_purchases(by=by, fiscal_year=fiscal_year, purchases=purchases)


def store_welfare_purchases(
    *,
    by: Any,
    fiscal_year: int,
    purchases: Sequence[WelfarePurchase],
    filename: str = "",
) -> LedgerImport:
    """`record_welfare_purchases` without the permission check: for the demo loader and
    services that have checked it already."""
    if not purchases:
        raise SaramError("no_welfare_purchases")
    with transaction.atomic():
        labels = {p.welfare_programme: p.welfare_programme_label for p in purchases}
        names = {code: welfare_programme(code, label) for code, label in labels.items()}
        frame = pl.DataFrame(
            {
                "payment_id": [p.payment_id for p in purchases],
                "paid_on": [p.paid_on.isoformat() for p in purchases],
                "department": [p.department for p in purchases],
                "programme": [names[p.welfare_programme].name for p in purchases],
                "category": [p.category for p in purchases],
                "business_number": [p.business_number for p in purchases],
                "supplier_name": [None for _p in purchases],
                "amount_krw": [str(p.amount_krw) for p in purchases],
                "method": [p.method or None for p in purchases],
                "currency": [None for _p in purchases],
                "vat_basis": [p.vat_basis for p in purchases],
            },
            schema={name: pl.String for name in HEADER_OF},
        )
        filename = filename or f"welfare-{fiscal_year}"
        validated = validate_ledger(
            LedgerFile(frame, ImportSource.WELFARE, filename), fiscal_year=fiscal_year
        )
        if validated.error_count:
            raise rejected_ledger(validated)
        return write_ledger(
            validated,
            by=by,
            fiscal_year=fiscal_year,
            filename=filename,
            source=ImportSource.WELFARE,
        )


# --- One purchase at a time, from the page ---------------------------------------------------


def new_payment_id(paid_on: dt.date) -> str:
    """A payment number for a purchase entered without one (the e-호조 number is better)."""
    return f"W{paid_on:%Y%m%d}-{uuid.uuid4().hex[:8].upper()}"


def _store_one(*, by: Any, purchase: WelfarePurchase) -> LedgerEntry:
    ledger_import = store_welfare_purchases(
        by=by,
        fiscal_year=purchase.paid_on.year,
        purchases=[purchase],
        filename=purchase.payment_id,
    )
    return LedgerEntry.objects.get(ledger_import=ledger_import)


def _described(entry: LedgerEntry) -> dict[str, Any]:
    return {
        "payment_id": entry.payment_id,
        "paid_on": entry.paid_on.isoformat(),
        "programme": entry.programme.code if entry.programme else "",
        "supplier": entry.supplier_id,
        "amount_krw": entry.amount_krw,
        "vat_basis": entry.vat_basis,
    }


def record_welfare_purchase(*, by: Any, purchase: WelfarePurchase) -> LedgerEntry:
    """Enter one payment for a service bought for welfare cases (the fiscal year is its payment
    date's), with the checks of a ledger file: a SaramError lists what is wrong, per field.
    Needs MANAGE_ECONOMY."""
    scope_of(by).require(Can.MANAGE_ECONOMY)
    return _store_one(by=by, purchase=purchase)


def change_welfare_purchase(
    *, by: Any, entry: LedgerEntry, purchase: WelfarePurchase
) -> LedgerEntry:
    """Replace a welfare purchase with its corrected form, all or nothing (the old row and its
    totals out, the new one in through the same checks); audited with both versions."""
    scope_of(by).require(Can.MANAGE_ECONOMY)
    _require_welfare(entry)
    with transaction.atomic():
        before = _described(entry)
        take_out_entry(entry)
        changed = _store_one(by=by, purchase=purchase)
        audit.record(
            actor=by,
            action=AuditAction.UPDATE,
            target_type="economy.ledger_entry",
            target_id=changed.pk,
            purpose=_("복지 서비스 구매 고치기"),
            detail={"before": before, "after": _described(changed)},
        )
    return changed


def remove_welfare_purchase(*, by: Any, entry: LedgerEntry) -> None:
    """Take one welfare purchase out of the ledger and its totals (audited)."""
    scope_of(by).require(Can.MANAGE_ECONOMY)
    _require_welfare(entry)
    with transaction.atomic():
        audit.record(
            actor=by,
            action=AuditAction.DELETE,
            target_type="economy.ledger_entry",
            target_id=entry.pk,
            purpose=_("복지 서비스 구매 지우기"),
            detail=_described(entry),
        )
        take_out_entry(entry)


def _require_welfare(entry: LedgerEntry) -> None:
    programme = entry.programme
    if programme is None or not programme.code.startswith(WELFARE_PROGRAMME_PREFIX):
        raise SaramError("not_a_welfare_purchase")
