"""OCDS 1.1 releases of plans, tenders and awards, checked against the release schema.

The OCDS 1.1.5 release, release-package and record-package schemas ship whole, as published,
in `data/ocds-1.1.5/` (Apache License 2.0, see its README); they are validated with a Draft 4
validator, a format checker and a local registry, so no schema is fetched from the network.

A release's `date` is when its stage happened (planned, tendered, awarded), and its `id` is
derived from its content, so the same data exports with the same ids every time.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from importlib import resources
from typing import Any

from jsonschema import Draft4Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

from saram.economy.engine.lots import Lot, Programme
from saram.economy.engine.policy import BidScope, Citation, ContractMethod, PurchaseKind

# An org-id.guide style scheme for 사업자등록번호; confirm the registered code before publishing.
BUSINESS_NUMBER_SCHEME = "KR-BRN"
CURRENCY = "KRW"
SCHEMA_DIR = "ocds-1.1.5"
RELEASE_SCHEMA = "release-schema.json"
RELEASE_PACKAGE_SCHEMA = "release-package-schema.json"
RECORD_PACKAGE_SCHEMA = "record-package-schema.json"

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
        "id": "",
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
    release["id"] = release_id(release, process_id=process.process_id, stage=stage)
    return release


def release_id(release: Mapping[str, Any], *, process_id: str, stage: ReleaseStage) -> str:
    """A release id stable across exports: the process, the stage and a digest of the
    release's content (without its id), so the same data gives the same id and a change of
    data a new one."""
    content = {k: v for k, v in release.items() if k != "id"}
    digest = hashlib.sha256(
        json.dumps(content, sort_keys=True, ensure_ascii=False).encode("utf-8")
    ).hexdigest()[:12]
    return f"{process_id}-{stage.value}-{digest}"


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


def _schema(name: str) -> Mapping[str, Any]:
    text = (
        resources.files("saram.economy.engine")
        .joinpath("data", SCHEMA_DIR, name)
        .read_text("utf-8")
    )
    loaded: Mapping[str, Any] = json.loads(text)
    return loaded


@cache
def release_schema() -> Mapping[str, Any]:
    """The OCDS 1.1.5 release schema, as published."""
    return _schema(RELEASE_SCHEMA)


@cache
def _registry() -> Registry:
    """The published schemas under their own ids, so `$ref`s resolve without a network."""
    resources_ = []
    for name in (RELEASE_SCHEMA, RELEASE_PACKAGE_SCHEMA, RECORD_PACKAGE_SCHEMA):
        schema = _schema(name)
        resources_.append((str(schema["id"]), Resource.from_contents(schema, DRAFT4)))
    return Registry().with_resources(resources_)


@cache
def _validator(name: str = RELEASE_SCHEMA) -> Draft4Validator:
    schema = _schema(name)
    Draft4Validator.check_schema(schema)
    return Draft4Validator(schema, registry=_registry(), format_checker=FormatChecker())


def _problems(name: str, instance: Mapping[str, Any]) -> tuple[SchemaProblem, ...]:
    errors = sorted(
        _validator(name).iter_errors(instance), key=lambda e: "/".join(map(str, e.absolute_path))
    )
    return tuple(
        SchemaProblem(
            code=str(error.validator),
            path="/".join(str(p) for p in error.absolute_path),
            detail=error.message,
        )
        for error in errors
    )


def validate_release(release: Mapping[str, Any]) -> tuple[SchemaProblem, ...]:
    """Every way a release breaks the OCDS 1.1.5 release schema; empty when it is valid."""
    return _problems(RELEASE_SCHEMA, release)


def validate_release_package(package: Mapping[str, Any]) -> tuple[SchemaProblem, ...]:
    """Every way a package breaks the OCDS 1.1.5 release-package schema (its releases checked
    against the release schema through the package's `$ref`); empty when it is valid."""
    return _problems(RELEASE_PACKAGE_SCHEMA, package)
