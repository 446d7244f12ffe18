"""Importing risk signals: check a whole file first, match each row to a resident, write at once.

A file is parsed and checked column-wise with polars (signal type, date, value, identity), each
row is matched to a resident by keyed digest of the 주민등록번호 or by name + birth date +
address, and only then written: `executemany` on SQLite, `COPY` on PostgreSQL, all in one
transaction. A file with any bad row writes nothing, unless the user, having seen the report,
accepts only the good rows. Rows whose resident is uncertain go to a review queue.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from saram.core import audit
from saram.core.access import Can, scope_of
from saram.core.bulk import bulk_writes
from saram.core.engine.tabular import ROW, Limits
from saram.core.errors import RowError, SaramError
from saram.core.imports import (
    Column,
    ImportSpec,
    Sensitivity,
    Upload,
    discard,
    read_table,
    reading_errors,
    redacted_rows,
    register_spec,
    review,
)
from saram.core.imports.uploads import upload_dir
from saram.core.models import AuditAction, City, Dong, Job, Person
from saram.core.personal_data import rrn_digest
from saram.core.redaction import redact_expr
from saram.core.services import jobs
from saram.welfare.models import (
    ImportStatus,
    MatchReview,
    ReviewStatus,
    SeverityUnit,
    Signal,
    SignalImport,
    SignalKind,
)

RRN, NAME, BIRTH, ADDRESS = "주민등록번호", "이름", "생년월일", "주소"
KIND, DAY, VALUE, SOURCE = "신호유형", "기준일", "값", "출처"
COLUMNS = (RRN, NAME, BIRTH, ADDRESS, KIND, DAY, VALUE, SOURCE)
ERROR_PREVIEW = 500  # row errors kept on the import and shown on its page; all are in the CSV
WRITE_CHUNK = 500_000
SMALL_LOOKUP = 20_000  # fewer keys than this are looked up by IN (...), more by reading the scope
_RRN_WEIGHTS = (2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5)

Progress = Callable[[int, int, str], None]


def _no_progress(done: int, total: int, message: str) -> None:
    return None


SIGNAL_SPEC = register_spec(
    ImportSpec(
        "welfare_signals",
        (
            Column(
                RRN,
                required=False,
                sensitivity=Sensitivity.RRN,
                aliases=("rrn",),
                example="480502-2345678",
            ),
            Column(
                NAME,
                required=False,
                sensitivity=Sensitivity.NAME,
                aliases=("name",),
                example="김순자",
            ),
            Column(BIRTH, required=False, aliases=("birth_date",), example="1948-05-02"),
            Column(
                ADDRESS,
                required=False,
                sensitivity=Sensitivity.ADDRESS,
                aliases=("address",),
                example="전주시 완산구 효자로 1",
            ),
            Column(
                KIND,
                aliases=("signal_type",),
                example="electricity_arrears",
                allowed=lambda: _kind_codes(),
            ),
            Column(DAY, aliases=("observed_on",), example="2025-05-31"),
            Column(VALUE, aliases=("value",), example="3"),
            Column(SOURCE, required=False, aliases=("source",), example="한국전력"),
        ),
        Limits(max_columns=50, max_rows=10_000_000, max_issues=ERROR_PREVIEW),
        header_check=lambda present: (
            []
            if RRN in present or {NAME, BIRTH} <= present
            else [
                RowError(
                    1,
                    RRN,
                    _("주민을 찾을 열이 없습니다: 주민등록번호, 또는 이름과 생년월일(과 주소)."),
                )
            ]
        ),
    )
)


def _kind_codes() -> list[str]:
    return [f"{k.code} ({k.label_ko})" for k in SignalKind.objects.order_by("code")]


def upload_path(batch: SignalImport) -> Path:
    """The kept file of an import (removed once imported, or by `saram purge_uploads`)."""
    suffix = Path(batch.filename).suffix.lower()[:8] or ".csv"
    return upload_dir() / f"{review_key(batch)}{suffix}"


def review_key(batch: SignalImport) -> str:
    """The import's name in the uploads directory: its file and its masked bad rows."""
    # The upload time too: two databases (tests, or a city's staging) may share a data dir.
    return f"signals-{batch.pk}-{int(batch.uploaded_at.timestamp() * 1_000_000)}"


