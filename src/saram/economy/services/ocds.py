"""Open Contracting (OCDS 1.1): publishing plans, tenders and awards, and reading payments.

Releases are built by the engine and checked against the shipped release schema before they
leave; a release that fails is never published. Ledger files in OCDS form (a release package,
a list of releases or one release) are read into the same columns as a CSV ledger, so they pass
the same checks.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

import polars as pl
from django.utils import timezone
from django.utils.translation import gettext as _

from saram.core import audit
from saram.core.errors import RowError, SaramError
from saram.core.models import AuditAction
from saram.core.selectors import current_city
from saram.economy.engine import (
    ProcurementProcess,
    ReleaseStage,
    build_release,
    validate_release,
)
from saram.economy.engine.ocds import BUSINESS_NUMBER_SCHEME, AwardRecord
from saram.economy.engine.policy import BidScope, Citation, ContractMethod, Layer, ReasonCode
from saram.economy.engine.policy import PurchaseKind as EngineKind
from saram.economy.models import PlannedPurchase, Stage

OCDS_VERSION = "1.1"
CATEGORY_SCHEME = "SARAM-CATEGORY"


def ocid_prefix() -> str:
    """The publisher's ocid prefix. A city publishing for real registers its own ocds-xxxxxx
    prefix with the Open Contracting Partnership and sets it here."""
    city = current_city()
    return f"ocds-saram-{city.code if city else 'city'}"


def citations_of(purchase: PlannedPurchase) -> tuple[Citation, ...]:
    """The engine's citations of a planned purchase, from what it stored."""
    return tuple(
        Citation(
            rule_id=c["rule_id"],
            layer=Layer(c["layer"]),
            version_id=c["version_id"],
            source=c["source"],
            reason=ReasonCode(c["reason"]),
        )
        for c in purchase.citations
    )


def citation_data(citations: Iterable[Citation]) -> list[dict[str, str]]:
    """Citations as JSON-ready dicts, for storing with a purchase."""
    return [
        {
            "rule_id": c.rule_id,
            "layer": c.layer.value,
            "version_id": c.version_id,
            "source": c.source,
            "reason": c.reason.value,
        }
        for c in citations
    ]


def _area_name(scope: str) -> str:
    city = current_city()
    if city is None:
        return ""
    if scope == BidScope.CITY:
        return city.name
    if scope == BidScope.PROVINCE:
        return city.province
    return ""


def process_of(purchase: PlannedPurchase) -> ProcurementProcess:
    """The contracting process of one planned purchase, with its award if there is one."""
    awards: tuple[AwardRecord, ...] = ()
    if purchase.award_supplier_id and purchase.awarded_at and purchase.award_amount_krw:
        org = purchase.award_supplier.organisation  # type: ignore[union-attr]
        awards = (
            AwardRecord(
                award_id=f"{purchase.plan_id}-{purchase.reference}-award",
                supplier_business_number=org.business_number,
                supplier_name=org.name,
                amount_krw=purchase.award_amount_krw,
                awarded_at=purchase.awarded_at,
            ),
        )
    programme = purchase.plan.programme
    return ProcurementProcess(
        process_id=f"{purchase.plan_id}-{purchase.reference}",
        title=purchase.title,
        buyer_id=purchase.department.code,
        buyer_name=purchase.department.name,
        kind=EngineKind(purchase.kind),
        estimated_amount_krw=purchase.amount_krw,
        method=ContractMethod(purchase.method),
        scope=BidScope(purchase.scope),
        area_name=_area_name(purchase.scope),
        budget_amount_krw=purchase.amount_krw,
        budget_description=programme.name if programme else purchase.plan.title,
        citations=citations_of(purchase),
        awards=awards,
    )


_STAGES_UP_TO = {
    Stage.PLANNING: (ReleaseStage.PLANNING,),
    Stage.TENDER: (ReleaseStage.PLANNING, ReleaseStage.TENDER),
    Stage.AWARD: (ReleaseStage.PLANNING, ReleaseStage.TENDER, ReleaseStage.AWARD),
}


def releases_of(purchase: PlannedPurchase, *, released_at: dt.datetime) -> list[dict[str, Any]]:
    """One release per stage the purchase has reached (planning, tender, award)."""
    process = process_of(purchase)
    out = []
    for stage in _STAGES_UP_TO[Stage(purchase.stage)]:
        release = build_release(
            process, stage=stage, ocid_prefix=ocid_prefix(), released_at=released_at
        )
        # The category travels as an item classification, so the release reads back in.
        release["tender"]["items"] = [
            {
                "id": "1",
                "description": purchase.title,
                "classification": {
                    "scheme": CATEGORY_SCHEME,
                    "id": purchase.category.code,
                    "description": purchase.category.name,
                },
            }
        ]
        out.append(release)
    return out


