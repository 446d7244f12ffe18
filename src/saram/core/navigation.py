"""The main menu: each app adds its entries in AppConfig.ready; a user sees those they may use."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse
from django.utils.functional import Promise

from saram.core.access import Can, Scope


@dataclass(frozen=True)
class NavItem:
    url_name: str
    label: str | Promise
    capability: Can
    order: int = 100


_ITEMS: list[NavItem] = []


def add(item: NavItem) -> None:
    if item not in _ITEMS:
        _ITEMS.append(item)


def items_for(scope: Scope) -> list[dict[str, str]]:
    return [
        {"url": reverse(i.url_name), "label": str(i.label)}
        for i in sorted(_ITEMS, key=lambda i: i.order)
        if scope.can(i.capability)
    ]
