"""Importing the city's payments into the spending ledger, and exporting ledger tables.

A ledger file (CSV, XLSX, or OCDS JSON releases) is parsed into columns and validated with
polars expressions: every bad row is reported with its row, column and what would be right,
and nothing is written unless every row is good. Good files are written set-based, with
`executemany` on SQLite and `COPY` on PostgreSQL, in one transaction.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any, BinaryIO

import polars as pl
from django.db import IntegrityError, connection, transaction
from django.utils import translation
from django.utils.translation import gettext as _

from saram.core import audit
from saram.core.access import Can, scope_of
from saram.core.engine.tabular import Limits
from saram.core.errors import RowError, SaramError
from saram.core.imports import (
    Column,
    ImportSpec,
    Upload,
    read_table,
    reading_errors,
    register_spec,
)
from saram.core.models import AuditAction, Organisation
from saram.core.services.exports import stream_csv, write_table_file
from saram.economy.engine import check_business_number
from saram.economy.engine.registry import LOCALITY_CODES
from saram.economy.engine.registry import Locality as EngineLocality
from saram.economy.models import (
    Category,
    ContractMethod,
    Department,
    ImportSource,
    LedgerEntry,
    LedgerImport,
    Programme,
    Supplier,
    VatBasis,
)
from saram.economy.services.ledger_files import (
    HEADER_OF,
    LEDGER_COLUMNS,
    ledger_frame_from_releases,
)
from saram.economy.services.ledger_totals import add_totals, write_frame
from saram.economy.services.suppliers import ensure_profiles

HEADER_TO_NAME = {header: name for header, name, _required in LEDGER_COLUMNS}
MAX_REPORTED_ERRORS = 10_000
MAX_PAYMENT_ID = 64

Progress = Callable[[int, int, str], None]


def _no_progress(done: int, total: int, message: str) -> None:
    return None


@dataclass
class LedgerFile:
    """A parsed ledger file: string columns named as inside, plus `_row` (the file's row)."""

    frame: pl.DataFrame
    source: str
    filename: str
    read_errors: list[RowError] = field(default_factory=list)
    packages: list[dict[str, Any]] = field(default_factory=list)  # an OCDS file's packages


@dataclass
class Unmatched:
    business_number: str
    name: str
    rows: int


@dataclass
class Validated:
    """Rows ready to write (ids resolved), and what the write must create first."""

    frame: pl.DataFrame
    new_departments: list[str]
    new_programmes: list[str]
    profile_numbers: list[str]  # organisations known by number that need a supplier profile
    errors: list[RowError] = field(default_factory=list)
    error_count: int = 0
    unmatched: list[Unmatched] = field(default_factory=list)
    exchange_rates: dict[str, str] = field(default_factory=dict)  # the rates the rows used
    packages: list[dict[str, Any]] = field(default_factory=list)  # an OCDS file's packages


@dataclass(frozen=True)
class ImportResult:
    ledger_import_id: int
    rows: int
    total_krw: int
    new_departments: tuple[str, ...]
    new_programmes: tuple[str, ...]
    timings_s: dict[str, float]


# --- Reading files -------------------------------------------------------------------------


LEDGER_SPEC = register_spec(
    ImportSpec(
        "economy_ledger",
        tuple(
            Column(header, required=required, aliases=(name,), example=example)
            for (header, name, required), example in zip(
                LEDGER_COLUMNS,
                (
                    "2024-000001",
                    "2024-03-15",
                    "회계과",
                    "청사 관리",
                    "사무용품",
                    "1234567891",
                    "전주문구",
                    "1250000",
                    "일반경쟁입찰",
                    "KRW",
                    "포함",
                ),
                strict=True,
            )
        ),
        Limits(max_columns=50, max_rows=5_000_000, max_issues=MAX_REPORTED_ERRORS),
    )
)


def read_ledger_file(upload: Upload) -> LedgerFile:
    """Parse a CSV (any Korean encoding), tab-separated text, XLSX or OCDS JSON file into
    string columns named as inside."""
    name = upload.filename.lower()
    if name.endswith(".json"):
        if not upload.path.exists():
            raise SaramError("import_file_gone")
        frame, packages = ledger_frame_from_releases(upload.path.read_bytes())
        return LedgerFile(frame, ImportSource.OCDS, upload.filename, packages=packages)
    table = read_table(upload, LEDGER_SPEC)
    source = ImportSource.XLSX if table.format == "xlsx" else ImportSource.CSV
    present = {h: HEADER_TO_NAME[h] for h in table.frame.columns if h in HEADER_TO_NAME}
    frame = table.frame.rename(present)
    missing = [pl.lit(None, dtype=pl.String).alias(n) for n in HEADER_OF if n not in frame.columns]
    if missing:
        frame = frame.with_columns(missing)
    return LedgerFile(
        frame, source, upload.filename, read_errors=reading_errors(table, LEDGER_SPEC)
    )


# --- Validating ----------------------------------------------------------------------------


def _methods() -> dict[str, str]:
    with translation.override("ko"):
        korean = {str(m.label): m.value for m in ContractMethod}
    english = {str(m.label): m.value for m in ContractMethod}
    plain = {
        "일반경쟁입찰": ContractMethod.OPEN_BID,
        "일반경쟁": ContractMethod.OPEN_BID,
        "제한경쟁입찰": ContractMethod.RESTRICTED_BID,
        "제한경쟁": ContractMethod.RESTRICTED_BID,
        "제한경쟁입찰(지역제한)": ContractMethod.RESTRICTED_BID,
        "수의계약": ContractMethod.PRIVATE_CONTRACT_QUOTES,
        "수의계약(2인 이상 견적)": ContractMethod.PRIVATE_CONTRACT_QUOTES,
        "수의계약(1인 견적)": ContractMethod.PRIVATE_CONTRACT_SINGLE,
        "open": ContractMethod.OPEN_BID,
        "selective": ContractMethod.RESTRICTED_BID,
        "limited": ContractMethod.PRIVATE_CONTRACT_QUOTES,
        "direct": ContractMethod.PRIVATE_CONTRACT_SINGLE,
    }
    codes = {m.value: m.value for m in ContractMethod}
    return codes | {k: str(v) for k, v in plain.items()} | korean | english


def _registry_frame(numbers: Sequence[str]) -> tuple[pl.DataFrame, list[str]]:
    """(business_number → supplier id, locality code) for the numbers, and the numbers known
    only as organisations (they get a supplier profile when the import is written)."""
    rows: list[tuple[str, int, int]] = []
    known: set[str] = set()
    chunk = 5_000
    for i in range(0, len(numbers), chunk):
        part = list(numbers[i : i + chunk])
        for number, supplier_id, locality in Supplier.objects.filter(
            organisation__business_number__in=part
        ).values_list("organisation__business_number", "id", "locality"):
            rows.append((number, supplier_id, LOCALITY_CODES.index(EngineLocality(locality))))
            known.add(number)
    organisations_only: list[str] = []
    for i in range(0, len(numbers), chunk):
        part = [n for n in numbers[i : i + chunk] if n not in known]
        if part:
            organisations_only += list(
                Organisation.objects.filter(business_number__in=part).values_list(
                    "business_number", flat=True
                )
            )
    frame = pl.DataFrame(
        rows,
        schema={"number": pl.String, "supplier_id": pl.Int64, "locality": pl.Int8},
        orient="row",
    )
    return frame, organisations_only


def _existing_payment_ids(ids: pl.Series) -> set[str]:
    """Payment ids of the file already in the ledger: one range probe on the unique index,
    then exact look-ups only when the range holds any row."""
    if ids.len() == 0:
        return set()
    low, high = ids.min(), ids.max()
    if not LedgerEntry.objects.filter(payment_id__gte=low, payment_id__lte=high).exists():
        return set()
    found: set[str] = set()
    values = ids.to_list()
    chunk = 5_000
    for i in range(0, len(values), chunk):
        found.update(
            LedgerEntry.objects.filter(payment_id__in=values[i : i + chunk]).values_list(
                "payment_id", flat=True
            )
        )
    return found


def _has_duplicates(ids: pl.Series) -> bool:
    """Whether any payment id repeats. Files usually list ids in order, which is one pass."""
    values = ids.drop_nulls()
    if values.len() < 2:
        return False
    if bool((values.slice(1) > values.slice(0, values.len() - 1)).all()):
        return False
    return bool(values.n_unique() < values.len())


def _coded(frame: pl.DataFrame, column: str) -> tuple[pl.Expr, list[str]]:
    """A column's distinct values, and an expression giving each row the index of its value:
    dense codes local to this file, so the tables they index stay as small as the file's
    variety (an Enum, not the process-wide Categorical pool)."""
    values = frame.get_column(column).drop_nulls().unique().sort().to_list()
    code = pl.col(column).cast(pl.Enum(values)).to_physical().alias(f"_code_{column}")
    return code, values


def _lookup(
    code_column: str, values: dict[int, Any], dtype: Any, name: str, *, size: int
) -> pl.Expr:
    """A per-row value from a small table keyed by a column's codes (a gather, not a join);
    `size` is one more than the largest code in the column."""
    if size == 0:
        return pl.lit(None, dtype=dtype).alias(name)
    table = pl.Series([values.get(i) for i in range(size)], dtype=dtype)
    return pl.lit(table).gather(pl.col(code_column)).alias(name)


@dataclass(frozen=True)
class Check:
    """One ledger check: the rows of `column` where `bad` holds get the registered `code`, with
    `params` (the same for every row) and `row_params` (a value per row, from an expression)."""

    column: str
    bad: pl.Expr
    code: str
    params: Mapping[str, Any] = field(default_factory=dict)
    row_params: Mapping[str, pl.Expr] = field(default_factory=dict)


def _check(frame: pl.DataFrame, checks: Sequence[Check], limit: int) -> tuple[list[RowError], int]:
    """Row errors (code and parameters, rendered when read) for each check that finds rows.

    One pass counts the bad rows of every check; only a file with errors pays for the rest.
    """
    if not checks:
        return [], 0
    counts = frame.select(
        c.bad.fill_null(False).sum().alias(f"_bad{i}") for i, c in enumerate(checks)
    ).row(0)
    total = int(sum(counts))
    errors: list[RowError] = []
    if total == 0:
        return errors, 0
    if "_row" not in frame.columns:
        # The file's row as a spreadsheet shows it: the header is row 1.
        frame = frame.with_row_index("_row", offset=2).with_columns(pl.col("_row").cast(pl.Int64))
    for i, check in enumerate(checks):
        if not counts[i] or len(errors) >= limit:
            continue
        names = list(check.row_params)
        bad_rows = (
            frame.filter(check.bad.fill_null(False))
            .head(limit - len(errors))
            .select(
                pl.col("_row"),
                pl.col(check.column).cast(pl.String).fill_null("").alias("_value"),
                *(check.row_params[n].alias(f"_param_{n}") for n in names),
            )
        )
        header = HEADER_OF.get(check.column, check.column)
        errors += [
            RowError(
                int(row),
                header,
                value=str(value)[:200],
                code=check.code,
                params=dict(check.params) | dict(zip(names, values, strict=True)),
            )
            for row, value, *values in bad_rows.iter_rows()
        ]
    return errors, total


def _names_by_code(model: Any) -> dict[str, int]:
    found: dict[str, int] = {}
    for pk, code, name in model.objects.values_list("id", "code", "name"):
        found[code] = pk
        found[name] = pk
    return found


def _category_ids() -> dict[str, int]:
    found: dict[str, int] = {}
    for pk, code, name, name_en in Category.objects.values_list("id", "code", "name", "name_en"):
        found |= {code: pk, name: pk} | ({name_en: pk} if name_en else {})
    return found


# States of a row's 사업자등록번호 (the `_number_state` column).
NUMBER_REGISTERED, NUMBER_ORGANISATION_ONLY, NUMBER_UNKNOWN, NUMBER_INVALID = 0, 1, 2, 3
METHOD_CODES = tuple(m.value for m in ContractMethod)
CODED_COLUMNS = ("department", "programme", "category", "method", "business_number")


def _slow_dates(f: pl.DataFrame) -> pl.DataFrame:
    """Dates in the other accepted forms: 2024.03.05, 2024/03/05, 20240305, a time after."""
    text = pl.col("paid_on").str.strip_chars()
    return f.with_columns(
        pl.when(text.str.len_bytes() == 8)
        .then(text.str.to_date("%Y%m%d", strict=False))
        .otherwise(
            text.str.slice(0, 10)
            .str.replace_all(r"[./]", "-")
            .str.to_date("%Y-%m-%d", strict=False)
        )
        .alias("_paid_on"),
        pl.when(text == "").then(None).otherwise(pl.col("paid_on")).alias("paid_on"),
    )


def _slow_amounts(f: pl.DataFrame) -> pl.DataFrame:
    """Amounts written 1,250,000 or (as spreadsheets do) 1250000.0 are whole won too."""
    text = pl.col("amount_krw").str.strip_chars().str.replace_all(",", "", literal=True)
    return f.with_columns(
        pl.when(text.str.contains(r"^\d{1,15}$"))
        .then(text.cast(pl.Int64, strict=False))
        .when(text.str.contains(r"^\d{1,15}[.]0*$"))
        .then(text.str.replace(r"[.]0*$", "").cast(pl.Int64, strict=False))
        .otherwise(None)
        .alias("_amount"),
        text.alias("_amount_text"),
        pl.when(text == "").then(None).otherwise(pl.col("amount_krw")).alias("amount_krw"),
    )


def validate_ledger(
    ledger: LedgerFile,
    *,
    fiscal_year: int,
    limit: int = MAX_REPORTED_ERRORS,
    exchange_rates: Mapping[str, Decimal] | None = None,
    accept_new_programmes: bool = False,
) -> Validated:
    """Check every row; on success the frame holds the ids and codes to write.

    Bad rows: a missing value, a date not in the form YYYY-MM-DD or outside the fiscal year, an
    amount that is not a whole number of won or is negative, a 사업자등록번호 with a wrong
    checksum or not in the registry, an unknown category or contract method, a payment id seen
    twice in the file or already in the ledger.

    An amount in another currency than won is refused unless the user gave that currency's
    rate (`exchange_rates`, won per unit), which converts it; a row's VAT basis (included,
    excluded, exempt; included when not given) is kept. A 사업 not yet known is a row error
    unless the user reviewed the new names and accepts them (`accept_new_programmes`).

    Columns with few distinct values (names, codes, numbers) are coded once and resolved once
    per distinct value; dates and amounts take a fast path and only a file that needs it pays
    for the other accepted forms.
    """
    frame = ledger.frame
    absent = [pl.lit(None, dtype=pl.String).alias(n) for n in HEADER_OF if n not in frame.columns]
    if absent:
        frame = frame.with_columns(absent)
    coded = {c: _coded(frame, c) for c in CODED_COLUMNS}
    f = frame.with_columns(
        pl.col("payment_id").str.strip_chars(),
        pl.col("paid_on").str.to_date("%Y-%m-%d", strict=False).alias("_paid_on"),
        pl.col("amount_krw").cast(pl.Int64, strict=False).alias("_amount"),
        pl.lit(None, dtype=pl.String).alias("_amount_text"),
        *(coded[c][0] for c in CODED_COLUMNS),
    ).with_columns(
        pl.when(pl.col("payment_id") == "")
        .then(None)
        .otherwise(pl.col("payment_id"))
        .alias("payment_id")
    )
    if f.get_column("_paid_on").null_count() > f.get_column("paid_on").null_count():
        f = _slow_dates(f)
    if f.get_column("_amount").null_count() > f.get_column("amount_krw").null_count():
        f = _slow_amounts(f)

    f = _currencies(f, exchange_rates or {})
    f = _vat_bases(f)

    # Each distinct raw value resolved once.
    distinct = {c: list(enumerate(coded[c][1])) for c in CODED_COLUMNS}
    sizes = {c: len(coded[c][1]) for c in CODED_COLUMNS}
    clean = {c: {code: raw.strip() or None for code, raw in pairs} for c, pairs in distinct.items()}
    departments = _names_by_code(Department)
    programmes = _names_by_code(Programme)
    categories = _category_ids()
    methods = _methods()
    new_departments = sorted(
        {n for n in clean["department"].values() if n and n not in departments}
    )
    new_programmes = sorted({n for n in clean["programme"].values() if n and n not in programmes})
    # Names seen for the first time get a negative placeholder id until the write creates them.
    placeholder_dept = {n: -(i + 1) for i, n in enumerate(new_departments)}
    placeholder_prog = {n: -(i + 1) for i, n in enumerate(new_programmes)}

    checked = {
        code: check_business_number(text)
        for code, text in clean["business_number"].items()
        if text is not None
    }
    number_problems = {
        code: c.problem.value for code, c in checked.items() if c.problem is not None
    }
    digits = {code: c.digits for code, c in checked.items() if c.problem is None}
    registry, organisations_only = _registry_frame(sorted(set(digits.values())))
    supplier_of = dict(zip(registry["number"], registry["supplier_id"], strict=True))
    locality_of = dict(zip(registry["number"], registry["locality"], strict=True))
    profile_only = set(organisations_only)

    def state(code: int) -> int:
        if code in number_problems:
            return NUMBER_INVALID
        number = digits[code]
        if number in supplier_of:
            return NUMBER_REGISTERED
        return NUMBER_ORGANISATION_ONLY if number in profile_only else NUMBER_UNKNOWN

    f = f.with_columns(
        _lookup(
            "_code_department",
            {
                code: departments.get(n) or placeholder_dept[n]
                for code, n in clean["department"].items()
                if n
            },
            pl.Int64,
            "department_id",
            size=sizes["department"],
        ),
        _lookup(
            "_code_programme",
            {
                code: programmes.get(n) or placeholder_prog[n]
                for code, n in clean["programme"].items()
                if n
            },
            pl.Int64,
            "programme_id",
            size=sizes["programme"],
        ),
        _lookup(
            "_code_category",
            {code: categories.get(n, -1) for code, n in clean["category"].items() if n},
            pl.Int64,
            "category_id",
            size=sizes["category"],
        ),
        _lookup(
            "_code_method",
            {code: methods.get(n, "?") for code, n in clean["method"].items() if n},
            pl.String,
            "_method",
            size=sizes["method"],
        ),
        _lookup(
            "_code_business_number",
            {code: state(code) for code, n in clean["business_number"].items() if n},
            pl.Int8,
            "_number_state",
            size=sizes["business_number"],
        ),
        _lookup(
            "_code_business_number",
            {code: number_problems[code] for code in number_problems},
            pl.String,
            "_number_problem",
            size=sizes["business_number"],
        ),
        _lookup(
            "_code_business_number", digits, pl.String, "_number", size=sizes["business_number"]
        ),
        _lookup(
            "_code_business_number",
            {code: supplier_of[d] for code, d in digits.items() if d in supplier_of},
            pl.Int64,
            "supplier_id",
            size=sizes["business_number"],
        ),
        _lookup(
            "_code_business_number",
            {code: locality_of[d] for code, d in digits.items() if d in locality_of},
            pl.Int8,
            "locality",
            size=sizes["business_number"],
        ),
    )

    payment_ids = f.get_column("payment_id")
    duplicates = _has_duplicates(payment_ids)
    existing = _existing_payment_ids(payment_ids.drop_nulls())
    year_start, year_end = dt.date(fiscal_year, 1, 1), dt.date(fiscal_year, 12, 31)
    year = {"year": fiscal_year}
    checks: list[Check] = [
        Check("payment_id", pl.col("payment_id").is_null(), "economy_value_required"),
        Check("paid_on", pl.col("paid_on").is_null(), "economy_value_required"),
        Check("department", pl.col("department_id").is_null(), "economy_value_required"),
        Check("category", pl.col("category_id").is_null(), "economy_value_required"),
        Check("business_number", pl.col("_number_state").is_null(), "economy_value_required"),
        Check("amount_krw", pl.col("amount_krw").is_null(), "economy_value_required"),
        Check(
            "payment_id",
            pl.col("payment_id").str.len_chars() > MAX_PAYMENT_ID,
            "economy_payment_id_too_long",
            {"n": MAX_PAYMENT_ID},
        ),
        Check(
            "paid_on",
            pl.col("paid_on").is_not_null() & pl.col("_paid_on").is_null(),
            "economy_bad_date",
            year,
        ),
        Check(
            "paid_on",
            (pl.col("_paid_on") < year_start) | (pl.col("_paid_on") > year_end),
            "economy_outside_fiscal_year",
            year,
        ),
        Check("amount_krw", pl.col("_amount") <= 0, "economy_amount_not_positive"),
        Check(
            "currency",
            pl.col("_currency_problem") == CURRENCY_UNKNOWN,
            "economy_bad_currency",
        ),
        Check(
            "currency",
            pl.col("_currency_problem") == CURRENCY_NO_RATE,
            "economy_currency_without_rate",
            row_params={"currency": pl.col("_currency")},
        ),
        Check(
            "amount_krw",
            pl.col("_currency_problem") == CURRENCY_BAD_AMOUNT,
            "economy_bad_foreign_amount",
        ),
        Check("vat_basis", pl.col("_vat_basis") == "?", "economy_bad_vat_basis"),
        *(
            Check(
                "business_number",
                (pl.col("_number_state") == NUMBER_INVALID) & (pl.col("_number_problem") == p),
                p,
            )
            for p in sorted(set(number_problems.values()))
        ),
        Check(
            "business_number",
            pl.col("_number_state") == NUMBER_UNKNOWN,
            "economy_unregistered_number",
        ),
        Check(
            "category",
            pl.col("category_id") == -1,
            "economy_unknown_ledger_category",
            {"names": ", ".join(sorted(c.code for c in Category.objects.all()))},
        ),
        Check("method", pl.col("_method") == "?", "economy_unknown_method"),
    ]
    if f.get_column("_amount_text").null_count() < f.height:
        # Only a file whose amounts needed the slow path can hold these mistakes.
        decimal = pl.col("_amount_text").str.contains(r"^\d+[.]\d*$")
        checks += [
            Check(
                "amount_krw",
                pl.col("_amount_text").str.starts_with("-"),
                "economy_negative_amount",
            ),
            Check(
                "amount_krw",
                decimal & pl.col("_amount").is_null(),
                "economy_amount_not_whole",
            ),
            Check(
                "amount_krw",
                pl.col("amount_krw").is_not_null()
                & pl.col("_amount").is_null()
                & ~pl.col("_amount_text").str.starts_with("-")
                & ~decimal,
                "economy_amount_not_number",
            ),
        ]
    if duplicates:
        if "_row" not in f.columns:
            f = f.with_row_index("_row", offset=2).with_columns(pl.col("_row").cast(pl.Int64))
        f = f.with_columns(pl.col("_row").min().over("payment_id").alias("_first_row"))
        checks.append(
            Check(
                "payment_id",
                pl.col("payment_id").is_not_null() & (pl.col("_row") != pl.col("_first_row")),
                "economy_payment_id_repeated",
                row_params={"row": pl.col("_first_row")},
            )
        )
    if existing:
        checks.append(
            Check(
                "payment_id",
                pl.col("payment_id").is_in(list(existing)),
                "economy_payment_id_exists",
            )
        )
    if new_programmes and not accept_new_programmes:
        checks.append(
            Check(
                "programme",
                pl.col("programme_id") < 0,
                "economy_unregistered_programme",
                row_params={"programme": pl.col("programme").str.strip_chars()},
            )
        )
    errors, error_count = _check(f, checks, limit)
    errors = ledger.read_errors[:limit] + errors[: max(0, limit - len(ledger.read_errors))]
    error_count += len(ledger.read_errors)
    unmatched: list[Unmatched] = []
    if error_count:
        missing = (
            f.filter(pl.col("_number_state") == NUMBER_UNKNOWN)
            .with_columns(pl.col("supplier_name").str.strip_chars())
            .group_by("_number")
            .agg(pl.col("supplier_name").drop_nulls().first(), pl.len())
            .sort("_number")
        )
        unmatched = [Unmatched(n, name or "", int(c)) for n, name, c in missing.iter_rows()]
    return Validated(
        frame=f,
        new_departments=new_departments,
        new_programmes=new_programmes,
        profile_numbers=sorted(profile_only),
        errors=errors,
        error_count=error_count,
        unmatched=unmatched,
        exchange_rates={
            c: str(r)
            for c, r in (exchange_rates or {}).items()
            if c.strip().upper() in set(f.get_column("_currency").unique().to_list())
        },
        packages=list(ledger.packages),
    )


# Why a row's currency cannot be taken (the `_currency_problem` column).
CURRENCY_UNKNOWN, CURRENCY_NO_RATE, CURRENCY_BAD_AMOUNT = 1, 2, 3
HOME_CURRENCY = "KRW"
_VAT_WORDS = {
    "": VatBasis.INCLUDED,
    "포함": VatBasis.INCLUDED,
    "부가세포함": VatBasis.INCLUDED,
    "included": VatBasis.INCLUDED,
    "y": VatBasis.INCLUDED,
    "별도": VatBasis.EXCLUDED,
    "부가세별도": VatBasis.EXCLUDED,
    "excluded": VatBasis.EXCLUDED,
    "n": VatBasis.EXCLUDED,
    "면세": VatBasis.EXEMPT,
    "exempt": VatBasis.EXEMPT,
}


def _currencies(f: pl.DataFrame, rates: Mapping[str, Decimal]) -> pl.DataFrame:
    """`_currency` per row (KRW when not given); a row in another currency gets its amount in
    won at the user's rate (`_amount`, the file's amount kept in `_original`), or a problem."""
    code = pl.col("currency").str.strip_chars().str.to_uppercase()
    f = f.with_columns(
        pl.when(code.is_null() | (code == ""))
        .then(pl.lit(HOME_CURRENCY))
        .otherwise(code)
        .alias("_currency"),
        pl.lit(None, dtype=pl.String).alias("_original"),
        pl.lit(0, dtype=pl.Int8).alias("_currency_problem"),
    )
    foreign = f.get_column("_currency") != HOME_CURRENCY
    if not bool(foreign.any()):
        return f
    rates = {k.strip().upper(): v for k, v in rates.items()}
    converted: list[int | None] = []
    originals: list[str | None] = []
    problems: list[int] = []
    for currency, text, amount in zip(
        f.get_column("_currency"),
        f.get_column("amount_krw"),
        f.get_column("_amount"),
        strict=True,
    ):
        if currency == HOME_CURRENCY:
            converted.append(amount)
            originals.append(None)
            problems.append(0)
            continue
        if len(currency) != 3 or not currency.isalpha():
            problem, value, original = CURRENCY_UNKNOWN, None, None
        elif currency not in rates:
            problem, value, original = CURRENCY_NO_RATE, None, None
        else:
            try:
                number = Decimal((text or "").replace(",", "").strip())
            except InvalidOperation:
                number = Decimal(0)
            if not number.is_finite() or number <= 0:
                problem, value, original = CURRENCY_BAD_AMOUNT, None, None
            else:
                won = (number * rates[currency]).quantize(Decimal(1), rounding=ROUND_HALF_UP)
                problem, value, original = 0, int(won), str(number)
        converted.append(value)
        originals.append(original)
        problems.append(problem)
    return f.with_columns(
        pl.Series("_amount", converted, dtype=pl.Int64),
        pl.Series("_original", originals, dtype=pl.String),
        pl.Series("_currency_problem", problems, dtype=pl.Int8),
        # A foreign amount's form is checked above, not by the won checks.
        pl.when(foreign).then(None).otherwise(pl.col("_amount_text")).alias("_amount_text"),
    )


def _vat_bases(f: pl.DataFrame) -> pl.DataFrame:
    """`_vat_basis` per row from the 부가세 column (included when empty; `?` when unknown)."""
    words = pl.col("vat_basis").fill_null("").str.strip_chars().str.to_lowercase()
    words = words.str.replace_all(" ", "", literal=True)
    return f.with_columns(
        words.replace_strict(
            {k: str(v) for k, v in _VAT_WORDS.items()}, default="?", return_dtype=pl.String
        ).alias("_vat_basis")
    )


def rejected_ledger(validated: Validated, *, frame: pl.DataFrame | None = None) -> SaramError:
    """The one error for a ledger file with bad rows: every row (up to a limit), the unmatched
    suppliers for review."""
    many = validated.error_count > len(validated.errors)
    error = SaramError(
        "economy_ledger_rejected_many" if many else "economy_ledger_rejected",
        params={
            "n": f"{validated.error_count:,}",
            "shown": f"{len(validated.errors):,}",
            "error_count": validated.error_count,
            "unmatched": [
                {"business_number": u.business_number, "name": u.name, "rows": u.rows}
                for u in validated.unmatched
            ],
        },
        row_errors=sorted(validated.errors, key=lambda e: (e.row, e.field)),
    )
    # What the job keeps for the error file: the whole bad rows.
    error.table = frame  # type: ignore[attr-defined]
    error.spec = LEDGER_SPEC  # type: ignore[attr-defined]
    return error


# --- Writing -------------------------------------------------------------------------------


def _code_for(name: str, taken: set[str]) -> str:
    base = name.strip()[:50] or "dept"
    code, n = base, 2
    while code in taken:
        code, n = f"{base}-{n}", n + 1
    taken.add(code)
    return code


def _create_names(validated: Validated) -> pl.DataFrame:
    """Create the departments and programmes the file names for the first time, and the
    supplier profiles of organisations known by number; put their ids in the rows."""
    f = validated.frame
    if validated.new_departments:
        taken = set(Department.objects.values_list("code", flat=True))
        Department.objects.bulk_create(
            [Department(code=_code_for(n, taken), name=n) for n in validated.new_departments]
        )
        ids = dict(
            Department.objects.filter(name__in=validated.new_departments).values_list("name", "id")
        )
        placeholders = {-(i + 1): ids[n] for i, n in enumerate(validated.new_departments)}
        f = f.with_columns(pl.col("department_id").replace(placeholders))
    if validated.new_programmes:
        taken = set(Programme.objects.values_list("code", flat=True))
        Programme.objects.bulk_create(
            [Programme(code=_code_for(n, taken), name=n) for n in validated.new_programmes]
        )
        ids = dict(
            Programme.objects.filter(name__in=validated.new_programmes).values_list("name", "id")
        )
        placeholders = {-(i + 1): ids[n] for i, n in enumerate(validated.new_programmes)}
        f = f.with_columns(pl.col("programme_id").replace(placeholders))
    if validated.profile_numbers:
        made = ensure_profiles(numbers=validated.profile_numbers)
        extra = {
            n: (s.id, LOCALITY_CODES.index(EngineLocality(s.locality))) for n, s in made.items()
        }
        f = f.with_columns(
            pl.col("supplier_id").fill_null(
                pl.col("_number").replace_strict(
                    {n: v[0] for n, v in extra.items()}, default=None, return_dtype=pl.Int64
                )
            ),
            pl.col("locality").fill_null(
                pl.col("_number").replace_strict(
                    {n: v[1] for n, v in extra.items()}, default=None, return_dtype=pl.Int8
                )
            ),
        )
    return f


WRITE_COLUMNS = (
    "ledger_import_id",
    "payment_id",
    "fiscal_year",
    "paid_on",
    "department_id",
    "programme_id",
    "category_id",
    "supplier_id",
    "amount_krw",
    "method",
    "locality",
    "vat_basis",
    "currency",
    "original_amount",
)


def _rows_frame(f: pl.DataFrame, *, import_id: int, fiscal_year: int) -> pl.DataFrame:
    return f.select(
        pl.lit(import_id, dtype=pl.Int64).alias("ledger_import_id"),
        pl.col("payment_id"),
        pl.lit(fiscal_year, dtype=pl.Int64).alias("fiscal_year"),
        pl.col("_paid_on").alias("paid_on"),
        pl.col("department_id"),
        pl.col("programme_id"),
        pl.col("category_id"),
        pl.col("supplier_id"),
        pl.col("_amount").alias("amount_krw"),
        pl.col("_method").fill_null("").alias("method"),
        pl.col("locality").cast(pl.Int64),
        pl.col("_vat_basis").alias("vat_basis"),
        pl.col("_currency").alias("currency"),
        pl.col("_original").alias("original_amount"),
    )


_REFERENCES = (
    ("department_id", Department),
    ("programme_id", Programme),
    ("category_id", Category),
    ("supplier_id", Supplier),
)


def _lock_references(rows: pl.DataFrame) -> None:
    """What a foreign key would check per row, once per distinct id: every referenced row
    exists, and (on PostgreSQL) stays until this transaction ends (FOR KEY SHARE)."""
    for column, model in _REFERENCES:
        ids = rows.get_column(column).drop_nulls().unique().to_list()
        if not ids:
            continue
        table = model._meta.db_table
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute(f"SELECT id FROM {table} WHERE id = ANY(%s) FOR KEY SHARE", [ids])
                found = {r[0] for r in cursor.fetchall()}
            else:
                found = set(model.objects.filter(pk__in=ids).values_list("pk", flat=True))
        missing = sorted(set(ids) - found)
        if missing:
            raise SaramError(
                "economy_reference_gone",
                what=model._meta.verbose_name,
                params={"column": column, "missing": missing[:20]},
            )


def _insert(rows: pl.DataFrame) -> None:
    """Write the ledger rows; on SQLite a file larger than the ledger rebuilds the secondary
    indexes once afterwards instead of updating them row by row."""
    table = LedgerEntry._meta.db_table
    with connection.cursor() as cursor:
        rebuilt: list[str] = []
        if connection.vendor != "postgresql" and _import_outweighs(rows.height):
            rebuilt = _drop_secondary_indexes(cursor, table)
        write_frame(
            cursor,
            table,
            rows.select(WRITE_COLUMNS),
            not_null_text=("method", "vat_basis", "currency"),
        )
        for statement in rebuilt:
            cursor.execute(statement)


def _import_outweighs(new_rows: int) -> bool:
    """Whether the file holds more rows than the ledger (ids only grow, so the largest id
    bounds the stored rows from above)."""
    largest = LedgerEntry.objects.order_by("-id").values_list("id", flat=True).first() or 0
    return new_rows > largest


def _drop_secondary_indexes(cursor: Any, table: str) -> list[str]:
    """SQLite: drop the ledger's secondary indexes (not the unique one) and return the
    statements that build them again. Building an index once over the rows is faster than
    keeping it up to date row by row; it all happens inside the import's transaction, and
    readers keep seeing the committed ledger with its indexes meanwhile (WAL)."""
    cursor.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = %s "
        "AND sql IS NOT NULL",
        [table],
    )
    found = cursor.fetchall()
    for name, _sql in found:
        cursor.execute(f'DROP INDEX "{name}"')
    return [sql for _name, sql in found]


