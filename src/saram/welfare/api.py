"""The welfare JSON API (/api/welfare/...), under the same scope and audit as the pages."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Router, Schema

from saram.core import audit
from saram.core.access import Can, not_found, scope_of
from saram.core.bounds import Limit, Offset
from saram.core.models import AuditAction
from saram.core.selectors import current_city
from saram.welfare import presenters, reasons, selectors
from saram.welfare.services import config, coverage, referrals, visits

router = Router(tags=["welfare"])


class SignalKindOut(Schema):
    code: str
    label_ko: str
    label_en: str
    unit: str
    weight_points: float
    cap_value: float
    half_life_days: float
    is_active: bool


class ConfigOut(Schema):
    version: int
    created_at: dt.datetime
    note: str
    kinds: list[SignalKindOut]


class OutreachLineOut(Schema):
    rank: int
    person_id: int
    name: str
    address: str
    score: float
    reasons: list[str]
    assignment_id: int | None
    assignment_status: str | None


class RoundOut(Schema):
    id: int
    dong_code: str
    number: int
    status: str
    model_kind: str
    config_version: int
    as_of: dt.date
    due_on: dt.date | None
    listed_count: int
    lines: list[OutreachLineOut]


class VisitCardOut(Schema):
    """What a committee member may know of a person given to them, and nothing more."""

    id: int
    name: str
    address: str
    phone: str
    purpose: str
    due_on: dt.date


class VisitIn(Schema):
    visited_at: dt.datetime
    outcome: str
    needs: list[str] = []
    note: str = ""


class VisitOut(Schema):
    id: int
    outcome: str
    visited_at: dt.datetime
    assignment_status: str


class ConcernIn(Schema):
    name: str
    address: str
    phone: str = ""
    description: str


class ConcernOut(Schema):
    id: int
    status: str


class ReferralOut(Schema):
    id: int
    resource: str
    status: str
    sent_at: dt.datetime
    decline_reason: str


class NoteOut(Schema):
    written_at: dt.datetime
    text: str


class CaseOut(Schema):
    id: int
    person_id: int
    person_name: str
    dong_code: str
    programme: str
    opened_at: dt.datetime
    closed_at: dt.datetime | None
    closure_reason: str
    needs: list[str]
    referrals: list[ReferralOut]
    notes: list[NoteOut]  # only for the case's workers; empty for anyone else


class CaseSummaryOut(Schema):
    id: int
    person_id: int
    person_name: str
    dong_code: str
    programme: str
    opened_at: dt.datetime


class ReferralIn(Schema):
    resource_id: int
    note: str = ""


class ReferralStatusIn(Schema):
    status: str
    decline_reason: str = ""
    note: str = ""


class ReasonCountOut(Schema):
    code: str
    label: str
    count: int


class CoverageOut(Schema):
    """A dong's funnel over the past year's rounds, as the coverage pages show it."""

    dong_code: str
    dong_name: str
    dong_name_en: str
    flagged: int
    listed: int
    reached: int
    assessed: int
    helped: int
    followed_up: int
    reached_pct: float | None  # reached against the flagged
    pending: int  # listed, not met, visit not yet due
    missed: int  # listed, due date passed without meeting them
    stops: list[ReasonCountOut]  # why listed people went no further
    not_listed: list[ReasonCountOut]  # why flagged people were not listed
    open_cases: int
    pending_referrals: int


class ResourceOut(Schema):
    id: int
    name: str
    kind: str
    provider: str
    needs: list[str]
    eligibility: str
    capacity: int | None
    contact: str


@router.get("/config", response=ConfigOut)
def current_config(request: HttpRequest) -> Any:
    """The current signal configuration version with every kind's weight."""
    scope = scope_of(request.user)
    if not (scope.can(Can.CONFIGURE) or scope.dong_ids(Can.VIEW_PEOPLE)):
        raise not_found()

    city = current_city()
    if city is None:
        raise not_found()
    found = config.ensure_default_config(city=city)
    return {
        "version": found.version,
        "created_at": found.created_at,
        "note": found.note,
        "kinds": [
            {
                "code": w.kind.code,
                "label_ko": w.kind.label_ko,
                "label_en": w.kind.label_en,
                "unit": w.kind.unit,
                "weight_points": w.weight_points,
                "cap_value": w.cap_value,
                "half_life_days": w.half_life_days,
                "is_active": w.is_active,
            }
            for w in selectors.config_weights(found)
        ],
    }


