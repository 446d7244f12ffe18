"""A rejected import's bad rows, kept (masked) for the user to download, fix and upload again.

The whole bad rows are kept as an Arrow file and every row error as codes; the CSV is built
when it is downloaded, in the reader's language. Both are removed by `saram purge_uploads`
once the retention time (`SARAM_UPLOAD_KEEP_DAYS`) is over.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import polars as pl
from django.utils.translation import gettext as _

from saram.core.engine.tabular import ROW
from saram.core.errors import RowError, SaramError
from saram.core.imports.reading import redacted_rows
from saram.core.imports.uploads import PRIVATE_FILE, review_dir
from saram.core.services.exports import stream_csv


def _paths(key: str) -> tuple[Path, Path]:
    name = Path(str(key)).name
    return review_dir() / f"{name}.arrow", review_dir() / f"{name}.json"


def _private_write(path: Path, data: bytes) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, PRIVATE_FILE)
    with os.fdopen(fd, "wb") as out:
        out.write(data)


def keep(key: str, exc: SaramError) -> bool:
    """Keep a rejection's bad rows and errors under `key` (a job or import id)."""
    rows_path, errors_path = _paths(key)
    errors = [e.as_dict() for e in exc.row_errors]
    _private_write(errors_path, json.dumps(errors, ensure_ascii=False).encode("utf-8"))
    table = getattr(exc, "table", None)
    spec = getattr(exc, "spec", None)
    if table is not None and spec is not None:
        bad = redacted_rows(table, (e.row for e in exc.row_errors), spec)
        bad.write_ipc(rows_path)
        os.chmod(rows_path, PRIVATE_FILE)
    return True


def keep_frame(key: str, bad_rows: pl.DataFrame, errors: pl.DataFrame) -> None:
    """Keep already masked bad rows (with `_row`) and an error frame (row, field, code, params,
    value) — for imports that check in columns (signals, ledger)."""
    rows_path, errors_path = _paths(key)
    bad_rows.write_ipc(rows_path)
    os.chmod(rows_path, PRIVATE_FILE)
    records = errors.to_dicts()
    _private_write(errors_path, json.dumps(records, ensure_ascii=False, default=str).encode())


def exists(key: str) -> bool:
    return _paths(key)[1].exists()


def remove(key: str) -> None:
    for path in _paths(key):
        path.unlink(missing_ok=True)


def error_csv(key: str) -> Iterator[bytes]:
    """The kept bad rows as CSV (UTF-8 with BOM, so Excel shows Korean): row, what is wrong
    (in the reader's language), then every column of the file, masked."""
    rows_path, errors_path = _paths(key)
    errors = [RowError.from_dict(e) for e in json.loads(errors_path.read_text(encoding="utf-8"))]
    messages: dict[int, list[str]] = {}
    for error in errors:
        where = f"[{error.field}] " if error.field else ""
        messages.setdefault(error.row, []).append(where + error.message)
    frame = pl.read_ipc(rows_path) if rows_path.exists() else None
    columns = [c for c in frame.columns if c != ROW] if frame is not None else []
    by_row: dict[int, dict[str, Any]] = {}
    if frame is not None:
        by_row = {int(r[ROW]): r for r in frame.iter_rows(named=True)}
    header = [_("행"), _("무엇이 잘못됐나"), *columns]
    rows = (
        [str(row), " / ".join(messages[row]), *(by_row.get(row, {}).get(c) or "" for c in columns)]
        for row in sorted(messages)
    )
    # One export helper for every file Saram writes: a masked value the user typed as a
    # formula stays text.
    for line in stream_csv(header, rows):
        yield line.encode("utf-8")
