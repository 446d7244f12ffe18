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
        raise SaramError(
            "not_social_economy",
            _("%(name)s은(는) 사회적경제 조직으로 등록되어 있지 않습니다. 먼저 유형을 정하세요.")
            % {"name": supplier.name},
        )
    if kind not in SupportKind.values:
        raise SaramError("bad_kind", _("알 수 없는 지원 종류입니다."))
    if amount_krw < 0:
        raise SaramError("bad_amount", _("금액은 0원 이상이어야 합니다."))
    if kind == SupportKind.GRANT and amount_krw == 0:
        raise SaramError("grant_without_amount", _("보조금에는 금액이 필요합니다."))
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