# --- Reading -----------------------------------------------------------------------------------


def read_frame(upload: Upload) -> tuple[pl.DataFrame, list[RowError]]:
    """The file as text columns named by the Korean headers (English ones accepted), with
    `_row` as a spreadsheet shows it; wholly empty rows are left out. Also the row problems
    the reader found (ragged rows, cells too long)."""
    table = read_table(upload, SIGNAL_SPEC)
    return table.frame, reading_errors(table, SIGNAL_SPEC)


# --- Checking ----------------------------------------------------------------------------------


def _date(column: str) -> pl.Expr:
    text = pl.col(column)
    return pl.coalesce(
        text.str.replace_all(r"[./]", "-").str.to_date("%Y-%m-%d", strict=False),
        text.str.to_date("%Y%m%d", strict=False),
    )


def _valid_rrn_keys(keys: pl.Series) -> pl.Series:
    """Of 13-digit numbers (as Int64), those whose last digit is the check digit. Computed with
    numpy on the distinct numbers only: a file repeats each person's number several times."""
    unique = keys.drop_nulls().unique().to_numpy().astype(np.int64)
    weights = np.array(_RRN_WEIGHTS, dtype=np.int64)
    digits = (unique[:, None] // (10 ** np.arange(12, -1, -1, dtype=np.int64))) % 10
    check = (11 - (digits[:, :12] @ weights) % 11) % 10
    return pl.Series("_rrn_key", unique[check == digits[:, 12]], dtype=pl.Int64)


def _normal_address(column: str) -> pl.Expr:
    return pl.col(column).str.replace_all(r"\s+", "").str.to_lowercase()


class _Errors:
    """Row errors, one check (a boolean expression) and one message each.

    Checks are evaluated together in one pass over the frame (polars runs them in parallel);
    rows are gathered only for the checks that found something, so a clean file costs one
    scan, and a bad one reports every failing row of every check.
    """

    def __init__(self) -> None:
        self.pending: list[tuple[pl.Expr, str, str]] = []
        self.frames: list[pl.DataFrame] = []

    def add(self, mask: pl.Expr, field: str, message: str) -> None:
        self.pending.append((mask, field, message))

    def collect(self, frame: pl.DataFrame) -> None:
        """Evaluate the pending checks against `frame`."""
        if not self.pending:
            return
        masks = frame.select(
            mask.fill_null(False).alias(f"_check{i}")
            for i, (mask, _f, _m) in enumerate(self.pending)
        )
        for i, (_mask, field, message) in enumerate(self.pending):
            hit = masks.get_column(f"_check{i}")
            if not hit.any():
                continue
            sensitivity = SIGNAL_SPEC.sensitivity_of(field)
            value = (
                redact_expr(pl.col(field), sensitivity) if field in frame.columns else pl.lit("")
            )
            self.frames.append(
                frame.filter(hit).select(
                    pl.col("_row").alias("row"),
                    pl.lit(field).alias("field"),
                    pl.lit(message).alias("message"),
                    value.fill_null("").cast(pl.Utf8).alias("value"),
                )
            )
        self.pending = []

    def add_errors(self, errors: list[RowError]) -> None:
        """Problems found while reading (already masked)."""
        if errors:
            self.frames.append(
                pl.DataFrame(
                    {
                        "row": [e.row for e in errors],
                        "field": [e.field for e in errors],
                        "message": [e.message for e in errors],
                        "value": [e.value for e in errors],
                    },
                    schema={
                        "row": pl.Int64,
                        "field": pl.Utf8,
                        "message": pl.Utf8,
                        "value": pl.Utf8,
                    },
                )
            )

    def frame(self) -> pl.DataFrame:
        if not self.frames:
            return pl.DataFrame(
                schema={"row": pl.Int64, "field": pl.Utf8, "message": pl.Utf8, "value": pl.Utf8}
            )
        return pl.concat(self.frames).sort(["row", "field"])


def _kinds() -> tuple[dict[str, int], dict[int, str]]:
    names: dict[str, int] = {}
    units: dict[int, str] = {}
    for kind in SignalKind.objects.all():
        names[kind.code] = kind.id
        names[kind.label_ko] = kind.id
        units[kind.id] = kind.unit
    return names, units


def check_rows(frame: pl.DataFrame, *, today: dt.date) -> tuple[pl.DataFrame, _Errors]:
    """Typed columns `_kind`, `_day`, `_value`, `_digest`, `_birth`, `_address` and the errors
    of every cell that is wrong on its own (before matching people)."""
    errors = _Errors()
    names, units = _kinds()
    frame = frame.with_columns(
        pl.col(KIND).replace_strict(names, default=None, return_dtype=pl.Int64).alias("_kind"),
        _date(DAY).alias("_day"),
        _date(BIRTH).alias("_birth"),
        pl.col(VALUE)
        .str.replace_all(",", "", literal=True)
        .cast(pl.Float64, strict=False)
        .alias("_number"),
        pl.col(RRN).str.replace_all("-", "").alias("_rrn"),
        _normal_address(ADDRESS).alias("_address"),
    )
    frame = frame.with_columns(
        pl.col("_kind").replace_strict(units, default=None, return_dtype=pl.Utf8).alias("_unit"),
        pl.when(pl.col("_rrn").str.contains(r"^\d{13}$"))
        .then(pl.col("_rrn").cast(pl.Int64, strict=False))
        .alias("_rrn_key"),
    )
    valid = _valid_rrn_keys(frame.get_column("_rrn_key"))
    frame = frame.with_columns(pl.col("_rrn_key").is_in(valid.implode()).alias("_rrn_ok"))
    examples = ", ".join(list(names)[:3])
    required = _("값이 필요합니다.")
    errors.add(pl.col(KIND).is_null(), KIND, required)
    errors.add(
        pl.col(KIND).is_not_null() & pl.col("_kind").is_null(),
        KIND,
        _("알 수 없는 신호 유형입니다. 신호 유형 코드나 이름을 적어 주세요 (예: %(examples)s).")
        % {"examples": examples},
    )
    errors.add(pl.col(DAY).is_null(), DAY, required)
    errors.add(
        pl.col(DAY).is_not_null() & pl.col("_day").is_null(),
        DAY,
        _("날짜는 YYYY-MM-DD로 적어 주세요 (예: 2025-03-31)."),
    )
    errors.add(
        pl.col("_day") > pl.lit(today),
        DAY,
        _("미래의 날짜입니다: 오늘(%(today)s)이나 그 전이어야 합니다.") % {"today": today},
    )
    errors.add(
        pl.col("_day") < pl.lit(dt.date(1900, 1, 1)),
        DAY,
        _("1900년 이후의 날짜여야 합니다."),
    )
    is_flag = pl.col("_unit") == SeverityUnit.FLAG.value
    number = pl.col("_number")
    errors.add(pl.col(VALUE).is_null() & ~is_flag & pl.col("_unit").is_not_null(), VALUE, required)
    errors.add(
        pl.col(VALUE).is_not_null() & (number.is_null() | ~number.is_finite()),
        VALUE,
        _("값은 숫자여야 합니다 (개월 수나 금액)."),
    )
    errors.add(
        number < 0,
        VALUE,
        _("값은 0 이상이어야 합니다: 체납 개월 수나 금액은 음수일 수 없습니다."),
    )
    errors.add(
        (number >= 0) & (number != number.floor()),
        VALUE,
        _("값은 정수여야 합니다 (개월 수나 원 단위 금액)."),
    )
    errors.add(
        is_flag & pl.col(VALUE).is_not_null() & (number != 1),
        VALUE,
        _("해당 여부 신호의 값은 1이거나 비워 둡니다."),
    )
    errors.add(
        number > 1e15,
        VALUE,
        _("값이 너무 큽니다."),
    )
    has_rrn = pl.col("_rrn").is_not_null()
    has_name = pl.col(NAME).is_not_null() & pl.col(BIRTH).is_not_null()
    errors.add(
        ~has_rrn & ~has_name,
        RRN,
        _("주민을 찾을 수 없습니다: 주민등록번호, 또는 이름과 생년월일을 적어 주세요."),
    )
    errors.add(
        has_rrn & ~pl.col("_rrn_ok"),
        RRN,
        _("주민등록번호는 13자리 숫자이고 마지막 검증 숫자가 맞아야 합니다."),
    )
    errors.add(
        pl.col(BIRTH).is_not_null() & pl.col("_birth").is_null(),
        BIRTH,
        _("생년월일은 YYYY-MM-DD로 적어 주세요 (예: 1948-05-02)."),
    )
    errors.collect(frame)
    frame = frame.with_columns(
        pl.when(is_flag & pl.col(VALUE).is_null())
        .then(pl.lit(1, dtype=pl.Int64))
        .otherwise(number.cast(pl.Int64, strict=False))
        .alias("_value"),
        pl.when(pl.col("_rrn_ok")).then(pl.col("_rrn")).alias("_rrn"),
        pl.when(pl.col("_rrn_ok")).then(pl.col("_rrn_key")).alias("_rrn_key"),
    )
    return frame, errors


# --- Matching ----------------------------------------------------------------------------------


def _scope_people(dong_ids: list[int], columns: str) -> list[tuple[Any, ...]]:
    marks = ", ".join(["%s"] * len(dong_ids))
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {columns} FROM {Person._meta.db_table} WHERE dong_id IN ({marks})", dong_ids
        )
        return cursor.fetchall()


