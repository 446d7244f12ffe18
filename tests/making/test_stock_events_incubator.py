"""Stock withdrawals, event waiting lists and the incubator's machine-hour credits."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import translation
from tests.making.conftest import NOW, at

from saram.core.errors import SaramError
from saram.core.models import Organisation, OrganisationKind, Role
from saram.making.models import (
    CreditEntry,
    Event,
    EventKind,
    Founder,
    Machine,
    Material,
    Notice,
    RegistrationStatus,
    Tenant,
)
from saram.making.services import events, reservations, stock

pytestmark = pytest.mark.django_db


def test_a_withdrawal_beyond_stock_is_refused_and_changes_nothing(
    pla: Material, staff: Any
) -> None:
    with pytest.raises(SaramError) as info:
        stock.withdraw_stock(by=staff, material=pla, grams=1_001, now=NOW)
    assert info.value.code == "making_stock_short"
    with translation.override("en"):
        assert "1000 g" in info.value.message and "1001 g" in info.value.message
    pla.refresh_from_db()
    assert pla.stock_g == 1_000
    assert not pla.movements.exists()


def test_a_withdrawal_to_the_reorder_level_raises_the_alert(pla: Material, staff: Any) -> None:
    movement = stock.withdraw_stock(by=staff, material=pla, grams=600, now=NOW)
    pla.refresh_from_db()
    assert movement.balance_g == 400
    assert pla.needs_reorder


def test_a_full_event_puts_people_on_the_waiting_list_who_move_up(make_user: Any) -> None:
    event = Event.objects.create(
        title="오픈 데이",
        kind=EventKind.OPEN_DAY,
        starts_at=at(12, 10),
        ends_at=at(12, 16),
        place="센터",
        capacity=1,
    )
    first, second = make_user(Role.CITIZEN), make_user(Role.CITIZEN)
    taken = events.register(by=first, event=event, now=NOW)
    waiting = events.register(by=second, event=event, now=NOW)
    assert waiting.status == RegistrationStatus.WAITING

    events.cancel_registration(by=first, registration=taken, now=NOW)

    waiting.refresh_from_db()
    assert waiting.status == RegistrationStatus.REGISTERED
    assert Notice.objects.get(user=second).code == "making_notice_event_promoted"


def _tenant(founder: Any, minutes: int, staff: Any) -> Tenant:
    tenant = Tenant.objects.create(
        organisation=Organisation.objects.create(kind=OrganisationKind.FIRM, name="카본웍스"),
        field="탄소 부품",
        term_starts_on=dt.date(2026, 1, 1),
        term_ends_on=dt.date(2027, 12, 31),
    )
    Founder.objects.create(tenant=tenant, name="대표", user=founder)
    reservations.credit_tenant(by=staff, tenant=tenant, minutes=minutes, now=NOW)
    return tenant


def test_a_founders_booking_draws_credits_and_a_cancellation_returns_them(
    citizen: Any, printer: Machine, staff: Any
) -> None:
    tenant = _tenant(citizen, 180, staff)
    booking = reservations.book(
        by=citizen,
        machine=printer,
        starts_at=at(9, 10),
        ends_at=at(9, 12),
        now=NOW,
        tenant=tenant,
    )
    assert CreditEntry.objects.filter(tenant=tenant).order_by("-id").first().balance_minutes == 60
    reservations.cancel(by=citizen, reservation=booking, now=NOW)
    assert CreditEntry.objects.filter(tenant=tenant).order_by("-id").first().balance_minutes == 180


def test_a_booking_beyond_the_credit_is_refused_whole(
    citizen: Any, printer: Machine, staff: Any
) -> None:
    tenant = _tenant(citizen, 60, staff)
    with pytest.raises(SaramError) as info:
        reservations.book(
            by=citizen,
            machine=printer,
            starts_at=at(9, 10),
            ends_at=at(9, 12),
            now=NOW,
            tenant=tenant,
        )
    assert info.value.code == "making_credit_short"
    assert not printer.reservations.exists()  # the booking went with the refused credit
    assert CreditEntry.objects.filter(tenant=tenant).count() == 1


def test_only_a_founder_may_spend_the_credits(
    make_user: Any, certify: Any, citizen: Any, printer: Machine, staff: Any
) -> None:
    tenant = _tenant(citizen, 600, staff)
    outsider = make_user(Role.CITIZEN)
    certify(outsider)
    with pytest.raises(SaramError) as info:
        reservations.book(
            by=outsider,
            machine=printer,
            starts_at=at(9, 10),
            ends_at=at(9, 11),
            now=NOW,
            tenant=tenant,
        )
    assert info.value.code == "making_not_founder"
