"""Rows shared by every test of a module, built once instead of once per test."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db import transaction


@contextmanager
def module_transaction(django_db_blocker: Any) -> Iterator[None]:
    """For a module-scoped fixture: what is written inside stays for the whole module, in one
    transaction rolled back when the module ends. Each test's own transaction nests in it (a
    savepoint), so a test's changes roll back to these rows, not to an empty database."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield
        transaction.set_rollback(True)
