"""Who may use welfare's pages and API: role values of `saram.core.models.Role`, or "anonymous"."""

from pathlib import Path
from typing import Any

from saram.core.models import Role

# Every signed-in role (areas, organisations and one's own jobs are open to all of them).
EVERYONE = {r.value for r in Role}

ROUTES: dict[str, dict[str, set[str]]] = {
    "/api/welfare/cases": {"GET": {"welfare_officer"}},
    "/api/welfare/cases/{case_id}": {"GET": {"welfare_officer"}},
    "/api/welfare/cases/{case_id}/referrals": {
        "GET": {"welfare_officer"},
        "POST": {"welfare_officer"},
    },
    # Lists answer every signed-in role with what its scope holds (often nothing).
    "/api/welfare/concerns": {"GET": EVERYONE, "POST": {"committee_member"}},
    "/api/welfare/config": {"GET": {"city_admin", "welfare_officer"}},
    "/api/welfare/coverage": {"GET": EVERYONE},
    "/api/welfare/my/visits": {"GET": EVERYONE},
    "/api/welfare/my/visits/{assignment_id}": {
        "GET": {"committee_member", "welfare_officer"},
        "POST": {"committee_member", "welfare_officer"},
    },
    "/api/welfare/outreach/{code}": {"GET": {"welfare_officer"}},
    "/api/welfare/referrals/{referral_id}": {
        "GET": {"welfare_officer"},
        "POST": {"welfare_officer"},
    },
    "/api/welfare/resources": {"GET": {"city_admin", "welfare_officer"}},
    "/api/welfare/rounds/{round_id}": {"GET": {"welfare_officer"}},
    "welfare:assignment_detail": {"GET": {"welfare_officer"}, "POST": {"welfare_officer"}},
    "welfare:case_action": {"POST": {"welfare_officer"}},
    "welfare:case_action_done": {"POST": {"welfare_officer"}},
    "welfare:case_close": {"POST": {"welfare_officer"}},
    "welfare:case_detail": {"GET": {"welfare_officer"}},
    "welfare:case_follow_up": {"POST": {"welfare_officer"}},
    "welfare:case_need": {"POST": {"welfare_officer"}},
    "welfare:case_need_met": {"POST": {"welfare_officer"}},
    "welfare:case_new": {"POST": {"welfare_officer"}},
    "welfare:case_note": {"POST": {"welfare_officer"}},
    "welfare:case_referral": {"POST": {"welfare_officer"}},
    "welfare:case_worker": {"POST": {"welfare_officer"}},
    "welfare:cases": {"GET": {"welfare_officer"}},
    "welfare:committee_detail": {"GET": {"city_admin", "welfare_officer"}, "POST": {"city_admin"}},
    "welfare:committees": {"GET": {"city_admin", "welfare_officer"}},
    "welfare:concern_detail": {"GET": {"welfare_officer"}, "POST": {"welfare_officer"}},
    "welfare:concerns": {"GET": {"welfare_officer"}},
    "welfare:config": {"GET": {"city_admin", "welfare_officer"}},
    "welfare:config_edit": {"GET": {"city_admin"}, "POST": {"city_admin"}},
    "welfare:config_version": {"GET": {"city_admin", "welfare_officer"}},
    "welfare:coverage": {
        "GET": {"city_admin", "procurement_officer", "social_economy_officer", "welfare_officer"}
    },
    "welfare:coverage_dong": {
        "GET": {"city_admin", "procurement_officer", "social_economy_officer", "welfare_officer"}
    },
    "welfare:coverage_geojson": {"GET": EVERYONE},
    "welfare:dong_settings": {
        "GET": {"city_admin", "welfare_officer"},
        "POST": {"city_admin", "welfare_officer"},
    },
    "welfare:home": {
        "GET": {
            "city_admin",
            "committee_member",
            "procurement_officer",
            "social_economy_officer",
            "welfare_officer",
        }
    },
    "welfare:import_accept": {"POST": {"welfare_officer"}},
    "welfare:import_detail": {"GET": {"city_admin", "welfare_officer"}},
    "welfare:import_errors": {"GET": {"welfare_officer"}},
    "welfare:imports": {
        "GET": {"city_admin", "welfare_officer"},
        "POST": {"city_admin", "welfare_officer"},
    },
    "welfare:kind_new": {"GET": {"city_admin"}, "POST": {"city_admin"}},
    "welfare:meeting_detail": {"GET": {"city_admin"}},
    "welfare:meeting_new": {"POST": {"city_admin", "welfare_officer"}},
    "welfare:member_end": {"POST": {"city_admin"}},
    "welfare:member_new": {"POST": {"city_admin"}},
    # The comparison of the two models: GET shows the last one, POST starts a task.
    "welfare:model_check": {
        "GET": {"city_admin", "welfare_officer"},
        "POST": {"city_admin", "welfare_officer"},
    },
    # Putting a stored learned model in use, or going back to points: the city administrator.
    "welfare:model_use": {"POST": {"city_admin"}},
    "welfare:model_points": {"POST": {"city_admin"}},
    # The funnel, 긴급 alerts, printed lists and members without a login (#12).
    # A dong's funnel is read by whoever reads its coverage (coverage_dong_for); only officers
    # of the dong see who is at each step.
    "welfare:funnel": {
        "GET": {"city_admin", "procurement_officer", "social_economy_officer", "welfare_officer"}
    },
    "welfare:alerts": {"GET": {"welfare_officer", "city_admin"}},
    "welfare:alert_detail": {
        "GET": {"welfare_officer", "city_admin"},
        "POST": {"welfare_officer", "city_admin"},
    },
    "welfare:my_urgent": {"POST": {"committee_member", "welfare_officer"}},
    "welfare:round_visit_list": {"GET": {"welfare_officer"}},
    "welfare:assign_member": {"POST": {"welfare_officer"}},
    "welfare:my": {"GET": {"committee_member", "welfare_officer"}},
    "welfare:my_concern": {"GET": {"committee_member"}, "POST": {"committee_member"}},
    "welfare:my_return": {"POST": {"committee_member", "welfare_officer"}},
    "welfare:my_visit": {
        "GET": {"committee_member", "welfare_officer"},
        "POST": {"committee_member", "welfare_officer"},
    },
    "welfare:outreach": {"GET": {"welfare_officer"}},
    "welfare:outreach_dong": {"GET": {"welfare_officer"}},
    "welfare:person": {"GET": {"welfare_officer"}},
    "welfare:referral_update": {"POST": {"welfare_officer"}},
    "welfare:resource_edit": {"GET": {"city_admin"}, "POST": {"city_admin"}},
    "welfare:resource_new": {"GET": {"city_admin"}, "POST": {"city_admin"}},
    "welfare:resources": {"GET": {"city_admin", "welfare_officer"}},
    "welfare:review_detail": {"GET": {"welfare_officer"}, "POST": {"welfare_officer"}},
    "welfare:reviews": {"GET": {"welfare_officer"}},
    "welfare:round_close": {"POST": {"welfare_officer"}},
    "welfare:round_detail": {"GET": {"welfare_officer"}},
    "welfare:round_plan": {"POST": {"welfare_officer"}},
    "welfare:round_start": {"POST": {"welfare_officer"}},
    "welfare:visits": {"GET": {"welfare_officer"}},
}


