"""The append-only, hash-chained audit log: who saw or changed what, when and why.

Entries are chained with an HMAC keyed outside the database (see `core.engine.chain`), and each
committed entry leaves a signed checkpoint outside the database: a line in
`SARAM_AUDIT_CHECKPOINT_FILE` and, when `SARAM_AUDIT_SYSLOG` is set, the same line in syslog.
`saram audit verify` checks the chain, the head and every checkpoint.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
from collections.abc import Iterable, Iterator
from functools import cache
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from saram.core.engine.chain import (
    GENESIS,
    Checkpoint,
    Link,
    Verdict,
    check_checkpoints,
    link_hash,
    parse_checkpoint,
    sign_checkpoint,
    verify,
)
from saram.core.models import AuditAction, AuditEntry, AuditHead
from saram.core.personal_data import derived_key

checkpoint_log = logging.getLogger("saram.audit.checkpoint")


@cache
def _chain_key(master: str) -> bytes:
    return derived_key(master, b"saram audit chain v1")


@cache
def _checkpoint_key(master: str) -> bytes:
    return derived_key(master, b"saram audit checkpoint v1")


def chain_key() -> bytes:
    return _chain_key(settings.SARAM_AUDIT_KEY)


def checkpoint_key() -> bytes:
    return _checkpoint_key(settings.SARAM_AUDIT_KEY)


def checkpoint_path() -> Path:
    return Path(settings.SARAM_AUDIT_CHECKPOINT_FILE)


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
            purpose=str(purpose),
            detail=detail or {},
            prev_hash=head.last_hash,
        )
        keyed = link.seq >= head.keyed_from_seq
        digest = link_hash(link, chain_key() if keyed else None)
        entry = AuditEntry.objects.create(
            seq=link.seq,
            at=now,
            actor_id=actor_id,
            actor_name=actor_name,
            action=link.action,
            target_type=target_type,
            target_id=link.target_id,
            purpose=link.purpose,
            detail=link.detail,
            prev_hash=link.prev_hash,
            hash=digest,
        )
        AuditHead.objects.filter(pk=1).update(last_seq=link.seq, last_hash=digest)
        every = max(1, settings.SARAM_AUDIT_CHECKPOINT_EVERY)
        if keyed and link.seq % every == 0:
            checkpoint = Checkpoint(link.seq, digest, link.at, head.keyed_from_seq)
            # Only once the entry is committed: a rolled-back entry must leave no checkpoint.
            transaction.on_commit(lambda: write_checkpoint(checkpoint))
    return entry


def write_checkpoint(checkpoint: Checkpoint) -> None:
    """Append the signed checkpoint to the file (one short O_APPEND write: lines from several
    processes do not mix) and to syslog when configured."""
    line = sign_checkpoint(checkpoint, checkpoint_key()).as_line()
    path = checkpoint_path()
    # Readable by the service's user alone, like the data directory: the file tells who did
    # what and when.
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        os.write(fd, (line + "\n").encode())
    finally:
        os.close(fd)
    checkpoint_log.info("saram-audit-checkpoint %s", line)


def read_checkpoints(path: Path | None = None) -> Iterator[Checkpoint]:
    """The checkpoints in the file (lines that are not checkpoints, e.g. syslog prefixes, are
    read from their first `{`)."""
    path = path or checkpoint_path()
    if not path.exists():
        return
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            start = line.find("{")
            if start < 0:
                continue
            checkpoint = parse_checkpoint(line[start:])
            if checkpoint is not None:
                yield checkpoint


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


def verify_chain(checkpoints: Iterable[Checkpoint] | None = None) -> Verdict:
    """Check every entry against its hash and its predecessor, the tip against the head, and
    the chain against the signed checkpoints kept outside the database."""
    head = AuditHead.objects.filter(pk=1).first()
    keyed_from = head.keyed_from_seq if head else 1
    last_seq, last_hash = (head.last_seq, head.last_hash) if head else (0, GENESIS)
    points = list(read_checkpoints() if checkpoints is None else checkpoints)
    wanted = {cp.seq for cp in points}
    hashes: dict[int, str] = {}

    def remember(links: Iterator[Link]) -> Iterator[Link]:
        for link in links:
            if link.seq in wanted:
                hashes[link.seq] = link.hash
            yield link

    verdict = verify(remember(_links()), chain_key(), keyed_from=keyed_from)
    if not verdict.ok:
        return verdict
    if points:
        # The epoch start is in every checkpoint: moving it in the database is found here.
        by_points = check_checkpoints(
            points, checkpoint_key(), hashes=hashes, tip=verdict.checked, keyed_from=keyed_from
        )
        if not by_points.ok:
            return Verdict(False, verdict.checked, by_points.broken_at, by_points.reason)
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
    return Verdict(True, verdict.checked, reason=f"{len(points)} checkpoints")
