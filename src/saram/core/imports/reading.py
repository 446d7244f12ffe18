"""Reading an upload for an import: in a child process with a memory ceiling, against the
import's declared columns, into text columns (polars) or typed rows with row errors.

Every import declares an `ImportSpec` (its columns, which of them hold personal data, its
limits). `read_upload` runs the one reader (`saram.core.engine.tabular`) in a child process
whose data segment is capped (`SARAM_IMPORT_MEMORY_MB`) and whose time is capped
(`SARAM_IMPORT_TIMEOUT_S`): whatever a file holds, the task worker itself never grows with it.
Problems come back as codes; values in row errors are masked by their column's sensitivity.
"""

from __future__ import annotations

import contextlib
import ctypes
import datetime as dt
import json
import os
import resource
import signal
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl
from django.conf import settings
from django.utils.functional import Promise

from saram.core.engine.tabular import (
    ROW,
    Issue,
    Limits,
    Problem,
    Refused,
    Table,
    load_report,
)
from saram.core.errors import RowError, SaramError, is_registered
from saram.core.imports.uploads import Upload
from saram.core.redaction import Sensitivity, redact, redact_expr

MAX_HEADER_ERRORS = 20


class CellError(ValueError):
    """Raised by a column parser: a registered code (and parameters) saying what would be right,
    or, for parsers not yet converted, a message."""

    def __init__(self, code_or_message: str | Promise = "", **params: Any) -> None:
        super().__init__(str(code_or_message))
        self.code = str(code_or_message) if params or _is_code(code_or_message) else ""
        self.params = params
        self.text = code_or_message


def date_parser(code: str) -> Callable[[str], dt.date]:
    """A column parser for a date written 2026-03-01 (dots or slashes allowed); a cell that is not
    one is the cell error `code`, an import's registered message."""

    def parse(text: str) -> dt.date:
        try:
            return dt.date.fromisoformat(text.strip().replace(".", "-").replace("/", "-"))
        except ValueError:
            raise CellError(code) from None

    return parse


def _is_code(value: Any) -> bool:
    return isinstance(value, str) and is_registered(value)


@dataclass(frozen=True)
class Column:
    """One column an import reads: its header, how a cell becomes a value, whether it must be
    present, what personal data it holds (how its values are masked in errors), other headers
    accepted for it, and an example value and allowed values for the template."""

    name: str
    parse: Callable[[str], Any] = str
    required: bool = True
    sensitivity: Sensitivity = Sensitivity.PLAIN
    aliases: tuple[str, ...] = ()
    example: str = ""
    allowed: Callable[[], Sequence[str]] | None = None


@dataclass(frozen=True)
class ImportSpec:
    """What an import reads: its columns (in template order) and its limits."""

    kind: str
    columns: tuple[Column, ...]
    limits: Limits = field(default_factory=Limits)
    # The header must hold this many of the columns (e.g. "주민등록번호, or 이름 and 생년월일").
    header_check: Callable[[set[str]], list[RowError]] | None = None

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    def sensitivity_of(self, header: str) -> Sensitivity:
        for column in self.columns:
            if column.name == header:
                return column.sensitivity
        return Sensitivity.PLAIN

    def canonical(self) -> dict[str, str]:
        names: dict[str, str] = {}
        for column in self.columns:
            names[column.name] = column.name
            for alias in column.aliases:
                names[alias] = column.name
                names[alias.lower()] = column.name
        return names


class Rejected(SaramError):
    """A file with bad rows: the code, the first row errors, and what the job keeps for review
    (the whole bad rows, masked) so the user can download them, fix them and upload again."""

    def __init__(
        self,
        errors: Sequence[RowError],
        *,
        total: int | None = None,
        table: pl.DataFrame | None = None,
        spec: ImportSpec | None = None,
    ) -> None:
        ordered = sorted(errors, key=lambda e: (e.row, e.field))
        bad_rows = len({e.row for e in ordered}) if total is None else total
        super().__init__("import_bad_rows", row_errors=ordered, count=f"{bad_rows:,}")
        self.table = table
        self.spec = spec


def rejected(
    errors: Sequence[RowError],
    *,
    table: pl.DataFrame | None = None,
    spec: ImportSpec | None = None,
    total: int | None = None,
) -> Rejected:
    """The one error for a file with bad rows."""
    return Rejected(errors, total=total, table=table, spec=spec)


def _memory_ceiling(limit_bytes: int) -> Callable[[], None]:
    def apply() -> None:
        # Past the cap an allocation fails and the child aborts; the worker never grows.
        resource.setrlimit(resource.RLIMIT_DATA, (limit_bytes, limit_bytes))
        # Background work: pages people are waiting for get the processor first.
        os.nice(10)
        with contextlib.suppress(Exception):  # Linux: the child ends with the worker
            ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)

    return apply


def _child_env() -> dict[str, str]:
    """The child needs only the `saram` package and polars (no Django, no secrets)."""
    root = str(Path(__file__).resolve().parents[3])
    keep = ("PATH", "LANG", "LC_ALL", "TMPDIR", "HOME")
    env = {k: v for k, v in os.environ.items() if k in keep}
    return env | {"PYTHONPATH": root, "POLARS_MAX_THREADS": "2"}


def _issue_error(issue: Issue) -> RowError:
    return RowError(issue.row, issue.field, code=issue.problem.value, params=issue.params)


def _refusal(issues: Sequence[Issue]) -> SaramError:
    first = issues[0]
    return SaramError(
        first.problem.value, params=first.params, row_errors=[_issue_error(i) for i in issues]
    )


