"""Reads, already limited to what the asking user may see. Views, API and exports call these."""

from __future__ import annotations

from typing import Any

from django.core.cache import cache
from django.db.models import Count, QuerySet

from saram.core.access import Can, not_found, scope_of

__all__ = ["not_found"]
from saram.core.models import AuditEntry, City, Dong, Gu, Household, Job, Organisation, Person

POPULATION_CACHE_KEY = "saram:population:v1"
HOUSEHOLDS_CACHE_KEY = "saram:households:v1"
POPULATION_TTL_S = 300


def current_city() -> City | None:
    """The city this installation serves (the first loaded)."""
    city = cache.get("saram:city")
    if city is None:
        city = City.objects.order_by("id").first()
        if city is not None:
            cache.set("saram:city", city, 300)
    return city


def gus() -> QuerySet[Gu]:
    return Gu.objects.order_by("code")


def dongs_for(user: Any) -> QuerySet[Dong]:
    scope = scope_of(user)
    if not scope.can(Can.VIEW_AREAS):
        return Dong.objects.none()
    return Dong.objects.select_related("gu").order_by("gu__code", "code")


def dong_list_for(user: Any) -> QuerySet[Dong]:
    """The dongs a user sees, without their boundaries (lists and choices need no map: a
    boundary is the largest field of the row, decoded from JSON for every dong read)."""
    return dongs_for(user).defer("boundary")


def dong_facts_for(user: Any) -> list[dict[str, Any]]:
    """What a table of the user's dongs shows, as plain values (no model instances, no
    boundaries): id, code, names, kind and the gu (id and names)."""
    return list(
        dongs_for(user).values(
            "id", "code", "name", "name_en", "kind", "gu_id", "gu__name", "gu__name_en"
        )
    )


def dong_for(user: Any, code: str) -> Dong:
    dong = dongs_for(user).filter(code=code).first()
    if dong is None:
        raise not_found()
    return dong


def population_by_dong() -> dict[int, int]:
    """Residents per dong id: aggregate, so any role that sees areas may see it. Cached."""
    counts = cache.get(POPULATION_CACHE_KEY)
    if counts is None:
        counts = dict(
            Person.objects.order_by()
            .values_list("dong_id")
            .annotate(n=Count("id"))
            .values_list("dong_id", "n")
        )
        cache.set(POPULATION_CACHE_KEY, counts, POPULATION_TTL_S)
    return counts


def households_by_dong() -> dict[int, int]:
    """Households per dong id: an aggregate like the population, cached with it."""
    counts = cache.get(HOUSEHOLDS_CACHE_KEY)
    if counts is None:
        counts = dict(
            Household.objects.order_by()
            .values_list("dong_id")
            .annotate(n=Count("id"))
            .values_list("dong_id", "n")
        )
        cache.set(HOUSEHOLDS_CACHE_KEY, counts, POPULATION_TTL_S)
    return counts


def forget_population() -> None:
    cache.delete_many([POPULATION_CACHE_KEY, HOUSEHOLDS_CACHE_KEY])


def organisations_for(
    user: Any, *, dong: Dong | None = None, kind: str = "", query: str = ""
) -> QuerySet[Organisation]:
    scope = scope_of(user)
    if not scope.can(Can.VIEW_ORGANISATIONS):
        return Organisation.objects.none()
    # The dong's boundary is the largest field of its row, decoded for every organisation read.
    qs = Organisation.objects.select_related("dong").defer("dong__boundary")
    if dong is not None:
        qs = qs.filter(dong=dong)
    if kind:
        qs = qs.filter(kind=kind)
    if query:
        qs = qs.filter(name__icontains=query)
    return qs.order_by("name")


def organisation_for(user: Any, pk: int) -> Organisation:
    org = organisations_for(user).filter(pk=pk).first()
    if org is None:
        raise not_found()
    return org


def people_for(user: Any, *, dong: Dong | None = None, query: str = "") -> QuerySet[Person]:
    """Residents the user may see: only in the dongs where they hold VIEW_PEOPLE."""
    scope = scope_of(user)
    ids = scope.dong_ids(Can.VIEW_PEOPLE)
    if not ids:
        return Person.objects.none()
    qs = Person.objects.filter(dong_id__in=ids).select_related("dong")
    if dong is not None:
        qs = qs.filter(dong=dong)
    if query:
        qs = qs.filter(name__startswith=query)
    return qs.order_by("dong__code", "name", "id")


def person_for(user: Any, pk: int) -> Person:
    person = people_for(user).filter(pk=pk).first()
    if person is None:
        raise not_found()
    return person


def audit_entries_for(
    user: Any, *, actor: str = "", target_type: str = "", target_id: str = "", action: str = ""
) -> QuerySet[AuditEntry]:
    scope = scope_of(user)
    if not scope.can(Can.VIEW_AUDIT):
        return AuditEntry.objects.none()
    qs = AuditEntry.objects.all()
    if actor:
        qs = qs.filter(actor_name__icontains=actor)
    if target_type:
        qs = qs.filter(target_type=target_type)
    if target_id:
        qs = qs.filter(target_id=target_id)
    if action:
        qs = qs.filter(action=action)
    return qs.order_by("-seq")


def job_for(user: Any, job_id: str) -> Job:
    job = Job.objects.filter(pk=job_id, created_by_id=getattr(user, "pk", None)).first()
    if job is None:
        raise not_found()
    return job
