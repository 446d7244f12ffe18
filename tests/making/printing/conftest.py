"""Fixtures of the print-service tests: two real OctoPrint servers with virtual printers
(started once per session), networked printers linked to them, small models as uploads."""

from __future__ import annotations

import io
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import trimesh
from django.core.files.uploadedfile import SimpleUploadedFile

from saram.making import virtual_printers
from saram.making.models import Machine, MachineKind, Material, PrinterLink
from saram.making.services import printing

REPO = Path(__file__).resolve().parents[3]


@pytest.fixture(scope="session")
def octoprint_servers(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[list[virtual_printers.Server]]:
    """Two OctoPrint servers on loopback; the session fails (never skips) without OctoPrint."""
    if not virtual_printers.executable().is_file():
        subprocess.run([str(REPO / "scripts" / "octoprint"), "install"], check=True)
    servers = virtual_printers.start(2, tmp_path_factory.mktemp("octoprint"), fast=True)
    try:
        virtual_printers.wait_ready(servers)
        yield servers
    finally:
        for server in servers:
            server.stop()


def stl_upload(mesh: trimesh.Trimesh, name: str = "model.stl") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    mesh.export(buffer, file_type="stl")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="model/stl")


@pytest.fixture
def networked(pla: Material, staff: Any) -> Callable[[virtual_printers.Server, str, int], Machine]:
    """A networked FDM printer with PLA loaded, linked to a server, plate confirmed clear."""

    def make(server: virtual_printers.Server, code: str, rate: int = 4_000) -> Machine:
        machine = Machine.objects.create(
            code=code,
            name=f"프린터 {code}",
            kind=MachineKind.FDM,
            build_x_mm=250,
            build_y_mm=210,
            build_z_mm=210,
            nozzle_mm="0.40",
            loaded_material=pla,
            hourly_rate_krw=rate,
        )
        machine.accepted_materials.add(pla)
        printing.link_printer(by=staff, machine=machine, url=server.url, api_key=server.api_key)
        PrinterLink.objects.filter(machine=machine).update(plate_clear=True)
        return machine

    return make
