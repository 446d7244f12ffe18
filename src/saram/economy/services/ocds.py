"""Open Contracting (OCDS 1.1): publishing plans, tenders and awards, and reading payments.

Releases are built by the engine and checked against the shipped release schema before they
leave; a release that fails is never published. Ledger files in OCDS form (a release package,
a list of releases or one release) are read into the same columns as a CSV ledger, so they pass
the same checks.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from saram.core import audit
from saram.core.errors import SaramError
from saram.core.models import AuditAction
from saram.core.selectors import current_city
from saram.economy.engine import ProcurementProcess, ReleaseStage, build_release
from saram.economy.engine.ocds import AwardRecord, release_id, validate_release_package
from saram.economy.engine.policy import BidScope, ContractMethod
from saram.economy.engine.policy import PurchaseKind as EngineKind
from saram.economy.models import PlannedPurchase, Stage
from saram.economy.services.policy import citations_of

OCDS_VERSION = "1.1"  # the package schema's version field: major.minor
CATEGORY_SCHEME = "SARAM-CATEGORY"


def ocid_prefix() -> str:
    """The publisher's ocid prefix, from the setting `SARAM_OCID_PREFIX`. A city publishing
    for real registers its own `ocds-xxxxxx` prefix with the Open Contracting Partnership
    (https://standard.open-contracting.org/latest/en/guidance/map/ocid/) and sets it there;
    without one the prefix says it is Saram's own, with the city's code."""
    configured = str(getattr(settings, "SARAM_OCID_PREFIX", "") or "").strip()
    if configured:
        return configured
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


def _stage_dates(purchase: PlannedPurchase) -> dict[ReleaseStage, dt.datetime]:
    """When each stage happened: planned when recorded, tendered when the tender was
    recorded, awarded when the contract was."""
    planned = timezone.localtime(purchase.created_at)
    tendered = timezone.localtime(purchase.tendered_at) if purchase.tendered_at else planned
    dates = {ReleaseStage.PLANNING: planned, ReleaseStage.TENDER: tendered}
    if purchase.awarded_at:
        dates[ReleaseStage.AWARD] = timezone.localtime(purchase.awarded_at)
    return dates


def releases_of(purchase: PlannedPurchase) -> list[dict[str, Any]]:
    """One release per stage the purchase has reached (planning, tender, award), each dated
    when its stage happened and with an id that the same data always gives."""
    process = process_of(purchase)
    dates = _stage_dates(purchase)
    out = []
    for stage in _STAGES_UP_TO[Stage(purchase.stage)]:
        release = build_release(
            process, stage=stage, ocid_prefix=ocid_prefix(), released_at=dates[stage]
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
        release["id"] = release_id(release, process_id=process.process_id, stage=stage)
        out.append(release)
    return out


def release_package(
    *, by: Any, purchases: Iterable[PlannedPurchase], what: str = ""
) -> dict[str, Any]:
    """An OCDS 1.1.5 release package of the purchases, checked whole against the published
    release-package and release schemas. Nothing to publish (an empty year) is refused with
    a message: the standard's package holds one release or more. The package's date is the
    latest stage date in it, so the same data exports the same package."""
    releases: list[dict[str, Any]] = []
    for purchase in purchases:
        releases.extend(releases_of(purchase))
    if not releases:
        raise SaramError("ocds_nothing_to_publish", what=what)
    city = current_city()
    latest = max(dt.datetime.fromisoformat(r["date"]) for r in releases)
    digest = hashlib.sha256("\n".join(sorted(r["id"] for r in releases)).encode()).hexdigest()
    package = {
        "uri": f"urn:saram:{ocid_prefix()}:package:{digest[:16]}",
        "version": OCDS_VERSION,
        "publishedDate": latest.isoformat(timespec="seconds"),
        "publisher": {"name": city.name if city else "Saram"},
        "releases": releases,
    }
    problems = [f"{p.path} {p.detail}" for p in validate_release_package(package)]
    if problems:
        raise SaramError("ocds_invalid", problems="; ".join(problems[:5]))
    audit.record(
        actor=by,
        action=AuditAction.EXPORT,
        target_type="economy.ocds",
        purpose=_("OCDS 내보내기"),
        detail={"releases": len(releases)},
    )
    return package
