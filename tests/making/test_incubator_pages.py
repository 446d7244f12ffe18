"""The incubator as its manager and a founder use it, and the cluster and R&D registry as staff
and the public use them: lists with filters and exports, forms that name the wrong field and
write nothing, a founder's own firm, audit of the pages that name founders."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from saram.core.models import AuditEntry, Organisation, OrganisationKind, Role
from saram.making import models as m

pytestmark = pytest.mark.django_db

TODAY = dt.datetime(2026, 12, 7, 9, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _frozen() -> Any:
    with time_machine.travel(TODAY, tick=False):
        yield


@pytest.fixture
def office(db: None) -> m.Room:
    return m.Room.objects.create(name="보육실 301", kind=m.Room.Kind.OFFICE, floor=3)


def _tenant(name: str, *, room: m.Room | None = None, founder: Any = None, **kw: Any) -> m.Tenant:
    org = Organisation.objects.create(kind=OrganisationKind.FIRM, name=name)
    tenant = m.Tenant.objects.create(
        organisation=org,
        field=kw.pop("field", "복합소재"),
        room=room,
        term_starts_on=kw.pop("starts", dt.date(2026, 3, 1)),
        term_ends_on=kw.pop("ends", dt.date(2028, 2, 28)),
    )
    m.Founder.objects.create(tenant=tenant, name=kw.pop("founder_name", "김창업"), user=founder)
    return tenant


@pytest.fixture
def manager(client_as: Any) -> Client:
    return client_as(Role.INCUBATOR_MANAGER)


# --- The manager's list ----------------------------------------------------------------------


def test_the_list_finds_a_tenant_by_its_founders_name_and_filters_overdue(
    manager: Client, office: m.Room
) -> None:
    carbon = _tenant("카본웍스", room=office, founder_name="박탄소")
    _tenant("메디프린트랩", founder_name="최의료")
    m.Milestone.objects.create(tenant=carbon, title="시제품", due_on=dt.date(2026, 11, 1))

    page = manager.get(reverse("making:incubator"), {"q": "박탄소"}).content.decode()
    assert "카본웍스" in page and "메디프린트랩" not in page

    overdue = manager.get(reverse("making:incubator"), {"overdue": "on"}).content.decode()
    assert "카본웍스" in overdue and "메디프린트랩" not in overdue
    # One office of one is taken today.
    assert "1 / 1" in overdue


def test_the_list_exports_csv_and_xlsx_and_the_export_is_audited(manager: Client) -> None:
    _tenant("카본웍스", founder_name="박탄소")
    response = manager.get(reverse("making:incubator"), {"format": "csv"})
    assert response["Content-Type"].startswith("text/csv")
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    assert text.splitlines()[0].startswith("입주 기업,사업 분야,창업자")
    assert "카본웍스,복합소재,박탄소" in text
    assert AuditEntry.objects.filter(target_type="making_tenant", action="export").count() == 1

    xlsx = manager.get(reverse("making:incubator"), {"format": "xlsx"})
    sheet = load_workbook(io.BytesIO(b"".join(xlsx.streaming_content))).active
    assert [c.value for c in sheet[2]][:3] == ["카본웍스", "복합소재", "박탄소"]


def test_a_founder_name_that_looks_like_a_formula_is_exported_as_text(manager: Client) -> None:
    _tenant("카본웍스", founder_name="=HYPERLINK(1)")
    exported = manager.get(reverse("making:incubator"), {"format": "csv"})
    text = b"".join(exported.streaming_content).decode("utf-8-sig")
    assert "'=HYPERLINK(1)" in text


def test_reading_a_tenant_page_is_audited(manager: Client) -> None:
    tenant = _tenant("카본웍스")
    assert manager.get(reverse("making:tenant", args=[tenant.pk])).status_code == 200
    assert AuditEntry.objects.filter(
        target_type="making_tenant", target_id=str(tenant.pk), action="view"
    ).exists()


# --- Creating and changing tenants -------------------------------------------------------------


def test_a_new_tenant_is_on_cores_organisation_with_its_business_number(
    manager: Client, office: m.Room
) -> None:
    response = manager.post(
        reverse("making:tenant_new"),
        {
            "name": "새싹소재",
            "business_number": "220-81-62517",
            "field": "탄소 부품",
            "room": office.pk,
            "term_starts_on": "2026-12-01",
            "term_ends_on": "2027-11-30",
        },
    )
    tenant = m.Tenant.objects.get(organisation__name="새싹소재")
    assert response.status_code == 302
    assert tenant.organisation.business_number == "2208162517"
    assert tenant.organisation.kind == OrganisationKind.FIRM


def test_an_office_already_taken_is_refused_on_the_room_field(
    manager: Client, office: m.Room
) -> None:
    _tenant("카본웍스", room=office)
    before = Organisation.objects.count()
    response = manager.post(
        reverse("making:tenant_new"),
        {
            "name": "새싹소재",
            "field": "탄소 부품",
            "room": office.pk,
            "term_starts_on": "2027-01-01",
            "term_ends_on": "2027-12-31",
        },
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "카본웍스" in errors["room"][0]
    assert m.Tenant.objects.count() == 1
    assert Organisation.objects.count() == before


@pytest.mark.parametrize(
    ("field", "value", "words"),
    [
        ("term_ends_on", "2026-11-30", "입주 만료일"),
        ("business_number", "123-45-67890", "사업자등록번호"),
    ],
)
def test_a_bad_field_is_named_and_nothing_is_written(
    manager: Client, field: str, value: str, words: str
) -> None:
    body = {
        "name": "새싹소재",
        "field": "탄소 부품",
        "term_starts_on": "2026-12-01",
        "term_ends_on": "2027-11-30",
        field: value,
    }
    response = manager.post(reverse("making:tenant_new"), body)
    assert response.status_code == 200
    assert words in response.context["form"].errors[field][0]
    assert not Organisation.objects.filter(name="새싹소재").exists()


def test_the_english_page_says_the_error_in_english(manager: Client) -> None:
    manager.cookies["django_language"] = "en"
    response = manager.post(
        reverse("making:tenant_new"),
        {
            "name": "새싹소재",
            "field": "탄소 부품",
            "term_starts_on": "2026-12-01",
            "term_ends_on": "2026-11-30",
        },
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert "must be later" in response.context["form"].errors["term_ends_on"][0]


def test_editing_a_tenant_changes_its_organisation_too(manager: Client) -> None:
    tenant = _tenant("카본웍스")
    manager.post(
        reverse("making:tenant_edit", args=[tenant.pk]),
        {
            "name": "카본웍스 주식회사",
            "field": "탄소 자전거 부품",
            "term_starts_on": "2026-03-01",
            "term_ends_on": "2028-06-30",
        },
    )
    tenant.refresh_from_db()
    assert tenant.organisation.name == "카본웍스 주식회사"
    assert tenant.term_ends_on == dt.date(2028, 6, 30)


# --- Milestones, mentoring, founders, credits (the manager) ------------------------------------


def test_the_manager_adds_a_milestone_a_mentoring_session_and_a_founder_with_a_login(
    manager: Client, make_user: Any
) -> None:
    tenant = _tenant("카본웍스")
    founder = make_user(Role.CITIZEN, username="lee-founder")
    manager.post(
        reverse("making:milestone_add", args=[tenant.pk]),
        {"title": "첫 판매", "due_on": "2027-03-31"},
    )
    manager.post(
        reverse("making:mentoring_add", args=[tenant.pk]),
        {"at": "2026-12-10T14:00", "mentor": "변리사", "topic": "특허 전략"},
    )
    manager.post(
        reverse("making:founder_add", args=[tenant.pk]),
        {"name": "이공동", "title": "이사", "login": "lee-founder"},
    )
    assert list(tenant.milestones.values_list("title", flat=True)) == ["첫 판매"]
    session = tenant.mentoring.get()
    assert session.at.astimezone(dt.timezone(dt.timedelta(hours=9))).hour == 14
    assert tenant.founders.filter(user=founder, name="이공동").exists()


def test_an_unknown_login_for_a_founder_is_refused_and_nothing_is_added(manager: Client) -> None:
    tenant = _tenant("카본웍스")
    response = manager.post(
        reverse("making:founder_add", args=[tenant.pk]),
        {"name": "이공동", "login": "nobody-here"},
        follow=True,
        HTTP_REFERER=reverse("making:tenant", args=[tenant.pk]),
    )
    assert "아이디" in response.content.decode()
    assert tenant.founders.count() == 1


# --- The founder's own firm ------------------------------------------------------------------


def test_a_founder_sees_their_firm_its_milestones_mentoring_and_credits(
    client_as: Any, staff: Any
) -> None:
    from saram.making.services import reservations

    client = client_as(Role.CITIZEN)
    tenant = _tenant("카본웍스", founder=client.user)
    _tenant("남의회사", founder_name="다른사람")
    m.Milestone.objects.create(
        tenant=tenant, title="시제품", due_on=dt.date(2027, 1, 31), progress_pct=40
    )
    m.MentoringSession.objects.create(
        tenant=tenant, at=TODAY - dt.timedelta(days=3), mentor="변리사", topic="특허 전략"
    )
    reservations.credit_tenant(by=staff, tenant=tenant, minutes=600, now=TODAY)

    page = client.get(reverse("making:company")).content.decode()
    assert "카본웍스" in page and "남의회사" not in page
    assert "시제품" in page and 'value="40"' in page
    assert "특허 전략" in page
    assert "잔액 10.0시간" in page
    assert "우리 회사" in client.get(reverse("making:mine")).content.decode()


def test_a_founder_reports_progress_and_100_marks_the_milestone_reached(client_as: Any) -> None:
    client = client_as(Role.CITIZEN)
    tenant = _tenant("카본웍스", founder=client.user)
    milestone = m.Milestone.objects.create(
        tenant=tenant, title="시제품", due_on=dt.date(2027, 1, 31)
    )
    client.post(reverse("making:milestone_progress", args=[milestone.pk]), {"progress_pct": "60"})
    milestone.refresh_from_db()
    assert (milestone.progress_pct, milestone.done_on) == (60, None)
    client.post(reverse("making:milestone_progress", args=[milestone.pk]), {"progress_pct": "100"})
    milestone.refresh_from_db()
    assert milestone.done_on == dt.date(2026, 12, 7)


def test_progress_beyond_100_is_refused_with_the_reason(client_as: Any) -> None:
    client = client_as(Role.CITIZEN)
    tenant = _tenant("카본웍스", founder=client.user)
    milestone = m.Milestone.objects.create(
        tenant=tenant, title="시제품", due_on=dt.date(2027, 1, 31)
    )
    response = client.post(
        reverse("making:milestone_progress", args=[milestone.pk]),
        {"progress_pct": "150"},
        follow=True,
        HTTP_REFERER=reverse("making:company"),
    )
    assert "0에서 100 사이" in response.content.decode()
    milestone.refresh_from_db()
    assert milestone.progress_pct == 0


def test_a_founder_cannot_touch_another_firms_milestone(client_as: Any) -> None:
    client = client_as(Role.CITIZEN)
    _tenant("카본웍스", founder=client.user)
    other = _tenant("남의회사")
    milestone = m.Milestone.objects.create(
        tenant=other, title="시제품", due_on=dt.date(2027, 1, 31)
    )
    response = client.post(
        reverse("making:milestone_progress", args=[milestone.pk]), {"progress_pct": "90"}
    )
    assert response.status_code == 404
    milestone.refresh_from_db()
    assert milestone.progress_pct == 0
    assert client.get(reverse("making:tenant", args=[other.pk])).status_code == 403


# --- Cluster and R&D ---------------------------------------------------------------------------


@pytest.fixture
def members(db: None) -> list[m.ClusterMember]:
    made = []
    for name, role, sector, kind in [
        ("탄소융합기술원", m.ClusterRole.INSTITUTE, m.ClusterSector.BOTH, OrganisationKind.PUBLIC),
        ("전북대학교", m.ClusterRole.UNIVERSITY, m.ClusterSector.CARBON, OrganisationKind.SCHOOL),
        ("출력공방", m.ClusterRole.FIRM, m.ClusterSector.PRINTING, OrganisationKind.FIRM),
    ]:
        org = Organisation.objects.create(kind=kind, name=name)
        made.append(m.ClusterMember.objects.create(organisation=org, role=role, sector=sector))
    return made


def test_staff_add_a_member_on_the_organisation_the_economy_already_knows(
    client_as: Any,
) -> None:
    known = Organisation.objects.create(
        kind=OrganisationKind.FIRM, name="카본소재", business_number="2208162517"
    )
    client = client_as(Role.MAKING_STAFF)
    response = client.post(
        reverse("making:cluster_member_new"),
        {
            "name": "카본소재 (주)",
            "business_number": "2208162517",
            "role": "firm",
            "sector": "carbon",
        },
    )
    assert response.status_code == 302
    member = m.ClusterMember.objects.get()
    assert member.organisation_id == known.pk
    again = client.post(
        reverse("making:cluster_member_new"),
        {"name": "카본소재", "business_number": "2208162517", "role": "firm", "sector": "carbon"},
    )
    assert "이미 클러스터 참여 기관" in again.context["form"].errors["name"][0]


def test_a_position_outside_korea_is_refused_on_its_field(client_as: Any) -> None:
    client = client_as(Role.MAKING_STAFF)
    response = client.post(
        reverse("making:cluster_member_new"),
        {"name": "먼기관", "role": "firm", "sector": "carbon", "lat": "51.5", "lng": "127"},
    )
    assert "lat" in response.context["form"].errors
    assert not m.ClusterMember.objects.exists()


def test_a_member_page_lists_the_projects_it_leads_and_joins(
    members: list[m.ClusterMember],
) -> None:
    led = m.RndProject.objects.create(
        title="복합재 차체",
        lead=members[0],
        starts_on=dt.date(2026, 1, 1),
        ends_on=dt.date(2027, 1, 1),
    )
    joined = m.RndProject.objects.create(
        title="강도 시험",
        lead=members[1],
        starts_on=dt.date(2026, 1, 1),
        ends_on=dt.date(2027, 1, 1),
    )
    joined.partners.add(members[0])
    page = Client().get(reverse("making:cluster_member", args=[members[0].pk])).content.decode()
    assert "복합재 차체" in page and "강도 시험" in page
    assert led.title in page.split("주관하는 R&D 과제")[1].split("참여하는 R&D 과제")[0]


def test_a_project_whose_lead_is_also_a_partner_is_refused_on_partners(
    client_as: Any, members: list[m.ClusterMember]
) -> None:
    client = client_as(Role.MAKING_STAFF)
    response = client.post(
        reverse("making:project_new"),
        {
            "title": "새 과제",
            "lead": members[0].pk,
            "partners": [members[0].pk, members[1].pk],
            "funding_krw": "100",
            "starts_on": "2026-01-01",
            "ends_on": "2025-12-31",
        },
    )
    errors = response.context["form"].errors
    assert "주관 기관" in errors["partners"][0]
    assert "종료일" in errors["ends_on"][0]
    assert not m.RndProject.objects.exists()


def test_the_project_directory_filters_by_member_and_state_and_exports(
    members: list[m.ClusterMember],
) -> None:
    ongoing = m.RndProject.objects.create(
        title="진행 과제",
        lead=members[1],
        funding_krw=5_000_000,
        starts_on=dt.date(2026, 1, 1),
        ends_on=dt.date(2027, 12, 31),
    )
    ongoing.partners.add(members[2])
    m.RndProject.objects.create(
        title="끝난 과제",
        lead=members[0],
        starts_on=dt.date(2020, 1, 1),
        ends_on=dt.date(2021, 1, 1),
    )
    page = Client().get(reverse("making:projects"), {"member": members[2].pk}).content.decode()
    assert "진행 과제" in page and "끝난 과제" not in page
    ended = Client().get(reverse("making:projects"), {"status": "ended"}).content.decode()
    assert "끝난 과제" in ended and "진행 과제" not in ended
    exported = Client().get(reverse("making:projects"), {"format": "csv", "status": "ongoing"})
    text = b"".join(exported.streaming_content).decode("utf-8-sig")
    assert "진행 과제,전북대학교,출력공방,,5000000,2026-01-01,2027-12-31,진행 중" in text


def test_the_cluster_directory_links_each_member_and_counts_fields(
    members: list[m.ClusterMember],
) -> None:
    page = Client().get(reverse("making:cluster"), {"sector": "carbon"}).content.decode()
    assert reverse("making:cluster_member", args=[members[1].pk]) in page
    assert "탄소·특수소재 복합재 1곳" in page


# --- Query counts: a page does not grow a query per row ----------------------------------------


def _queries(client: Client, url: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_incubator_list_costs_the_same_for_two_tenants_or_six(
    manager: Client, office: m.Room
) -> None:
    for i in range(2):
        t = _tenant(f"기업{i}")
        m.Milestone.objects.create(tenant=t, title="목표", due_on=dt.date(2027, 1, 1))
    url = reverse("making:incubator")
    manager.get(url)
    few = _queries(manager, url)
    for i in range(2, 6):
        t = _tenant(f"기업{i}")
        m.Milestone.objects.create(tenant=t, title="목표", due_on=dt.date(2027, 1, 1))
    assert _queries(manager, url) == few


def test_the_cluster_and_project_directories_cost_the_same_for_more_rows(
    members: list[m.ClusterMember],
) -> None:
    client = Client()
    m.RndProject.objects.create(
        title="과제0", lead=members[0], starts_on=dt.date(2026, 1, 1), ends_on=dt.date(2027, 1, 1)
    )
    few = (
        _queries(client, reverse("making:cluster")),
        _queries(client, reverse("making:projects")),
    )
    for i in range(1, 5):
        org = Organisation.objects.create(kind=OrganisationKind.FIRM, name=f"추가기업{i}")
        extra = m.ClusterMember.objects.create(
            organisation=org, role=m.ClusterRole.FIRM, sector=m.ClusterSector.PRINTING
        )
        project = m.RndProject.objects.create(
            title=f"과제{i}", lead=extra, starts_on=dt.date(2026, 1, 1), ends_on=dt.date(2027, 1, 1)
        )
        project.partners.add(members[1])
    many = (
        _queries(client, reverse("making:cluster")),
        _queries(client, reverse("making:projects")),
    )
    assert many == few


def test_a_tenant_named_like_a_known_firm_joins_it_without_changing_it(manager: Client) -> None:
    from saram.core.models import Dong

    dong = Dong.objects.order_by("pk").first()
    known = Organisation.objects.create(
        kind=OrganisationKind.FIRM, name="새싹소재", dong=dong, phone="063-000-0000"
    )
    manager.post(
        reverse("making:tenant_new"),
        {
            "name": "새싹소재",
            "field": "탄소 부품",
            "term_starts_on": "2026-12-01",
            "term_ends_on": "2027-11-30",
        },
    )
    known.refresh_from_db()
    assert m.Tenant.objects.get().organisation_id == known.pk
    assert known.dong == dong
