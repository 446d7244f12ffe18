"""The incubator's records: tenant firms (on core's organisations), founders, milestones and
mentoring sessions. Each write authorizes, validates, locks where two people could race, writes
and audits in one transaction; machine-hour credits stay in `reservations.credit_tenant`."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction

from saram.core import audit
from saram.core.access import Can, scope_of
from saram.core.errors import SaramError
from saram.core.models import AuditAction, Dong, Organisation, OrganisationKind
from saram.making.models import (
    Founder,
    MentoringSession,
    Milestone,
    Room,
    Tenant,
)
from saram.making.selectors_incubator import founder_bookings_ahead
from saram.making.services._common import local, require

MANAGERS = (Can.MANAGE_INCUBATOR, Can.MANAGE_MAKING)


def is_manager(user: Any) -> bool:
    scope = scope_of(user)
    return any(scope.can(c) for c in MANAGERS)


@dataclass(frozen=True)
class OrganisationValues:
    """The firm's identity as core keeps it: the economy module sees the same organisation."""

    name: str
    kind: str = OrganisationKind.FIRM
    dong: Dong | None = None
    business_number: str = ""


@dataclass(frozen=True)
class TenantValues:
    field: str
    term_starts_on: dt.date
    term_ends_on: dt.date
    room: Room | None = None
    manager: Any = None


def organisation_for(
    values: OrganisationValues, *, keep: Organisation | None = None
) -> Organisation:
    """The core organisation these values name. With `keep`: that one, updated (its number
    must not be another's). Without: the one with the same business number (or, without a
    number, the same name and kind) as the city already knows it, else a new one."""
    number = values.business_number
    if keep is None:
        same = (
            Organisation.objects.filter(business_number=number)
            if number
            else Organisation.objects.filter(name=values.name, kind=values.kind)
        )
        found = same.order_by("id").first()
        if found is not None:
            return found
        return Organisation.objects.create(
            name=values.name, kind=values.kind, dong=values.dong, business_number=number
        )
    if number:
        holder = Organisation.objects.filter(business_number=number).exclude(pk=keep.pk).first()
        if holder is not None:
            raise SaramError("making_business_number_taken", number=number, name=holder.name)
        keep.business_number = number
    keep.name, keep.kind, keep.dong = values.name, values.kind, values.dong
    keep.save(update_fields=["name", "kind", "dong", "business_number", "updated_at"])
    return keep


def _check_term(values: TenantValues, *, tenant: Tenant | None) -> None:
    if values.term_ends_on <= values.term_starts_on:
        raise SaramError("making_term_ends_before_start")
    room = values.room
    if room is None:
        return
    if room.kind != Room.Kind.OFFICE:
        raise SaramError("making_room_not_office", room=room.name)
    # Lock the room so two managers cannot place two firms in it for the same months.
    Room.objects.select_for_update().filter(pk=room.pk).first()
    clash = (
        Tenant.objects.filter(
            room=room,
            term_starts_on__lt=values.term_ends_on,
            term_ends_on__gt=values.term_starts_on,
        )
        .exclude(pk=tenant.pk if tenant else None)
        .select_related("organisation")
        .first()
    )
    if clash is not None:
        raise SaramError(
            "making_room_taken",
            room=room.name,
            tenant=clash.organisation.name,
            start=clash.term_starts_on.isoformat(),
            end=clash.term_ends_on.isoformat(),
        )


def admit_tenant(*, by: Any, organisation: OrganisationValues, values: TenantValues) -> Tenant:
    """House a firm in the incubator for a term; its organisation is core's (found or made)."""
    require(by, *MANAGERS)
    with transaction.atomic():
        _check_term(values, tenant=None)
        org = organisation_for(organisation)
        if Tenant.objects.filter(organisation=org).exists():
            raise SaramError("making_already_tenant", name=org.name)
        tenant = Tenant.objects.create(
            organisation=org,
            field=values.field,
            room=values.room,
            term_starts_on=values.term_starts_on,
            term_ends_on=values.term_ends_on,
            manager=values.manager,
        )
        audit.record(
            actor=by,
            action=AuditAction.CREATE,
            target_type="making_tenant",
            target_id=tenant.pk,
            purpose="창업보육 입주 기업 등록",
        )
        return tenant


