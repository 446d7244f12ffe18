"""Importing the centre's machines and materials from CSV/XLSX through core's one pipeline.

A row whose code is already registered updates that machine or material; a new code adds one.
All or nothing: every bad row is reported and nothing is written unless every row is good.
A material row's 입고량(g) is written as a stock receipt, so the stock history stays whole.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from saram.core.access import Can
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
from saram.core.services.people import parse_bool
from saram.making.models import (
    Machine,
    MachineKind,
    MachineStatus,
    Material,
    MaterialKind,
    Room,
)
from saram.making.services._common import require
from saram.making.services.stock import receive_stock


def _choice(choices: Sequence[tuple[str, Any]], code: str, param: str) -> Any:
    by_text: dict[str, str] = {}
    for value, label in choices:
        by_text[value.lower()] = value
        by_text[str(label).lower()] = value

    def parse(text: str) -> str:
        found = by_text.get(text.strip().lower())
        if found is None:
            raise CellError(code, **{param: ", ".join(str(label) for _v, label in choices)})
        return found

    return parse


def whole_number(text: str) -> int:
    """A count of won, grams or millimetres: 3000, 3,000 or 3000원 (no fractions)."""
    cleaned = text.strip().replace(",", "").removesuffix("원").removesuffix("g").strip()
    if not cleaned.isdigit():
        raise CellError("making_import_whole_number")
    return int(cleaned)


def positive_decimal(text: str) -> Decimal:
    try:
        value = Decimal(text.strip().replace(",", "."))
    except InvalidOperation:
        raise CellError("making_import_positive_decimal") from None
    if not value.is_finite() or value <= 0 or value >= 100:
        raise CellError("making_import_positive_decimal")
    return value.quantize(Decimal("0.001"))


def code_list(text: str) -> list[str]:
    """Material codes separated by commas, semicolons or slashes."""
    for sep in (";", "/"):
        text = text.replace(sep, ",")
    return [c.strip() for c in text.split(",") if c.strip()]


def _kinds(choices: Sequence[tuple[str, Any]]) -> Any:
    return lambda: [str(label) for _v, label in choices]


def _statuses() -> list[str]:
    return [str(label) for _v, label in MachineStatus.choices]


def _workshops() -> list[str]:
    return list(Room.objects.filter(kind=Room.Kind.WORKSHOP).values_list("name", flat=True))


MACHINE_COLUMNS = (
    Column("장비번호", str.strip, example="FDM-07"),
    Column("이름", str.strip, example="FDM 3D프린터 7호기"),
    Column(
        "종류",
        _choice(MachineKind.choices, "making_import_unknown_machine_kind", "kinds"),
        example=str(MachineKind.FDM.label),
        allowed=_kinds(MachineKind.choices),
    ),
    Column("제조사·모델", str.strip, required=False, example="Prusa MK4"),
    Column("공간", str.strip, required=False, example="1층 장비실", allowed=_workshops),
    Column("출력크기X(mm)", whole_number, required=False, example="250"),
    Column("출력크기Y(mm)", whole_number, required=False, example="210"),
    Column("출력크기Z(mm)", whole_number, required=False, example="220"),
    Column("노즐(mm)", positive_decimal, required=False, example="0.4"),
    Column("사용가능소재", code_list, required=False, example="PLA-WHITE, PETG-BLACK"),
    Column("장착소재", str.strip, required=False, example="PLA-WHITE"),
    Column("시간당요금(원)", whole_number, example="3000"),
    Column(
        "상태",
        _choice(MachineStatus.choices, "making_import_unknown_status", "values"),
        required=False,
        example=str(MachineStatus.AVAILABLE.label),
        allowed=_statuses,
    ),
    Column(
        "시민예약가능", parse_bool, required=False, example="예", allowed=lambda: ["예", "아니오"]
    ),
    Column("설명", str.strip, required=False, example=""),
)
MACHINE_SPEC = register_spec(ImportSpec("making_machines", MACHINE_COLUMNS))

MATERIAL_COLUMNS = (
    Column("코드", str.strip, example="PETG-BLUE"),
    Column("이름", str.strip, example="PETG"),
    Column(
        "종류",
        _choice(MaterialKind.choices, "making_import_unknown_material_kind", "kinds"),
        example="PETG",
        allowed=_kinds(MaterialKind.choices),
    ),
    Column("색상", str.strip, required=False, example="파란색"),
    Column("밀도(g/cm³)", positive_decimal, aliases=("밀도",), example="1.27"),
    Column("kg당가격(원)", whole_number, aliases=("kg당 가격(원)",), example="28000"),
    Column("재주문기준(g)", whole_number, required=False, example="2000"),
    Column("입고량(g)", whole_number, required=False, example="5000"),
    Column("사용중", parse_bool, required=False, example="예", allowed=lambda: ["예", "아니오"]),
)
MATERIAL_SPEC = register_spec(ImportSpec("making_materials", MATERIAL_COLUMNS))

_ROW = "_row"


def _same_codes(
    rows: list[dict[str, Any]], column: str, *, code: str = "making_import_same_code"
) -> list[RowError]:
    """An error on each row whose `column` repeats an earlier row's, naming that row."""
    first: dict[str, int] = {}
    errors = []
    for row in rows:
        value = row.get(column)
        if not value:
            continue
        if value in first:
            errors.append(
                RowError(row[_ROW], column, value=value, code=code, params={"row": first[value]})
            )
        else:
            first[value] = row[_ROW]
    return errors