def read_table(upload: Upload, spec: ImportSpec) -> Table:
    """The upload as text columns named by the spec's headers, with `_row`; header problems
    raise SaramError at once; row problems of the reading are in `table.issues`."""
    if not upload.path.exists():
        raise SaramError("import_file_gone")
    limit_mb = int(settings.SARAM_IMPORT_MEMORY_MB)
    timeout_s = int(settings.SARAM_IMPORT_TIMEOUT_S)
    limits_json = json.dumps(spec.limits.__dict__)
    expected = sorted(spec.canonical())
    with tempfile.TemporaryDirectory(prefix="saram-import-") as work:
        command = [
            sys.executable,
            "-m",
            "saram.core.engine.tabular",
            str(upload.path),
            upload.filename,
            work,
            limits_json,
            json.dumps(expected, ensure_ascii=False),
        ]
        try:
            done = subprocess.run(
                command,
                env=_child_env(),
                capture_output=True,
                timeout=timeout_s,
                preexec_fn=_memory_ceiling(limit_mb * 1024 * 1024),
                check=False,
            )
        except subprocess.TimeoutExpired:
            raise SaramError("import_timeout", seconds=timeout_s) from None
        if done.returncode < 0:
            # Ended by a signal: the memory ceiling aborts it (or the system killed it).
            raise SaramError("import_out_of_memory", limit_mb=limit_mb)
        if done.returncode != 0 or not (Path(work) / "report.json").exists():
            # Never a library's text (it could quote the file): the reader's own refusal.
            raise SaramError(Problem.UNREADABLE.value, detail="")
        try:
            table = load_report(Path(work))
        except Refused as exc:
            raise _refusal(exc.issues) from None
    return _rename(table, spec)


def _rename(table: Table, spec: ImportSpec) -> Table:
    names = spec.canonical()
    headers = table.headers
    renamed = {h: names.get(h, names.get(h.lower(), h)) for h in headers}
    errors: list[RowError] = []
    expected = ", ".join(spec.names)
    target = list(renamed.values())
    for i, name in enumerate(target):
        if name in target[:i]:
            first = target.index(name) + 1
            errors.append(
                RowError(
                    1,
                    name,
                    code=Problem.DUPLICATE_HEADER.value,
                    params={"first": first, "again": i + 1},
                )
            )
    unknown = [h for h, n in renamed.items() if n not in spec.names]
    errors += [
        RowError(1, h[:100], code="import_unknown_column", params={"columns": expected})
        for h in unknown
    ]
    present = {n for n in target if n in spec.names}
    errors += [
        RowError(1, c.name, code="import_missing_column", params={"columns": expected})
        for c in spec.columns
        if c.required and c.name not in present
    ]
    if spec.header_check is not None:
        errors += spec.header_check(present)
    if errors:
        raise SaramError(
            "import_bad_header", row_errors=errors[:MAX_HEADER_ERRORS], count=len(errors)
        )
    if table.frame.height == 0:
        raise SaramError(
            Problem.NO_ROWS.value, row_errors=[RowError(2, "", code=Problem.NO_ROWS.value)]
        )
    frame = table.frame.rename(renamed)
    missing = [pl.lit(None, dtype=pl.String).alias(c) for c in spec.names if c not in frame.columns]
    if missing:
        frame = frame.with_columns(missing)
    table.frame = frame.select(ROW, *spec.names)
    return table


def reading_errors(table: Table, spec: ImportSpec) -> list[RowError]:
    """The row problems the reader found (ragged rows, cells too long), as row errors."""
    return [_issue_error(i) for i in table.issues]


def typed_rows(table: Table, spec: ImportSpec) -> tuple[list[dict[str, Any]], list[RowError]]:
    """Rows keyed by column name (`_row` too) with parsed values, and the errors found (values
    masked); a bad cell's value is None so later checks skip it."""
    errors = reading_errors(table, spec)
    rows: list[dict[str, Any]] = []
    cap = spec.limits.max_issues
    for record in table.frame.iter_rows(named=True):
        n = record[ROW]
        row: dict[str, Any] = {ROW: n}
        for column in spec.columns:
            text = record[column.name]
            if text is None:
                if column.required:
                    errors.append(RowError(n, column.name, code="import_required"))
                row[column.name] = None
                continue
            try:
                row[column.name] = column.parse(text)
            except CellError as exc:
                errors.append(
                    RowError(
                        n,
                        column.name,
                        exc.text if not exc.code else "",
                        redact(text, column.sensitivity),
                        code=exc.code,
                        params=exc.params,
                    )
                )
                row[column.name] = None
            except ValueError:
                errors.append(
                    RowError(
                        n,
                        column.name,
                        value=redact(text, column.sensitivity),
                        code="import_bad_value",
                    )
                )
                row[column.name] = None
        rows.append(row)
        if len(errors) > cap * 4:
            # Enough to show and to fix: a file this bad is not read to its end.
            break
    return rows, errors


def read_rows(upload: Upload, spec: ImportSpec) -> list[dict[str, Any]]:
    """Typed rows of a whole file, or the rejection listing every problem."""
    table = read_table(upload, spec)
    rows, errors = typed_rows(table, spec)
    if errors:
        raise rejected(errors, table=table.frame, spec=spec)
    return rows


def redacted_rows(frame: pl.DataFrame, rows: Iterable[int], spec: ImportSpec) -> pl.DataFrame:
    """The whole rows numbered `rows`, every personal value masked (what an error file holds)."""
    wanted = pl.Series(ROW, sorted(set(rows)), dtype=pl.Int64)
    bad = frame.filter(pl.col(ROW).is_in(wanted.implode()))

    return bad.with_columns(
        redact_expr(pl.col(c), spec.sensitivity_of(c)).alias(c) for c in bad.columns if c != ROW
    )
