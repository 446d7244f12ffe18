"""The main menu and each role's start page: apps add their entries in AppConfig.ready; a user
sees the entries they may use and lands on their role's page after signing in."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise

from saram.core.access import Can, Scope, scope_of
from saram.core.models import Role


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


# Where each role lands after signing in. Apps may point a role at their own page in
# AppConfig.ready (`set_start_page(Role.MAKING_STAFF, "making:home")`); a page that does not
# exist (yet) falls back to the map. A user with several roles lands where the first role of
# START_ORDER they hold points.
START_ORDER = (
    Role.WELFARE_SUPERVISOR,
    Role.WELFARE_OFFICER,
    Role.COMMITTEE_MEMBER,
    Role.PROCUREMENT_OFFICER,
    Role.SOCIAL_ECONOMY_OFFICER,
    Role.NUTRITIONIST,
    Role.MAKING_STAFF,
    Role.INSTRUCTOR,
    Role.CITY_ADMIN,
    Role.CITIZEN,
)
_START_PAGES: dict[str, str] = {
    Role.WELFARE_OFFICER: "welfare:home",
    Role.COMMITTEE_MEMBER: "welfare:my",
    Role.PROCUREMENT_OFFICER: "economy:home",
    Role.SOCIAL_ECONOMY_OFFICER: "economy:social_economy",
    Role.MAKING_STAFF: "making:home",
    Role.INSTRUCTOR: "making:home",
    Role.CITY_ADMIN: "home",
    Role.CITIZEN: "home",
}


def set_start_page(role: Role | str, url_name: str) -> None:
    """Point a role's landing page at `url_name` (an app's own start page)."""
    _START_PAGES[Role(role)] = url_name


def start_page_for(user: Any) -> str:
    """The URL a user lands on after signing in (and the 'back' link of error pages)."""
    if not getattr(user, "is_authenticated", False):
        return reverse("home")
    held = scope_of(user).roles
    for role in START_ORDER:
        if role.value in held:
            try:
                return reverse(_START_PAGES.get(role, "home"))
            except NoReverseMatch:
                break
    return reverse("home")