def write_ledger(
    validated: Validated,
    *,
    by: Any,
    fiscal_year: int,
    filename: str,
    source: str,
) -> LedgerImport:
    """Write validated rows in one transaction; a payment id stored meanwhile refuses all."""
    try:
        with transaction.atomic():
            f = _create_names(validated)
            total_krw = int(f.get_column("_amount").sum())
            ledger_import = LedgerImport.objects.create(
                filename=filename[:255],
                source=source,
                fiscal_year=fiscal_year,
                row_count=f.height,
                total_krw=total_krw,
                imported_by=by if getattr(by, "pk", None) else None,
                exchange_rates=validated.exchange_rates,
                ocds_packages=validated.packages,
            )
            rows = _rows_frame(f, import_id=ledger_import.pk, fiscal_year=fiscal_year)
            _lock_references(rows)
            _insert(rows)
            add_totals(rows, ledger_import=ledger_import)
            audit.record(
                actor=by,
                action=AuditAction.IMPORT,
                target_type="economy.ledger",
                target_id=ledger_import.pk,
                purpose=_("지출 자료 가져오기"),
                detail={
                    "file": filename,
                    "fiscal_year": fiscal_year,
                    "rows": f.height,
                    "total_krw": total_krw,
                },
            )
    except IntegrityError as exc:
        raise SaramError("economy_duplicate_payment") from exc
    return ledger_import


