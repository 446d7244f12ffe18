"""The one reader: every encoding and format a Korean office saves, and every cap, tried with
the files an attacker would send (generated here, small enough to run fast)."""

from __future__ import annotations

import codecs
import io
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import openpyxl
import pytest

from saram.core.engine.tabular import ROW, Limits, Problem, Refused, read_table

TEXT = "이름,주소,금액\n홍길동,전주시 완산구,1200\n김영희,전주시 덕진구,300\n"


def _read(tmp_path: Path, data: bytes, name: str = "f.csv", **kwargs: object):  # type: ignore[no-untyped-def]
    path = tmp_path / name
    path.write_bytes(data)
    return read_table(path, filename=name, **kwargs)  # type: ignore[arg-type]


def _refused(tmp_path: Path, data: bytes, name: str = "f.csv", **kwargs: object) -> Problem:
    with pytest.raises(Refused) as caught:
        _read(tmp_path, data, name, **kwargs)
    return caught.value.issues[0].problem


@pytest.mark.parametrize(
    "data",
    [
        TEXT.encode("utf-8"),
        codecs.BOM_UTF8 + TEXT.encode("utf-8"),
        TEXT.encode("cp949"),
        TEXT.encode("euc-kr"),
        TEXT.encode("utf-16"),  # with its byte-order mark, as Excel writes it
        TEXT.replace("\n", "\r\n").encode("utf-8"),
    ],
    ids=["utf-8", "utf-8-bom", "cp949", "euc-kr", "utf-16", "crlf"],
)
def test_every_korean_encoding_reads_the_same(tmp_path: Path, data: bytes) -> None:
    table = _read(tmp_path, data)
    assert table.headers == ["이름", "주소", "금액"]
    assert table.frame.get_column("이름").to_list() == ["홍길동", "김영희"]
    assert table.frame.get_column(ROW).to_list() == [2, 3]
    assert table.issues == []


def test_excel_unicode_text_is_tab_separated_utf16(tmp_path: Path) -> None:
    data = TEXT.replace(",", "\t").replace("\n", "\r\n").encode("utf-16")
    table = _read(tmp_path, data, "f.txt")
    assert table.format == "tsv"
    assert table.frame.get_column("주소").to_list() == ["전주시 완산구", "전주시 덕진구"]


def test_xlsx_reads_like_csv_with_dates_and_whole_numbers_as_text(tmp_path: Path) -> None:
    import datetime as dt

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["이름", "기준일", "금액"])
    sheet.append(["홍길동", dt.datetime(2025, 6, 1), 1200.0])
    out = io.BytesIO()
    book.save(out)
    table = _read(tmp_path, out.getvalue(), "f.xlsx")
    assert table.frame.row(0, named=True) == {
        ROW: 2,
        "이름": "홍길동",
        "기준일": "2025-06-01",
        "금액": "1200",
    }


def test_empty_rows_are_skipped_but_row_numbers_stay_those_of_the_sheet(tmp_path: Path) -> None:
    table = _read(tmp_path, "이름,주소\n가,1\n\n,\n나,2\n".encode())
    assert table.frame.get_column(ROW).to_list() == [2, 5]


def test_a_ragged_row_is_named(tmp_path: Path) -> None:
    table = _read(tmp_path, "이름,주소\n가,1\n나,2,3\n".encode())
    assert [(i.problem, i.row) for i in table.issues] == [(Problem.RAGGED_ROW, 3)]


def test_a_quoted_comma_is_not_ragged(tmp_path: Path) -> None:
    table = _read(tmp_path, '이름,주소\n가,"전주시, 완산구"\n'.encode())
    assert table.issues == [] and table.frame.get_column("주소").to_list() == ["전주시, 완산구"]


def test_duplicate_headers_are_refused_with_their_positions(tmp_path: Path) -> None:
    with pytest.raises(Refused) as caught:
        _read(tmp_path, "이름,주소,이름\n가,1,2\n".encode())
    issue = caught.value.issues[0]
    assert (issue.problem, issue.field, issue.params) == (
        Problem.DUPLICATE_HEADER,
        "이름",
        {"first": 1, "again": 3},
    )


def test_a_title_row_above_the_header_is_recognised(tmp_path: Path) -> None:
    data = "2025년 1분기 자료,,\n이름,주소,금액\n가,1,2\n".encode()
    assert _refused(tmp_path, data, expected=("이름", "주소", "금액")) == Problem.TITLE_ROW
    assert _refused(tmp_path, data) == Problem.TITLE_ROW


def test_a_title_on_a_line_of_its_own_is_recognised(tmp_path: Path) -> None:
    expected = ("이름", "주소", "금액")
    data = "주민 명단 2025\n이름,주소,금액\n가,1,2\n".encode()
    assert _refused(tmp_path, data, expected=expected) == Problem.TITLE_ROW
    tabs = "주민 명단 2025\r\n이름\t주소\t금액\r\n가\t1\t2\r\n".encode("utf-16")
    assert _refused(tmp_path, tabs, expected=expected) == Problem.TITLE_ROW
    # A file of one column whose first line is its header is no title.
    assert _read(tmp_path, "이름\n가\n".encode(), expected=("이름",)).frame.height == 1


