"""Template context every page gets: the city, the user's roles and navigation."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from saram.core.access import Can, scope_of
from saram.core.selectors import current_city


def saram(request: HttpRequest) -> dict[str, Any]:
    scope = scope_of(getattr(request, "user", None))
    return {"city": current_city(), "scope": scope, "Can": Can}
