"""The matrix world: the demo city with rows of every app, built once per test module.

Built inside one transaction that is rolled back when the module ends, so no other test sees
it; each request of the matrix runs in its own savepoint, also rolled back.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import timezone, translation
from tests.module_db import module_transaction

from saram.core.models import Person, Role, RoleAssignment
from saram.core.services import demo
from saram.core.services.cities import load_city

from .matrix import ANONYMOUS, World, classification_modules

NOW = timezone.make_aware(dt.datetime(2025, 6, 30, 10, 0))

ASSIGNED_ADDRESS = "센티넬배정주소-8801"
ASSIGNED_PHONE = "010-8801-0001"
CASE_NOTE = "센티넬사례기록-8802"
FAR_ADDRESS = "센티넬다른동주소-8803"
FAR_PHONE = "010-8803-0003"
FAR_NOTE = "센티넬다른동사례-8804"
SENTINELS = {
    "assigned_address": ASSIGNED_ADDRESS,
    "assigned_phone": ASSIGNED_PHONE,
    "case_note": CASE_NOTE,
    "far_address": FAR_ADDRESS,
    "far_phone": FAR_PHONE,
    "far_note": FAR_NOTE,
}
# The officer of dong A sees its residents and the notes of their own case; the member of dong
# A sees the one resident assigned to them; nobody else sees a person's details.
VISIBLE = {role: frozenset[str]() for role in (*(r.value for r in Role), ANONYMOUS)}
VISIBLE[Role.WELFARE_OFFICER.value] = frozenset({ASSIGNED_ADDRESS, ASSIGNED_PHONE, CASE_NOTE})
VISIBLE[Role.WELFARE_SUPERVISOR.value] = VISIBLE[Role.WELFARE_OFFICER.value]
VISIBLE[Role.COMMITTEE_MEMBER.value] = frozenset({ASSIGNED_ADDRESS, ASSIGNED_PHONE})

DEMO_USERNAMES = {
    Role.CITY_ADMIN.value: "admin",
    Role.WELFARE_OFFICER.value: "officer",
    Role.COMMITTEE_MEMBER.value: "member",
    Role.PROCUREMENT_OFFICER.value: "procurement",
    Role.SOCIAL_ECONOMY_OFFICER.value: "socialeconomy",
    Role.MAKING_STAFF.value: "making",
    Role.INSTRUCTOR.value: "instructor",
    Role.CITIZEN.value: "citizen",
    Role.WELFARE_SUPERVISOR.value: "supervisor",
    Role.INCUBATOR_MANAGER.value: "incubator",
    Role.NUTRITIONIST.value: "nutritionist",
}


def _welfare(world: World) -> None:
    """Sentinels on welfare rows: the member's visit, a case of the officer, and far ones."""
    from saram.welfare.models import (
        Assignment,
        Case,
        CaseNeed,
        CaseNote,
        MatchReview,
        PlanAction,
        Resource,
        SignalImport,
        SignalKind,
    )
    from saram.welfare.services import cases, consent, referrals, signals, visits

    officer = world.users[Role.WELFARE_OFFICER.value]
    member = world.users[Role.COMMITTEE_MEMBER.value]
    # An open visit of the member and one of the officer, so that recording one can succeed.
    mine = (
        Assignment.objects.filter(assignee=member, dong=world.dong_a)
        .order_by("-status", "pk")  # "open" before "done"
        .first()
    )
    assert mine is not None, "the demo gives the committee member no visit"
    Assignment.objects.filter(pk=mine.pk).update(
        status="open", reached_at=None, reached_on=None, resolved_at=None, outcome=""
    )
    Person.objects.filter(pk=mine.person_id).update(address=ASSIGNED_ADDRESS, phone=ASSIGNED_PHONE)
    theirs = Assignment.objects.filter(assignee=officer).order_by("pk").first()
    if theirs is not None:
        Assignment.objects.filter(pk=theirs.pk).update(
            status="open", reached_at=None, reached_on=None, resolved_at=None, outcome=""
        )
    case = next(
        (c for c in Case.objects.filter(dong=world.dong_a) if cases.is_worker(officer, c)), None
    )
    if case is None:
        case = cases.open_case(by=officer, person=mine.person, programme="integrated", now=NOW)
    cases.add_note(by=officer, case=case, text=CASE_NOTE, now=NOW)
    need = CaseNeed.objects.create(case=case, category="food", detail="식사")
    action = PlanAction.objects.create(
        case=case, need=need, action="도시락 배달 연결", owner=officer, due_on=NOW.date()
    )
    resource = Resource.objects.order_by("pk").first()
    assert resource is not None
    # A referral shares the person's data with the provider: her consent is recorded first.
    consent.record_consent(
        by=officer,
        person=case.person,
        kind="third_party",
        scope="서비스 연계",
        given_on=timezone.localtime(NOW).date(),
        method="verbal",
        witness="이통장",
        now=NOW,
    )
    referral = referrals.refer(by=officer, case=case, resource=resource, now=NOW)
    world.extra.update(case=case, need=need, action=action)
    # The team lead works this case beside the officer (and so reads its notes), and has a visit
    # of their own in dong A, of a resident who is not the member's.
    supervisor = world.users[Role.WELFARE_SUPERVISOR.value]
    case.workers.add(supervisor)
    own = (
        Assignment.objects.filter(dong=world.dong_a)
        .exclude(pk__in=[mine.pk, *([theirs.pk] if theirs else [])])
        .exclude(person_id=mine.person_id)
        .order_by("pk")
        .first()
    )
    assert own is not None, "the demo has a single visit in dong A"
    Assignment.objects.filter(pk=own.pk).update(
        assignee=supervisor,
        status="open",
        reached_at=None,
        reached_on=None,
        resolved_at=None,
        outcome="",
    )
    visits.report_concern(
        by=member, name="걱정", address="어딘가", description="요즘 안 보입니다", now=NOW
    )
    far_case = Case.objects.exclude(dong=world.dong_a).order_by("pk").first()
    assert far_case is not None, "the demo has no case outside the officer's dong"
    CaseNote.objects.create(case=far_case, author=None, text=FAR_NOTE, written_at=NOW)
    far = (
        Person.objects.exclude(dong=world.dong_a)
        .filter(welfare_assignments__isnull=False)
        .order_by("pk")
        .first()
    )
    assert far is not None
    Person.objects.filter(pk=far.pk).update(address=FAR_ADDRESS, phone=FAR_PHONE)
    # A signal row waiting for a match review, in dong A and outside it.
    kind = SignalKind.objects.order_by("pk").first()
    assert kind is not None
    far_officer = RoleAssignment.objects.filter(role=Role.WELFARE_OFFICER, dong=far.dong).first()
    imports = []
    for dong, uploader in ((world.dong_a, officer), (far.dong, far_officer and far_officer.user)):
        batch = SignalImport.objects.create(
            city=dong.city,
            dong=dong,
            filename="signals.csv",
            uploaded_by=uploader,
            status="rejected",
            valid_count=1,
            error_count=1,
            row_count=1,
            review_count=1,
            errors=[{"row": 2, "field": "이름", "message": "값이 필요합니다.", "value": ""}],
        )
        imports.append(batch)
        MatchReview.objects.create(
            batch=batch,
            dong=dong,
            row_number=2,
            name="검토",
            kind=kind,
            observed_on=NOW.date(),
            value=1,
            candidates=[],
        )
    # The error file of the officer's own import (removed when the world goes): its masked bad
    # rows and their errors, kept as the import keeps them.
    import polars as pl

    from saram.core.engine.tabular import ROW
    from saram.core.imports import review

    key = signals.review_key(imports[0])
    review.keep_frame(
        key,
        pl.DataFrame({ROW: [2], "이름": [""]}),
        pl.DataFrame([{"row": 2, "field": "이름", "message": "값이 필요합니다.", "value": ""}]),
    )
    world.extra["files"] = list(review._paths(key))
    world.extra["imports"] = imports
    lead = Role.WELFARE_SUPERVISOR.value
    world.assigned["welfare.Assignment"] = {
        Role.COMMITTEE_MEMBER.value: mine.pk,
        **({Role.WELFARE_OFFICER.value: theirs.pk} if theirs else {}),
        lead: own.pk,
    }
    world.assigned["welfare.Case"] = {Role.WELFARE_OFFICER.value: case.pk, lead: case.pk}
    world.assigned["welfare.Referral"] = {
        Role.WELFARE_OFFICER.value: referral.pk,
        lead: referral.pk,
    }
    world.assigned["core.Person"] = {
        Role.WELFARE_OFFICER.value: mine.person_id,
        Role.COMMITTEE_MEMBER.value: mine.person_id,
        lead: mine.person_id,
    }


