"""What every making service needs: who may act, local time for messages, notices."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import connection, transaction

from saram.core.access import Can, scope_of
from saram.making.models import Notice

SEOUL = ZoneInfo("Asia/Seoul")


def local(moment: dt.datetime) -> str:
    """A moment as the centre's wall clock shows it, for messages (2026-12-01 14:00)."""
    return moment.astimezone(SEOUL).strftime("%Y-%m-%d %H:%M")


def require(user: Any, *capabilities: Can) -> None:
    """Refuse unless the user holds one of the capabilities."""
    scope = scope_of(user)
    if not any(scope.can(c) for c in capabilities):
        raise PermissionDenied(capabilities[0].value)


def is_staff(user: Any) -> bool:
    return scope_of(user).can(Can.MANAGE_MAKING)


def notify(*, user: Any, now: dt.datetime, code: str, **params: Any) -> Notice:
    """Leave a notice for one person; rendered in their language when they read it."""
    return Notice.objects.create(user=user, at=now, code=code, params=params)


# The key space of the person-level lock (PostgreSQL advisory locks take two int4 keys).
_QUOTA_LOCK = 0x6D6B_5155  # "mkQU"


def lock_person_quota(user: Any) -> None:
    """Serialise one person's bookings until the transaction ends, so the weekly quota read
    next cannot be passed by two parallel bookings (each sees the other's row once it waits).

    PostgreSQL: a transaction-level advisory lock on (quota, user id), which blocks nothing
    else the person does. SQLite: transactions start IMMEDIATE (settings), so writers are
    serialised already; the row lock is kept for other databases.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("lock_person_quota must run inside transaction.atomic()")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_advisory_xact_lock(%s, %s)", [_QUOTA_LOCK, int(user.pk) & 0x7FFFFFFF]
            )
    else:
        get_user_model().objects.select_for_update().filter(pk=user.pk).first()
