"""Machines and materials arrive from a spreadsheet through core's import pipeline: a template
to fill, every bad row named with its column, nothing written unless every row is good."""

from __future__ import annotations

import io
from typing import Any

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from saram.core.models import Job, Role
from saram.making import models as m

pytestmark = pytest.mark.django_db(transaction=True)


def _upload(client: Any, route: str, text: str, name: str = "list.csv") -> Job:
    response = client.post(
        reverse(route), {"file": SimpleUploadedFile(name, text.encode("utf-8-sig"))}
    )
    assert response.status_code == 302, response.content[:500]
    return Job.objects.get(created_by=client.user)


MATERIALS = (
    "코드,이름,종류,색상,밀도(g/cm³),kg당가격(원),재주문기준(g),입고량(g)\n"
    "PLA-W,PLA,PLA,흰색,1.24,25000,500,3000\n"
    'CF-NY,탄소섬유 나일론,탄소섬유 나일론,검정,1.2,"180,000",200,\n'
)


def test_materials_are_imported_with_their_stock_received(client_as: Any) -> None:
    client = client_as(Role.MAKING_STAFF)
    job = _upload(client, "making:material_import", MATERIALS)
    assert job.status == "succeeded", job.result
    assert job.result["imported"] == 2
    pla = m.Material.objects.get(code="PLA-W")
    assert (pla.stock_g, pla.price_per_kg_krw) == (3000, 25_000)
    assert m.Material.objects.get(code="CF-NY").kind == "nylon_cf"
    assert pla.movements.get().reason == "purchase"


def test_importing_the_same_codes_again_updates_them(client_as: Any) -> None:
    client = client_as(Role.MAKING_STAFF)
    _upload(client, "making:material_import", MATERIALS)
    Job.objects.all().delete()
    _upload(client, "making:material_import", MATERIALS.replace("25000", "26000"))
    assert m.Material.objects.count() == 2
    pla = m.Material.objects.get(code="PLA-W")
    assert (pla.price_per_kg_krw, pla.stock_g) == (26_000, 6_000)


def test_a_bad_machine_file_names_every_bad_row_and_writes_nothing(client_as: Any) -> None:
    client = client_as(Role.MAKING_STAFF)
    _upload(client, "making:material_import", MATERIALS)
    Job.objects.all().delete()
    machines = (
        "장비번호,이름,종류,사용가능소재,장착소재,시간당요금(원),상태\n"
        "FDM-01,FDM 1호기,FDM 3D프린터,PLA-W,PLA-W,3000,사용 가능\n"
        "FDM-01,FDM 2호기,FDM 3D프린터,PLA-W,,3000,\n"
        "X-1,레이저,용접기,PLA-W,,3000,\n"
        "X-2,복합,탄소섬유 복합소재 3D프린터,NOPE,CF-NY,-1,\n"
    )
    job = _upload(client, "making:machine_import", machines)
    assert job.status == "failed"
    errors = {(e["row"], e["field"], e.get("code")) for e in job.result["errors"]}
    assert errors == {
        (3, "장비번호", "making_import_same_code"),
        (4, "종류", "making_import_unknown_machine_kind"),
        (5, "사용가능소재", "making_import_unknown_material"),
        (5, "장착소재", "making_import_loaded_not_accepted"),
        (5, "시간당요금(원)", "making_import_whole_number"),
    }
    assert not m.Machine.objects.exists()
    page = client.get(reverse("job_detail", args=[job.pk])).content.decode()
    assert "2행과 같은 코드입니다." in page


def test_a_good_machine_file_adds_machines_with_their_materials(client_as: Any) -> None:
    client = client_as(Role.MAKING_STAFF)
    _upload(client, "making:material_import", MATERIALS)
    Job.objects.all().delete()
    job = _upload(
        client,
        "making:machine_import",
        "장비번호,이름,종류,사용가능소재,장착소재,시간당요금(원),시민예약가능\n"
        'CF-01,탄소섬유 프린터,composite,PLA-W; CF-NY,CF-NY,"8,000",아니오\n',
    )
    assert job.status == "succeeded", job.result
    machine = m.Machine.objects.get(code="CF-01")
    assert machine.kind == "composite"
    assert machine.hourly_rate_krw == 8_000
    assert not machine.is_bookable
    assert set(machine.accepted_materials.values_list("code", flat=True)) == {"PLA-W", "CF-NY"}
    assert machine.loaded_material.code == "CF-NY"


def test_the_template_holds_the_headers_and_allowed_values(client_as: Any) -> None:
    response = client_as(Role.MAKING_STAFF).get(
        reverse("import_template", args=["making_machines"])
    )
    assert response.status_code == 200, response
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    data, notes = book.worksheets
    headers = [c.value for c in next(data.iter_rows(max_row=1))]
    assert headers[:3] == ["장비번호", "이름", "종류"]
    allowed = {row[0].value: row[2].value for row in notes.iter_rows(min_row=2)}
    assert "탄소섬유 복합소재 3D프린터" in allowed["종류"]


def test_only_staff_may_import(client_as: Any) -> None:
    client = client_as(Role.INSTRUCTOR)
    response = client.post(
        reverse("making:machine_import"), {"file": SimpleUploadedFile("a.csv", b"x")}
    )
    assert response.status_code == 403
    assert not Job.objects.exists()
