"""Reading an uploaded table (CSV in any Korean encoding, Excel's tab-separated text, XLSX) into
text columns, within limits, whatever the file holds.

The one reader behind every import. It knows nothing of Django: it takes a path and limits and
returns a polars frame of text columns named by the file's headers, with `_row` numbered as a
spreadsheet shows it (the header is row 1), and the problems it found as reason codes
(`Problem`). A file that cannot be read as a table at all raises `Refused`.

Every cost is bounded before it is paid: the header's width is counted before the header is
parsed (a million columns cost a scan of one line), rows are read only up to the row limit (a
file with no quotes is counted by its lines first, so one far over the limit is refused before
anything is parsed), an XLSX archive's declared unpacked size is checked before anything is
unpacked, and row problems are kept up to a limit and counted beyond it. polars is imported
only once a file has passed these checks: a refusal costs no more than the check. Run as a
module it reads in a child process, so the caller can give the reading a memory ceiling
(`saram.core.imports.reading`).
"""

from __future__ import annotations

import codecs
import csv
import dataclasses
import json
import sys
import tempfile
import zipfile
from dataclasses import asdict, dataclass
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import polars as pl

ROW = "_row"
_CHUNK = 1 << 20
_SECOND_LINE_BYTES = 1 << 20
_SNIFF_BYTES = 64 * 1024


class Problem(StrEnum):
    """Why a file, a header or a row cannot be read (the app maps each to a message)."""

    BAD_FORMAT = "import_bad_format"
    BAD_ENCODING = "import_bad_encoding"
    EMPTY_FILE = "import_empty_file"
    NO_ROWS = "import_no_rows"
    UNREADABLE = "import_unreadable"
    TOO_MANY_COLUMNS = "import_too_many_columns"
    TOO_MANY_ROWS = "import_too_many_rows"
    UNPACKED_TOO_LARGE = "import_unpacked_too_large"
    DUPLICATE_HEADER = "import_duplicate_header"
    TITLE_ROW = "import_title_row"
    BLANK_HEADER = "import_blank_header"
    RAGGED_ROW = "import_ragged_row"
    UNCLOSED_QUOTE = "import_unclosed_quote"
    CELL_TOO_LONG = "import_cell_too_long"


@dataclass(frozen=True)
class Limits:
    """What a reading may cost; every import states its own (or takes these)."""

    max_columns: int = 100
    max_rows: int = 200_000
    # An XLSX archive's contents, unpacked: what reading it costs in time and memory.
    max_unpacked_bytes: int = 100 * 1024 * 1024
    max_cell_chars: int = 4000
    max_issues: int = 1000  # row problems kept; more are only counted


@dataclass(frozen=True)
class Issue:
    """One problem: where (row as a spreadsheet shows it, 1 = header; column header) and what."""

    problem: Problem
    row: int = 0
    field: str = ""
    params: dict[str, Any] = dataclasses.field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self) | {"problem": self.problem.value}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Issue:
        return cls(Problem(data["problem"]), data["row"], data["field"], data.get("params") or {})


class Refused(Exception):
    """The file cannot be read as a table; `issues` say why (never more than a few)."""

    def __init__(self, *issues: Issue) -> None:
        super().__init__(", ".join(i.problem.value for i in issues))
        self.issues = list(issues)


@dataclass
class Table:
    """Text columns named by the file's headers (stripped), plus `_row`; wholly empty rows
    left out (a file with none has no rows: the caller checks the header first, then says
    so). `issues` are row problems found while reading (up to the limit), `issue_count` all
    of them."""

    frame: pl.DataFrame
    format: str
    issues: list[Issue] = dataclasses.field(default_factory=list)
    issue_count: int = 0

    @property
    def headers(self) -> list[str]:
        return [c for c in self.frame.columns if c != ROW]


