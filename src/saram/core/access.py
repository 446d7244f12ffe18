"""The one authorization decision point: role assignments (role × area) give a user's scope.

Each capability names what may be done; each role grants some capabilities over the area of
the assignment. Selectors ask `scope_of(user).dongs(capability)` and filter in the query.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from functools import cached_property
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404

from saram.core.models import Dong, Role, RoleAssignment


class Can(StrEnum):
    VIEW_AREAS = "view_areas"  # map, dong pages, aggregate counts
    VIEW_ORGANISATIONS = "view_organisations"
    MANAGE_ORGANISATIONS = "manage_organisations"
    VIEW_PEOPLE = "view_people"  # residents' records in the area
    MANAGE_PEOPLE = "manage_people"
    APPROVE_CASES = "approve_cases"  # 팀장 결재 of case plans and closures
    VISIT_ASSIGNED = "visit_assigned"  # only people assigned to the user (welfare rounds)
    VIEW_AUDIT = "view_audit"
    CONFIGURE = "configure"  # city configuration, areas, rules
    VIEW_REPORTS = "view_reports"
    MANAGE_ECONOMY = "manage_economy"  # suppliers, ledger, procurement
    MANAGE_SOCIAL_ECONOMY = "manage_social_economy"
    MANAGE_MAKING = "manage_making"  # machines, courses, print jobs
    TEACH = "teach"
    MANAGE_INCUBATOR = "manage_incubator"  # tenants, milestones, machine-hour credits
    SELF_SERVICE = "self_service"  # own reservations, courses, print jobs
    PLAN_MEALS = "plan_meals"  # school meals: menus, substitutions, sourcing runs, orders


GRANTS: dict[str, frozenset[Can]] = {
    Role.CITY_ADMIN: frozenset(
        {
            Can.VIEW_AREAS,
            Can.VIEW_ORGANISATIONS,
            Can.MANAGE_ORGANISATIONS,
            Can.VIEW_AUDIT,
            Can.CONFIGURE,
            Can.VIEW_REPORTS,
        }
    ),
    Role.WELFARE_OFFICER: frozenset(
        {
            Can.VIEW_AREAS,
            Can.VIEW_ORGANISATIONS,
            Can.VIEW_PEOPLE,
            Can.MANAGE_PEOPLE,
        }
    ),
    # 맞춤형복지팀장: works as an officer and approves (결재) plans and closures of the dong.
    Role.WELFARE_SUPERVISOR: frozenset(
        {
            Can.VIEW_AREAS,
            Can.VIEW_ORGANISATIONS,
            Can.VIEW_PEOPLE,
            Can.MANAGE_PEOPLE,
            Can.APPROVE_CASES,
        }
    ),
    Role.COMMITTEE_MEMBER: frozenset({Can.VIEW_AREAS, Can.VIEW_ORGANISATIONS, Can.VISIT_ASSIGNED}),
    Role.PROCUREMENT_OFFICER: frozenset(
        {
            Can.VIEW_AREAS,
            Can.VIEW_ORGANISATIONS,
            Can.MANAGE_ECONOMY,
            Can.VIEW_REPORTS,
        }
    ),
    Role.SOCIAL_ECONOMY_OFFICER: frozenset(
        {
            Can.VIEW_AREAS,
            Can.VIEW_ORGANISATIONS,
            Can.MANAGE_ORGANISATIONS,
            Can.MANAGE_SOCIAL_ECONOMY,
            Can.VIEW_REPORTS,
        }
    ),
    Role.MAKING_STAFF: frozenset({Can.VIEW_AREAS, Can.VIEW_ORGANISATIONS, Can.MANAGE_MAKING}),
    Role.INSTRUCTOR: frozenset({Can.VIEW_AREAS, Can.VIEW_ORGANISATIONS, Can.TEACH}),
    Role.INCUBATOR_MANAGER: frozenset(
        {Can.VIEW_AREAS, Can.VIEW_ORGANISATIONS, Can.MANAGE_INCUBATOR}
    ),
    Role.CITIZEN: frozenset({Can.VIEW_AREAS, Can.VIEW_ORGANISATIONS, Can.SELF_SERVICE}),
    # The public-meal centre's (or a school's) nutritionist: plans the meals' sourcing; no
    # ledger, supplier registry, procurement rules or person's record.
    Role.NUTRITIONIST: frozenset({Can.VIEW_AREAS, Can.VIEW_ORGANISATIONS, Can.PLAN_MEALS}),
}


@dataclass
class Scope:
    """What one user may do, and where."""

    user_id: int | None
    assignments: tuple[RoleAssignment, ...]

    @cached_property
    def roles(self) -> frozenset[str]:
        return frozenset(a.role for a in self.assignments)

    def can(self, capability: Can) -> bool:
        return any(capability in GRANTS.get(a.role, frozenset()) for a in self.assignments)

    def dong_ids(self, capability: Can) -> frozenset[int]:
        """Ids of the dongs where the user holds `capability`; empty when nowhere."""
        cached = self._dong_cache.get(capability)
        if cached is not None:
            return cached
        city_ids, gu_ids, dong_ids = set(), set(), set()
        for a in self.assignments:
            if capability not in GRANTS.get(a.role, frozenset()):
                continue
            if a.city_id:
                city_ids.add(a.city_id)
            elif a.gu_id:
                gu_ids.add(a.gu_id)
            elif a.dong_id:
                dong_ids.add(a.dong_id)
        if city_ids or gu_ids:
            dong_ids |= set(
                Dong.objects.filter(city_id__in=city_ids).values_list("id", flat=True)
            ) | set(Dong.objects.filter(gu_id__in=gu_ids).values_list("id", flat=True))
        result = frozenset(dong_ids)
        self._dong_cache[capability] = result
        return result

    @cached_property
    def _dong_cache(self) -> dict[Can, frozenset[int]]:
        return {}

    def require(self, capability: Can) -> None:
        if not self.can(capability):
            raise PermissionDenied(capability.value)


ANONYMOUS = Scope(None, ())


def scope_of(user: Any) -> Scope:
    """The user's scope, computed once per request object (the user instance carries it)."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return ANONYMOUS
    cached = getattr(user, "_saram_scope", None)
    if cached is None:
        cached = Scope(user.pk, tuple(RoleAssignment.objects.filter(user=user)))
        user._saram_scope = cached
    return cached


def scopes_of(users: Iterable[Any]) -> list[Scope]:
    """The scopes of many users, their role assignments read in one query (a list of them)."""
    users = list(users)
    missing = [
        u
        for u in users
        if getattr(u, "is_authenticated", False)
        and u.is_active
        and getattr(u, "_saram_scope", None) is None
    ]
    held: dict[Any, list[RoleAssignment]] = {u.pk: [] for u in missing}
    if missing:
        for ra in RoleAssignment.objects.filter(user__in=[u.pk for u in missing]):
            held[ra.user_id].append(ra)
    for u in missing:
        u._saram_scope = Scope(u.pk, tuple(held[u.pk]))
    return [scope_of(u) for u in users]


def not_found() -> Http404:
    """Out of scope looks exactly like absent: never confirm a record exists."""
    return Http404("not found")