def _round_out(request: HttpRequest, round_: Any, offset: int, limit: int) -> dict[str, Any]:
    limit = max(1, min(limit, 500))
    entries = list(selectors.entries_for(request.user, round_)[offset : offset + limit])
    audit.record(
        actor=request.user,
        action=AuditAction.LIST,
        target_type="welfare_outreach",
        target_id=round_.pk,
        purpose="API: 발굴 목록",
        detail={"offset": offset, "shown": len(entries)},
    )
    kinds = reasons.kinds_by_code()
    return {
        "id": round_.pk,
        "dong_code": round_.dong.code,
        "number": round_.number,
        "status": round_.status,
        "model_kind": round_.model_kind,
        "config_version": round_.config.version,
        "as_of": round_.as_of,
        "due_on": round_.due_on,
        "listed_count": round_.listed_count,
        "lines": [
            {
                "rank": e.rank,
                "person_id": e.person.id,
                "name": e.person.name,
                "address": e.person.address,
                "score": e.score,
                "reasons": reasons.describe_all(e.reasons, kinds),
                "assignment_id": getattr(getattr(e, "assignment", None), "id", None),
                "assignment_status": getattr(getattr(e, "assignment", None), "status", None),
            }
            for e in entries
        ],
    }


@router.get("/outreach/{code}", response=RoundOut)
def latest_outreach(request: HttpRequest, code: str, offset: Offset = 0, limit: Limit = 100) -> Any:
    """The dong's latest outreach list, ranked, each line with its reasons."""
    dong = selectors.welfare_dong_for(request.user, code)
    round_ = selectors.latest_round(request.user, dong)
    if round_ is None:
        raise not_found()
    return _round_out(request, round_, offset, limit)


@router.get("/rounds/{round_id}", response=RoundOut)
def get_round(request: HttpRequest, round_id: int, offset: Offset = 0, limit: Limit = 100) -> Any:
    return _round_out(request, selectors.round_for(request.user, round_id), offset, limit)


@router.get("/my/visits", response=list[VisitCardOut])
def my_visits(request: HttpRequest) -> Any:
    """The visits given to the user: only name, address, phone, purpose and due date."""
    items = list(selectors.my_assignments(request.user))
    audit.record(
        actor=request.user,
        action=AuditAction.LIST,
        target_type="welfare_assignment",
        purpose="API: 맡은 방문 목록",
        detail={"shown": len(items)},
    )
    return [
        {
            "id": a.id,
            "name": a.person.name,
            "address": a.person.address,
            "phone": a.person.phone,
            "purpose": a.purpose,
            "due_on": a.due_on,
        }
        for a in items
    ]


@router.get("/my/visits/{assignment_id}", response=VisitCardOut)
def my_visit(request: HttpRequest, assignment_id: int) -> Any:
    """One visit given to the user, with only what the visit needs."""
    a = selectors.my_assignment(request.user, assignment_id)
    audit.record(
        actor=request.user,
        action=AuditAction.VIEW,
        target_type="person",
        target_id=a.person.id,
        purpose="API: 방문을 위한 연락처 확인",
        detail={"assignment": a.id},
    )
    return {
        "id": a.id,
        "name": a.person.name,
        "address": a.person.address,
        "phone": a.person.phone,
        "purpose": a.purpose,
        "due_on": a.due_on,
    }


@router.post("/my/visits/{assignment_id}", response=VisitOut)
def record_my_visit(request: HttpRequest, assignment_id: int, payload: VisitIn) -> Any:
    assignment = selectors.my_assignment(request.user, assignment_id)
    visit = visits.record_visit(
        by=request.user,
        assignment=assignment,
        visited_at=payload.visited_at,
        outcome=payload.outcome,
        needs=payload.needs,
        note=payload.note,
        now=timezone.now(),
    )
    return {
        "id": visit.pk,
        "outcome": visit.outcome,
        "visited_at": visit.visited_at,
        "assignment_status": assignment.status,
    }


@router.get("/concerns", response=list[ConcernOut])
def list_concerns(request: HttpRequest) -> Any:
    """New concerns of the officer's dongs; a committee member's own concerns."""
    return [
        {"id": c.pk, "status": visits.status_seen_by(request.user, c)}
        for c in selectors.concerns_for(request.user, status=None)[:500]
    ]


@router.post("/concerns", response=ConcernOut)
def report_concern(request: HttpRequest, payload: ConcernIn) -> Any:
    """A committee member's concern about a neighbour on no list yet."""
    concern = visits.report_concern(
        by=request.user,
        name=payload.name,
        address=payload.address,
        phone=payload.phone,
        description=payload.description,
        now=timezone.now(),
    )
    return {"id": concern.pk, "status": visits.status_seen_by(request.user, concern)}


@router.get("/cases", response=list[CaseSummaryOut])
def list_cases(request: HttpRequest, dong: str = "", closed: bool = False) -> Any:
    if not scope_of(request.user).dong_ids(Can.VIEW_PEOPLE):
        raise not_found()
    dong_obj = selectors.welfare_dong_for(request.user, dong) if dong else None
    found = list(selectors.cases_for(request.user, dong=dong_obj, open_only=not closed)[:500])
    audit.record(
        actor=request.user,
        action=AuditAction.LIST,
        target_type="welfare_case",
        purpose="API: 사례 목록",
        detail={"dong": dong, "shown": len(found)},
    )
    return [
        {
            "id": c.id,
            "person_id": c.person_id,
            "person_name": c.person.name,
            "dong_code": c.dong.code,
            "programme": c.programme,
            "opened_at": c.opened_at,
        }
        for c in found
    ]


