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
        if locked.status == RegistrationStatus.CANCELLED:
            raise SaramError("making_not_registered")
        if event.starts_at <= now:
            raise SaramError("making_event_over")
        was = locked.status
        locked.status = RegistrationStatus.CANCELLED
        locked.save(update_fields=["status"])
        if was != RegistrationStatus.REGISTERED:
            return None
        promoted = _promote_waiting(event, now=now)
        return promoted[0] if promoted else None


def _promote_waiting(event: Event, *, now: dt.datetime) -> list[EventRegistration]:
    """Fill the event's free places from its waiting list, oldest first; each is told. The
    caller holds the event's row lock."""
    taken = EventRegistration.objects.filter(
        event=event, status=RegistrationStatus.REGISTERED
    ).count()
    free = event.capacity - taken
    if free <= 0:
        return []
    moving = list(
        EventRegistration.objects.filter(event=event, status=RegistrationStatus.WAITING)
        .select_related("user")
        .order_by("created_at", "id")[:free]
    )
    for registration in moving:
        registration.status = RegistrationStatus.REGISTERED
        registration.save(update_fields=["status"])
        if registration.user_id:
            notify(
                user=registration.user,
                now=now,
                code="making_notice_event_promoted",
                event=event.title,
            )
    return moving


EVENT_FIELDS = ("title", "kind", "starts_at", "ends_at", "place", "capacity", "summary")


def add_event(*, by: Any, values: dict[str, Any]) -> Event:
    """Staff put an event on the public calendar (or keep it unpublished for now)."""
    require(by, Can.MANAGE_MAKING)
    _check_times(values)
    return Event.objects.create(**_event_values(values))


def update_event(*, by: Any, event: Event, values: dict[str, Any], now: dt.datetime) -> Event:
    """Staff change an event; a larger capacity moves its waiting list up."""
    require(by, Can.MANAGE_MAKING)
    _check_times(values)
    with transaction.atomic():
        locked = Event.objects.select_for_update().get(pk=event.pk)
        taken = EventRegistration.objects.filter(
            event=locked, status=RegistrationStatus.REGISTERED
        ).count()
        if values.get("capacity", locked.capacity) < taken:
            raise SaramError("making_capacity_below_taken", taken=taken)
        for name, value in _event_values(values).items():
            setattr(locked, name, value)
        locked.save()
        _promote_waiting(locked, now=now)
    return locked


def cancel_event(*, by: Any, event: Event, now: dt.datetime) -> int:
    """Staff call an event off: it leaves the public list, every registration is cancelled
    and each person told. Returns how many were told."""
    require(by, Can.MANAGE_MAKING)
    with transaction.atomic():
        locked = Event.objects.select_for_update().get(pk=event.pk)
        rows = list(
            EventRegistration.objects.filter(event=locked)
            .exclude(status=RegistrationStatus.CANCELLED)
            .select_related("user")
        )
        for registration in rows:
            registration.status = RegistrationStatus.CANCELLED
            registration.save(update_fields=["status"])
            if registration.user_id:
                notify(
                    user=registration.user,
                    now=now,
                    code="making_notice_event_cancelled",
                    event=locked.title,
                )
        locked.is_published = False
        locked.save(update_fields=["is_published"])
    return len(rows)


def _check_times(values: dict[str, Any]) -> None:
    start, end = values.get("starts_at"), values.get("ends_at")
    if start is not None and end is not None and end <= start:
        raise SaramError("making_ends_before_start")


def _event_values(values: dict[str, Any]) -> dict[str, Any]:
    return {k: values[k] for k in (*EVENT_FIELDS, "is_published") if k in values}