def _people_by_digest(digests: list[str], dong_ids: list[int]) -> pl.DataFrame:
    schema = {"_digest": pl.Utf8, "_pid": pl.Int64}
    if not digests:
        return pl.DataFrame(schema=schema)
    if len(digests) <= SMALL_LOOKUP:
        rows: list[tuple[Any, ...]] = []
        for start in range(0, len(digests), 2000):
            rows += Person.objects.filter(
                rrn_hmac__in=digests[start : start + 2000], dong_id__in=dong_ids
            ).values_list("rrn_hmac", "id")
    else:
        rows = _scope_people(dong_ids, "rrn_hmac, id")
    return pl.DataFrame(rows, schema=schema, orient="row")


def _people_by_name(keys: pl.DataFrame, dong_ids: list[int]) -> pl.DataFrame:
    """Residents of the dongs with one of the (name, birth date) pairs in `keys`.

    The pairs go into a temporary table joined on the people index (name, birth_date), so
    only matching residents travel, however many rows the file has.
    """
    schema = {
        "_name": pl.Utf8,
        "_birth_text": pl.Utf8,
        "_paddress": pl.Utf8,
        "_pid": pl.Int64,
        "_pdong": pl.Int64,
    }
    pairs = keys.unique()
    births: list[Any] = pairs.get_column("_birth").to_list()
    if connection.vendor == "sqlite":
        births = [b.isoformat() for b in births]
    quote = connection.ops.quote_name
    person = quote(Person._meta.db_table)
    marks = ", ".join(["%s"] * len(dong_ids))
    with connection.cursor() as cursor:
        cursor.execute("CREATE TEMPORARY TABLE saram_name_keys (name varchar(50), birth_date date)")
        try:
            cursor.executemany(
                "INSERT INTO saram_name_keys (name, birth_date) VALUES (%s, %s)",
                list(zip(pairs.get_column("_name").to_list(), births, strict=True)),
            )
            cursor.execute(
                f"SELECT p.name, CAST(p.birth_date AS TEXT), p.address, p.id, p.dong_id "
                f"FROM {person} p JOIN saram_name_keys k "
                f"ON p.name = k.name AND p.birth_date = k.birth_date "
                f"WHERE p.dong_id IN ({marks})",
                dong_ids,
            )
            rows = cursor.fetchall()
        finally:
            cursor.execute("DROP TABLE saram_name_keys")
    people = pl.DataFrame(rows, schema=schema, orient="row")
    return people.select(
        "_name",
        pl.col("_birth_text").str.slice(0, 10).str.to_date("%Y-%m-%d").alias("_birth"),
        _normal_address("_paddress").alias("_paddress"),
        "_pid",
        "_pdong",
    )


