"""OCDS 1.1 releases of plans, tenders and awards, checked against the release schema.

The schema is a written subset of the OCDS 1.1 release schema shipped in `data/` (its
description says what was kept and why), so validation needs no network.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from importlib import resources
from typing import Any

from jsonschema import Draft4Validator, FormatChecker

from saram.economy.engine.lots import Lot, Programme
from saram.economy.engine.policy import BidScope, Citation, ContractMethod, PurchaseKind

# An org-id.guide style scheme for 사업자등록번호; confirm the registered code before publishing.
BUSINESS_NUMBER_SCHEME = "KR-BRN"
CURRENCY = "KRW"
SCHEMA_FILE = "ocds_release_schema_subset_1_1.json"

_OCDS_METHOD: dict[ContractMethod, str] = {
    ContractMethod.OPEN_BID: "open",
    # Only firms that meet the location requirement may bid: the standard's "selective".
    ContractMethod.RESTRICTED_BID: "selective",
    ContractMethod.PRIVATE_CONTRACT_QUOTES: "limited",
    ContractMethod.PRIVATE_CONTRACT_SINGLE: "direct",
}

# The statutory Korean names of the methods: published data, not interface text.
_KOREAN_METHOD: dict[ContractMethod, str] = {
    ContractMethod.OPEN_BID: "일반경쟁입찰",
    ContractMethod.RESTRICTED_BID: "제한경쟁입찰(지역제한)",
    ContractMethod.PRIVATE_CONTRACT_QUOTES: "수의계약(2인 이상 견적)",
    ContractMethod.PRIVATE_CONTRACT_SINGLE: "수의계약(1인 견적)",
}


class ReleaseStage(StrEnum):
    PLANNING = "planning"
    TENDER = "tender"
    AWARD = "award"


_TENDER_STATUS = {
    ReleaseStage.PLANNING: "planned",
    ReleaseStage.TENDER: "active",
    ReleaseStage.AWARD: "complete",
}


class OcdsProblem(StrEnum):
    NAIVE_DATETIME = "naive_datetime"
    AWARD_STAGE_WITHOUT_AWARD = "award_stage_without_award"


class OcdsError(ValueError):
    def __init__(self, code: OcdsProblem) -> None:
        super().__init__(code.value)
        self.code = code


@dataclass(frozen=True, slots=True)
class AwardRecord:
    award_id: str
    supplier_business_number: str
    supplier_name: str
    amount_krw: int
    awarded_at: dt.datetime


@dataclass(frozen=True, slots=True)
class ProcurementProcess:
    """One contracting process as Saram knows it: the plan, the method and any awards."""

    process_id: str
    title: str
    buyer_id: str
    buyer_name: str
    kind: PurchaseKind
    estimated_amount_krw: int
    method: ContractMethod
    scope: BidScope
    area_name: str = ""  # the city or province named in a regional restriction
    budget_amount_krw: int | None = None
    budget_description: str = ""
    citations: tuple[Citation, ...] = ()
    awards: tuple[AwardRecord, ...] = ()


@dataclass(frozen=True, slots=True)
class SchemaProblem:
    """One schema violation: the JSON Schema keyword that failed and where."""

    code: str
    path: str
    detail: str


def _value(amount_krw: int) -> dict[str, Any]:
    return {"amount": amount_krw, "currency": CURRENCY}


def _iso(moment: dt.datetime) -> str:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise OcdsError(OcdsProblem.NAIVE_DATETIME)
    return moment.isoformat(timespec="seconds")


def method_details(method: ContractMethod, area_name: str = "") -> str:
    """The Korean method name for procurementMethodDetails, naming the area if restricted."""
    name = _KOREAN_METHOD[method]
    if method is ContractMethod.RESTRICTED_BID and area_name:
        return f"{name}: {area_name}"
    return name


def build_release(
    process: ProcurementProcess,
    *,
    stage: ReleaseStage,
    ocid_prefix: str,
    released_at: dt.datetime,
) -> dict[str, Any]:
    """An OCDS 1.1 release (a plain dict, ready for json.dumps) of one process at one stage."""
    if stage is ReleaseStage.AWARD and not process.awards:
        raise OcdsError(OcdsProblem.AWARD_STAGE_WITHOUT_AWARD)
    date = _iso(released_at)
    buyer = {"id": process.buyer_id, "name": process.buyer_name}
    parties: list[dict[str, Any]] = [{**buyer, "roles": ["buyer", "procuringEntity"]}]
    tender: dict[str, Any] = {
        "id": f"{process.process_id}-tender",
        "title": process.title,
        "status": _TENDER_STATUS[stage],
        "value": _value(process.estimated_amount_krw),
        "procurementMethod": _OCDS_METHOD[process.method],
        "procurementMethodDetails": method_details(process.method, process.area_name),
        "mainProcurementCategory": process.kind.value,
    }
    if process.citations:
        tender["procurementMethodRationale"] = "; ".join(
            f"{c.rule_id}: {c.source}" for c in process.citations
        )
    release: dict[str, Any] = {
        "ocid": f"{ocid_prefix}-{process.process_id}",
        "id": f"{process.process_id}-{stage.value}-{released_at:%Y%m%dT%H%M%S}",
        "date": date,
        "tag": [stage.value],
        "initiationType": "tender",
        "language": "ko",
        "buyer": buyer,
        "tender": tender,
    }
    if process.budget_amount_krw is not None:
        budget: dict[str, Any] = {"amount": _value(process.budget_amount_krw)}
        if process.budget_description:
            budget["description"] = process.budget_description
        release["planning"] = {"budget": budget}
    if stage is ReleaseStage.AWARD:
        awards = []
        for award in process.awards:
            supplier_id = f"{BUSINESS_NUMBER_SCHEME}-{award.supplier_business_number}"
            parties.append(
                {
                    "id": supplier_id,
                    "name": award.supplier_name,
                    "identifier": {
                        "scheme": BUSINESS_NUMBER_SCHEME,
                        "id": award.supplier_business_number,
                        "legalName": award.supplier_name,
                    },
                    "roles": ["supplier"],
                }
            )
            awards.append(
                {
                    "id": award.award_id,
                    "status": "active",
                    "date": _iso(award.awarded_at),
                    "value": _value(award.amount_krw),
                    "suppliers": [{"id": supplier_id, "name": award.supplier_name}],
                }
            )
        release["awards"] = awards
    release["parties"] = parties
    return release


def process_from_lot(
    lot: Lot,
    programme: Programme,
    *,
    buyer_name: str,
    area_name: str = "",
    awards: Sequence[AwardRecord] = (),
) -> ProcurementProcess:
    """The contracting process of one planned lot."""
    return ProcurementProcess(
        process_id=lot.lot_id,
        title=f"{programme.category} {lot.department} {'/'.join(lot.subjects)}",
        buyer_id=lot.department,
        buyer_name=buyer_name,
        kind=programme.kind,
        estimated_amount_krw=lot.amount_krw,
        method=lot.method,
        scope=lot.scope,
        area_name=area_name,
        budget_amount_krw=lot.amount_krw,
        budget_description=programme.programme_id,
        citations=lot.citations,
        awards=tuple(awards),
    )


@cache
def release_schema() -> Mapping[str, Any]:
    """The shipped OCDS 1.1 release schema subset."""
    text = resources.files("saram.economy.engine").joinpath("data", SCHEMA_FILE).read_text("utf-8")
    loaded: Mapping[str, Any] = json.loads(text)
    return loaded


@cache
def _validator() -> Draft4Validator:
    schema = release_schema()
    Draft4Validator.check_schema(schema)
    return Draft4Validator(schema, format_checker=FormatChecker())


def validate_release(release: Mapping[str, Any]) -> tuple[SchemaProblem, ...]:
    """Every way a release breaks the schema; empty when it is valid."""
    errors = sorted(
        _validator().iter_errors(release), key=lambda e: "/".join(map(str, e.absolute_path))
    )
    return tuple(
        SchemaProblem(
            code=str(error.validator),
            path="/".join(str(p) for p in error.absolute_path),
            detail=error.message,
        )
        for error in errors
    )