def update_tenant(
    *, by: Any, tenant: Tenant, organisation: OrganisationValues, values: TenantValues
) -> Tenant:
    """Change a tenant's firm details, room, term or manager."""
    require(by, *MANAGERS)
    with transaction.atomic():
        locked = Tenant.objects.select_for_update().select_related("organisation").get(pk=tenant.pk)
        _check_term(values, tenant=locked)
        organisation_for(organisation, keep=locked.organisation)
        locked.field = values.field
        locked.room = values.room
        locked.term_starts_on = values.term_starts_on
        locked.term_ends_on = values.term_ends_on
        locked.manager = values.manager
        locked.save()
        audit.record(
            actor=by,
            action=AuditAction.UPDATE,
            target_type="making_tenant",
            target_id=locked.pk,
            purpose="창업보육 입주 기업 수정",
        )
        return locked


def add_founder(
    *, by: Any, tenant: Tenant, name: str, title: str = "", user: Any = None
) -> Founder:
    """Name a founder of the firm; with a login, they see the firm's page and use its credits."""
    require(by, *MANAGERS)
    with transaction.atomic():
        if user is not None and Founder.objects.filter(tenant=tenant, user=user).exists():
            raise SaramError("making_tenant_has_founder", name=name)
        founder = Founder.objects.create(tenant=tenant, name=name, title=title, user=user)
        audit.record(
            actor=by,
            action=AuditAction.CREATE,
            target_type="making_founder",
            target_id=founder.pk,
            purpose="창업보육 입주 기업 창업자 등록",
            detail={"tenant": tenant.pk},
        )
        return founder


def _audit(by: Any, action: str, target: str, pk: int, purpose: str, tenant_id: int) -> None:
    audit.record(
        actor=by,
        action=action,
        target_type=target,
        target_id=pk,
        purpose=purpose,
        detail={"tenant": tenant_id},
    )


def set_milestone(
    *, by: Any, tenant: Tenant, title: str, due_on: dt.date, milestone: Milestone | None = None
) -> Milestone:
    """Add a milestone to the firm's plan, or change one's title and due date."""
    require(by, *MANAGERS)
    with transaction.atomic():
        if milestone is None:
            made = Milestone.objects.create(tenant=tenant, title=title, due_on=due_on)
            _audit(
                by, AuditAction.CREATE, "making_milestone", made.pk, "창업보육 목표 등록", tenant.pk
            )
            return made
        locked = Milestone.objects.select_for_update().get(pk=milestone.pk, tenant=tenant)
        locked.title, locked.due_on = title, due_on
        locked.save(update_fields=["title", "due_on"])
        _audit(
            by, AuditAction.UPDATE, "making_milestone", locked.pk, "창업보육 목표 수정", tenant.pk
        )
        return locked


def remove_milestone(*, by: Any, milestone: Milestone) -> None:
    """Take a milestone off the firm's plan; one the founders have reported progress on stays
    (their report would be lost): change its title or due date instead."""
    require(by, *MANAGERS)
    with transaction.atomic():
        locked = Milestone.objects.select_for_update().get(pk=milestone.pk)
        if locked.progress_pct > 0:
            raise SaramError(
                "making_milestone_has_progress", title=locked.title, pct=locked.progress_pct
            )
        _audit(
            by,
            AuditAction.DELETE,
            "making_milestone",
            locked.pk,
            "창업보육 목표 삭제",
            locked.tenant_id,
        )
        locked.delete()


def update_founder(
    *, by: Any, founder: Founder, name: str, title: str, user: Any, now: dt.datetime
) -> Founder:
    """Change a founder's name, title or linked account (the account sees the firm's page and
    books on its credits)."""
    require(by, *MANAGERS)
    with transaction.atomic():
        locked = Founder.objects.select_for_update().get(pk=founder.pk)
        if (
            user is not None
            and Founder.objects.filter(tenant_id=locked.tenant_id, user=user)
            .exclude(pk=locked.pk)
            .exists()
        ):
            raise SaramError("making_tenant_has_founder", name=name)
        if locked.user_id is not None and locked.user_id != getattr(user, "pk", None):
            _refuse_if_booked(locked, now=now)
        locked.name, locked.title, locked.user = name, title, user
        locked.save(update_fields=["name", "title", "user"])
        _audit(
            by,
            AuditAction.UPDATE,
            "making_founder",
            locked.pk,
            "창업보육 창업자 수정",
            locked.tenant_id,
        )
        return locked


