"""Personal API tokens: issue one (the key is shown once), and find the user for a key."""

from __future__ import annotations

import hashlib
import secrets
from typing import Any

from django.utils import timezone

from saram.core.models import ApiToken


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def issue_token(*, user: Any, name: str) -> str:
    """Create a token for `user` and return its key; Saram keeps only the digest."""
    key = secrets.token_urlsafe(32)
    ApiToken.objects.create(user=user, name=name, digest=_digest(key))
    return key


def user_for_token(key: str) -> Any:
    token = ApiToken.objects.select_related("user").filter(digest=_digest(key)).first()
    if token is None or not token.user.is_active:
        return None
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
    return token.user