# Case work, consent, transfers, the public door and offline visits (#12): officers and team
# leads act only inside their dongs (404 outside).
OFFICERS = {"welfare_officer", "welfare_supervisor"}
VISITORS = {"committee_member", "welfare_officer", "welfare_supervisor"}
PUBLIC = {r.value for r in Role} | {"anonymous"}

ROUTES.update(
    {
        "welfare:cases": {"GET": OFFICERS},
        "welfare:case_new": {"POST": OFFICERS},
        "welfare:case_detail": {"GET": OFFICERS},
        "welfare:case_assess": {"POST": OFFICERS},
        "welfare:case_conference": {"POST": OFFICERS},
        "welfare:case_need": {"POST": OFFICERS},
        "welfare:case_need_met": {"POST": OFFICERS},
        "welfare:case_action": {"POST": OFFICERS},
        "welfare:case_action_done": {"POST": OFFICERS},
        "welfare:case_plan_approval": {"POST": OFFICERS},
        "welfare:case_note": {"POST": OFFICERS},
        "welfare:case_worker": {"POST": OFFICERS},
        "welfare:case_referral": {"POST": OFFICERS},
        "welfare:case_follow_up": {"POST": OFFICERS},
        "welfare:case_close": {"POST": OFFICERS},
        "welfare:approvals": {"GET": {"welfare_supervisor"}},
        "welfare:approval_decide": {"POST": {"welfare_supervisor"}},
        "welfare:referral_update": {"POST": OFFICERS},
        "welfare:resources": {"GET": {"city_admin", *OFFICERS}},
        "welfare:resource_new": {"GET": {"city_admin"}, "POST": {"city_admin"}},
        "welfare:resource_edit": {"GET": {"city_admin"}, "POST": {"city_admin"}},
        "welfare:person_consents": {"GET": OFFICERS, "POST": OFFICERS},
        "welfare:consent_withdraw": {"POST": OFFICERS},
        "welfare:consent_scan": {"GET": OFFICERS},
        "welfare:transfer_new": {"GET": OFFICERS, "POST": OFFICERS},
        "welfare:transfers": {"GET": OFFICERS},
        "welfare:transfer_accept": {"POST": OFFICERS},
        "welfare:transfer_cancel": {"POST": OFFICERS},
        # A move learned at the door without the new dong; a death learned otherwise.
        "welfare:move_task_close": {"POST": OFFICERS},
        "welfare:person_death": {"POST": OFFICERS},
        "welfare:help_queue": {"GET": OFFICERS},
        "welfare:help_request": {"GET": OFFICERS, "POST": OFFICERS},
        "welfare:conflicts": {"GET": OFFICERS},
        "welfare:conflict_resolve": {"POST": OFFICERS},
        # The public door: no login.
        "welfare:help": {"GET": PUBLIC, "POST": PUBLIC},
        "welfare:help_places": {"GET": PUBLIC},
        "welfare:help_done": {"GET": PUBLIC},
        "welfare:help_status": {"GET": PUBLIC},
        # The offline visit app: the shell, worker and manifest hold no personal data.
        "welfare:offline_bundle": {"GET": VISITORS},
        "welfare:offline_sync": {"POST": VISITORS},
        "welfare:offline_sw": {"GET": PUBLIC},
        "welfare:offline_manifest": {"GET": PUBLIC},
        "welfare:offline_app": {"GET": PUBLIC},
    }
)


