"""The audit log's hash chain: how an entry's hash is made and how a chain is verified."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

GENESIS = "0" * 64


@dataclass(frozen=True)
class Link:
    seq: int
    at: str
    actor_id: int | None
    actor_name: str
    action: str
    target_type: str
    target_id: str
    purpose: str
    detail: dict[str, Any]
    prev_hash: str
    hash: str = ""


def link_hash(link: Link) -> str:
    body = [
        link.seq,
        link.at,
        link.actor_id,
        link.actor_name,
        link.action,
        link.target_type,
        link.target_id,
        link.purpose,
        link.detail,
        link.prev_hash,
    ]
    canonical = json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


@dataclass(frozen=True)
class Verdict:
    ok: bool
    checked: int
    broken_at: int | None = None
    reason: str = ""


def verify(links: Iterable[Link]) -> Verdict:
    """Walk the chain in sequence order; the first gap, edit or reordering breaks it."""
    prev_hash = GENESIS
    expected_seq = 1
    checked = 0
    for link in links:
        if link.seq != expected_seq:
            return Verdict(False, checked, link.seq, f"missing entry {expected_seq}")
        if link.prev_hash != prev_hash:
            return Verdict(False, checked, link.seq, "previous hash does not match")
        if link_hash(link) != link.hash:
            return Verdict(False, checked, link.seq, "entry was changed after it was written")
        prev_hash = link.hash
        expected_seq += 1
        checked += 1
    return Verdict(True, checked)
