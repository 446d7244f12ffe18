"""Machine status, the material loaded, and the maintenance and repair log."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction

from saram.core.access import Can
from saram.core.errors import SaramError
from saram.making.models import Machine, MachineLogEntry, MachineLogKind, Material
from saram.making.services._common import require


def log_machine(
    *,
    by: Any,
    machine: Machine,
    kind: str,
    text: str,
    now: dt.datetime,
    cost_krw: int = 0,
    status: str = "",
) -> MachineLogEntry:
    """Write a maintenance, repair or fault entry; optionally change the machine's status."""
    require(by, Can.MANAGE_MAKING)
    with transaction.atomic():
        entry = MachineLogEntry.objects.create(
            machine=machine, kind=kind, text=text, at=now, cost_krw=cost_krw, by=by
        )
        if status and status != machine.status:
            machine.status = status
            machine.save(update_fields=["status"])
        return entry


def load_material(*, by: Any, machine: Machine, material: Material, now: dt.datetime) -> Machine:
    """Record the material now loaded in a machine; it must be one the machine accepts."""
    require(by, Can.MANAGE_MAKING)
    if not machine.accepted_materials.filter(pk=material.pk).exists():
        raise SaramError(
            "making_material_not_accepted", machine=str(machine), material=str(material)
        )
    with transaction.atomic():
        machine.loaded_material = material
        machine.save(update_fields=["loaded_material"])
        MachineLogEntry.objects.create(
            machine=machine, kind=MachineLogKind.MATERIAL, text=str(material), at=now, by=by
        )
    return machine