def test_bad_encoding_empty_and_unknown_formats_are_refused(tmp_path: Path) -> None:
    assert _refused(tmp_path, b"\xff\xfe\xfa") == Problem.BAD_ENCODING
    assert _refused(tmp_path, b"") == Problem.EMPTY_FILE
    assert _refused(tmp_path, b"x", "f.pdf") == Problem.BAD_FORMAT
    assert _refused(tmp_path, b"not a zip", "f.xlsx") == Problem.UNREADABLE


def test_a_header_only_file_has_no_rows(tmp_path: Path) -> None:
    assert _read(tmp_path, "이름,주소\n".encode()).frame.height == 0


def test_a_million_column_header_is_refused_without_parsing_it(tmp_path: Path) -> None:
    header = ",".join(f"c{i}" for i in range(1_000_000)).encode()
    with pytest.raises(Refused) as caught:
        _read(tmp_path, header + b"\n" + b"1," * 10 + b"\n")
    assert len(caught.value.issues) == 1
    assert caught.value.issues[0].problem == Problem.TOO_MANY_COLUMNS


def test_rows_past_the_limit_are_refused(tmp_path: Path) -> None:
    data = b"a,b\n" + b"1,2\n" * 2001
    assert _refused(tmp_path, data, limits=Limits(max_rows=2000)) == Problem.TOO_MANY_ROWS
    assert _read(tmp_path, b"a,b\n" + b"1,2\n" * 2000, limits=Limits(max_rows=2000)).frame.height


def test_line_breaks_inside_quoted_cells_are_not_rows(tmp_path: Path) -> None:
    data = b"a,b\n" + b'1,"two\nlines"\n' * 1500
    table = _read(tmp_path, data, limits=Limits(max_rows=2000))
    assert table.frame.height == 1500 and table.frame["b"][0] == "two\nlines"


def test_a_file_far_past_the_row_limit_is_refused_before_polars_is_loaded(
    tmp_path: Path,
) -> None:
    path = tmp_path / "big.csv"
    path.write_bytes(b"a,b\n" + b"1,2\n" * 50_000)
    script = (
        "import sys; from pathlib import Path\n"
        "from saram.core.engine.tabular import Limits, Refused, read_table\n"
        "try:\n"
        f"    read_table(Path({str(path)!r}), filename='big.csv', limits=Limits(max_rows=2000))\n"
        "except Refused as exc:\n"
        "    print(exc.issues[0].problem.value, 'polars' in sys.modules)\n"
    )
    src = str(Path(__file__).resolve().parents[3] / "src")
    done = subprocess.run(
        [sys.executable, "-c", script],
        env={**os.environ, "PYTHONPATH": src},
        capture_output=True,
        text=True,
        check=True,
    )
    assert done.stdout.split() == [Problem.TOO_MANY_ROWS.value, "False"]


def test_row_problems_are_kept_up_to_the_limit_and_counted_beyond(tmp_path: Path) -> None:
    data = b"a,b\n" + b"1,2,3\n" * 5000
    table = _read(tmp_path, data, limits=Limits(max_issues=100))
    assert len(table.issues) == 100 and table.issue_count == 5000


def test_a_cell_past_its_length_is_named(tmp_path: Path) -> None:
    table = _read(tmp_path, b"a,b\n1," + b"x" * 50 + b"\n", limits=Limits(max_cell_chars=10))
    assert [(i.problem, i.field) for i in table.issues] == [(Problem.CELL_TOO_LONG, "b")]


def _zip_bomb(unpacked_mb: int) -> bytes:
    """A valid XLSX whose sheet unpacks to `unpacked_mb` MB of repeated empty rows."""
    book = openpyxl.Workbook()
    book.active.append(["이름"])
    plain = io.BytesIO()
    book.save(plain)
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(plain.getvalue())) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as bomb,
    ):
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                row = b"<row><c t='inlineStr'><is><t>x</t></is></c></row>"
                head, tail = data.split(b"</sheetData>")
                with bomb.open(item.filename, "w", force_zip64=True) as member:
                    member.write(head)
                    chunk = row * ((1 << 20) // len(row))
                    for _ in range(unpacked_mb):
                        member.write(chunk)
                    member.write(b"</sheetData>" + tail)
            else:
                bomb.writestr(item, data)
    return out.getvalue()


def test_a_zip_bomb_is_refused_before_it_is_unpacked(tmp_path: Path) -> None:
    bomb = _zip_bomb(40)
    assert len(bomb) < 1024 * 1024  # 40 MB of XML in a small file
    problem = _refused(
        tmp_path, bomb, "bomb.xlsx", limits=Limits(max_unpacked_bytes=20 * 1024 * 1024)
    )
    assert problem == Problem.UNPACKED_TOO_LARGE
