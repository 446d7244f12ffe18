"""Importing and exporting the organisations of the city (committee members, suppliers, ...)."""

from __future__ import annotations

from typing import Any, BinaryIO

from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from saram.core import audit
from saram.core.access import Can, scope_of
from saram.core.engine.identity import normalize_business_number
from saram.core.engine.tabular import Limits
from saram.core.errors import RowError
from saram.core.imports import (
    CellError,
    Column,
    ImportSpec,
    Upload,
    read_table,
    register_spec,
    rejected,
    typed_rows,
)
from saram.core.models import AuditAction, Dong, Organisation, OrganisationKind
from saram.core.selectors import organisations_for
from saram.core.services.exports import write_table_file


def _kinds() -> dict[str, str]:
    """Kinds by code and by Korean label, so a file exported in any language imports again."""
    with translation.override("ko"):
        korean = {str(k.label): k.value for k in OrganisationKind}
    return (
        {k.value: k.value for k in OrganisationKind}
        | korean
        | {str(k.label): k.value for k in OrganisationKind}
    )


def parse_kind(text: str) -> str:
    kind = _kinds().get(text.strip())
    if kind is None:
        raise CellError(
            "import_unknown_kind", kinds=", ".join(str(k.label) for k in OrganisationKind)
        )
    return kind


def parse_business_number(text: str) -> str:
    try:
        return normalize_business_number(text)
    except ValueError:
        raise CellError("import_business_number") from None


def _kind_labels() -> list[str]:
    with translation.override("ko"):
        return [str(k.label) for k in OrganisationKind]


ORGANISATION_SPEC = register_spec(
    ImportSpec(
        "organisations",
        (
            Column("유형", parse_kind, example="사회적기업", allowed=_kind_labels),
            Column("이름", example="전주나눔센터"),
            Column("행정동코드", required=False, example="4511156000"),
            Column("주소", required=False, example="전주시 완산구 효자로 1"),
            Column("사업자등록번호", parse_business_number, required=False, example="1234567891"),
            Column("전화", required=False, example="063-123-4567"),
        ),
        Limits(max_columns=50, max_rows=100_000),
    )
)
ORGANISATION_COLUMNS = ORGANISATION_SPEC.columns


def check_dongs_and_numbers(
    rows: list[dict[str, Any]], dongs: dict[str, Dong], errors: list[RowError]
) -> dict[str, int]:
    """Add an error for each unknown 행정동코드 and each 사업자등록번호 seen in an earlier row;
    return the first row of every number."""
    seen: dict[str, int] = {}
    for row in rows:
        n = row["_row"]
        code = row["행정동코드"]
        if code and code not in dongs:
            errors.append(RowError(n, "행정동코드", value=code[:20], code="import_unknown_dong"))
        number = row["사업자등록번호"]
        if number:
            if number in seen:
                errors.append(
                    RowError(
                        n,
                        "사업자등록번호",
                        value=number,
                        code="import_same_business_number",
                        params={"row": seen[number]},
                    )
                )
            seen.setdefault(number, n)
    return seen


def import_organisations(*, by: Any, upload: Upload) -> int:
    """All-or-nothing: rows with a known business number update it, others are added."""
    scope_of(by).require(Can.MANAGE_ORGANISATIONS)
    table = read_table(upload, ORGANISATION_SPEC)
    rows, errors = typed_rows(table, ORGANISATION_SPEC)
    dongs = {d.code: d for d in Dong.objects.all()}
    seen = check_dongs_and_numbers(rows, dongs, errors)
    if errors:
        raise rejected(errors, table=table.frame, spec=ORGANISATION_SPEC)
    with transaction.atomic():
        by_number = {
            o.business_number: o
            for o in Organisation.objects.filter(business_number__in=list(seen))
        }
        new, changed = [], []
        for row in rows:
            values = {
                "kind": row["유형"],
                "name": row["이름"],
                "dong": dongs.get(row["행정동코드"] or ""),
                "address": row["주소"] or "",
                "phone": row["전화"] or "",
            }
            org = by_number.get(row["사업자등록번호"] or "")
            if org is None:
                new.append(Organisation(business_number=row["사업자등록번호"] or "", **values))
            else:
                for key, value in values.items():
                    setattr(org, key, value)
                changed.append(org)
        Organisation.objects.bulk_create(new, batch_size=2000)
        Organisation.objects.bulk_update(changed, ["kind", "name", "dong", "address", "phone"])
        audit.record(
            actor=by,
            action=AuditAction.IMPORT,
            target_type="organisation",
            purpose=_("기관·단체 가져오기"),
            detail={"file": upload.filename, "created": len(new), "updated": len(changed)},
        )
    return len(rows)


EXPORT_HEADERS = ("유형", "이름", "행정동코드", "주소", "사업자등록번호", "전화")


def export_organisations(
    *, by: Any, fmt: str, dong: Dong | None = None, kind: str = "", query: str = ""
) -> BinaryIO:
    """The organisations the user may see, written row by row to a temporary file."""
    qs = organisations_for(by, dong=dong, kind=kind, query=query)
    with translation.override("ko"):
        labels = {k.value: str(k.label) for k in OrganisationKind}
    rows = (
        (
            labels[o.kind],
            o.name,
            o.dong.code if o.dong else "",
            o.address,
            o.business_number,
            o.phone,
        )
        for o in qs.iterator(chunk_size=5000)
    )
    return write_table_file(EXPORT_HEADERS, rows, fmt)