def _imports(world: Any, role: str) -> tuple[list[int], list[int]]:
    """The officer's own import in dong A and the city-wide one inside; another dong's outside."""
    from saram.welfare.models import SignalImport

    mine, far = world.extra["imports"]
    citywide = SignalImport.objects.filter(dong__isnull=True).values_list("pk", flat=True)
    return [mine.pk, *citywide[:1]], [far.pk]


PARAMS: dict[str, Any] = {
    "signals": _imports,
    "reviews": "welfare.MatchReview",
    "rounds": "welfare.Round",
    "round_id": "welfare.Round",
    "visits": "welfare.Assignment",
    "my": "welfare.Assignment",
    "assignment_id": "welfare.Assignment",
    "cases": "welfare.Case",
    "case_id": "welfare.Case",
    "referrals": "welfare.Referral",
    "referral_id": "welfare.Referral",
    "resources": "welfare.Resource",
    "concerns": "welfare.Concern",
    "members": "welfare.CommitteeMember",
    "meetings": "welfare.Meeting",
    "config": "welfare.SignalConfig",
    "alerts": "welfare.Alert",
    "approvals": "welfare.CaseApproval",
    "conflicts": "welfare.SyncConflict",
    "help-requests": "welfare.HelpRequest",
    "models": "welfare.LearnedModel",
    "moves": "welfare.MoveTask",
}


