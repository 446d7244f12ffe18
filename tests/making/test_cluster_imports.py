"""Cluster members and R&D projects arrive from a spreadsheet through core's import pipeline:
a template to fill, every bad row named with its column (and an error file to download),
nothing written unless every row is good, known entries updated."""

from __future__ import annotations

import io
from typing import Any

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from saram.core.models import AuditAction, AuditEntry, Job, Organisation, OrganisationKind, Role
from saram.making import models as m

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client_as: Any) -> Any:
    return client_as(Role.MAKING_STAFF)


def _upload(client: Any, route: str, text: str, capture: Any) -> Job:
    with capture(execute=True):
        response = client.post(
            reverse(route), {"file": SimpleUploadedFile("list.csv", text.encode("utf-8-sig"))}
        )
    assert response.status_code == 302, response.content[:500]
    job = Job.objects.filter(created_by=client.user).latest("created_at")
    assert response["Location"] == reverse("job_detail", args=[job.pk])
    return job


MEMBERS = (
    "이름,구분,분야,사업자등록번호,행정동코드,누리집,종업원수,위도,경도\n"
    "전주카본소재,기업,탄소·특수소재 복합재,1234567891,,example.kr,25,35.85,127.09\n"
    "전북복합재대학,대학,3D프린팅,,,,,,\n"
)


def test_the_pages_offer_the_import_and_its_template(staff_client: Any) -> None:
    page = staff_client.get(reverse("making:cluster_member_import")).content.decode()
    assert reverse("import_template", args=["making_cluster_members"]) in page
    template = staff_client.get(reverse("import_template", args=["making_rnd_projects"]))
    sheet = openpyxl.load_workbook(io.BytesIO(template.content)).worksheets[0]
    assert [c.value for c in sheet[1]][:4] == ["과제명", "주관기관", "참여기관", "지원기관"]
    cluster = staff_client.get(reverse("making:cluster")).content.decode()
    assert reverse("making:cluster_member_import") in cluster
    projects = staff_client.get(reverse("making:projects")).content.decode()
    assert reverse("making:project_import") in projects


def test_members_are_entered_on_cores_organisations_and_updated_on_a_second_file(
    staff_client: Any, django_capture_on_commit_callbacks: Any
) -> None:
    known = Organisation.objects.create(
        kind=OrganisationKind.FIRM, name="전주카본소재", business_number="1234567891"
    )
    job = _upload(
        staff_client, "making:cluster_member_import", MEMBERS, django_capture_on_commit_callbacks
    )
    assert job.status == "succeeded", job.result
    # The economy's organisation with that business number is the member: no second one.
    firm = m.ClusterMember.objects.get(organisation=known)
    assert Organisation.objects.filter(name="전주카본소재").count() == 1
    assert (firm.role, firm.website, firm.employees, firm.lat) == (
        "firm",
        "https://example.kr",
        25,
        35.85,
    )
    university = m.ClusterMember.objects.get(organisation__name="전북복합재대학")
    assert university.organisation.kind == OrganisationKind.SCHOOL
    _upload(
        staff_client,
        "making:cluster_member_import",
        MEMBERS.replace(",25,", ",40,"),
        django_capture_on_commit_callbacks,
    )
    assert m.ClusterMember.objects.count() == 2
    assert m.ClusterMember.objects.get(pk=firm.pk).employees == 40
    assert (
        AuditEntry.objects.filter(
            action=AuditAction.IMPORT, target_type="making_cluster_member"
        ).count()
        == 2
    )


def test_a_bad_member_file_names_every_bad_row_writes_nothing_and_offers_the_error_file(
    staff_client: Any, django_capture_on_commit_callbacks: Any
) -> None:
    bad = (
        "이름,구분,분야,사업자등록번호,행정동코드,누리집,위도,경도\n"
        "좋은기업,기업,3D프린팅,,,,,\n"
        "이상한기관,협회,3D프린팅,123,9999999999,,,\n"
        "좋은기업,기업,우주,,,not a url,36.1,\n"
    )
    job = _upload(
        staff_client, "making:cluster_member_import", bad, django_capture_on_commit_callbacks
    )
    assert job.status == "failed"
    errors = {(e["row"], e["field"], e.get("code")) for e in job.result["errors"]}
    assert errors == {
        (3, "구분", "making_import_unknown_choice"),
        (3, "사업자등록번호", "import_business_number"),
        (3, "행정동코드", "import_unknown_dong"),
        (4, "이름", "making_import_same_value"),
        (4, "분야", "making_import_unknown_choice"),
        (4, "누리집", "making_import_website"),
        (4, "경도", "making_import_both_degrees"),
    }
    assert not m.ClusterMember.objects.exists()
    page = staff_client.get(reverse("job_detail", args=[job.pk])).content.decode()
    assert "알 수 없는 값입니다. 쓸 수 있는 값: 기업, 연구기관, 대학, 공공기관" in page
    errors_csv = staff_client.get(reverse("job_errors", args=[job.pk]))
    text = b"".join(errors_csv.streaming_content).decode("utf-8-sig")
    assert "2행과 같은 값입니다" in text and "이상한기관" in text
    english = staff_client.get(
        reverse("job_detail", args=[job.pk]), HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert "Unknown value" in english


def test_projects_name_their_members_and_a_bad_row_stops_the_whole_file(
    staff_client: Any, django_capture_on_commit_callbacks: Any
) -> None:
    for name, number in (("탄소연구원", "2208162517"), ("전주카본소재", "")):
        org = Organisation.objects.create(
            kind=OrganisationKind.PUBLIC, name=name, business_number=number
        )
        m.ClusterMember.objects.create(organisation=org, role="institute", sector="carbon")
    good = (
        "과제명,주관기관,참여기관,지원기관,연구비(원),시작일,종료일,성과\n"
        '복합재 부품,탄소연구원,전주카본소재,산업부,"450,000,000원",2025-04-01,2027-12-31,시제품\n'
    )
    bad = good + (
        "노즐 개발,없는기관,전주카본소재; 모르는곳,,12,2026-01-01,2025-01-01,\n"
        "자기참여,220-81-62517,탄소연구원,,,2026.01.01,2026-13-01,\n"
    )
    job = _upload(staff_client, "making:project_import", bad, django_capture_on_commit_callbacks)
    assert job.status == "failed"
    errors = {(e["row"], e["field"], e.get("code")) for e in job.result["errors"]}
    assert errors == {
        (3, "주관기관", "making_import_unknown_member"),
        (3, "참여기관", "making_import_unknown_member"),
        (3, "종료일", "making_project_ends_before_start"),
        (4, "참여기관", "making_lead_is_partner"),  # the lead named by its number
        (4, "종료일", "making_import_date"),
    }
    assert not m.RndProject.objects.exists()
    job = _upload(staff_client, "making:project_import", good, django_capture_on_commit_callbacks)
    assert job.status == "succeeded", job.result
    project = m.RndProject.objects.get()
    assert (project.lead.organisation.name, project.funding_krw) == ("탄소연구원", 450_000_000)
    assert [p.organisation.name for p in project.partners.all()] == ["전주카본소재"]
