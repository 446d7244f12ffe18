"""The ledger totals: payments summed by month, department, programme, category and locality.

The local-share pages read these sums, not the ledger rows. Kept right by the ledger import
(its own rows of totals), by a supplier's changed locality (minus where its payments were
counted, plus where they are now) and by a rebuild for repairs. Below the suppliers' services
(which move payments when a locality changes) and above nothing but the models.
"""

from __future__ import annotations

from typing import Any

import polars as pl
from django.db import connection, transaction
from django.db.models import Count, Sum
from django.db.models.functions import TruncMonth

from saram.economy.engine.registry import LOCALITY_CODES
from saram.economy.engine.registry import Locality as EngineLocality
from saram.economy.models import LedgerEntry, LedgerImport, LedgerTotal, Supplier

WRITE_CHUNK_ROWS = 100_000


def write_frame(
    cursor: Any, table: str, frame: pl.DataFrame, *, not_null_text: tuple[str, ...] = ()
) -> None:
    """Append a frame's rows (its columns named as the table's) with the fastest path the
    database has: COPY on PostgreSQL, executemany elsewhere. Chunks keep the peak memory of
    the CSV text or the Python tuples bounded."""
    columns = list(frame.columns)
    if connection.vendor == "postgresql":
        force = f", FORCE_NOT_NULL ({', '.join(not_null_text)})" if not_null_text else ""
        sql = f"COPY {table} ({', '.join(columns)}) FROM STDIN (FORMAT csv{force})"
        with cursor.cursor.copy(sql) as copy:
            for start in range(0, frame.height, WRITE_CHUNK_ROWS):
                copy.write(frame.slice(start, WRITE_CHUNK_ROWS).write_csv(include_header=False))
        return
    frame = frame.with_columns(pl.col(pl.Date).cast(pl.String))
    placeholders = ", ".join(["%s"] * len(columns))
    sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({placeholders})"
    for start in range(0, frame.height, WRITE_CHUNK_ROWS):
        part = frame.slice(start, WRITE_CHUNK_ROWS)
        values = [part.get_column(c).to_list() for c in columns]
        cursor.executemany(sql, list(zip(*values, strict=True)))


def add_totals(rows: pl.DataFrame, *, ledger_import: LedgerImport) -> None:
    """The import's own rows of the ledger totals: its payments summed by month, department,
    programme, category and locality (in polars, written like the ledger rows)."""
    sums = (
        rows.with_columns(pl.col("paid_on").dt.truncate("1mo").alias("month"))
        .group_by("month", "department_id", "programme_id", "category_id", "locality")
        .agg(pl.len().cast(pl.Int64).alias("row_count"), pl.col("amount_krw").sum())
        .with_columns(
            pl.lit(ledger_import.pk, dtype=pl.Int64).alias("ledger_import_id"),
            pl.lit(ledger_import.fiscal_year, dtype=pl.Int64).alias("fiscal_year"),
        )
    )
    with connection.cursor() as cursor:
        write_frame(cursor, LedgerTotal._meta.db_table, sums)


def move_supplier_payments(*, supplier: Supplier, locality: str) -> int:
    """Count a supplier's payments under its new locality: correcting total rows (minus where
    they were counted, plus where they are now) and the rows themselves; returns the rows."""
    code = LOCALITY_CODES.index(EngineLocality(locality))
    groups = (
        LedgerEntry.objects.filter(supplier=supplier)
        .exclude(locality=code)
        .annotate(month=TruncMonth("paid_on"))
        .values(
            "ledger_import_id",
            "fiscal_year",
            "month",
            "department_id",
            "programme_id",
            "category_id",
            "locality",
        )
        .annotate(n=Count("id"), amount=Sum("amount_krw"))
        .order_by()
    )
    corrections = []
    for g in groups:
        common = {
            "ledger_import_id": g["ledger_import_id"],
            "fiscal_year": g["fiscal_year"],
            "month": g["month"],
            "department_id": g["department_id"],
            "programme_id": g["programme_id"],
            "category_id": g["category_id"],
        }
        corrections.append(
            LedgerTotal(
                **common, locality=g["locality"], row_count=-g["n"], amount_krw=-g["amount"]
            )
        )
        corrections.append(
            LedgerTotal(**common, locality=code, row_count=g["n"], amount_krw=g["amount"])
        )
    LedgerTotal.objects.bulk_create(corrections, batch_size=2000)
    return (
        LedgerEntry.objects.filter(supplier=supplier).exclude(locality=code).update(locality=code)
    )


def rebuild_totals(*, fiscal_year: int | None = None) -> int:
    """Recompute the ledger totals from the ledger itself (all years, or one); for repairs
    and for ledgers written before the totals existed. Returns the total rows written."""
    with transaction.atomic():
        entries = LedgerEntry.objects.all()
        totals = LedgerTotal.objects.all()
        if fiscal_year is not None:
            entries = entries.filter(fiscal_year=fiscal_year)
            totals = totals.filter(fiscal_year=fiscal_year)
        totals.delete()
        groups = (
            entries.annotate(month=TruncMonth("paid_on"))
            .values(
                "ledger_import_id",
                "fiscal_year",
                "month",
                "department_id",
                "programme_id",
                "category_id",
                "locality",
            )
            .annotate(n=Count("id"), amount=Sum("amount_krw"))
            .order_by()
        )
        made = LedgerTotal.objects.bulk_create(
            [
                LedgerTotal(
                    ledger_import_id=g["ledger_import_id"],
                    fiscal_year=g["fiscal_year"],
                    month=g["month"],
                    department_id=g["department_id"],
                    programme_id=g["programme_id"],
                    category_id=g["category_id"],
                    locality=g["locality"],
                    row_count=g["n"],
                    amount_krw=g["amount"],
                )
                for g in groups
            ],
            batch_size=2000,
        )
    return len(made)


def take_out_entry(entry: LedgerEntry) -> None:
    """Remove one payment from the ledger with its share of the totals (a correcting row of
    its import) and of its import's count and sum; an import left empty goes with it."""
    LedgerTotal.objects.create(
        ledger_import_id=entry.ledger_import_id,
        fiscal_year=entry.fiscal_year,
        month=entry.paid_on.replace(day=1),
        department_id=entry.department_id,
        programme_id=entry.programme_id,
        category_id=entry.category_id,
        locality=entry.locality,
        row_count=-1,
        amount_krw=-entry.amount_krw,
    )
    LedgerEntry.objects.filter(pk=entry.pk).delete()
    ledger_import = LedgerImport.objects.select_for_update().get(pk=entry.ledger_import_id)
    if ledger_import.row_count <= 1:
        ledger_import.delete()
        return
    ledger_import.row_count -= 1
    ledger_import.total_krw -= entry.amount_krw
    ledger_import.save(update_fields=["row_count", "total_krw"])
