"""What waits for a person, shown on their home page (the map): each app registers a source
in AppConfig.ready (`add_source(fn)`); a source takes the user and returns notices already in
the reader's language, or none. Core knows no app: the apps come to it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class HomeNotice:
    text: str
    url: str
    kind: str = ""  # for the page's id and tests: "print_ready", ...


Source = Callable[[Any], list[HomeNotice]]
_SOURCES: list[Source] = []


def add_source(source: Source) -> None:
    if source not in _SOURCES:
        _SOURCES.append(source)


def notices_for(user: Any) -> list[HomeNotice]:
    """Every registered source's notices for `user`, in registration order."""
    if not getattr(user, "is_authenticated", False):
        return []
    return [notice for source in _SOURCES for notice in source(user)]
