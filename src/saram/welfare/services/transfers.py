"""이관: when a resident moves to another dong, their open cases and history follow them.

The old dong's officer opens the transfer with a hand-over note; the new dong's officer accepts
it. On acceptance the person, their open cases and those cases' referrals belong to the new dong:
the new dong's officers gain access and the old dong's lose it (scope follows the dong in the
selectors). Both dongs keep seeing the transfer itself, the hand-over record.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from saram.core import audit
from saram.core.access import Can, scope_of
from saram.core.errors import SaramError
from saram.core.models import AuditAction, Dong, Person
from saram.welfare.models import (
    Assignment,
    AssignmentStatus,
    Case,
    MoveTask,
    MoveTaskStatus,
    Referral,
    Transfer,
    TransferStatus,
)


def _audit(by: Any, transfer: Transfer, action: str, purpose: Any, **detail: Any) -> None:
    audit.record(
        actor=by,
        action=action,
        target_type="person",
        target_id=transfer.person_id,
        purpose=str(purpose),
        detail={
            "transfer": transfer.pk,
            "from": transfer.from_dong_id,
            "to": transfer.to_dong_id,
            **detail,
        },
    )


def open_transfer(
    *,
    by: Any,
    person: Person,
    to_dong: Dong,
    new_address: str = "",
    handover_note: str,
    now: dt.datetime,
) -> Transfer:
    """The person's dong hands them over to `to_dong` (same city), with the open cases and a
    hand-over note; at most one pending transfer per person."""
    if person.dong_id not in scope_of(by).dong_ids(Can.MANAGE_PEOPLE):
        raise SaramError("transfer_forbidden")
    if to_dong.pk == person.dong_id:
        raise SaramError("transfer_same_dong")
    if to_dong.gu.city_id != person.dong.gu.city_id:
        raise SaramError("transfer_other_city")
    if not handover_note.strip():
        raise SaramError("transfer_note_required")
    return open_for_move(
        by=by,
        person=person,
        to_dong=to_dong,
        new_address=new_address,
        handover_note=handover_note,
        now=now,
    )


def open_for_move(
    *,
    by: Any,
    person: Person,
    to_dong: Dong,
    new_address: str = "",
    handover_note: str,
    handover_code: str = "",
    handover_params: dict[str, Any] | None = None,
    now: dt.datetime,
) -> Transfer:
    """Open the transfer (the caller has authorized `by` and checked the dongs): the open
    cases go with it, and an open move task of the person is done by it. Saram's own words
    on the hand-over are a code of `welfare.notes` with its parameters, the officer's apart."""
    try:
        with transaction.atomic():
            transfer = Transfer.objects.create(
                person=person,
                from_dong_id=person.dong_id,
                to_dong=to_dong,
                new_address=new_address.strip()[:300],
                handover_code=handover_code,
                handover_params=handover_params or {},
                handover_note=handover_note.strip(),
                opened_by=by,
                opened_at=now,
            )
            transfer.cases.set(Case.objects.filter(person=person, closed_at__isnull=True))
            MoveTask.objects.filter(person=person, status=MoveTaskStatus.OPEN).update(
                status=MoveTaskStatus.TRANSFERRED,
                transfer=transfer,
                resolved_by=by,
                resolved_at=now,
            )
            _audit(by, transfer, AuditAction.CREATE, _("이관 요청"))
    except IntegrityError:
        raise SaramError("transfer_pending") from None
    return transfer


def accept_transfer(*, by: Any, transfer: Transfer, note: str = "", now: dt.datetime) -> Transfer:
    """The new dong's officer takes the person over: the person, their open cases and those
    cases' referrals move to the new dong; open visits of the old dong's rounds are returned
    (the new dong plans its own); the accepting officer joins each case as a worker."""
    if transfer.to_dong_id not in scope_of(by).dong_ids(Can.MANAGE_PEOPLE):
        raise SaramError("transfer_accept_forbidden")
    with transaction.atomic():
        locked = Transfer.objects.select_for_update().get(pk=transfer.pk)
        if locked.status != TransferStatus.PENDING:
            raise SaramError("transfer_not_pending")
        person = Person.objects.select_for_update().get(pk=locked.person_id)
        if person.dong_id != locked.from_dong_id:
            raise SaramError("transfer_person_moved")
        person.dong_id = locked.to_dong_id
        person.household = None  # the household stays at the old address
        if locked.new_address:
            person.address = locked.new_address
        person.save(update_fields=["dong", "household", "address", "updated_at"])
        case_ids = list(
            Case.objects.filter(person=person, closed_at__isnull=True).values_list("id", flat=True)
        )
        Case.objects.filter(pk__in=case_ids).update(dong_id=locked.to_dong_id)
        Referral.objects.filter(case_id__in=case_ids).update(dong_id=locked.to_dong_id)
        for case in Case.objects.filter(pk__in=case_ids):
            case.workers.add(by)
        Assignment.objects.filter(person=person, status=AssignmentStatus.OPEN).update(
            status=AssignmentStatus.RETURNED, returned_reason="transferred_away"
        )
        locked.cases.add(*case_ids)
        locked.status = TransferStatus.ACCEPTED
        locked.accepted_by = by
        locked.accepted_at = now
        locked.acceptance_note = note.strip()[:300]
        locked.save()
        _audit(by, locked, AuditAction.UPDATE, _("이관 인수"), cases=case_ids)
    transfer.refresh_from_db()
    return transfer


def cancel_transfer(*, by: Any, transfer: Transfer, now: dt.datetime) -> Transfer:
    """The old dong withdraws a transfer not yet accepted (the person did not move after all)."""
    if transfer.from_dong_id not in scope_of(by).dong_ids(Can.MANAGE_PEOPLE):
        raise SaramError("transfer_forbidden")
    with transaction.atomic():
        locked = Transfer.objects.select_for_update().get(pk=transfer.pk)
        if locked.status != TransferStatus.PENDING:
            raise SaramError("transfer_not_pending")
        locked.status = TransferStatus.CANCELLED
        locked.save(update_fields=["status"])
        _audit(by, locked, AuditAction.UPDATE, _("이관 취소"))
    transfer.refresh_from_db()
    return transfer