def populate(world: Any) -> None:
    """A 긴급 alert and a move task on a resident of dong A and on one of another dong."""
    from django.utils import timezone

    from saram.core.models import Person
    from saram.welfare.models import Alert, AlertLevel, AlertReason, MoveTask

    now = timezone.now()
    _approvals(world, now)
    _learned_model(world, now)
    _door_and_sync(world, now)
    # Not a person whose details are a sentinel: the alert of dong A went unanswered up to the
    # city (which the city administrator then sees), the other stays with its dong's officer.
    sentinel_people = set(world.assigned.get("core.Person", {}).values())
    people = (
        Person.objects.filter(dong=world.dong_a)
        .exclude(pk__in=sentinel_people)
        .order_by("pk")
        .first(),
        Person.objects.exclude(dong=world.dong_a).order_by("pk").first(),
    )
    for person, level in zip(people, (AlertLevel.CITY, AlertLevel.OFFICER), strict=True):
        assert person is not None
        MoveTask.objects.create(
            person=person,
            dong=person.dong,
            learned_at=now,
            learned_by=world.users["welfare_officer"],
            due_on=now.date(),
        )
        Alert.objects.create(
            dong=person.dong,
            person=person,
            raised_at=now,
            reason=AlertReason.values[0],
            level=level,
            level_since=now,
        )


def _referral(world: Any) -> dict[str, Any]:
    from django.db.models import Q

    from saram.welfare.models import Referral, Resource

    # An open resource of the case's dong or the whole city, not yet referred for this case.
    case = world.extra["case"]
    resource = (
        Resource.objects.filter(Q(dong__isnull=True) | Q(dong=case.dong_id), is_active=True)
        .exclude(pk__in=Referral.objects.filter(case=case).values("resource_id"))
        .order_by("pk")
        .first()
    )
    return {"json": {"resource_id": resource.pk if resource else 0, "note": "연계"}}


def _need_met(world: Any) -> dict[str, Any]:
    return {"data": {"need": world.extra["need"].pk, "met": "1"}}


def _action_done(world: Any) -> dict[str, Any]:
    return {"data": {"action": world.extra["action"].pk}}


# Valid requests for routes that need a body (see tests/access/matrix.py `param_examples`).
EXAMPLES: dict[str, Any] = {
    "/api/welfare/cases/{case_id}/referrals POST": _referral,
    "/api/welfare/concerns POST": {
        "json": {"name": "이웃", "address": "어딘가 1", "description": "요즘 안 보입니다"}
    },
    "/api/welfare/my/visits/{assignment_id} POST": {
        "json": {"visited_at": "2025-06-30T09:00:00+09:00", "outcome": "met"}
    },
    "/api/welfare/referrals/{referral_id} POST": {"json": {"status": "accepted"}},
    "welfare:case_need_met POST": _need_met,
    "welfare:case_action_done POST": _action_done,
}

# 맞춤형복지팀장 works as an officer of the dong (and approves): wherever an officer may go, so
# may the team lead.
for _methods in ROUTES.values():
    for _roles in _methods.values():
        if "welfare_officer" in _roles:
            _roles.add("welfare_supervisor")


def _approvals(world: Any, now: Any) -> None:
    """A plan waiting for the team lead's approval on a case in dong A and one elsewhere."""
    from saram.welfare.models import ApprovalKind, Case, CaseApproval

    officer = world.users["welfare_officer"]
    for case in (
        Case.objects.filter(person__dong=world.dong_a).order_by("pk").first(),
        Case.objects.exclude(person__dong=world.dong_a).order_by("pk").first(),
    ):
        if case is not None:
            CaseApproval.objects.create(
                case=case, kind=ApprovalKind.values[0], requested_by=officer, requested_at=now
            )


def _learned_model(world: Any, now: Any) -> None:
    """A stored learned model of the city that beat the points model (choosable)."""
    from saram.welfare.models import LearnedModel
    from saram.welfare.services.config import ensure_default_config

    city = world.dong_a.city
    config = ensure_default_config(city=city)
    day = now.date()
    LearnedModel.objects.create(
        city=city,
        config=config,
        signal_codes=[],
        household_coefficients=[0.0, 0.0, 0.0],
        intercept=0.0,
        calibration_slope=-1.0,
        calibration_offset=0.0,
        trained_from=day,
        trained_to=day,
        held_out_from=day,
        held_out_to=day,
        k=20,
        metrics={
            "learned": {"listed": 1, "found": 1, "confirmed": 1},
            "points": {"listed": 1, "found": 0, "confirmed": 1},
        },
        is_better=True,
        fitted_at=now,
    )