def release_package(
    *, by: Any, purchases: Iterable[PlannedPurchase], released_at: dt.datetime | None = None
) -> dict[str, Any]:
    """An OCDS release package of the purchases; every release checked against the schema."""
    moment = released_at or timezone.localtime()
    releases: list[dict[str, Any]] = []
    for purchase in purchases:
        releases.extend(releases_of(purchase, released_at=moment))
    problems = [
        f"{release['id']}: {p.path} {p.detail}"
        for release in releases
        for p in validate_release(release)
    ]
    if problems:
        raise SaramError(
            "ocds_invalid",
            _("OCDS 스키마에 맞지 않아 내보내지 않았습니다: %(problems)s")
            % {"problems": "; ".join(problems[:5])},
        )
    city = current_city()
    audit.record(
        actor=by,
        action=AuditAction.EXPORT,
        target_type="economy.ocds",
        purpose=_("OCDS 내보내기"),
        detail={"releases": len(releases)},
    )
    return {
        "uri": f"urn:saram:{ocid_prefix()}:{moment:%Y%m%dT%H%M%S}",
        "version": OCDS_VERSION,
        "publishedDate": moment.isoformat(timespec="seconds"),
        "publisher": {"name": city.name if city else "Saram"},
        "releases": releases,
    }


# --- Reading payments from releases --------------------------------------------------------


def _releases(data: Any) -> list[Mapping[str, Any]]:
    if isinstance(data, Mapping) and isinstance(data.get("releases"), list):
        return list(data["releases"])
    if isinstance(data, list):
        return data
    if isinstance(data, Mapping) and "ocid" in data:
        return [data]
    raise SaramError(
        "not_ocds",
        _("OCDS 릴리스 패키지, 릴리스 목록 또는 릴리스 하나가 아닙니다."),
        row_errors=[RowError(1, "releases", _("'releases' 목록이 없습니다."))],
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


def ledger_frame_from_releases(raw: bytes) -> pl.DataFrame:
    """Payments in OCDS releases as ledger columns: each implementation transaction is a
    payment; a release without transactions counts its awards. `_row` is the release's place
    (1 = first release)."""
    from saram.economy.services.ledger import HEADER_OF, ocds_json

    rows: list[dict[str, Any]] = []
    for index, release in enumerate(_releases(ocds_json(raw)), start=1):
        if not isinstance(release, Mapping):
            raise SaramError(
                "not_ocds",
                _("%(n)s번째 릴리스가 객체가 아닙니다.") % {"n": index},
                row_errors=[RowError(index, "releases", _("릴리스는 JSON 객체여야 합니다."))],
            )
        parties = {str(p.get("id")): p for p in release.get("parties") or [] if "id" in p}
        common = {
            "department": _name_of(release.get("buyer")) or None,
            "programme": ((release.get("planning") or {}).get("budget") or {}).get("description"),
            "category": _category(release),
            "method": _method(release),
        }
        payments = [
            {
                "payment_id": t.get("id"),
                "paid_on": t.get("date"),
                "amount_krw": _amount_text(t.get("value")),
                "business_number": _number_of(t.get("payee"), parties) or None,
                "supplier_name": _name_of(t.get("payee")) or None,
            }
            for contract in release.get("contracts") or []
            for t in (contract.get("implementation") or {}).get("transactions") or []
        ]
        if not payments:
            payments = [
                {
                    "payment_id": a.get("id"),
                    "paid_on": a.get("date"),
                    "amount_krw": _amount_text(a.get("value")),
                    "business_number": _number_of((a.get("suppliers") or [None])[0], parties)
                    or None,
                    "supplier_name": _name_of((a.get("suppliers") or [None])[0]) or None,
                }
                for a in release.get("awards") or []
            ]
        for payment in payments:
            row = {"_row": index} | common | payment
            rows.append(
                {k: (None if v is None else str(v)) if k != "_row" else v for k, v in row.items()}
            )
    if not rows:
        raise SaramError(
            "no_rows",
            _("릴리스에 지급(거래)이나 낙찰이 없습니다."),
            row_errors=[
                RowError(
                    1,
                    "releases",
                    _("contracts.implementation.transactions 또는 awards가 필요합니다."),
                )
            ],
        )
    schema: dict[str, Any] = {"_row": pl.Int64} | {name: pl.String for name in HEADER_OF}
    return pl.DataFrame(rows, schema=schema)
