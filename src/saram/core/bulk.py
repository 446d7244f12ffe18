"""Bulk writes: settings a connection needs while a large insert runs."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection

# While a bulk load runs, SQLite gets a page cache large enough to keep the indexes being built
# in memory; the connection goes back to its usual cache afterwards.
BULK_CACHE_KIB = 256 * 1024


@contextmanager
def bulk_writes() -> Iterator[None]:
    """A larger page cache for this connection during a bulk insert (SQLite; no-op elsewhere)."""
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        (previous,) = cursor.fetchone()
        cursor.execute(f"PRAGMA cache_size = {-BULK_CACHE_KIB:d}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {int(previous):d}")
