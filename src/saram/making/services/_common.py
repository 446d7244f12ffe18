"""What every making service needs: who may act, local time for messages, notices."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from django.core.exceptions import PermissionDenied

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
