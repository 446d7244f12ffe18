"""Writing tables: rows as CSV (UTF-8 with BOM, so Excel shows Korean) or XLSX.

Reading is `saram.core.imports` (one reader for every import).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import tablib
from django.utils.translation import gettext as _

from saram.core.errors import SaramError

FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def write_table(headers: Sequence[str], rows: Iterable[Sequence[Any]], fmt: str) -> bytes:
    """Rows as CSV (UTF-8 with BOM, so Excel shows Korean) or XLSX bytes."""
    if fmt not in FORMATS:
        raise SaramError("bad_format", _("지원하지 않는 형식입니다: %(fmt)s") % {"fmt": fmt})
    data = tablib.Dataset(headers=list(headers))
    for row in rows:
        data.append(list(row))
    if fmt == "csv":
        return ("\ufeff" + data.export("csv")).encode("utf-8")
    out = data.export("xlsx")
    return out if isinstance(out, bytes) else bytes(out)