def import_machines(*, by: Any, upload: Upload, now: dt.datetime) -> int:
    """Machines from a file: new codes added, known codes updated; all or nothing."""
    require(by, Can.MANAGE_MAKING)
    table = read_table(upload, MACHINE_SPEC)
    rows, errors = typed_rows(table, MACHINE_SPEC)
    errors += _same_codes(rows, "장비번호")
    materials = {m.code: m for m in Material.objects.all()}
    rooms = {r.name: r for r in Room.objects.all()}
    for row in rows:
        codes = row.get("사용가능소재") or []
        unknown = [c for c in codes if c not in materials]
        loaded = row.get("장착소재")
        if unknown:
            errors.append(
                RowError(
                    row[_ROW],
                    "사용가능소재",
                    value=", ".join(unknown)[:100],
                    code="making_import_unknown_material",
                    params={"codes": ", ".join(unknown)[:100]},
                )
            )
        if loaded and loaded not in materials:
            errors.append(
                RowError(
                    row[_ROW],
                    "장착소재",
                    value=loaded[:100],
                    code="making_import_unknown_material",
                    params={"codes": loaded[:100]},
                )
            )
        elif loaded and loaded not in codes:
            errors.append(
                RowError(
                    row[_ROW],
                    "장착소재",
                    value=loaded[:100],
                    code="making_import_loaded_not_accepted",
                )
            )
        room = row.get("공간")
        if room and room not in rooms:
            errors.append(
                RowError(
                    row[_ROW],
                    "공간",
                    value=room[:100],
                    code="making_import_unknown_room",
                    params={"rooms": ", ".join(_workshops())},
                )
            )
    if errors:
        raise rejected(errors, table=table.frame, spec=MACHINE_SPEC)
    with transaction.atomic():
        existing = {
            m.code: m
            for m in Machine.objects.select_for_update().filter(
                code__in=[r["장비번호"] for r in rows]
            )
        }
        for row in rows:
            values = {
                "name": row["이름"],
                "kind": row["종류"],
                "maker": row.get("제조사·모델") or "",
                "room": rooms.get(row.get("공간") or ""),
                "build_x_mm": row.get("출력크기X(mm)"),
                "build_y_mm": row.get("출력크기Y(mm)"),
                "build_z_mm": row.get("출력크기Z(mm)"),
                "nozzle_mm": row.get("노즐(mm)"),
                "loaded_material": materials.get(row.get("장착소재") or ""),
                "hourly_rate_krw": row["시간당요금(원)"],
                "description": row.get("설명") or "",
            }
            if row.get("상태"):
                values["status"] = row["상태"]
            if row.get("시민예약가능") is not None:
                values["is_bookable"] = row["시민예약가능"]
            machine = existing.get(row["장비번호"])
            if machine is None:
                machine = Machine.objects.create(code=row["장비번호"], **values)
            else:
                for name, value in values.items():
                    setattr(machine, name, value)
                machine.save()
            machine.accepted_materials.set([materials[c] for c in row.get("사용가능소재") or []])
    return len(rows)


def import_materials(*, by: Any, upload: Upload, now: dt.datetime) -> int:
    """Materials from a file: new codes added, known codes updated, 입고량 received into
    stock; all or nothing."""
    require(by, Can.MANAGE_MAKING)
    table = read_table(upload, MATERIAL_SPEC)
    rows, errors = typed_rows(table, MATERIAL_SPEC)
    errors += _same_codes(rows, "코드")
    if errors:
        raise rejected(errors, table=table.frame, spec=MATERIAL_SPEC)
    note = _("가져오기 입고")
    with transaction.atomic():
        existing = {
            m.code: m
            for m in Material.objects.select_for_update().filter(code__in=[r["코드"] for r in rows])
        }
        for row in rows:
            values = {
                "name": row["이름"],
                "kind": row["종류"],
                "colour": row.get("색상") or "",
                "density_g_cm3": row["밀도(g/cm³)"],
                "price_per_kg_krw": row["kg당가격(원)"],
            }
            if row.get("재주문기준(g)") is not None:
                values["reorder_level_g"] = row["재주문기준(g)"]
            if row.get("사용중") is not None:
                values["is_active"] = row["사용중"]
            material = existing.get(row["코드"])
            if material is None:
                material = Material.objects.create(code=row["코드"], **values)
            else:
                for name, value in values.items():
                    setattr(material, name, value)
                material.save()
            if row.get("입고량(g)"):
                receive_stock(by=by, material=material, grams=row["입고량(g)"], now=now, note=note)
    return len(rows)