def import_ledger(
    *,
    by: Any,
    upload: Upload,
    fiscal_year: int,
    progress: Progress = _no_progress,
    exchange_rates: Mapping[str, Decimal] | None = None,
    accept_new_programmes: bool = False,
) -> ImportResult:
    """Import a ledger file all-or-nothing: SaramError lists every bad row and the unmatched
    suppliers; otherwise every row is written. Needs MANAGE_ECONOMY."""
    scope_of(by).require(Can.MANAGE_ECONOMY)
    timings: dict[str, float] = {}
    started = time.perf_counter()
    # Progress is reported between stages: inside the write transaction nobody else could see it.
    progress(0, 100, _("읽는 중"))
    ledger = read_ledger_file(upload)
    timings["parse"] = time.perf_counter() - started
    progress(20, 100, _("%(n)s행 검사 중") % {"n": f"{ledger.frame.height:,}"})
    mark = time.perf_counter()
    validated = validate_ledger(
        ledger,
        fiscal_year=fiscal_year,
        exchange_rates=exchange_rates,
        accept_new_programmes=accept_new_programmes,
    )
    timings["validate"] = time.perf_counter() - mark
    if validated.error_count:
        raise rejected_ledger(validated, frame=ledger.frame)
    progress(50, 100, _("%(n)s행 쓰는 중") % {"n": f"{ledger.frame.height:,}"})
    mark = time.perf_counter()
    ledger_import = write_ledger(
        validated, by=by, fiscal_year=fiscal_year, filename=upload.filename, source=ledger.source
    )
    timings["write"] = time.perf_counter() - mark
    return ImportResult(
        ledger_import_id=ledger_import.pk,
        rows=ledger_import.row_count,
        total_krw=ledger_import.total_krw,
        new_departments=tuple(validated.new_departments),
        new_programmes=tuple(validated.new_programmes),
        timings_s=timings,
    )


