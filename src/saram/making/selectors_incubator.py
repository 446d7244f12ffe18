"""Reads of the incubator, cluster and R&D pages, already narrowed to what the user may see.

Tenants (with their founders' names) are the incubator's and the centre's staff's; a founder
sees only the firms they founded. The cluster directory and its R&D projects are public."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404

from saram.core import audit
from saram.core.access import Can, not_found, scope_of
from saram.core.models import AuditAction, Dong
from saram.making.models import (
    ClusterMember,
    CreditEntry,
    Founder,
    MentoringSession,
    Milestone,
    Reservation,
    ReservationStatus,
    RndProject,
    Room,
    Tenant,
)
from saram.making.selectors import credit_balances, credit_use, tenants_for, tenants_of_founder

__all__ = ["credit_balances", "credit_use"]


def _can(user: Any, *caps: Can) -> bool:
    scope = scope_of(user)
    return any(scope.can(c) for c in caps)


def is_incubator_staff(user: Any) -> bool:
    return _can(user, Can.MANAGE_INCUBATOR, Can.MANAGE_MAKING)


# --- Tenants -------------------------------------------------------------------------------------


def tenant_directory(
    user: Any,
    *,
    today: dt.date,
    query: str = "",
    status: str = "",
    room: Room | None = None,
    overdue: bool = False,
) -> QuerySet[Tenant]:
    """The incubator's tenants for its staff, filtered; each with its open and overdue
    milestone counts. `status`: current, upcoming or ended (on `today`)."""
    qs = tenants_for(user).annotate(
        open_milestones=Count("milestones", filter=Q(milestones__done_on__isnull=True)),
        overdue_milestones=Count(
            "milestones", filter=Q(milestones__done_on__isnull=True, milestones__due_on__lt=today)
        ),
        done_milestones=Count("milestones", filter=Q(milestones__done_on__isnull=False)),
    )
    if query:
        founded = Founder.objects.filter(name__icontains=query).values("tenant_id")
        qs = qs.filter(
            Q(organisation__name__icontains=query) | Q(field__icontains=query) | Q(pk__in=founded)
        )
    if status == "current":
        qs = qs.filter(term_starts_on__lte=today, term_ends_on__gte=today)
    elif status == "upcoming":
        qs = qs.filter(term_starts_on__gt=today)
    elif status == "ended":
        qs = qs.filter(term_ends_on__lt=today)
    if room is not None:
        qs = qs.filter(room=room)
    if overdue:
        qs = qs.filter(overdue_milestones__gt=0)
    return qs.select_related("manager", "organisation__dong").prefetch_related(
        Prefetch("milestones", queryset=Milestone.objects.order_by("due_on")),
        Prefetch("founders", queryset=Founder.objects.order_by("id")),
    )


def audit_tenant_list(user: Any, *, count: int, filters: dict[str, Any], export: str = "") -> None:
    """The list names founders: reading (or exporting) it is audited once, with its filter."""
    audit.record(
        actor=user,
        action=AuditAction.EXPORT if export else AuditAction.LIST,
        target_type="making_tenant",
        purpose="창업보육 입주 기업 목록 (창업자 이름 포함)",
        detail={"count": count, "filters": filters, **({"format": export} if export else {})},
    )


def offices() -> QuerySet[Room]:
    return Room.objects.filter(kind=Room.Kind.OFFICE).order_by("floor", "name")


def occupancy(user: Any, *, today: dt.date) -> dict[str, Any]:
    """How many offices are taken today, which are free, and terms ending within 90 days."""
    current = tenants_for(user).filter(term_starts_on__lte=today, term_ends_on__gte=today)
    taken = set(current.exclude(room=None).values_list("room_id", flat=True))
    rooms = list(offices())
    return {
        "offices": len(rooms),
        "taken": len([r for r in rooms if r.pk in taken]),
        "free": [r for r in rooms if r.pk not in taken],
        "tenants_now": current.count(),
        "ending_soon": list(
            current.filter(term_ends_on__lte=today + dt.timedelta(days=90)).order_by("term_ends_on")
        ),
    }


def tenant_to_manage(user: Any, pk: int) -> Tenant:
    """A tenant the incubator's (or centre's) staff may see and change; else 403/404."""
    return get_object_or_404(tenants_for(user).select_related("manager"), pk=pk)


def tenant_page(user: Any, tenant: Tenant) -> dict[str, Any]:
    """What a tenant's page lists; it names the founders, so reading it is audited."""
    audit.record(
        actor=user,
        action=AuditAction.VIEW,
        target_type="making_tenant",
        target_id=tenant.pk,
        purpose="창업보육 입주 기업 정보 (창업자 포함)",
    )
    ledger = list(tenant.credits.select_related("reservation__machine", "print_job")[:50])
    return {
        "ledger": ledger,
        "balance_minutes": credit_balances([tenant.pk]).get(tenant.pk, 0),
        "used_minutes": credit_use([tenant.pk]).get(tenant.pk, 0),
        "milestones": list(tenant.milestones.order_by("due_on", "id")),
        "mentoring": list(MentoringSession.objects.filter(tenant=tenant).order_by("-at")[:50]),
        "founders": list(tenant.founders.select_related("user").order_by("id")),
    }


def _of_managed_tenant(user: Any, qs: QuerySet[Any], pk: int) -> Any:
    """A row of a tenant the incubator's (or centre's) staff manage; else 403/404."""
    return get_object_or_404(
        qs.filter(tenant__in=tenants_for(user)).select_related("tenant__organisation"), pk=pk
    )


def milestone_to_manage(user: Any, pk: int) -> Milestone:
    """A milestone the incubator's (or centre's) staff may change or remove."""
    found: Milestone = _of_managed_tenant(user, Milestone.objects.all(), pk)
    return found