def read_table(
    path: Path, *, filename: str, limits: Limits = Limits(), expected: tuple[str, ...] = ()
) -> Table:
    """The table in the file at `path`; `filename` gives the format, `expected` (the headers
    the import knows) lets a title row above the header be recognised."""
    name = filename.lower()
    if name.endswith(".xlsx"):
        return _read_xlsx(path, limits=limits, expected=expected)
    if name.endswith((".csv", ".txt", ".tsv")):
        return _read_text(path, limits=limits, expected=expected)
    raise Refused(Issue(Problem.BAD_FORMAT, params={"name": Path(filename).name[:100]}))


# --- Text (CSV, tab-separated) ---------------------------------------------------------------


def _encoding(path: Path) -> str:
    """The file's encoding: a byte-order mark says it, else UTF-8 if its first megabyte decodes
    (polars checks the rest as it reads), else CP949 (EUC-KR's superset)."""
    with path.open("rb") as f:
        head = f.read(_CHUNK)
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    for encoding in ("utf-8", "cp949"):
        try:
            # Not final: the megabyte may end inside a character.
            codecs.getincrementaldecoder(encoding)().decode(head)
        except UnicodeDecodeError:
            continue
        return encoding
    raise Refused(Issue(Problem.BAD_ENCODING))


def _as_utf8(path: Path, encoding: str, workdir: Path) -> Path:
    """The file as UTF-8 without a byte-order mark (what polars reads), transcoded in chunks."""
    if encoding == "utf-8":
        return path
    out = workdir / "utf8.csv"
    decoder = codecs.getincrementaldecoder(encoding)()
    try:
        with path.open("rb") as src, out.open("wb") as dst:
            while chunk := src.read(_CHUNK):
                dst.write(decoder.decode(chunk).encode("utf-8"))
            dst.write(decoder.decode(b"", final=True).encode("utf-8"))
    except UnicodeDecodeError:
        raise Refused(Issue(Problem.BAD_ENCODING)) from None
    return out


def _first_line(path: Path, limits: Limits) -> tuple[str, str]:
    """(header line, separator). The separator is the one the header holds most of (Excel's
    "text" files are tab-separated); the width is counted while reading, so a header of a
    million columns is refused after one scan of one line, without parsing it."""
    line = bytearray()
    with path.open("rb") as f:
        while True:
            chunk = f.read(_SNIFF_BYTES)
            if not chunk:
                break
            end = chunk.find(b"\n")
            line += chunk if end < 0 else chunk[:end]
            widest = max(line.count(b","), line.count(b"\t"), line.count(b";"))
            if widest + 1 > limits.max_columns:
                raise Refused(
                    Issue(
                        Problem.TOO_MANY_COLUMNS,
                        row=1,
                        params={"limit": limits.max_columns, "count": f"{widest + 1:,}+"},
                    )
                )
            if end >= 0:
                break
    text = line.decode("utf-8", errors="replace").rstrip("\r")
    separator = "\t" if text.count("\t") > text.count(",") else ","
    return text, separator


def _title_above(path: Path, headers: list[str], expected: tuple[str, ...]) -> bool:
    """A title typed on a line of its own (no separators after it, as a text editor saves it)
    above the real header: the polars frame of one column cannot show the second line whole,
    so it is read here (at most a megabyte of it)."""
    with path.open("rb") as f:
        f.readline(_SECOND_LINE_BYTES)
        second = f.readline(_SECOND_LINE_BYTES).decode("utf-8", errors="replace").rstrip("\r\n")
    separator = "\t" if second.count("\t") > second.count(",") else ","
    return _looks_like_title(headers, [c.strip() for c in _split(second, separator)], expected)


def _split(line: str, separator: str) -> list[str]:
    return next(csv.reader([line], delimiter=separator), [])