def _refuse_if_booked(founder: Founder, *, now: dt.datetime) -> None:
    """A founder whose account has bookings ahead on the firm's credits keeps that account:
    unlinking it would leave bookings the firm pays for with no one of the firm behind them."""
    ahead = founder_bookings_ahead(founder, now=now)
    if ahead:
        raise SaramError("making_founder_has_bookings", name=founder.name, count=ahead)


def remove_founder(*, by: Any, founder: Founder, now: dt.datetime) -> None:
    """Take a founder off the firm; refused while their bookings on its credits lie ahead."""
    require(by, *MANAGERS)
    with transaction.atomic():
        locked = Founder.objects.select_for_update().get(pk=founder.pk)
        if locked.user_id is not None:
            _refuse_if_booked(locked, now=now)
        _audit(
            by,
            AuditAction.DELETE,
            "making_founder",
            locked.pk,
            "창업보육 창업자 삭제",
            locked.tenant_id,
        )
        locked.delete()


def report_progress(
    *, by: Any, milestone: Milestone, progress_pct: int, today: dt.date
) -> Milestone:
    """Record how far a milestone has come (a founder of the firm, or the incubator); at 100 it
    is reached today, below 100 it is open again."""
    if (
        not is_manager(by)
        and not Founder.objects.filter(tenant_id=milestone.tenant_id, user=by).exists()
    ):
        raise PermissionDenied("founder")
    if not 0 <= progress_pct <= 100:
        raise SaramError("making_bad_progress")
    with transaction.atomic():
        locked = Milestone.objects.select_for_update().get(pk=milestone.pk)
        locked.progress_pct = progress_pct
        if progress_pct == 100:
            locked.done_on = locked.done_on or today
        else:
            locked.done_on = None
        locked.save(update_fields=["progress_pct", "done_on"])
        return locked


def record_mentoring(
    *, by: Any, tenant: Tenant, at: dt.datetime, mentor: str, topic: str
) -> MentoringSession:
    """Write down a mentoring session held (or booked) with the firm."""
    require(by, *MANAGERS)
    with transaction.atomic():
        made = MentoringSession.objects.create(tenant=tenant, at=at, mentor=mentor, topic=topic)
        _audit(
            by, AuditAction.CREATE, "making_mentoring", made.pk, "창업보육 멘토링 기록", tenant.pk
        )
        return made


def update_mentoring(
    *, by: Any, session: MentoringSession, at: dt.datetime, mentor: str, topic: str
) -> MentoringSession:
    """Change a mentoring session's time, mentor or topic."""
    require(by, *MANAGERS)
    with transaction.atomic():
        locked = MentoringSession.objects.select_for_update().get(pk=session.pk)
        locked.at, locked.mentor, locked.topic = at, mentor, topic
        locked.save(update_fields=["at", "mentor", "topic"])
        _audit(
            by,
            AuditAction.UPDATE,
            "making_mentoring",
            locked.pk,
            "창업보육 멘토링 수정",
            locked.tenant_id,
        )
        return locked


def remove_mentoring(*, by: Any, session: MentoringSession, now: dt.datetime) -> None:
    """Take a booked mentoring session off; one already held is the incubator's record of
    support given (correct it instead)."""
    require(by, *MANAGERS)
    with transaction.atomic():
        locked = MentoringSession.objects.select_for_update().get(pk=session.pk)
        if locked.at <= now:
            raise SaramError("making_mentoring_held", at=local(locked.at), mentor=locked.mentor)
        _audit(
            by,
            AuditAction.DELETE,
            "making_mentoring",
            locked.pk,
            "창업보육 멘토링 삭제",
            locked.tenant_id,
        )
        locked.delete()
