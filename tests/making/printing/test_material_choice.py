"""The citizen is led to a material a networked printer can print: the form offers only those,
says which are loaded now, the job page says when the chosen one must be loaded first (a longer
wait), and what no printer in service accepts is refused."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
import trimesh
from django.urls import reverse

from saram.core.errors import SaramError
from saram.core.models import Role
from saram.making import selectors_printing
from saram.making.models import JobStatus, Machine, MachineKind, Material, MaterialKind, PrintJob
from saram.making.services import printing

from .conftest import stl_upload
from .test_routing import small  # noqa: F401  (a networked printer with PLA loaded)

NOW = dt.datetime(2026, 12, 7, 9, 0, tzinfo=dt.UTC)


def _material(code: str, name: str) -> Material:
    return Material.objects.create(
        code=code,
        name=name,
        kind=MaterialKind.PETG,
        colour="검정",
        density_g_cm3="1.27",
        price_per_kg_krw=30_000,
        stock_g=1_000,
    )


@pytest.fixture
def petg(small: Machine) -> Material:  # noqa: F811
    """Accepted by the networked printer, which has PLA loaded."""
    material = _material("PETG-K", "PETG")
    small.accepted_materials.add(material)
    return material


@pytest.fixture
def offline_only(db: None) -> Material:
    """Accepted only by a machine that is not networked: the print service cannot use it."""
    material = _material("TPU-K", "TPU")
    machine = Machine.objects.create(
        code="HAND", name="수동 프린터", kind=MachineKind.FDM, build_x_mm=200, build_y_mm=200,
        build_z_mm=200, loaded_material=material,
    )  # fmt: skip
    machine.accepted_materials.add(material)
    return material


def _submit(citizen: Any, material: Material) -> PrintJob:
    return printing.submit_model(
        by=citizen,
        upload=stl_upload(trimesh.creation.box((20, 20, 20))),
        title="부품",
        material=material,
        layer_height_mm=Decimal("0.20"),
        infill_percent=20,
        quantity=1,
        now=NOW,
    )


def test_the_form_offers_what_a_networked_printer_takes_loaded_first(
    client_as: Any,
    pla: Material,
    petg: Material,
    offline_only: Material,
) -> None:
    offered = list(selectors_printing.printable_materials())
    assert [(m, m.is_loaded) for m in offered] == [(pla, True), (petg, False)]
    client = client_as(Role.CITIZEN)
    page = client.get(reverse("making:print_home")).content.decode()
    assert "PLA (흰색) — 지금 장착됨, 바로 출력" in page
    assert "PETG (검정) — 장착 후 출력 (더 오래 기다림)" in page
    assert "TPU" not in page
    english = client.get(reverse("making:print_home"), HTTP_ACCEPT_LANGUAGE="en")
    text = english.content.decode()
    assert "loaded now" in text and "longer wait" in text
    assert "지금 장착됨" not in text and "더 오래 기다림" not in text


def test_a_material_no_networked_printer_takes_is_refused_and_nothing_stored(
    citizen: Any,
    small: Machine,  # noqa: F811
    offline_only: Material,
) -> None:
    with pytest.raises(SaramError) as caught:
        _submit(citizen, offline_only)
    assert caught.value.code == "print_no_machine_for_material"
    assert "TPU" in caught.value.message
    assert not PrintJob.objects.exists()


def test_a_retired_printer_no_longer_offers_its_material(
    citizen: Any,
    pla: Material,
    small: Machine,  # noqa: F811
) -> None:
    Machine.objects.filter(pk=small.pk).update(retired_on=NOW.date())
    assert not selectors_printing.printable_materials().exists()
    with pytest.raises(SaramError):
        _submit(citizen, pla)


def test_the_job_page_says_the_material_must_be_loaded_first(
    client_as: Any,
    pla: Material,
    petg: Material,
) -> None:
    client = client_as(Role.CITIZEN)
    waiting = _submit(client.user, petg)
    loaded = _submit(client.user, pla)
    page = client.get(reverse("making:print_job", args=[waiting.pk])).content.decode()
    assert 'id="material-wait"' in page and "평소보다 오래 기다릴 수 있습니다" in page
    english = client.get(
        reverse("making:print_job", args=[waiting.pk]), HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert "longer" in english and "오래" not in english
    page = client.get(reverse("making:print_job", args=[loaded.pk])).content.decode()
    assert 'id="material-wait"' not in page
    # Once it prints, the wait is over: nothing said.
    PrintJob.objects.filter(pk=waiting.pk).update(status=JobStatus.DONE)
    page = client.get(reverse("making:print_job", args=[waiting.pk])).content.decode()
    assert 'id="material-wait"' not in page


def test_a_quote_whose_material_lost_its_printer_cannot_be_accepted(
    citizen: Any,
    pla: Material,
    small: Machine,  # noqa: F811
) -> None:
    job = _submit(citizen, pla)
    PrintJob.objects.filter(pk=job.pk).update(
        status=JobStatus.QUOTED, total_krw=5_000, quote_valid_until=NOW.date()
    )
    small.accepted_materials.remove(pla)
    with pytest.raises(SaramError) as caught:
        printing.accept_quote(by=citizen, job=job, now=NOW)
    assert caught.value.code == "print_no_machine_for_material"
    job.refresh_from_db()
    assert job.status == JobStatus.QUOTED
