"""The append-only, hash-chained audit log: who saw or changed what, when and why."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from django.db import transaction
from django.utils import timezone

from saram.core.engine.chain import GENESIS, Link, Verdict, link_hash, verify
from saram.core.models import AuditAction, AuditEntry, AuditHead


def record(
    *,
    actor: Any,
    action: AuditAction | str,
    target_type: str,
    target_id: str | int = "",
    purpose: str,
    detail: dict[str, Any] | None = None,
) -> AuditEntry:
    """Append one entry; the head row lock keeps the chain linear under concurrent writers."""
    actor_id = getattr(actor, "pk", None)
    actor_name = getattr(actor, "username", "") or "system"
    now = timezone.now()
    with transaction.atomic():
        head = AuditHead.objects.select_for_update().filter(pk=1).first()
        if head is None:
            head, _ = AuditHead.objects.get_or_create(pk=1)
            head = AuditHead.objects.select_for_update().get(pk=1)
        link = Link(
            seq=head.last_seq + 1,
            at=_stamp(now),
            actor_id=actor_id,
            actor_name=actor_name,
            action=str(action),
            target_type=target_type,
            target_id=str(target_id),
            purpose=purpose,
            detail=detail or {},
            prev_hash=head.last_hash,
        )
        digest = link_hash(link)
        entry = AuditEntry.objects.create(
            seq=link.seq,
            at=now,
            actor_id=actor_id,
            actor_name=actor_name,
            action=link.action,
            target_type=target_type,
            target_id=link.target_id,
            purpose=purpose,
            detail=link.detail,
            prev_hash=link.prev_hash,
            hash=digest,
        )
        AuditHead.objects.filter(pk=1).update(last_seq=link.seq, last_hash=digest)
    return entry


def _stamp(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).isoformat(timespec="microseconds")


def _links() -> Iterator[Link]:
    rows = AuditEntry.objects.order_by("seq").values_list(
        "seq",
        "at",
        "actor_id",
        "actor_name",
        "action",
        "target_type",
        "target_id",
        "purpose",
        "detail",
        "prev_hash",
        "hash",
    )
    for (
        seq,
        at,
        actor_id,
        actor_name,
        action,
        ttype,
        tid,
        purpose,
        detail,
        prev,
        h,
    ) in rows.iterator(chunk_size=5000):
        yield Link(
            seq, _stamp(at), actor_id, actor_name, action, ttype, tid, purpose, detail, prev, h
        )


def verify_chain() -> Verdict:
    """Check every entry against its hash and its predecessor, and the tip against the head."""
    verdict = verify(_links())
    if not verdict.ok:
        return verdict
    head = AuditHead.objects.filter(pk=1).first()
    last_seq, last_hash = (head.last_seq, head.last_hash) if head else (0, GENESIS)
    if verdict.checked != last_seq:
        return Verdict(
            False,
            verdict.checked,
            verdict.checked + 1,
            f"entries after {verdict.checked} were removed",
        )
    tip = AuditEntry.objects.filter(seq=last_seq).values_list("hash", flat=True).first()
    if last_seq and tip != last_hash:
        return Verdict(False, verdict.checked, last_seq, "the last entry was replaced")
    return verdict