@router.get("/cases/{case_id}", response=CaseOut)
def get_case(request: HttpRequest, case_id: int) -> Any:
    case = selectors.case_for(request.user, case_id)
    audit.record(
        actor=request.user,
        action=AuditAction.VIEW,
        target_type="welfare_case",
        target_id=case.pk,
        purpose="API: 사례 열람",
    )
    return {
        "id": case.pk,
        "person_id": case.person_id,
        "person_name": case.person.name,
        "dong_code": case.dong.code,
        "programme": case.programme,
        "opened_at": case.opened_at,
        "closed_at": case.closed_at,
        "closure_reason": case.closure_reason,
        "needs": [n.category for n in case.needs.all()],
        "referrals": [
            {
                "id": r.pk,
                "resource": r.resource.name,
                "status": r.status,
                "sent_at": r.sent_at,
                "decline_reason": r.decline_reason,
            }
            for r in selectors.referrals_of(case)
        ],
        "notes": [
            {"written_at": n.written_at, "text": n.text}
            for n in selectors.case_notes_for(request.user, case)
        ],
    }


def _referral_out(r: Any) -> dict[str, Any]:
    return {
        "id": r.pk,
        "resource": r.resource.name,
        "status": r.status,
        "sent_at": r.sent_at,
        "decline_reason": r.decline_reason,
    }


@router.get("/cases/{case_id}/referrals", response=list[ReferralOut])
def case_referrals(request: HttpRequest, case_id: int) -> Any:
    case = selectors.case_for(request.user, case_id)
    audit.record(
        actor=request.user,
        action=AuditAction.VIEW,
        target_type="welfare_case",
        target_id=case.pk,
        purpose="API: 사례 의뢰 열람",
    )
    return [_referral_out(r) for r in selectors.referrals_of(case)]


@router.get("/referrals/{referral_id}", response=ReferralOut)
def get_referral(request: HttpRequest, referral_id: int) -> Any:
    found = selectors.referral_for(request.user, referral_id)
    audit.record(
        actor=request.user,
        action=AuditAction.VIEW,
        target_type="welfare_case",
        target_id=found.case_id,
        purpose="API: 의뢰 열람",
        detail={"referral": found.pk},
    )
    return _referral_out(found)


@router.post("/cases/{case_id}/referrals", response=ReferralOut)
def refer(request: HttpRequest, case_id: int, payload: ReferralIn) -> Any:
    case = selectors.case_for(request.user, case_id)
    resource = selectors.resource_for(request.user, payload.resource_id)
    made = referrals.refer(
        by=request.user, case=case, resource=resource, note=payload.note, now=timezone.now()
    )
    return {
        "id": made.pk,
        "resource": resource.name,
        "status": made.status,
        "sent_at": made.sent_at,
        "decline_reason": made.decline_reason,
    }


@router.post("/referrals/{referral_id}", response=ReferralOut)
def update_referral(request: HttpRequest, referral_id: int, payload: ReferralStatusIn) -> Any:
    """The next step of a referral's loop: accepted, served or declined (with a reason)."""
    found = selectors.referral_for(request.user, referral_id)
    done = referrals.update_referral(
        by=request.user,
        referral=found,
        status=payload.status,
        decline_reason=payload.decline_reason,
        note=payload.note,
        now=timezone.now(),
    )
    return {
        "id": done.pk,
        "resource": done.resource.name,
        "status": done.status,
        "sent_at": done.sent_at,
        "decline_reason": done.decline_reason,
    }


@router.get("/coverage", response=list[CoverageOut])
def coverage_list(request: HttpRequest) -> Any:
    """The funnel per dong (aggregates only): the administrator's whole city, an officer's
    dongs; the same figures as the coverage pages."""
    dongs = list(selectors.coverage_dongs_for(request.user).order_by("code"))
    by_dong, _rows = coverage.coverage_of(dong_ids=[d.pk for d in dongs], now=timezone.now())
    return [presenters.coverage_record(d, by_dong[d.pk]) for d in dongs]


@router.get("/resources", response=list[ResourceOut])
def list_resources(request: HttpRequest, need: str = "") -> Any:
    scope = scope_of(request.user)
    if not (scope.can(Can.CONFIGURE) or scope.dong_ids(Can.VIEW_PEOPLE)):
        raise not_found()
    return [
        {
            "id": r.pk,
            "name": r.name,
            "kind": r.kind,
            "provider": r.provider,
            "needs": r.needs,
            "eligibility": r.eligibility,
            "capacity": r.capacity,
            "contact": r.contact,
        }
        for r in selectors.resources_for(request.user)
        if not need or need in r.needs
    ]
