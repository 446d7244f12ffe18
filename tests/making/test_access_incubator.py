"""Every incubator, cluster and R&D route × method × role: allowed, refused (403/404/login), and
refused writes change nothing. The expected roles come from tests/access/routes_making.py."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from tests.access.routes_making import FOUNDERS_OWN, INCUBATOR_ROUTES, STAFF

from saram.core.models import Job, Organisation, OrganisationKind, Role
from saram.making import models as m

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", *[r.value for r in Role]]


def _counts() -> dict[str, Any]:
    return {
        "tenants": hash(
            tuple(
                m.Tenant.objects.order_by("pk").values_list(
                    "field", "room_id", "term_starts_on", "term_ends_on", "manager_id"
                )
            )
        ),
        "founders": hash(tuple(m.Founder.objects.order_by("pk").values_list("name", "user_id"))),
        "milestones": hash(
            tuple(
                m.Milestone.objects.order_by("pk").values_list(
                    "title", "due_on", "done_on", "progress_pct"
                )
            )
        ),
        "mentoring": hash(
            tuple(m.MentoringSession.objects.order_by("pk").values_list("at", "mentor", "topic"))
        ),
        "credits": m.CreditEntry.objects.count(),
        "members": hash(
            tuple(m.ClusterMember.objects.order_by("pk").values_list("role", "sector", "summary"))
        ),
        "projects": hash(
            tuple(m.RndProject.objects.order_by("pk").values_list("title", "funding_krw"))
        ),
        "partners": m.RndProject.partners.through.objects.count(),
        "jobs": Job.objects.count(),
        "organisations": hash(
            tuple(Organisation.objects.order_by("pk").values_list("name", "dong_id"))
        ),
    }


@pytest.fixture
def world(make_user: Any) -> dict[str, int]:
    org = Organisation.objects.create(kind=OrganisationKind.FIRM, name="카본랩")
    tenant = m.Tenant.objects.create(
        organisation=org,
        field="복합소재",
        term_starts_on=dt.date(2026, 3, 1),
        term_ends_on=dt.date(2028, 2, 28),
    )
    founder = m.Founder.objects.create(tenant=tenant, name="김창업", user=make_user(Role.CITIZEN))
    mentoring = m.MentoringSession.objects.create(
        tenant=tenant,
        at=timezone.now() + dt.timedelta(days=30),
        mentor="변리사",
        topic="특허 출원",
    )
    milestone = m.Milestone.objects.create(
        tenant=tenant, title="시제품 완성", due_on=dt.date(2026, 12, 31)
    )
    institute = Organisation.objects.create(kind=OrganisationKind.PUBLIC, name="탄소연구원")
    member = m.ClusterMember.objects.create(
        organisation=institute, role=m.ClusterRole.INSTITUTE, sector=m.ClusterSector.CARBON
    )
    project = m.RndProject.objects.create(
        title="탄소섬유 출력 시험",
        lead=member,
        starts_on=dt.date(2026, 1, 1),
        ends_on=dt.date(2027, 12, 31),
    )
    return {
        "tenant": tenant.pk,
        "milestone": milestone.pk,
        "mentoring": mentoring.pk,
        "founder": founder.pk,
        "member": member.pk,
        "project": project.pk,
    }


ARGS = {
    "making:tenant": "tenant",
    "making:tenant_edit": "tenant",
    "making:tenant_credit": "tenant",
    "making:founder_add": "tenant",
    "making:milestone_add": "tenant",
    "making:mentoring_add": "tenant",
    "making:milestone_progress": "milestone",
    "making:milestone_edit": "milestone",
    "making:milestone_remove": "milestone",
    "making:mentoring_edit": "mentoring",
    "making:mentoring_remove": "mentoring",
    "making:founder_edit": "founder",
    "making:founder_remove": "founder",
    "making:cluster_member": "member",
    "making:cluster_member_edit": "member",
    "making:project": "project",
    "making:project_edit": "project",
}

# A valid body for each write, so an allowed role's POST really writes and a refused role's
# refusal comes from the role, not from a missing field.
BODIES: dict[str, dict[str, Any]] = {
    "making:tenant_new": {
        "name": "새싹소재",
        "field": "탄소 부품",
        "term_starts_on": "2026-12-01",
        "term_ends_on": "2027-11-30",
    },
    "making:tenant_edit": {
        "name": "카본랩",
        "field": "복합소재 부품",
        "term_starts_on": "2026-03-01",
        "term_ends_on": "2028-02-28",
    },
    "making:tenant_credit": {"hours": "5"},
    "making:founder_add": {"name": "이공동", "title": "이사"},
    "making:milestone_add": {"title": "첫 판매", "due_on": "2027-03-31"},
    "making:mentoring_add": {"at": "2026-12-10T14:00", "mentor": "변리사", "topic": "특허"},
    "making:milestone_progress": {"progress_pct": "40"},
    "making:milestone_edit": {"title": "시제품 완성 (2차)", "due_on": "2027-01-31"},
    "making:mentoring_edit": {"at": "2030-01-10T14:00", "mentor": "세무사", "topic": "세무"},
    "making:founder_edit": {"name": "김창업가", "title": "대표", "login": ""},
    "making:cluster_member_new": {
        "name": "복합재대학",
        "role": "university",
        "sector": "carbon",
    },
    "making:cluster_member_edit": {
        "name": "탄소연구원",
        "role": "institute",
        "sector": "both",
        "summary": "바뀐 소개",
    },
}


def _url(name: str, world: dict[str, int]) -> str:
    key = ARGS.get(name)
    return reverse(name, args=[world[key]]) if key else reverse(name)


# A one-row file for each import, new each time (an upload is read once).
IMPORTS = {
    "making:cluster_member_import": "이름,구분,분야\n복합재연구소,연구기관,3D프린팅\n",
    "making:project_import": (
        "과제명,주관기관,시작일,종료일\n새 과제,탄소연구원,2026-01-01,2027-12-31\n"
    ),
}


def _body(name: str, world: dict[str, int]) -> dict[str, Any]:
    if name in IMPORTS:
        return {"file": SimpleUploadedFile("rows.csv", IMPORTS[name].encode(), "text/csv")}
    if name in ("making:project_new", "making:project_edit"):
        return {
            "title": "새 과제" if name == "making:project_new" else "바뀐 과제",
            "lead": world["member"],
            "funding_krw": "1000",
            "starts_on": "2026-01-01",
            "ends_on": "2027-12-31",
        }
    return BODIES.get(name, {})


@pytest.mark.parametrize("role", ROLES)
def test_every_route_answers_each_role_as_the_matrix_says(
    role: str, world: dict[str, int], client_as: Any
) -> None:
    client = Client() if role == "anonymous" else client_as(role)
    seen: dict[tuple[str, str], str] = {}
    expected: dict[tuple[str, str], str] = {}
    for name, methods in INCUBATOR_ROUTES.items():
        url = _url(name, world)
        for method, allowed in methods.items():
            before = _counts()
            body = _body(name, world)
            response = client.get(url) if method == "GET" else client.post(url, body)
            status = response.status_code
            to_login = status == 302 and "/accounts/login/" in response.get("Location", "")
            if status in (403, 404) or to_login:
                seen[(name, method)] = "refused" if status != 404 else "absent"
                assert _counts() == before, (name, method, role)
            else:
                assert status < 400, (name, method, role, status)
                seen[(name, method)] = "allowed"
            if role not in allowed:
                expected[(name, method)] = (
                    seen[(name, method)] if seen[(name, method)] != "allowed" else "refused"
                )
            elif role == "citizen" and name in FOUNDERS_OWN:
                # Not a founder of this firm: it does not exist for them.
                expected[(name, method)] = "absent"
            else:
                expected[(name, method)] = "allowed"
    assert seen == expected


@pytest.mark.parametrize("name", [n for n, ms in INCUBATOR_ROUTES.items() if "GET" not in ms])
def test_write_routes_refuse_get(name: str, world: dict[str, int], client_as: Any) -> None:
    before = _counts()
    response = client_as(STAFF).get(_url(name, world))
    assert response.status_code == 405
    assert _counts() == before


@pytest.mark.parametrize(
    "name", [n for n, ms in INCUBATOR_ROUTES.items() if "POST" in ms and "GET" in ms]
)
def test_allowed_writes_really_write(name: str, world: dict[str, int], client_as: Any) -> None:
    """The bodies above are valid: staff's POST changes something (so a refusal that changes
    nothing is a refusal, not a bad body)."""
    before = _counts()
    response = client_as(STAFF).post(_url(name, world), _body(name, world))
    assert response.status_code == 302, response.content.decode()[:2000]
    assert _counts() != before
