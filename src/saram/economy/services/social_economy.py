"""The social-economy support unit's records: support given to social-economy organisations."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils.translation import gettext as _

from saram.core import audit
from saram.core.access import Can, scope_of
from saram.core.errors import SaramError
from saram.core.models import AuditAction
from saram.economy.models import Supplier, SupportKind, SupportRecord


def record_support(
    *,
    by: Any,
    supplier: Supplier,
    kind: str,
    given_on: dt.date,
    amount_krw: int,
    description: str,
) -> SupportRecord:
    """Record support (a grant, consulting, training, ...) given to a social-economy
    organisation; grants carry an amount, other support may be 0 KRW."""
    scope_of(by).require(Can.MANAGE_SOCIAL_ECONOMY)
    if not supplier.social_economy_type:
        raise SaramError("economy_not_social_economy", name=supplier.name)
    if kind not in SupportKind.values:
        raise SaramError("economy_bad_support_kind")
    if amount_krw < 0:
        raise SaramError("economy_bad_support_amount")
    if kind == SupportKind.GRANT and amount_krw == 0:
        raise SaramError("economy_grant_without_amount")
    record = SupportRecord.objects.create(
        supplier=supplier,
        kind=kind,
        given_on=given_on,
        amount_krw=amount_krw,
        description=description.strip(),
        recorded_by=by,
    )
    audit.record(
        actor=by,
        action=AuditAction.CREATE,
        target_type="economy.support",
        target_id=record.pk,
        purpose=_("사회적경제 지원 기록"),
        detail={"supplier": supplier.pk, "kind": kind, "amount_krw": amount_krw},
    )
    return record