def match_people(
    frame: pl.DataFrame, errors: _Errors, *, dong_ids: list[int]
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Each row's resident: (matched rows with `_pid`, uncertain rows with `_candidates`).

    By 주민등록번호 first (keyed digest); without one, or when it finds nobody, by name and
    birth date, certain only when the address agrees too. Two residents for one key, or none,
    is a row error.
    """
    # Thirteen digits fit an Int64 (`_rrn_key`), and joining 5M rows on integers is several
    # times faster than on text.
    unique_rrns = frame.get_column("_rrn_key").drop_nulls().unique().to_list()
    digest_of = pl.DataFrame(
        {"_rrn_key": unique_rrns, "_digest": [rrn_digest(f"{r:013d}") for r in unique_rrns]},
        schema={"_rrn_key": pl.Int64, "_digest": pl.Utf8},
    )
    hits = _people_by_digest(digest_of.get_column("_digest").to_list(), dong_ids)
    by_rrn = digest_of.join(
        hits.group_by("_digest").agg(
            pl.len().cast(pl.Int64).alias("_rrn_hits"), pl.col("_pid").first().alias("_rrn_pid")
        ),
        on="_digest",
        how="left",
    ).select("_rrn_key", "_rrn_hits", "_rrn_pid")
    frame = frame.join(by_rrn, on="_rrn_key", how="left").with_columns(
        pl.col("_rrn_hits").fill_null(0)
    )
    has_name = pl.col(NAME).is_not_null() & pl.col("_birth").is_not_null()
    by_rrn_missing = pl.col("_rrn").is_not_null() & (pl.col("_rrn_hits") == 0)
    needs_name = (pl.col("_rrn").is_null() | (pl.col("_rrn_hits") == 0)) & has_name
    named = frame.filter(needs_name).select(
        "_row", pl.col(NAME).alias("_name"), "_birth", "_address"
    )
    if named.height:
        people = _people_by_name(named.select("_name", "_birth"), dong_ids)
        joined = named.join(people, on=["_name", "_birth"], how="inner").with_columns(
            (pl.col("_address").is_not_null() & (pl.col("_address") == pl.col("_paddress"))).alias(
                "_exact"
            )
        )
        by_row = joined.group_by("_row").agg(
            pl.col("_exact").sum().cast(pl.Int64).alias("_exact_hits"),
            pl.col("_pid").filter(pl.col("_exact")).first().alias("_name_pid"),
            pl.col("_pid").sort().alias("_candidates"),
            pl.col("_pdong").first().alias("_review_dong"),
        )
        frame = frame.join(by_row, on="_row", how="left")
    else:
        frame = frame.with_columns(
            pl.lit(None, dtype=pl.Int64).alias("_exact_hits"),
            pl.lit(None, dtype=pl.Int64).alias("_name_pid"),
            pl.lit(None, dtype=pl.List(pl.Int64)).alias("_candidates"),
            pl.lit(None, dtype=pl.Int64).alias("_review_dong"),
        )
    frame = frame.with_columns(
        pl.col("_exact_hits").fill_null(0),
        pl.col("_candidates").list.len().fill_null(0).alias("_candidate_count"),
    )
    errors.add(
        pl.col("_rrn_hits") > 1,
        RRN,
        _("이 주민등록번호에 맞는 주민이 두 명 이상입니다: 주민 기록을 먼저 정리해 주세요."),
    )
    errors.add(
        by_rrn_missing & ~has_name,
        RRN,
        _("이 주민등록번호의 주민이 담당 지역에 없습니다."),
    )
    errors.add(
        needs_name & (pl.col("_exact_hits") > 1),
        NAME,
        _("이름·생년월일·주소가 같은 주민이 두 명 이상입니다: 주민등록번호로 구분해 주세요."),
    )
    errors.add(
        needs_name & (pl.col("_candidate_count") == 0),
        NAME,
        _("이름과 생년월일이 맞는 주민이 담당 지역에 없습니다."),
    )
    errors.collect(frame)
    frame = frame.with_columns(
        pl.when(pl.col("_rrn_hits") == 1)
        .then(pl.col("_rrn_pid"))
        .when(needs_name & (pl.col("_exact_hits") == 1))
        .then(pl.col("_name_pid"))
        .alias("_pid"),
        (needs_name & (pl.col("_exact_hits") == 0) & (pl.col("_candidate_count") > 0)).alias(
            "_uncertain"
        ),
    )
    bad_rows = errors.frame().get_column("row").unique()
    good = frame.filter(~pl.col("_row").is_in(bad_rows.implode())) if len(bad_rows) else frame
    return good.filter(pl.col("_pid").is_not_null()), good.filter(pl.col("_uncertain"))


# --- Writing -----------------------------------------------------------------------------------

SIGNAL_COLUMNS = ("batch_id", "person_id", "kind_id", "observed_on", "value", "source")


def write_signals(frame: pl.DataFrame, *, progress: Progress = _no_progress) -> int:
    """Insert rows of SIGNAL_COLUMNS (the caller holds the transaction): COPY on PostgreSQL,
    `executemany` elsewhere; rows go in person order so the index is built in order. A row
    already stored (same person, kind and day) is stored once; returns the rows written."""
    # In person order, so the (person, day) index is built in order; one integer key sorts
    # several times faster than two columns.
    frame = (
        frame.select(SIGNAL_COLUMNS)
        .unique(subset=["person_id", "kind_id", "observed_on"], keep="first", maintain_order=True)
        .with_columns(
            (pl.col("person_id") * 100_000 + pl.col("observed_on").cast(pl.Int32)).alias("_order")
        )
        .sort("_order")
        .drop("_order")
    )
    frame = frame.with_columns(pl.col("source").fill_null(""))
    table = connection.ops.quote_name(Signal._meta.db_table)
    names = ", ".join(connection.ops.quote_name(c) for c in SIGNAL_COLUMNS)
    total = frame.height
    written = 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            raw_cursor = cursor.cursor
            # COPY cannot skip a duplicate: stream into a scratch table, then insert what is new.
            cursor.execute(
                f"CREATE TEMP TABLE welfare_signal_incoming ON COMMIT DROP AS "
                f"SELECT {names} FROM {table} WITH NO DATA"
            )
            # No progress inside COPY: reporting it is a query, and the connection is busy
            # streaming until the COPY ends (psycopg would wait for itself forever).
            with raw_cursor.copy(
                f"COPY welfare_signal_incoming ({names}) FROM STDIN WITH (FORMAT csv)"
            ) as copy:
                for start in range(0, total, WRITE_CHUNK):
                    part = frame.slice(start, WRITE_CHUNK)
                    copy.write(part.write_csv(include_header=False, quote_style="non_numeric"))
            cursor.execute(
                f"INSERT INTO {table} ({names}) SELECT {names} FROM welfare_signal_incoming "
                "ON CONFLICT (person_id, kind_id, observed_on) DO NOTHING"
            )
            written = cursor.rowcount
            cursor.execute("DROP TABLE welfare_signal_incoming")
            progress(total, total, _("저장 중"))
        else:
            frame = frame.with_columns(pl.col("observed_on").cast(pl.Utf8))
            sql = f"INSERT OR IGNORE INTO {table} ({names}) VALUES ({', '.join(['?'] * 6)})"
            # The DB-API connection itself: Django's cursor re-reads every row to look for
            # named parameters, which costs a third of the time here.
            raw = connection.connection
            for start in range(0, total, WRITE_CHUNK):
                raw.executemany(sql, frame.slice(start, WRITE_CHUNK).rows())
                progress(min(start + WRITE_CHUNK, total), total, _("저장 중"))
            # Counted, not taken from total_changes: that also counts rows other tables'
            # triggers change.
            batches = frame.get_column("batch_id").unique().to_list()
            written = raw.execute(
                f"SELECT COUNT(*) FROM {table} WHERE batch_id IN ({', '.join('?' * len(batches))})",
                batches,
            ).fetchone()[0]
    return written


def _scope_dongs(by: Any, *, city: City, dong: Dong | None) -> list[int]:
    scope = scope_of(by)
    if dong is None:
        if not scope.can(Can.CONFIGURE):
            raise SaramError("import_citywide_forbidden")
        return list(Dong.objects.filter(city=city).values_list("id", flat=True))
    if dong.id not in scope.dong_ids(Can.MANAGE_PEOPLE):
        raise SaramError("import_dong_forbidden", dong=dong.name)
    return [dong.id]


def _save_errors(batch: SignalImport, frame: pl.DataFrame, errors: pl.DataFrame) -> None:
    """Keep the whole bad rows, masked, and their errors, for the error file."""
    bad = redacted_rows(
        frame.select(ROW, *SIGNAL_SPEC.names), errors.get_column("row").unique(), SIGNAL_SPEC
    )
    review.keep_frame(review_key(batch), bad, errors)


def start_import(*, by: Any, city: City, dong: Dong | None, upload: Upload) -> SignalImport:
    """Keep an uploaded signal file and record it as an import waiting to be checked."""
    try:
        _scope_dongs(by, city=city, dong=dong)
    except SaramError:
        discard(upload)
        raise
    batch = SignalImport.objects.create(
        city=city,
        dong=dong,
        filename=upload.filename[:200],
        uploaded_by=by,
        status=ImportStatus.CHECKING,
    )
    os.replace(upload.path, upload_path(batch))
    return batch


def queue_import(
    *, by: Any, batch: SignalImport, only_valid: bool, enqueue: Callable[[str], object]
) -> Job:
    """Start the job that checks and imports `batch` (its task's `enqueue`, run once
    committed) and link it to the import, in one transaction."""
    with transaction.atomic():
        job = jobs.start_job(
            by=by,
            kind="welfare_signals",
            # Stored as its msgid and parameters, shown in the reader's language.
            label=gettext_noop("위험 신호 가져오기: %(file)s"),
            params={
                "batch": batch.pk,
                "only_valid": only_valid,
                "label_params": {"file": batch.filename},
            },
            enqueue=enqueue,
        )
        SignalImport.objects.filter(pk=batch.pk).update(job=job)
    batch.job = job
    return job


def accept_valid_rows(*, by: Any, batch: SignalImport) -> bool:
    """Claim a rejected import for importing its valid rows; False if it was already claimed
    (a double click, a second tab) or its file is gone. The claim is one conditional update,
    so two requests at once cannot both get it."""
    _scope_dongs(by, city=batch.city, dong=batch.dong)
    if not upload_path(batch).exists():
        return False
    return bool(
        SignalImport.objects.filter(pk=batch.pk, status=ImportStatus.REJECTED).update(
            status=ImportStatus.CHECKING
        )
    )


def fail_import(batch_id: int) -> None:
    """An import whose job ended without a result: failed, its file removed."""
    batch = SignalImport.objects.filter(pk=batch_id).first()
    if batch is None:
        return
    failed = SignalImport.objects.filter(
        pk=batch_id, status__in=(ImportStatus.CHECKING, ImportStatus.IMPORTING)
    ).update(status=ImportStatus.FAILED, finished_at=timezone.now())
    if failed:
        upload_path(batch).unlink(missing_ok=True)


def import_signals(
    *,
    by: Any,
    batch: SignalImport,
    only_valid_rows: bool = False,
    today: dt.date | None = None,
    progress: Progress = _no_progress,
) -> SignalImport:
    """Check every row of the import's file and write it all in one transaction.

    Any bad row: nothing is written and SaramError lists the rows (all of them in the error
    file); with `only_valid_rows` the good rows are written and the bad ones left out.
    Uncertain matches are queued for review, never guessed.
    """
    dong_ids = _scope_dongs(by, city=batch.city, dong=batch.dong)
    if batch.status == ImportStatus.IMPORTED:
        raise SaramError("signals_already_imported")
    today = today or timezone.localdate()
    progress(0, 4, _("파일 읽는 중"))
    try:
        frame, reading = read_frame(Upload(upload_path(batch), batch.filename))
    except SaramError as exc:
        # A file that cannot be read at all (format, header, no rows) is rejected as a whole.
        batch.status = ImportStatus.REJECTED
        batch.errors = [e.as_dict() for e in exc.row_errors] or [
            {"row": 1, "field": "", "message": exc.message, "value": ""}
        ]
        batch.error_count = len(batch.errors)
        batch.finished_at = timezone.now()
        batch.save()
        upload_path(batch).unlink(missing_ok=True)
        raise
    progress(1, 4, _("행 검사 중"))
    frame, errors = check_rows(frame, today=today)
    errors.add_errors(reading)
    progress(2, 4, _("주민 찾는 중"))
    # A resident who lives in another dong of the city is routed to that dong, not dropped.
    city_ids = list(Dong.objects.filter(city=batch.city).values_list("id", flat=True))
    matched, uncertain = match_people(frame, errors, dong_ids=city_ids)
    error_frame = errors.frame()
    bad_rows = error_frame.get_column("row").n_unique()
    batch.row_count = frame.height
    batch.error_count = bad_rows
    batch.valid_count = matched.height + uncertain.height
    batch.errors = error_frame.head(ERROR_PREVIEW).to_dicts()
    if bad_rows:
        _save_errors(batch, frame, error_frame)
    if bad_rows and not only_valid_rows:
        batch.status = ImportStatus.REJECTED
        batch.finished_at = timezone.now()
        batch.save()
        raise SaramError(
            "signals_bad_rows",
            bad=f"{bad_rows:,}",
            total=f"{frame.height:,}",
            good=f"{batch.valid_count:,}",
            row_errors=[RowError.from_dict(e) for e in batch.errors],
        )
    progress(3, 4, _("저장 중"))
    signals = matched.select(
        pl.lit(batch.pk, dtype=pl.Int64).alias("batch_id"),
        pl.col("_pid").alias("person_id"),
        pl.col("_kind").alias("kind_id"),
        pl.col("_day").alias("observed_on"),
        pl.col("_value").alias("value"),
        pl.col(SOURCE).str.slice(0, 60).alias("source"),
    )
    reviews = [
        MatchReview(
            batch=batch,
            dong_id=row["_review_dong"],
            row_number=row["_row"],
            name=(row[NAME] or "")[:50],
            birth_date=row["_birth"],
            address=(row[ADDRESS] or "")[:300],
            kind_id=row["_kind"],
            observed_on=row["_day"],
            value=row["_value"],
            source=(row[SOURCE] or "")[:60],
            candidates=row["_candidates"],
        )
        for row in uncertain.iter_rows(named=True)
    ]
    with bulk_writes(), transaction.atomic():
        written = write_signals(signals, progress=progress)
        MatchReview.objects.bulk_create(reviews, batch_size=2000)
        batch.status = ImportStatus.IMPORTED
        batch.only_valid_rows = only_valid_rows
        batch.imported_count = written
        batch.routed_count = (
            Person.objects.filter(pk__in=matched.get_column("_pid").unique().to_list())
            .exclude(dong_id__in=dong_ids)
            .count()
        )
        batch.review_count = len(reviews)
        batch.finished_at = timezone.now()
        batch.save()
        audit.record(
            actor=by,
            action=AuditAction.IMPORT,
            target_type="welfare_signal",
            target_id=batch.pk,
            purpose=_("위험 신호 가져오기"),
            detail={
                "file": batch.filename,
                "rows": batch.row_count,
                "imported": written,
                "review": len(reviews),
                "skipped": bad_rows,
            },
        )
    upload_path(batch).unlink(missing_ok=True)
    return batch


def record_signal(
    *, person: Person, kind_code: str, observed_on: dt.date, value: int = 1, source: str
) -> Signal:
    """One signal from inside Saram (a committee observation, a resolved review)."""
    kind = SignalKind.objects.filter(code=kind_code).first()
    if kind is None:
        raise SaramError("signal_unknown_kind", kind_code=kind_code)
    signal, _created = Signal.objects.get_or_create(
        person=person,
        kind=kind,
        observed_on=observed_on,
        defaults={"value": value, "source": source[:60]},
    )
    return signal


def resolve_review(*, by: Any, review: MatchReview, person: Person | None) -> MatchReview:
    """Give an uncertain row its resident (one of the candidates), or dismiss it with None."""
    if review.dong_id not in scope_of(by).dong_ids(Can.MANAGE_PEOPLE):
        raise SaramError("review_forbidden")
    if review.status != ReviewStatus.PENDING:
        raise SaramError("review_already_resolved")
    if person is not None and person.pk not in review.candidates:
        raise SaramError("review_not_a_candidate")
    with transaction.atomic():
        review.resolved_by = by
        review.resolved_at = timezone.now()
        if person is None:
            review.status = ReviewStatus.DISMISSED
        else:
            review.status = ReviewStatus.MATCHED
            review.person = person
            Signal.objects.get_or_create(
                person=person,
                kind_id=review.kind_id,
                observed_on=review.observed_on,
                defaults={
                    "batch_id": review.batch_id,
                    "value": review.value,
                    "source": review.source,
                },
            )
        review.save()
        audit.record(
            actor=by,
            action=AuditAction.UPDATE,
            target_type="welfare_review",
            target_id=review.pk,
            purpose=_("신호 주민 확인"),
            detail={"status": review.status, "person": person.pk if person else None},
        )
    return review
