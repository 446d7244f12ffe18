"""Visits recorded offline: what a committee member's phone keeps (only what the visit page
shows, expiring) and how the visits queued on it are stored when it is back online.

Each queued item carries its own id (a UUID made on the phone), so sending it twice stores it
once, and the version of the assignment the phone saw. When the office changed the assignment
meanwhile (another visit recorded, returned, given to someone else), the offline visit is kept
as a conflict for the officer to decide, never written over the office's record.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _

from saram.core import audit
from saram.core.access import Can, scope_of
from saram.core.errors import SaramError
from saram.core.models import AuditAction
from saram.welfare.models import Assignment, AssignmentStatus, SyncConflict, Visit
from saram.welfare.services.visits import record_visit

# How long the phone may keep the people of its round before it must fetch them again.
CACHE_HOURS = 72
MAX_ITEMS = 500

# Other kinds of queued item (e.g. 긴급) register a handler: (by, assignment, item, now) -> None.
Handler = Callable[[Any, Assignment, Mapping[str, Any], dt.datetime], None]
_HANDLERS: dict[str, Handler] = {}


def register_kind(kind: str, handler: Handler) -> None:
    """Let another welfare service accept queued items of `kind` (stored once per item id)."""
    _HANDLERS[kind] = handler


def assignment_version(*, assignee_id: int, due_on: dt.date, status: str, others: int) -> str:
    """What the office may change under the phone: the visitor, the due date, a return, and
    visits recorded by anyone else."""
    returned = status == AssignmentStatus.RETURNED
    raw = f"{assignee_id}|{due_on.isoformat()}|{int(returned)}|{others}"
    return hashlib.sha256(raw.encode()).hexdigest()[:16]


def _with_others(qs: Any, user_id: int) -> Any:
    return qs.annotate(others=Count("visits", filter=~Q(visits__visitor_id=user_id)))


def offline_bundle(*, by: Any, now: dt.datetime) -> dict[str, Any]:
    """The member's open visits, with only what the visit page shows, and when to forget them."""
    dong_ids = scope_of(by).dong_ids(Can.VISIT_ASSIGNED) | scope_of(by).dong_ids(Can.MANAGE_PEOPLE)
    rows = _with_others(
        Assignment.objects.filter(
            assignee_id=by.pk, dong_id__in=dong_ids, status=AssignmentStatus.OPEN
        ),
        by.pk,
    ).values(
        "id",
        "assignee_id",
        "due_on",
        "status",
        "purpose",
        "others",
        "person__name",
        "person__address",
        "person__phone",
    )
    people = [
        {
            "id": r["id"],
            "name": r["person__name"],
            "address": r["person__address"],
            "phone": r["person__phone"],
            "purpose": r["purpose"],
            "due_on": r["due_on"].isoformat(),
            "version": assignment_version(
                assignee_id=r["assignee_id"],
                due_on=r["due_on"],
                status=r["status"],
                others=r["others"],
            ),
        }
        for r in rows.order_by("due_on", "id")
    ]
    audit.record(
        actor=by,
        action=AuditAction.LIST,
        target_type="welfare_assignment",
        purpose=str(_("오프라인 방문 목록 내려받기")),
        detail={"shown": len(people)},
    )
    return {
        "user": by.pk,
        "fetched_at": now.isoformat(),
        "expires_at": (now + dt.timedelta(hours=CACHE_HOURS)).isoformat(),
        "assignments": people,
    }


def _parse(item: Mapping[str, Any]) -> tuple[uuid.UUID, str, int]:
    try:
        client_id = uuid.UUID(str(item.get("id", "")))
        kind = str(item.get("kind", "visit"))
        assignment_id = int(item.get("assignment", 0))
    except (TypeError, ValueError):
        raise SaramError("sync_bad_item") from None
    return client_id, kind, assignment_id


def _store_visit(
    by: Any,
    assignment: Assignment,
    client_id: uuid.UUID,
    item: Mapping[str, Any],
    now: dt.datetime,
) -> str:
    visited_at = parse_datetime(str(item.get("visited_at", "")))
    if visited_at is None:
        raise SaramError("sync_bad_item")
    if timezone.is_naive(visited_at):
        visited_at = timezone.make_aware(visited_at)
    current = assignment_version(
        assignee_id=assignment.assignee_id,
        due_on=assignment.due_on,
        status=assignment.status,
        others=assignment.others,  # type: ignore[attr-defined]
    )
    seen = str(item.get("version", ""))[:80]
    payload = {
        "visited_at": visited_at.isoformat(),
        "outcome": str(item.get("outcome", "")),
        "needs": [str(n) for n in item.get("needs") or []],
        "note": str(item.get("note", ""))[:2000],
    }
    if current != seen or assignment.assignee_id != by.pk:
        conflict = SyncConflict.objects.create(
            assignment=assignment,
            dong_id=assignment.dong_id,
            client_id=client_id,
            submitted_by=by,
            submitted_at=now,
            payload=payload,
            seen_version=seen,
            office_version=current,
        )
        audit.record(
            actor=by,
            action=AuditAction.CREATE,
            target_type="welfare_visit",
            target_id=f"conflict-{conflict.pk}",
            purpose=str(_("오프라인 방문 충돌 보관")),
            detail={"assignment": assignment.pk},
        )
        return "conflict"
    visit = record_visit(
        by=by,
        assignment=assignment,
        visited_at=visited_at,
        outcome=payload["outcome"],
        needs=payload["needs"],
        note=payload["note"],
        now=now,
    )
    Visit.objects.filter(pk=visit.pk).update(client_id=client_id)
    return "stored"