def mentoring_to_manage(user: Any, pk: int) -> MentoringSession:
    """A mentoring session the incubator's (or centre's) staff may change or remove."""
    found: MentoringSession = _of_managed_tenant(user, MentoringSession.objects.all(), pk)
    return found


def founder_to_manage(user: Any, pk: int) -> Founder:
    """A founder the incubator's (or centre's) staff may change or remove; reading it is
    audited (a person's name and account)."""
    found: Founder = _of_managed_tenant(user, Founder.objects.select_related("user"), pk)
    audit.record(
        actor=user,
        action=AuditAction.VIEW,
        target_type="making_founder",
        target_id=found.pk,
        purpose="창업보육 창업자 정보",
        detail={"tenant": found.tenant_id},
    )
    return found


def founder_bookings_ahead(founder: Founder, *, now: dt.datetime) -> int:
    """The founder's bookings still ahead on the firm's credits (what removing them strands)."""
    if founder.user_id is None:
        return 0
    return Reservation.objects.filter(
        tenant_id=founder.tenant_id,
        user_id=founder.user_id,
        status=ReservationStatus.BOOKED,
        ends_at__gt=now,
    ).count()


def own_tenants(user: Any) -> list[Tenant]:
    """The firms the user founded (a founder's own page); none for anyone else."""
    if not getattr(user, "is_authenticated", False):
        return []
    return list(
        tenants_of_founder(user).select_related("room", "manager").order_by("organisation__name")
    )


def milestone_for(user: Any, pk: int) -> Milestone:
    """A milestone the user may report on: the incubator's staff any, a founder their firm's."""
    qs = Milestone.objects.select_related("tenant__organisation")
    if not is_incubator_staff(user):
        qs = qs.filter(tenant__founders__user=user)
    found = qs.filter(pk=pk).first()
    if found is None:
        raise not_found()
    return found


def credit_chart(tenants: list[Tenant]) -> list[dict[str, Any]]:
    """Each tenant's machine hours used and left, for the manager's chart."""
    ids = [t.pk for t in tenants]
    balances, used = credit_balances(ids), credit_use(ids)
    return [
        {
            "name": t.organisation.name,
            "used_h": round(used.get(t.pk, 0) / 60, 1),
            "left_h": round(balances.get(t.pk, 0) / 60, 1),
        }
        for t in tenants
    ]


def last_credit_at(tenant_ids: list[int]) -> dict[int, dt.datetime]:
    rows = CreditEntry.objects.filter(tenant_id__in=tenant_ids).values_list("tenant_id", "at")
    out: dict[int, dt.datetime] = {}
    for tenant_id, at in rows:
        if tenant_id not in out or at > out[tenant_id]:
            out[tenant_id] = at
    return out


# --- Cluster and R&D (public reads; staff change them) -------------------------------------------


def cluster_member(pk: int) -> ClusterMember:
    """A member's public page, with the projects it leads and joins."""
    return get_object_or_404(
        ClusterMember.objects.select_related("organisation__dong", "organisation"), pk=pk
    )


def member_projects(member: ClusterMember) -> dict[str, list[RndProject]]:
    base = RndProject.objects.select_related("lead__organisation").prefetch_related(
        "partners__organisation"
    )
    return {
        "led": list(base.filter(lead=member).order_by("-starts_on")),
        "joined": list(base.filter(partners=member).order_by("-starts_on")),
    }


def member_to_edit(user: Any, pk: int) -> ClusterMember:
    scope_of(user).require(Can.MANAGE_MAKING)
    return cluster_member(pk)


def cluster_members() -> QuerySet[ClusterMember]:
    return ClusterMember.objects.select_related("organisation").order_by("organisation__name")


def project_directory(
    *, today: dt.date, query: str = "", sector: str = "", member: Any = None, status: str = ""
) -> QuerySet[RndProject]:
    """R&D projects, filtered: by words in the title, funder or outputs; by the sector of the
    lead or a partner; by a member taking part; ongoing or ended on `today`."""
    qs = RndProject.objects.select_related("lead__organisation").prefetch_related(
        Prefetch("partners", queryset=ClusterMember.objects.select_related("organisation"))
    )
    if query:
        qs = qs.filter(
            Q(title__icontains=query) | Q(funder__icontains=query) | Q(outputs__icontains=query)
        )
    if sector:
        qs = qs.filter(Q(lead__sector=sector) | Q(partners__sector=sector))
    if member is not None:
        qs = qs.filter(Q(lead=member) | Q(partners=member))
    if status == "ongoing":
        qs = qs.filter(starts_on__lte=today, ends_on__gte=today)
    elif status == "ended":
        qs = qs.filter(ends_on__lt=today)
    elif status == "planned":
        qs = qs.filter(starts_on__gt=today)
    return qs.distinct().order_by("-starts_on", "title")


def project(pk: int) -> RndProject:
    return get_object_or_404(
        RndProject.objects.select_related("lead__organisation__dong").prefetch_related(
            "partners__organisation__dong"
        ),
        pk=pk,
    )


def project_to_edit(user: Any, pk: int) -> RndProject:
    scope_of(user).require(Can.MANAGE_MAKING)
    return project(pk)


def dong_shapes() -> list[dict[str, Any]]:
    """Every dong's boundary and names for the public maps: public geography only (no counts
    of residents, no link to the dong's staff page)."""
    return list(
        Dong.objects.order_by("code").values(
            "code", "name", "name_en", "boundary", "gu__name", "gu__name_en"
        )
    )


def city_dongs() -> QuerySet[Dong]:
    return Dong.objects.order_by("name")