def remove_import(*, by: Any, ledger_import: LedgerImport, purpose: str) -> int:
    """Take a whole imported file back out of the ledger (audited); returns the rows removed."""
    scope_of(by).require(Can.MANAGE_ECONOMY)
    with transaction.atomic():
        removed, _detail = LedgerEntry.objects.filter(ledger_import=ledger_import).delete()
        audit.record(
            actor=by,
            action=AuditAction.DELETE,
            target_type="economy.ledger",
            target_id=ledger_import.pk,
            purpose=purpose or _("지출 자료 되돌리기"),
            detail={
                "file": ledger_import.filename,
                "rows": removed,
                "total_krw": ledger_import.total_krw,
            },
        )
        ledger_import.delete()
    return int(removed)


# --- Exporting tables ----------------------------------------------------------------------


def export_table(
    *,
    by: Any,
    headers: Sequence[str],
    rows: Iterable[Sequence[Any]],
    fmt: str,
    what: str,
    detail: dict[str, Any] | None = None,
) -> BinaryIO:
    """Any economy table as CSV or XLSX; exports of spending are audited."""
    content = write_table_file(headers, rows, fmt)
    audit.record(
        actor=by,
        action=AuditAction.EXPORT,
        target_type="economy.ledger",
        purpose=what,
        detail={"format": fmt} | (detail or {}),
    )
    return content


def stream_export(
    *,
    by: Any,
    headers: Sequence[str],
    rows: Iterable[Sequence[Any]],
    what: str,
    detail: dict[str, Any] | None = None,
) -> Iterator[str]:
    """A large economy table (a year of payments) as CSV lines written while they are sent;
    audited like `export_table`, before the first line."""
    audit.record(
        actor=by,
        action=AuditAction.EXPORT,
        target_type="economy.ledger",
        purpose=what,
        detail={"format": "csv", "streamed": True} | (detail or {}),
    )
    return stream_csv(headers, rows)
