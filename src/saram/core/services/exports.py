"""Every CSV and XLSX export goes through here, so that no cell can run as a formula.

A spreadsheet treats a cell that begins with `=`, `+`, `-` or `@` (and, in some programs, a
tab or carriage return before them) as a formula: an address such as `=HYPERLINK("…")` would
become a live link or a command. Text cells that begin so get a leading apostrophe (OWASP's
advice), which spreadsheets show as text; numbers stay numbers.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

import polars as pl
import tablib
from django.utils.translation import gettext_lazy

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


def write_table(headers: Sequence[str], rows: Iterable[Sequence[Any]], fmt: str) -> bytes:
    """Rows as CSV (UTF-8 with BOM, so Excel shows Korean) or XLSX bytes, every cell safe."""
    if fmt not in FORMATS:
        raise SaramError("bad_export_format", fmt=fmt)
    data = tablib.Dataset(headers=[safe_cell(h) for h in headers])
    for row in rows:
        data.append([safe_cell(v) for v in row])
    if fmt == "csv":
        return ("\ufeff" + data.export("csv")).encode("utf-8")
    out = data.export("xlsx")
    return out if isinstance(out, bytes) else bytes(out)


class _Line:
    """A file-like object whose `write` hands back the line: csv.writer then makes strings."""

    def write(self, value: str) -> str:
        return value


def stream_csv(headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> Iterator[str]:
    """Rows as CSV text, one line at a time (UTF-8 BOM first, every cell safe): for exports
    too large to build in memory; `write_table` for the rest."""
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