def _more_lines_than(path: Path, limit: int) -> bool:
    """Whether the file certainly holds more than `limit` rows below its header, known from its
    lines alone: without a quote a line is a row (blank lines are not counted). A quote (a cell
    may hold a line break) leaves it undecided: False, and the parser decides. Line breaks are
    counted first (at memory speed, to the end for a file within the limit); only a file with
    more of them is read again, line by line, up to the limit."""
    breaks = 0
    with path.open("rb") as f:
        while chunk := f.read(_CHUNK):
            if b'"' in chunk:
                return False
            breaks += chunk.count(b"\n")
            if breaks > limit + 1:
                break
        else:
            return False  # at most the header and `limit` + 1 lines: the parser decides
    rows = -1  # the header's line
    tail = b""
    with path.open("rb") as f:
        while chunk := f.read(_CHUNK):
            lines = (tail + chunk).split(b"\n")
            tail = lines.pop()
            rows += sum(1 for line in lines if line.strip(b"\r"))
            if rows > limit:
                return True
    return False


def _unclosed_quote(path: Path, separator: str, limits: Limits) -> int | None:
    """The row (1 = the header) where a cell opens a quote that never closes, if one does: the
    parser would take the rest of the file as that one cell and lose every row after it. Read
    only for a file holding a quote, up to the row limit; a cell over the csv module's size
    limit (128 KiB, far over any import's) is such a quote too."""
    with path.open("rb") as f:
        while chunk := f.read(_CHUNK):
            if b'"' in chunk:
                break
        else:
            return None
    rows = 0
    with path.open(encoding="utf-8", errors="replace", newline="") as f:
        reader = csv.reader(f, delimiter=separator, strict=True)
        try:
            for _ in reader:
                rows += 1
                if rows > limits.max_rows + 1:
                    return None
        except csv.Error as exc:
            if "end of data" in str(exc) or "field limit" in str(exc):
                return rows + 1
    return None


def _read_text(path: Path, *, limits: Limits, expected: tuple[str, ...]) -> Table:
    if path.stat().st_size == 0:
        raise Refused(Issue(Problem.EMPTY_FILE, row=1))
    encoding = _encoding(path)
    with tempfile.TemporaryDirectory(prefix="saram-read-") as work:
        source = _as_utf8(path, encoding, Path(work))
        line, separator = _first_line(source, limits)
        headers = [h.strip() for h in _split(line, separator)]
        if not any(headers):
            raise Refused(Issue(Problem.EMPTY_FILE, row=1))
        width = len(headers)
        if width == 1 and _title_above(source, headers, expected):
            raise Refused(Issue(Problem.TITLE_ROW, row=1, params={"header_row": 2}))
        if _more_lines_than(source, limits.max_rows):
            raise Refused(Issue(Problem.TOO_MANY_ROWS, params={"limit": f"{limits.max_rows:,}"}))
        if (row := _unclosed_quote(source, separator, limits)) is not None:
            raise Refused(Issue(Problem.UNCLOSED_QUOTE, row=row, params={"row": row}))
        import polars as pl  # noqa: PLC0415 -- polars only for a file that passed the cheap checks

        names = [f"c{i}" for i in range(width + 1)]  # one more: a value there is a ragged row
        try:
            frame = (
                pl.scan_csv(
                    source,
                    has_header=False,
                    skip_rows=1,
                    separator=separator,
                    schema=dict.fromkeys(names, pl.String),
                    missing_columns="insert",
                    truncate_ragged_lines=True,
                    raise_if_empty=False,
                )
                .head(limits.max_rows + 1)
                .collect()
            )
        except pl.exceptions.PolarsError as exc:
            if "utf" in str(exc).lower():  # invalid UTF-8 past the first megabyte
                raise Refused(Issue(Problem.BAD_ENCODING)) from None
            raise Refused(
                Issue(Problem.UNREADABLE, params={"detail": type(exc).__name__})
            ) from None
    return _finish(frame, headers, fmt="tsv" if separator == "\t" else "csv", limits=limits,
                   expected=expected)  # fmt: skip


# --- XLSX ------------------------------------------------------------------------------------


