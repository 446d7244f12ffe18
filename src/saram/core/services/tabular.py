"""One mechanism for every CSV/XLSX import and export.

`read_rows` parses a file (CSV in UTF-8 or CP949, XLSX) against declared columns and returns
typed rows, or raises SaramError listing every bad cell by row and field. Writing is the
caller's job, inside one transaction, only after this has passed.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import tablib
from django.utils.translation import gettext as _

from saram.core.errors import RowError, SaramError


class CellError(ValueError):
    """Raised by a column parser: the message says what would be right."""


@dataclass(frozen=True)
class Column:
    name: str  # the header, exactly as in the file
    parse: Callable[[str], Any] = str
    required: bool = True  # a value must be present in every row
    label: str = ""


def _decode(raw: bytes) -> str:
    for encoding in ("utf-8-sig", "cp949"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise SaramError(
        "bad_encoding", _("파일 인코딩을 읽을 수 없습니다. UTF-8 또는 CP949 CSV로 저장하세요.")
    )


def load_dataset(raw: bytes, filename: str) -> tablib.Dataset:
    name = filename.lower()
    try:
        if name.endswith(".xlsx"):
            data = tablib.Dataset().load(raw, format="xlsx")
        elif name.endswith(".csv") or name.endswith(".txt"):
            text = _decode(raw)
            if not text.strip():
                raise SaramError(
                    "empty_file",
                    _("파일이 비어 있습니다."),
                    row_errors=[RowError(1, "", _("머리글 행이 없습니다."))],
                )
            data = tablib.Dataset().load(text, format="csv")
        else:
            raise SaramError(
                "bad_format",
                _("CSV 또는 XLSX 파일만 가져올 수 있습니다: %(name)s") % {"name": filename},
            )
    except SaramError:
        raise
    except Exception as exc:  # tablib/openpyxl raise many kinds for a corrupt file
        raise SaramError(
            "unreadable", _("파일을 읽을 수 없습니다: %(reason)s") % {"reason": exc}
        ) from exc
    return data


def read_rows(raw: bytes, filename: str, columns: Sequence[Column]) -> list[dict[str, Any]]:
    """Typed rows keyed by column name, or SaramError with every problem found."""
    rows, errors = parse_rows(raw, filename, columns)
    if errors:
        raise rejected(errors)
    return rows


def rejected(errors: list[RowError]) -> SaramError:
    """The one error for a file with bad rows, listing them in row order."""
    return SaramError(
        "bad_rows",
        _("잘못된 행이 있어 아무것도 가져오지 않았습니다."),
        row_errors=sorted(errors, key=lambda e: (e.row, e.field)),
    )


def parse_rows(
    raw: bytes, filename: str, columns: Sequence[Column]
) -> tuple[list[dict[str, Any]], list[RowError]]:
    """Typed rows and the cell errors found; a bad cell's value is None so later checks skip it.

    A file that cannot be read at all (format, header, no rows) raises SaramError at once.
    """
    data = load_dataset(raw, filename)
    headers = [str(h or "").strip() for h in (data.headers or [])]
    if not headers or (data.height == 0 and not any(headers)):
        raise SaramError(
            "empty_sheet",
            _("시트가 비어 있습니다."),
            row_errors=[RowError(1, "", _("머리글 행과 데이터가 없습니다."))],
        )
    errors: list[RowError] = []
    expected = [c.name for c in columns]
    missing = [c for c in expected if c not in headers]
    unknown = [h for h in headers if h and h not in expected]
    for name in missing:
        errors.append(
            RowError(
                1,
                name,
                _("머리글에 이 열이 없습니다. 필요한 열: %(cols)s") % {"cols": ", ".join(expected)},
            )
        )
    for name in unknown:
        errors.append(
            RowError(
                1,
                name,
                _("알 수 없는 열입니다. 필요한 열: %(cols)s") % {"cols": ", ".join(expected)},
            )
        )
    if errors:
        raise SaramError("bad_header", _("머리글이 맞지 않습니다."), row_errors=errors)
    if data.height == 0:
        raise SaramError(
            "no_rows",
            _("데이터 행이 없습니다."),
            row_errors=[RowError(2, "", _("머리글 아래에 데이터가 없습니다."))],
        )
    index = {h: i for i, h in enumerate(headers)}
    rows: list[dict[str, Any]] = []
    for n, raw_row in enumerate(data, start=2):
        if all(v in (None, "") for v in raw_row):
            continue
        row: dict[str, Any] = {"_row": n}
        for col in columns:
            cell = raw_row[index[col.name]]
            text = "" if cell is None else str(cell).strip()
            if text == "":
                if col.required:
                    errors.append(RowError(n, col.name, _("값이 필요합니다.")))
                row[col.name] = None
                continue
            try:
                row[col.name] = col.parse(text)
            except (CellError, ValueError) as exc:
                errors.append(RowError(n, col.name, str(exc), text))
                row[col.name] = None
        rows.append(row)
    return rows, errors
