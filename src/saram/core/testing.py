"""Helpers for Saram's own tests and for a city's acceptance checks: every route, filled in."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from django.urls import URLPattern, URLResolver, get_resolver

_CONVERTER = re.compile(r"<(?:(?P<conv>[^>:]+):)?(?P<name>[^>]+)>")
# Routes that change the session rather than show data.
SKIPPED_ROUTE_NAMES = frozenset({"logout", "set_language", "healthz", "login"})


def _walk(patterns: list[Any], prefix: str = "") -> Iterator[tuple[str, str]]:
    for p in patterns:
        if isinstance(p, URLResolver):
            yield from _walk(p.url_patterns, prefix + str(p.pattern))
        elif isinstance(p, URLPattern):
            yield prefix + str(p.pattern), p.name or ""


def all_routes() -> list[tuple[str, str]]:
    """(route, name) of every page and API route the resolver knows, pages added later too."""
    return [
        (route, name)
        for route, name in _walk(get_resolver().url_patterns)
        if name not in SKIPPED_ROUTE_NAMES and not route.startswith("^") and "static" not in route
    ]


def fill_route(route: str, values: dict[str, list[str]]) -> list[str]:
    """Every concrete URL for a route: each parameter tried with each candidate of its kind."""
    urls = ["/" + route]
    for match in _CONVERTER.finditer(route):
        candidates = values.get(match.group("conv") or "str", values["str"])
        urls = [u.replace(match.group(0), c, 1) for u in urls for c in candidates]
    return urls
