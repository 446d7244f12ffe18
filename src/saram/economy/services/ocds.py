"""Open Contracting (OCDS 1.1): publishing plans, tenders and awards, and reading payments.

Releases are built by the engine and checked against the shipped release schema before they
leave; a release that fails is never published. Ledger files in OCDS form (a release package,
a list of releases or one release) are read into the same columns as a CSV ledger, so they pass
the same checks.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from saram.core import audit
from saram.core.errors import SaramError
from saram.core.models import AuditAction
from saram.core.selectors import current_city
from saram.economy.engine import (
    ProcurementProcess,
    ReleaseStage,
    build_release,
    validate_release,
)
from saram.economy.engine.ocds import AwardRecord
from saram.economy.engine.policy import BidScope, ContractMethod
from saram.economy.engine.policy import PurchaseKind as EngineKind
from saram.economy.models import PlannedPurchase, Stage
from saram.economy.services.policy import citations_of

OCDS_VERSION = "1.1"
CATEGORY_SCHEME = "SARAM-CATEGORY"


def ocid_prefix() -> str:
    """The publisher's ocid prefix. A city publishing for real registers its own ocds-xxxxxx
    prefix with the Open Contracting Partnership and sets it here."""
    city = current_city()
    return f"ocds-saram-{city.code if city else 'city'}"


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
