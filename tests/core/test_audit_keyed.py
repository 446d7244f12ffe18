"""An audit log that a database writer cannot rewrite: the chain is keyed with a secret outside
the database, and signed checkpoints outside the database catch a truncation."""

from __future__ import annotations

import hashlib
import json
import logging
import stat
from collections.abc import Callable
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from saram.core import audit
from saram.core.engine.chain import Link, link_hash
from saram.core.models import AuditEntry, AuditHead, Role


@pytest.fixture
def three(make_user: Any, django_capture_on_commit_callbacks: Callable[..., Any]) -> Any:
    """Three committed entries, each with its checkpoint written."""
    user = make_user(Role.CITY_ADMIN)
    with django_capture_on_commit_callbacks(execute=True):
        for n in range(3):
            audit.record(
                actor=user, action="view", target_type="person", target_id=n, purpose="test"
            )
    return user


def _plain_rewrite(changes: dict[int, dict[str, Any]], *, upto: int | None = None) -> None:
    """What an attacker with database access does: change entries, recompute every later hash
    with the (public) plain scheme, and move the head."""
    prev = "0" * 64
    rows = list(AuditEntry.objects.order_by("seq"))
    if upto is not None:
        rows = rows[:upto]
    for row in rows:
        for name, value in changes.get(row.seq, {}).items():
            setattr(row, name, value)
        link = Link(
            row.seq,
            audit._stamp(row.at),
            row.actor_id,
            row.actor_name,
            row.action,
            row.target_type,
            row.target_id,
            row.purpose,
            row.detail,
            prev,
        )
        digest = link_hash(link)
        with connection.cursor() as cur:
            cur.execute(
                "UPDATE core_auditentry SET actor_name=%s, prev_hash=%s, hash=%s WHERE seq=%s",
                [row.actor_name, prev, digest, row.seq],
            )
        prev = digest
    AuditHead.objects.filter(pk=1).update(last_seq=rows[-1].seq, last_hash=prev)


def test_the_untouched_chain_verifies_against_its_checkpoints(three: Any) -> None:
    verdict = audit.verify_chain()
    assert verdict.ok and verdict.checked == 3 and verdict.reason == "3 checkpoints"
    lines = audit.checkpoint_path().read_text().splitlines()
    assert [json.loads(line)["seq"] for line in lines] == [1, 2, 3]


def test_changing_an_actor_and_recomputing_every_hash_is_found(three: Any) -> None:
    _plain_rewrite({2: {"actor_name": "someone-else"}})
    verdict = audit.verify_chain()
    assert not verdict.ok and verdict.broken_at == 1  # even entry 1 is not keyed any more
    assert not audit.verify_chain([]).ok  # without the checkpoints too: the key is missing


def test_a_rewrite_with_a_guessed_key_is_found(three: Any) -> None:
    import hmac

    prev = "0" * 64
    for row in AuditEntry.objects.order_by("seq"):
        link = Link(
            row.seq,
            audit._stamp(row.at),
            row.actor_id,
            "x",
            row.action,
            row.target_type,
            row.target_id,
            row.purpose,
            row.detail,
            prev,
        )
        body = json.dumps(
            [
                link.seq,
                link.at,
                link.actor_id,
                "x",
                link.action,
                link.target_type,
                link.target_id,
                link.purpose,
                link.detail,
                prev,
            ],
            ensure_ascii=False,
            sort_keys=True,
            separators=(",", ":"),
        ).encode()
        digest = hmac.new(b"guess", body, hashlib.sha256).hexdigest()
        with connection.cursor() as cur:
            cur.execute(
                "UPDATE core_auditentry SET actor_name='x', prev_hash=%s, hash=%s WHERE seq=%s",
                [prev, digest, row.seq],
            )
        prev = digest
    AuditHead.objects.filter(pk=1).update(last_hash=prev)
    assert not audit.verify_chain().ok


def test_removing_the_last_entry_and_moving_the_head_back_is_found(three: Any) -> None:
    second = AuditEntry.objects.get(seq=2)
    with connection.cursor() as cur:
        cur.execute("DELETE FROM core_auditentry WHERE seq = 3")
    AuditHead.objects.filter(pk=1).update(last_seq=2, last_hash=second.hash)
    verdict = audit.verify_chain()
    assert not verdict.ok and "removed" in verdict.reason
    with pytest.raises(CommandError) as caught:
        call_command("audit", "verify")
    assert "removed" in str(caught.value)


def test_moving_the_key_epoch_to_allow_plain_hashes_is_found(three: Any) -> None:
    AuditHead.objects.filter(pk=1).update(keyed_from_seq=100)
    _plain_rewrite({3: {"actor_name": "someone-else"}})
    AuditHead.objects.filter(pk=1).update(keyed_from_seq=100)
    verdict = audit.verify_chain()
    assert not verdict.ok


def test_a_forged_checkpoint_is_refused(three: Any) -> None:
    path = audit.checkpoint_path()
    line = json.loads(path.read_text().splitlines()[-1])
    line["seq"] = 99
    path.write_text(path.read_text() + json.dumps(line) + "\n")
    verdict = audit.verify_chain()
    assert not verdict.ok and "signature" in verdict.reason


def test_entries_from_before_keying_still_verify_and_are_covered(
    make_user: Any, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    """An existing chain (plain SHA-256) migrated: the key epoch starts after its last entry."""
    user = make_user(Role.CITY_ADMIN)
    AuditHead.objects.create(pk=1, keyed_from_seq=3)
    with django_capture_on_commit_callbacks(execute=True):
        for n in range(4):
            audit.record(actor=user, action="view", target_type="p", target_id=n, purpose="t")
    first = AuditEntry.objects.get(seq=1)
    assert first.hash == link_hash(
        Link(1, audit._stamp(first.at), user.pk, user.username, "view", "p", "0", "t", {}, "0" * 64)
    )
    assert audit.verify_chain().ok
    _plain_rewrite({1: {"actor_name": "someone-else"}}, upto=2)  # rewrite the plain part only
    AuditHead.objects.filter(pk=1).update(last_seq=4, last_hash=AuditEntry.objects.get(seq=4).hash)
    verdict = audit.verify_chain()
    assert not verdict.ok and verdict.broken_at == 3


def test_the_command_says_how_many_checkpoints_matched(three: Any, capsys: Any) -> None:
    call_command("audit", "verify")
    assert "체크포인트 3건" in capsys.readouterr().out


def test_each_checkpoint_is_also_a_log_line_for_syslog(
    make_user: Any, django_capture_on_commit_callbacks: Callable[..., Any], caplog: Any
) -> None:
    user = make_user(Role.CITY_ADMIN)
    with (
        caplog.at_level(logging.INFO, logger="saram.audit.checkpoint"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        audit.record(actor=user, action="view", target_type="p", purpose="t")
    (message,) = [r.getMessage() for r in caplog.records if r.name == "saram.audit.checkpoint"]
    assert message.startswith("saram-audit-checkpoint {") and '"seq": 1' in message


def test_the_checkpoint_file_and_its_folder_are_the_service_users_alone(
    make_user: Any,
    django_capture_on_commit_callbacks: Callable[..., Any],
    settings: Any,
    tmp_path: Any,
) -> None:
    settings.SARAM_AUDIT_CHECKPOINT_FILE = tmp_path / "audit" / "checkpoints.log"
    with django_capture_on_commit_callbacks(execute=True):
        audit.record(actor=make_user(Role.CITY_ADMIN), action="view", target_type="p", purpose="t")
    path = settings.SARAM_AUDIT_CHECKPOINT_FILE
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