def sync(*, by: Any, items: Iterable[Mapping[str, Any]], now: dt.datetime) -> list[dict[str, Any]]:
    """Store each queued item once; answer per item: stored, duplicate (already stored),
    conflict (kept for the officer) or error (with its message; the phone keeps it).

    One transaction for the batch (a phone back online sends its whole queue), a savepoint per
    item: a bad item is answered with its error and the others are stored."""
    if not (scope_of(by).can(Can.VISIT_ASSIGNED) or scope_of(by).dong_ids(Can.MANAGE_PEOPLE)):
        raise SaramError("sync_forbidden")
    items = list(items)
    if len(items) > MAX_ITEMS:
        raise SaramError("sync_too_many", limit=MAX_ITEMS)
    dong_ids = scope_of(by).dong_ids(Can.VISIT_ASSIGNED) | scope_of(by).dong_ids(Can.MANAGE_PEOPLE)
    parsed: list[tuple[str, Any]] = []
    for item in items:
        raw_id = str(item.get("id", "")) if isinstance(item, Mapping) else ""
        try:
            if not isinstance(item, Mapping):
                raise SaramError("sync_bad_item")
            parsed.append((raw_id, (_parse(item), item)))
        except SaramError as exc:
            parsed.append((raw_id, exc))
    ids = [p[1][0][0] for p in parsed if not isinstance(p[1], SaramError)]
    wanted = {p[1][0][2] for p in parsed if not isinstance(p[1], SaramError)}
    results: list[dict[str, Any]] = []
    with transaction.atomic():
        known = set(
            Visit.objects.filter(client_id__in=ids).values_list("client_id", flat=True)
        ) | set(SyncConflict.objects.filter(client_id__in=ids).values_list("client_id", flat=True))
        assignments = {
            a.pk: a
            for a in _with_others(
                Assignment.objects.filter(pk__in=wanted, dong_id__in=dong_ids), by.pk
            )
        }
        for raw_id, entry in parsed:
            try:
                if isinstance(entry, SaramError):
                    raise entry
                (client_id, kind, assignment_id), item = entry
                if client_id in known:
                    results.append({"id": raw_id, "status": "duplicate"})
                    continue
                # The member's own visits, or ones of their dong given to someone else by
                # the office meanwhile (kept as a conflict, never written).
                assignment = assignments.get(assignment_id)
                if assignment is None or not (
                    assignment.assignee_id == by.pk or _was_assigned(by, assignment)
                ):
                    raise SaramError("sync_not_yours")
                with transaction.atomic():
                    if kind == "visit":
                        status = _store_visit(by, assignment, client_id, item, now)
                    elif kind in _HANDLERS:
                        _HANDLERS[kind](by, assignment, item, now)
                        status = "stored"
                    else:
                        raise SaramError("sync_unknown_kind")
                known.add(client_id)
                results.append({"id": raw_id, "status": status})
            except IntegrityError:
                results.append({"id": raw_id, "status": "duplicate"})
            except SaramError as exc:
                results.append(
                    {"id": raw_id, "status": "error", "code": exc.code, "message": exc.message}
                )
    return results


def _was_assigned(by: Any, assignment: Assignment) -> bool:
    """The assignment was the member's until the office gave it to someone else (the audit log
    keeps who was assigned; the round's entry keeps the dong). A member of the dong may report
    on it: the visit becomes a conflict, never a write."""
    return assignment.dong_id in scope_of(by).dong_ids(Can.VISIT_ASSIGNED)


def resolve_conflict(
    *, by: Any, conflict: SyncConflict, keep: bool, now: dt.datetime
) -> SyncConflict:
    """The officer keeps the offline visit (recorded as a visit of the person, beside the
    office's record, never replacing it) or discards it."""
    if conflict.dong_id not in scope_of(by).dong_ids(Can.MANAGE_PEOPLE):
        raise SaramError("sync_forbidden")
    with transaction.atomic():
        locked = SyncConflict.objects.select_for_update().get(pk=conflict.pk)
        if locked.resolved_at is not None:
            raise SaramError("sync_conflict_resolved")
        if keep:
            data = locked.payload
            visited_at = parse_datetime(data["visited_at"])
            assert visited_at is not None
            assignment = locked.assignment
            visit = Visit.objects.create(
                person_id=assignment.person_id,
                dong_id=assignment.dong_id,
                assignment=assignment,
                visitor=locked.submitted_by,
                visited_at=visited_at,
                outcome=data["outcome"],
                needs=data["needs"] if data["outcome"] == "met" else [],
                note=data["note"],
                client_id=locked.client_id,
            )
            locked.visit = visit
        locked.resolution = "kept" if keep else "discarded"
        locked.resolved_by = by
        locked.resolved_at = now
        locked.save()
        audit.record(
            actor=by,
            action=AuditAction.UPDATE,
            target_type="welfare_visit",
            target_id=f"conflict-{locked.pk}",
            purpose=str(_("오프라인 방문 충돌 처리")),
            detail={"resolution": locked.resolution},
        )
    conflict.refresh_from_db()
    return conflict
