"""Personal API tokens: issue one (the key is shown once), find the user for a key, revoke.

A token always ends: it is issued with an expiry (`SARAM_TOKEN_MAX_DAYS` at most) and can be
revoked by its owner at any time. Only the key's SHA-256 is stored.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from saram.core import audit
from saram.core.errors import SaramError, register
from saram.core.models import ApiToken, AuditAction

register(
    {
        "token_days": gettext_lazy("토큰 유효 기간은 1일에서 %(max)s일 사이여야 합니다."),
        "token_name": gettext_lazy("토큰 이름을 적어 주세요."),
    }
)


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def issue_token(*, user: Any, name: str, days: int | None = None, by: Any = None) -> str:
    """Create a token for `user` valid for `days` and return its key; Saram keeps the digest."""
    days = settings.SARAM_TOKEN_DEFAULT_DAYS if days is None else days
    if not 1 <= days <= settings.SARAM_TOKEN_MAX_DAYS:
        raise SaramError("token_days", max=settings.SARAM_TOKEN_MAX_DAYS)
    if not name.strip():
        raise SaramError("token_name")
    key = secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        name=name.strip()[:100],
        digest=_digest(key),
        expires_at=timezone.now() + dt.timedelta(days=days),
    )
    audit.record(
        actor=by or user,
        action=AuditAction.CREATE,
        target_type="api_token",
        target_id=token.pk,
        purpose=_("API 토큰 발급"),
        detail={"user": user.pk, "days": days},
    )
    return key


def tokens_of(user: Any) -> QuerySet[ApiToken]:
    """The user's own tokens, newest first (the key itself is never kept)."""
    return ApiToken.objects.filter(user_id=user.pk)


def token_of(user: Any, pk: int) -> ApiToken | None:
    return tokens_of(user).filter(pk=pk).first()


def revoke_token(*, by: Any, token: ApiToken) -> None:
    """End a token now; revoking twice changes nothing."""
    if token.revoked_at is not None:
        return
    ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())
    audit.record(
        actor=by,
        action=AuditAction.UPDATE,
        target_type="api_token",
        target_id=token.pk,
        purpose=_("API 토큰 폐기"),
    )


def user_for_token(key: str) -> Any:
    """The active user a usable (unexpired, unrevoked) token belongs to, else None."""
    now = timezone.now()
    token = ApiToken.objects.select_related("user").filter(digest=_digest(key)).first()
    if token is None or not token.is_usable(now) or not token.user.is_active:
        return None
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