def _check_archive(path: Path, limits: Limits) -> None:
    """Refuse an archive whose declared contents are too large before unpacking any of it;
    zipfile stops at the declared size, so a member that lies is cut short, not unbounded."""
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError):
        raise Refused(Issue(Problem.UNREADABLE, params={"detail": "zip"})) from None
    unpacked = sum(m.file_size for m in members)
    if len(members) > 10_000 or unpacked > limits.max_unpacked_bytes:
        raise Refused(
            Issue(
                Problem.UNPACKED_TOO_LARGE,
                params={
                    "size_mb": f"{unpacked / 2**20:,.0f}",
                    "limit_mb": f"{limits.max_unpacked_bytes / 2**20:,.0f}",
                },
            )
        )


def _read_xlsx(path: Path, *, limits: Limits, expected: tuple[str, ...]) -> Table:
    import fastexcel  # noqa: PLC0415 -- the CSV path should not pay for it
    import polars as pl  # noqa: PLC0415 -- polars only for a file that passed the cheap checks

    _check_archive(path, limits)
    try:
        book = fastexcel.read_excel(str(path))
        if not book.sheet_names:
            raise Refused(Issue(Problem.EMPTY_FILE, row=1))
        # Calamine (Rust) reads every cell as text: numbers as written, dates as ISO text.
        sheet = book.load_sheet(
            0,
            header_row=None,
            n_rows=limits.max_rows + 2,
            dtypes="string",
            use_columns=lambda column: column.index <= limits.max_columns,
        )
        grid = sheet.to_polars()
    except Refused:
        raise
    except Exception:  # calamine raises several kinds for a corrupt file
        raise Refused(Issue(Problem.UNREADABLE, params={"detail": "xlsx"})) from None
    if grid.height == 0 or grid.width == 0:
        raise Refused(Issue(Problem.EMPTY_FILE, row=1))
    grid = grid.rename({c: f"x{i}" for i, c in enumerate(grid.columns)})
    header = [("" if v is None else str(v).strip()) for v in grid.row(0)]
    if len(header) > limits.max_columns and header[limits.max_columns]:
        raise Refused(
            Issue(
                Problem.TOO_MANY_COLUMNS,
                row=1,
                params={"limit": limits.max_columns, "count": f"{limits.max_columns + 1}+"},
            )
        )
    while header and not header[-1]:
        header.pop()
    if not header:
        raise Refused(Issue(Problem.EMPTY_FILE, row=1))
    width = len(header)
    body = grid.slice(1)
    extra = [pl.col(c) for c in body.columns[width:]]
    body = body.select(
        *(pl.col(f"x{i}").str.replace(r" 00:00:00$", "").alias(f"c{i}") for i in range(width)),
        (pl.coalesce(extra) if extra else pl.lit(None, dtype=pl.String)).alias(f"c{width}"),
    )
    return _finish(body, header, fmt="xlsx", limits=limits, expected=expected)


# --- Common checks ---------------------------------------------------------------------------


def _looks_like_title(
    headers: list[str], second: list[str | None], expected: tuple[str, ...]
) -> bool:
    if expected:
        known = set(expected)
        in_first = sum(h in known for h in headers)
        in_second = sum((v or "").strip() in known for v in second)
        return in_first == 0 and in_second >= max(1, min(2, len(known)))
    filled = [h for h in headers if h]
    return len(filled) == 1 and len(headers) > 1 and sum(v is not None for v in second) > 1


