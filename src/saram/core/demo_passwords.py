"""In production, an account that still carries the demo password is disabled, not let in."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from saram import safety


class RefuseDemoPasswordBackend:
    """First in AUTHENTICATION_BACKENDS after axes: with SARAM_ENV=production, a login with the
    demo password to an account whose stored password *is* the demo password disables that
    account and ends the login (PermissionDenied stops the other backends). Typing the demo
    password for an account that does not carry it is an ordinary failed login."""

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> None:
        if not settings.IS_PRODUCTION or password != safety.DEMO_PASSWORD or not username:
            return None
        user = get_user_model().objects.filter(username=username).first()
        if user is not None and user.check_password(safety.DEMO_PASSWORD):
            user.is_active = False
            user.set_unusable_password()
            user.save(update_fields=["is_active", "password"])
            raise PermissionDenied("demo password in production")
        return None

    def get_user(self, user_id: int) -> None:
        return None
