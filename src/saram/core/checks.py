"""System checks Saram adds: in production, the personal-data key must open the data."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, register
from django.db import DatabaseError

from saram.core.personal_data import WrongPersonalDataKey, verify_personal_data_key


@register()
def personal_data_key(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """Run by every management command (`saram check` too) and at the web server's start."""
    if not settings.IS_PRODUCTION:
        return []
    try:
        verify_personal_data_key()
    except WrongPersonalDataKey as exc:
        return [Error(str(exc), id="saram.E001")]
    except DatabaseError:
        return []  # not migrated yet: nothing sealed to check
    return []