def _transfers(world: Any, role: str) -> tuple[list[int], list[int]]:
    """A hand-over out of dong A inside (both sides see it); one between two other dongs outside.
    (The transfer's first dong field is where it comes from, so the default lookup would call a
    transfer into dong A "outside".)"""
    from django.db.models import Q

    from saram.welfare.models import Transfer

    a = world.dong_a.pk
    touching = Q(from_dong_id=a) | Q(to_dong_id=a)
    rows = Transfer.objects.order_by("pk")
    inside = rows.filter(touching).values_list("pk", flat=True)[:1]
    outside = rows.exclude(touching).values_list("pk", flat=True)[:1]
    return list(inside), list(outside)


def _consents(world: Any, role: str) -> tuple[list[int], list[int]]:
    """Signed consents (with their scan) of a resident of dong A, and of another dong's."""
    from saram.welfare.models import Consent

    rows = Consent.objects.exclude(scan="").order_by("pk")
    inside = rows.filter(person__dong=world.dong_a).values_list("pk", flat=True)[:1]
    outside = rows.exclude(person__dong=world.dong_a).values_list("pk", flat=True)[:1]
    return list(inside), list(outside)


PARAMS["transfers"] = _transfers
PARAMS["consents"] = _consents


def _door_and_sync(world: Any, now: Any) -> None:
    """For each side of dong A (inside, outside): a signed consent with its scan, a pending
    transfer of a resident to another dong, a help request from the public door and an offline
    visit that met an office edit (a sync conflict)."""
    import uuid

    from django.core.files.base import ContentFile

    from saram.core.models import Dong, Person
    from saram.welfare.models import Assignment, Consent, HelpRequest, SyncConflict, Transfer

    officer = world.users["welfare_officer"]
    member = world.users["committee_member"]
    today = now.date()
    # A resident of dong A with no pending transfer, and one of another dong that has an
    # assignment (so its sync conflict has one too).
    far_assignment = Assignment.objects.exclude(dong=world.dong_a).order_by("pk").first()
    near_assignment = Assignment.objects.filter(dong=world.dong_a).order_by("pk").first()
    assert far_assignment is not None and near_assignment is not None
    for n, assignment in enumerate((near_assignment, far_assignment)):
        dong = assignment.dong
        person = (
            Person.objects.filter(dong=dong)
            .exclude(welfare_transfers__status="pending")
            .order_by("-pk")
            .first()
        )
        assert person is not None
        consent = Consent(
            person=person,
            kind="third_party",
            scope="서비스 연계",
            given_on=today,
            method="signed",
            recorded_by=officer,
            recorded_at=now,
        )
        consent.scan.save(f"matrix-consent-{n}.pdf", ContentFile(b"%PDF-1.4 matrix"), save=False)
        consent.save()
        world.extra.setdefault("files", []).append(Path(consent.scan.path))
        # Out of dong A to another dong; elsewhere, between two dongs that are not dong A.
        to_dong = (
            Dong.objects.filter(city_id=dong.city_id)
            .exclude(pk__in=[dong.pk, world.dong_a.pk])
            .order_by("pk")
            .first()
        )
        assert to_dong is not None
        Transfer.objects.create(
            person=person,
            from_dong=dong,
            to_dong=to_dong,
            handover_note="인계",
            opened_by=officer,
            opened_at=now,
        )
        HelpRequest.objects.create(
            receipt=f"MATRIX{n:04d}",
            dong=dong,
            address="어딘가 1",
            about="neighbour",
            description="이웃이 요즘 안 보입니다",
            consented_at=now,
            received_at=now,
            due_on=today,
        )
        SyncConflict.objects.create(
            assignment=assignment,
            dong=dong,
            client_id=uuid.uuid4(),
            submitted_by=member,
            submitted_at=now,
            payload={"visited_at": now.isoformat(), "outcome": "met", "needs": [], "note": ""},
            seen_version="matrix-seen",
            office_version="matrix-office",
        )
