"""Every CSV and XLSX export goes through here, so that no cell can run as a formula.

A spreadsheet treats a cell that begins with `=`, `+`, `-` or `@` (and, in some programs, a
tab or carriage return before them) as a formula: an address such as `=HYPERLINK("…")` would
become a live link or a command. Text cells that begin so get a leading apostrophe (OWASP's
advice), which spreadsheets show as text; numbers stay numbers.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from decimal import Decimal
from typing import Any, BinaryIO

import openpyxl
import polars as pl
from django.utils import timezone
from django.utils.translation import gettext_lazy
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from saram.core.errors import SaramError, register

FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

register({"bad_export_format": gettext_lazy("지원하지 않는 형식입니다: %(fmt)s")})


def safe_cell(value: Any) -> Any:
    """The value as a spreadsheet must hold it: text that could start a formula is quoted."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def write_table_file(headers: Sequence[str], rows: Iterable[Sequence[Any]], fmt: str) -> BinaryIO:
    """Rows as CSV (UTF-8 with BOM, so Excel shows Korean) or XLSX, every cell safe, written
    row by row to an unnamed temporary file that is handed back at its start.

    Neither format holds the table in memory: rows are consumed as they come (pass a generator
    over `.iterator()`), XLSX through openpyxl's write-only mode (inline strings, rows spooled to
    disk). The caller closes the file; `saram.core.downloads.attachment` sends and closes it.
    """
    if fmt not in FORMATS:
        raise SaramError("bad_export_format", fmt=fmt)
    out = tempfile.TemporaryFile()  # noqa: SIM115 - handed to the response, which closes it
    try:
        if fmt == "csv":
            _write_csv(out, headers, rows)
        else:
            _write_xlsx(out, headers, rows)
    except BaseException:
        out.close()
        raise
    out.seek(0)
    return out


def write_table(headers: Sequence[str], rows: Iterable[Sequence[Any]], fmt: str) -> bytes:
    """The same file as `write_table_file`, as bytes: for small tables only (a test, an email);
    exports of people or ledgers use `write_table_file`."""
    with write_table_file(headers, rows, fmt) as out:
        return out.read()


def _write_csv(out: BinaryIO, headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    text = io.TextIOWrapper(out, encoding="utf-8", newline="")
    text.write("\ufeff")
    writer = csv.writer(text)
    writer.writerow([safe_cell(h) for h in headers])
    for row in rows:
        writer.writerow([safe_cell(v) for v in row])
    text.flush()
    text.detach()


def _write_xlsx(out: BinaryIO, headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append([_xlsx_cell(h) for h in headers])
    for row in rows:
        sheet.append([_xlsx_cell(v) for v in row])
    book.save(out)


def _xlsx_cell(value: Any) -> Any:
    """A cell as XLSX can hold it: safe, without the control characters XML cannot carry (a
    stray one in an address would otherwise fail the whole export), times local and naive."""
    if isinstance(value, str):
        return safe_cell(ILLEGAL_CHARACTERS_RE.sub("", value))
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        return timezone.localtime(value).replace(tzinfo=None)
    if value is None or isinstance(value, (int, float, Decimal, dt.date, dt.time)):
        return value
    return safe_cell(str(value))


class _Line:
    """A file-like object whose `write` hands back the line: csv.writer then makes strings."""

    def write(self, value: str) -> str:
        return value


def stream_csv(headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> Iterator[str]:
    """Rows as CSV text, one line at a time (UTF-8 BOM first, every cell safe): for exports
    sent as a streamed response; `write_table_file` when the whole file is wanted first."""
    writer = csv.writer(_Line())
    yield "\ufeff"
    yield writer.writerow([safe_cell(h) for h in headers])
    for row in rows:
        yield writer.writerow([safe_cell(v) for v in row])


def safe_frame(frame: pl.DataFrame) -> pl.DataFrame:
    """A polars frame about to be written as CSV, its text columns neutralised as above."""
    pattern = "^[=+\\-@\\t\\r]"
    return frame.with_columns(
        pl.when(pl.col(name).str.contains(pattern))
        .then(pl.lit("'") + pl.col(name))
        .otherwise(pl.col(name))
        .alias(name)
        for name, dtype in frame.schema.items()
        if dtype == pl.String
    )
