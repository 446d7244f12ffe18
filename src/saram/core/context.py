"""Template context every page gets: the city, the user's scope and their menu."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from saram.core.access import Can, scope_of
from saram.core.navigation import items_for
from saram.core.selectors import current_city


def saram(request: HttpRequest) -> dict[str, Any]:
    scope = scope_of(getattr(request, "user", None))
    return {"city": current_city(), "scope": scope, "Can": Can, "nav_items": items_for(scope)}