def _finish(
    frame: pl.DataFrame, headers: list[str], *, fmt: str, limits: Limits, expected: tuple[str, ...]
) -> Table:
    import polars as pl  # noqa: PLC0415 -- polars only for a file that passed the cheap checks

    width = len(headers)
    if frame.height > limits.max_rows:
        raise Refused(
            Issue(
                Problem.TOO_MANY_ROWS,
                params={"limit": f"{limits.max_rows:,}"},
            )
        )
    if frame.height and _looks_like_title(headers, list(frame.row(0))[:width], expected):
        raise Refused(Issue(Problem.TITLE_ROW, row=1, params={"header_row": 2}))
    seen: dict[str, int] = {}
    duplicates: list[Issue] = []
    for i, name in enumerate(headers, start=1):
        if name and name in seen:
            duplicates.append(
                Issue(
                    Problem.DUPLICATE_HEADER,
                    row=1,
                    field=name,
                    params={"first": seen[name], "again": i},
                )
            )
        seen.setdefault(name, i)
    if duplicates:
        raise Refused(*duplicates[:20])
    frame = frame.with_row_index(ROW, offset=2).with_columns(pl.col(ROW).cast(pl.Int64))
    data_columns = [f"c{i}" for i in range(width)]
    stripped = frame.with_columns(
        pl.col(c).str.strip_chars().replace("", None).alias(c) for c in [*data_columns, f"c{width}"]
    )
    stripped = stripped.filter(
        ~pl.all_horizontal(pl.col(c).is_null() for c in [*data_columns, f"c{width}"])
    )
    issues: list[Issue] = []
    count = 0
    blank = [i for i, h in enumerate(headers) if not h]
    checks: list[tuple[Problem, pl.Expr, str, dict[str, Any]]] = [
        (Problem.RAGGED_ROW, pl.col(f"c{width}").is_not_null(), "", {"width": width})
    ]
    checks += [
        (Problem.BLANK_HEADER, pl.col(f"c{i}").is_not_null(), "", {"column": i + 1}) for i in blank
    ]
    checks += [
        (
            Problem.CELL_TOO_LONG,
            pl.col(f"c{i}").str.len_chars() > limits.max_cell_chars,
            headers[i],
            {"limit": limits.max_cell_chars},
        )
        for i in range(width)
        if headers[i]
    ]
    if stripped.height:
        hits = stripped.select(
            ROW,
            *(
                expr.fill_null(False).alias(f"_check{n}")
                for n, (_p, expr, _f, _x) in enumerate(checks)
            ),
        )
        for n, (problem, _expr, where, params) in enumerate(checks):
            rows = hits.filter(pl.col(f"_check{n}")).get_column(ROW)
            count += rows.len()
            room = limits.max_issues - len(issues)
            issues += [
                Issue(problem, row=int(r), field=where, params=params)
                for r in rows.head(max(0, room))
            ]
    named = stripped.select(
        ROW, *(pl.col(f"c{i}").alias(headers[i]) for i in range(width) if headers[i])
    )
    issues.sort(key=lambda i: (i.row, i.field))
    return Table(named, fmt, issues, count)


# --- In a child process ----------------------------------------------------------------------


def main(argv: list[str]) -> int:
    """`python -m saram.core.engine.tabular SOURCE FILENAME OUTDIR LIMITS_JSON EXPECTED_JSON`:
    writes OUTDIR/table.arrow and OUTDIR/report.json (or only the report when refused)."""
    source, filename, outdir, limits_json, expected_json = argv
    out = Path(outdir)
    limits = Limits(**json.loads(limits_json))
    try:
        table = read_table(
            Path(source),
            filename=filename,
            limits=limits,
            expected=tuple(json.loads(expected_json)),
        )
    except Refused as exc:
        report: dict[str, Any] = {"refused": [i.as_dict() for i in exc.issues]}
    else:
        table.frame.write_ipc(out / "table.arrow")
        report = {
            "format": table.format,
            "issues": [i.as_dict() for i in table.issues],
            "issue_count": table.issue_count,
        }
    (out / "report.json").write_text(json.dumps(report, ensure_ascii=False), encoding="utf-8")
    return 0


def load_report(outdir: Path) -> Table:
    """What a child process wrote to `outdir`: the table, or `Refused`."""
    import polars as pl  # noqa: PLC0415 -- polars only once the child has answered

    report = json.loads((outdir / "report.json").read_text(encoding="utf-8"))
    if "refused" in report:
        raise Refused(*(Issue.from_dict(i) for i in report["refused"]))
    frame = pl.read_ipc(outdir / "table.arrow")
    return Table(
        frame,
        report["format"],
        [Issue.from_dict(i) for i in report["issues"]],
        int(report["issue_count"]),
    )


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