def build_world() -> World:
    city = load_city(settings.SARAM_CITY_DIR).city
    demo.load_demo(residents=300)
    from saram.core.management.commands.demo import app_demos

    for app_demo in app_demos():
        app_demo.load_demo(city=city, seed=demo.DEMO_SEED)
    users_by_name = get_user_model().objects.in_bulk(
        list(DEMO_USERNAMES.values()), field_name="username"
    )
    users = {role: users_by_name[name] for role, name in DEMO_USERNAMES.items()}
    dong_a = RoleAssignment.objects.get(user=users[Role.WELFARE_OFFICER.value]).dong
    assert dong_a is not None
    world = World(
        users=users,
        dong_a=dong_a,
        sentinels=SENTINELS,
        visible=VISIBLE,
        dong_scoped=frozenset(
            {
                Role.WELFARE_OFFICER.value,
                Role.WELFARE_SUPERVISOR.value,
                Role.COMMITTEE_MEMBER.value,
            }
        ),
    )
    _welfare(world)
    for module in classification_modules().values():
        populate = getattr(module, "populate", None)
        if populate is not None:
            populate(world)
    return world


# Building the world loads the demo of every app: once for test_matrix.py, which also runs the
# page-query walk (page_queries.py) over the same world.
@pytest.fixture(scope="module")
def world(django_db_setup: Any, django_db_blocker: Any) -> Iterator[World]:
    with module_transaction(django_db_blocker), translation.override("ko"):
        built = build_world()
        yield built
    for path in built.extra.get("files", []):
        path.unlink(missing_ok=True)
