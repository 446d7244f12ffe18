"""Re-spend surveys behind the local multiplier (LM3): suppliers' and employees' answers.

Shares are kept as basis points (1/10,000 of one), so the multiplier works on exact fractions.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from saram.core import audit
from saram.core.access import Can, scope_of
from saram.core.errors import RowError, SaramError
from saram.core.imports import (
    CellError,
    Column,
    ImportSpec,
    Upload,
    date_parser,
    read_table,
    register_spec,
    rejected,
    typed_rows,
)
from saram.core.models import AuditAction
from saram.economy.models import EmployeeSurvey, Supplier, SupplierSurvey
from saram.economy.services.suppliers import parse_business_number

BP_IN_ONE = 10_000


def _require(by: Any) -> None:
    scope = scope_of(by)
    if not (scope.can(Can.MANAGE_ECONOMY) or scope.can(Can.MANAGE_SOCIAL_ECONOMY)):
        scope.require(Can.MANAGE_ECONOMY)


def percent_to_bp(text: str) -> int:
    """'35', '35.5' or '35.25%' → basis points (3500, 3550, 3525); at most two decimals."""
    cleaned = text.strip().removesuffix("%").strip()
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise CellError("economy_share_not_number") from None
    bp = value * 100
    if bp != bp.to_integral_value():
        raise CellError("economy_share_too_precise")
    if not 0 <= bp <= BP_IN_ONE:
        raise CellError("economy_share_out_of_range", low=0, high=100)
    return int(bp)


def _check_shares(staff_bp: int, supplier_bp: int) -> None:
    for value in (staff_bp, supplier_bp):
        if not 0 <= value <= BP_IN_ONE:
            raise SaramError("economy_share_out_of_range", low=0, high=100)
    if staff_bp + supplier_bp > BP_IN_ONE:
        raise SaramError("economy_shares_over_one", high=100)


def record_supplier_survey(
    *,
    by: Any,
    supplier: Supplier,
    surveyed_on: dt.date,
    local_staff_bp: int,
    local_supplier_bp: int,
    note: str = "",
) -> SupplierSurvey:
    """Keep one supplier's answer: shares of its income paid to local staff and suppliers."""
    _require(by)
    _check_shares(local_staff_bp, local_supplier_bp)
    survey = SupplierSurvey.objects.create(
        supplier=supplier,
        surveyed_on=surveyed_on,
        local_staff_bp=local_staff_bp,
        local_supplier_bp=local_supplier_bp,
        note=note.strip(),
        recorded_by=by,
    )
    audit.record(
        actor=by,
        action=AuditAction.CREATE,
        target_type="economy.survey",
        target_id=survey.pk,
        purpose=_("지역 재지출 조사 기록"),
    )
    return survey


def record_employee_survey(
    *, by: Any, surveyed_on: dt.date, local_spend_bp: int, supplier: Supplier | None = None
) -> EmployeeSurvey:
    """Keep one employee's answer: the share of their pay spent in the city."""
    _require(by)
    if not 0 <= local_spend_bp <= BP_IN_ONE:
        raise SaramError("economy_share_out_of_range", low=0, high=100)
    survey = EmployeeSurvey.objects.create(
        supplier=supplier, surveyed_on=surveyed_on, local_spend_bp=local_spend_bp, recorded_by=by
    )
    audit.record(
        actor=by,
        action=AuditAction.CREATE,
        target_type="economy.survey",
        target_id=survey.pk,
        purpose=_("종사자 지역 소비 조사 기록"),
    )
    return survey


# A survey date (YYYY-MM-DD, dots or slashes allowed); a column parser.
parse_day = date_parser("economy_bad_survey_date")


SURVEY_COLUMNS = (
    Column("사업자등록번호", parse_business_number),
    Column("조사일", parse_day),
    Column("지역인건비비율(%)", percent_to_bp),
    Column("지역구매비율(%)", percent_to_bp),
)
SURVEY_SPEC = register_spec(ImportSpec("economy_surveys", SURVEY_COLUMNS))


def import_supplier_surveys(*, by: Any, upload: Upload) -> int:
    """Supplier survey answers from a file; all or nothing, every bad row reported."""
    _require(by)
    table = read_table(upload, SURVEY_SPEC)
    rows, errors = typed_rows(table, SURVEY_SPEC)
    suppliers = {
        s.organisation.business_number: s
        for s in Supplier.objects.select_related("organisation").filter(
            organisation__business_number__in=[
                r["사업자등록번호"] for r in rows if r["사업자등록번호"]
            ]
        )
    }
    for row in rows:
        n = row["_row"]
        number = row["사업자등록번호"]
        if number and number not in suppliers:
            errors.append(
                RowError(n, "사업자등록번호", value=number, code="economy_unknown_supplier")
            )
        staff, local = row["지역인건비비율(%)"], row["지역구매비율(%)"]
        if staff is not None and local is not None and staff + local > BP_IN_ONE:
            errors.append(
                RowError(n, "지역구매비율(%)", code="economy_shares_over_one", params={"high": 100})
            )
    if errors:
        raise rejected(errors, table=table.frame, spec=SURVEY_SPEC)
    with transaction.atomic():
        SupplierSurvey.objects.bulk_create(
            [
                SupplierSurvey(
                    supplier=suppliers[row["사업자등록번호"]],
                    surveyed_on=row["조사일"],
                    local_staff_bp=row["지역인건비비율(%)"],
                    local_supplier_bp=row["지역구매비율(%)"],
                    recorded_by=by,
                )
                for row in rows
            ]
        )
        audit.record(
            actor=by,
            action=AuditAction.IMPORT,
            target_type="economy.survey",
            purpose=_("지역 재지출 조사 가져오기"),
            detail={"rows": len(rows), "file": upload.filename},
        )
    return len(rows)
