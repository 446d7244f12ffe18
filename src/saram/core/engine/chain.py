"""The audit log's hash chain: how an entry's hash is made and how a chain is verified.

Since key epoch 1 every entry's hash is an HMAC-SHA256 keyed with a secret that is not in the
database (derived from the deployment's keys), so that someone who can write to the database
cannot recompute the chain after changing an entry. Entries written before (epoch 0, plain
SHA-256; `seq < keyed_from`) are still verified with the old scheme, and they are covered by
the first keyed entry, whose HMAC includes the last plain hash.

Checkpoints (sequence, hash, time, `keyed_from`) are written outside the database, each signed
with another derived key: a truncation of the chain (rows removed from its end, the head moved
back) or a rewrite then disagrees with a checkpoint.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterable, Mapping
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


def _canonical(body: Any) -> bytes:
    return json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def link_hash(link: Link, key: bytes | None = None) -> str:
    """The entry's hash: HMAC-SHA256 under `key`, or plain SHA-256 (epoch 0) without one."""
    body = _canonical(
        [
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
    )
    if key is None:
        return hashlib.sha256(body).hexdigest()
    return hmac.new(key, body, hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class Verdict:
    ok: bool
    checked: int
    broken_at: int | None = None
    reason: str = ""


def verify(links: Iterable[Link], key: bytes | None = None, *, keyed_from: int = 1) -> Verdict:
    """Walk the chain in sequence order; the first gap, edit or reordering breaks it.

    Entries from `keyed_from` on are checked with `key`; earlier ones with plain SHA-256.
    Without a key every entry is checked as plain SHA-256 (the chain before epoch 1).
    """
    prev_hash = GENESIS
    expected_seq = 1
    checked = 0
    for link in links:
        if link.seq != expected_seq:
            return Verdict(False, checked, link.seq, f"missing entry {expected_seq}")
        if link.prev_hash != prev_hash:
            return Verdict(False, checked, link.seq, "previous hash does not match")
        entry_key = key if key is not None and link.seq >= keyed_from else None
        if not hmac.compare_digest(link_hash(link, entry_key), link.hash):
            return Verdict(False, checked, link.seq, "entry was changed after it was written")
        prev_hash = link.hash
        expected_seq += 1
        checked += 1
    return Verdict(True, checked)


@dataclass(frozen=True)
class Checkpoint:
    seq: int
    hash: str
    at: str
    keyed_from: int
    signature: str = ""

    def body(self) -> bytes:
        return _canonical([self.seq, self.hash, self.at, self.keyed_from])

    def as_line(self) -> str:
        return json.dumps(
            {
                "seq": self.seq,
                "hash": self.hash,
                "at": self.at,
                "keyed_from": self.keyed_from,
                "sig": self.signature,
            },
            sort_keys=True,
        )


def sign_checkpoint(checkpoint: Checkpoint, key: bytes) -> Checkpoint:
    sig = hmac.new(key, checkpoint.body(), hashlib.sha256).hexdigest()
    return Checkpoint(checkpoint.seq, checkpoint.hash, checkpoint.at, checkpoint.keyed_from, sig)


def parse_checkpoint(line: str) -> Checkpoint | None:
    """A checkpoint from one line of the checkpoint file; None for a line that is not one."""
    try:
        data = json.loads(line)
        return Checkpoint(
            int(data["seq"]),
            str(data["hash"]),
            str(data["at"]),
            int(data["keyed_from"]),
            str(data["sig"]),
        )
    except (ValueError, KeyError, TypeError):
        return None


def check_checkpoints(
    checkpoints: Iterable[Checkpoint],
    key: bytes,
    *,
    hashes: Mapping[int, str],
    tip: int,
    keyed_from: int,
) -> Verdict:
    """Every checkpoint must be signed with `key`, agree with the chain's hash at its sequence
    (`hashes`), lie within the chain (`tip`, its last sequence) and name the same epoch start."""
    count = 0
    for cp in checkpoints:
        expected = sign_checkpoint(cp, key).signature
        if not hmac.compare_digest(expected, cp.signature):
            return Verdict(False, count, cp.seq, "a checkpoint's signature does not match")
        if cp.keyed_from != keyed_from:
            return Verdict(False, count, cp.seq, "the key epoch differs from the checkpoints")
        if cp.seq > tip:
            return Verdict(False, count, tip + 1, f"entries after {tip} were removed")
        if hashes.get(cp.seq) != cp.hash:
            return Verdict(False, count, cp.seq, "entry differs from its checkpoint")
        count += 1
    return Verdict(True, count)
