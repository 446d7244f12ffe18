"""Registration for public events, with a waiting list that moves up on a cancellation."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction

from saram.core.access import Can
from saram.core.errors import SaramError
from saram.making.models import Event, EventRegistration, RegistrationStatus
from saram.making.services._common import notify, require


def register(
    *,
    by: Any,
    event: Event,
    now: dt.datetime,
    name: str = "",
    dong_id: int | None = None,
    birth_year: int | None = None,
    audience: str = "",
) -> EventRegistration:
    """Take a place at an event, or the next place on its waiting list when it is full."""
    require(by, Can.SELF_SERVICE, Can.MANAGE_MAKING)
    with transaction.atomic():
        locked = Event.objects.select_for_update().get(pk=event.pk)
        if locked.ends_at <= now:
            raise SaramError("making_event_over")
        if (
            by is not None
            and EventRegistration.objects.filter(event=locked, user=by)
            .exclude(status=RegistrationStatus.CANCELLED)
            .exists()
        ):
            raise SaramError("making_already_registered")
        taken = EventRegistration.objects.filter(
            event=locked, status=RegistrationStatus.REGISTERED
        ).count()
        status = (
            RegistrationStatus.REGISTERED if taken < locked.capacity else RegistrationStatus.WAITING
        )
        return EventRegistration.objects.create(
            event=locked,
            user=by,
            name=name or by.get_full_name() or by.get_username(),
            dong_id=dong_id,
            birth_year=birth_year,
            audience=audience,
            status=status,
            created_at=now,
        )


def cancel_registration(
    *, by: Any, registration: EventRegistration, now: dt.datetime
) -> EventRegistration | None:
    """Give up a place; the first waiting moves up and is told. Returns them."""
    if registration.user_id != by.pk:
        require(by, Can.MANAGE_MAKING)
    with transaction.atomic():
        event = Event.objects.select_for_update().get(pk=registration.event_id)
        locked = EventRegistration.objects.select_for_update().get(pk=registration.pk)
        was = locked.status
        locked.status = RegistrationStatus.CANCELLED
        locked.save(update_fields=["status"])
        if was != RegistrationStatus.REGISTERED:
            return None
        first = (
            EventRegistration.objects.filter(event=event, status=RegistrationStatus.WAITING)
            .order_by("created_at", "id")
            .first()
        )
        if first is None:
            return None
        first.status = RegistrationStatus.REGISTERED
        first.save(update_fields=["status"])
        if first.user_id:
            notify(user=first.user, now=now, code="making_notice_event_promoted", event=event.title)
        return first
