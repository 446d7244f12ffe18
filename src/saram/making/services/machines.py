"""Machine status, the material loaded, and the maintenance and repair log."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from saram.core.access import Can
from saram.core.errors import SaramError
from saram.making.models import (
    Machine,
    MachineLogEntry,
    MachineLogKind,
    MachineStatus,
    Material,
)
from saram.making.services._common import SEOUL, require
from saram.making.services.reservations import cancel_future_bookings
from saram.making.services.stock import receive_stock


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


# --- The centre's machines, kept by staff ------------------------------------------------------

MACHINE_FIELDS = (
    "code",
    "name",
    "kind",
    "maker",
    "room",
    "build_x_mm",
    "build_y_mm",
    "build_z_mm",
    "nozzle_mm",
    "loaded_material",
    "hourly_rate_krw",
    "status",
    "is_bookable",
    "description",
)


def _check_loaded(values: dict[str, Any], accepted: list[Material]) -> None:
    loaded = values.get("loaded_material")
    if loaded is not None and loaded.pk not in {m.pk for m in accepted}:
        raise SaramError("making_loaded_not_accepted", material=str(loaded))


def add_machine(*, by: Any, values: dict[str, Any], accepted: list[Material]) -> Machine:
    """Staff register a machine with the materials it accepts (the loaded one among them)."""
    require(by, Can.MANAGE_MAKING)
    _check_loaded(values, accepted)
    with transaction.atomic():
        machine = Machine.objects.create(**{k: values[k] for k in MACHINE_FIELDS if k in values})
        machine.accepted_materials.set(accepted)
    return machine


def update_machine(
    *, by: Any, machine: Machine, values: dict[str, Any], accepted: list[Material], now: dt.datetime
) -> Machine:
    """Staff change a machine; a new status or loaded material is written to its log too."""
    require(by, Can.MANAGE_MAKING)
    if machine.retired_on is not None:
        raise SaramError("making_machine_retired", machine=str(machine))
    _check_loaded(values, accepted)
    with transaction.atomic():
        locked = Machine.objects.select_for_update().get(pk=machine.pk)
        before_status, before_loaded = locked.status, locked.loaded_material_id
        for name in MACHINE_FIELDS:
            if name in values:
                setattr(locked, name, values[name])
        locked.save()
        locked.accepted_materials.set(accepted)
        if locked.status != before_status:
            MachineLogEntry.objects.create(
                machine=locked,
                kind=MachineLogKind.NOTE,
                text=f"{MachineStatus(before_status).label} → {locked.get_status_display()}",
                at=now,
                by=by,
            )
        if locked.loaded_material_id != before_loaded and locked.loaded_material is not None:
            MachineLogEntry.objects.create(
                machine=locked,
                kind=MachineLogKind.MATERIAL,
                text=str(locked.loaded_material),
                at=now,
                by=by,
            )
    return locked


def retire_machine(*, by: Any, machine: Machine, now: dt.datetime) -> list[Any]:
    """Staff take a machine out of use: it leaves every list and calendar, its future bookings
    are cancelled (credits refunded) and each person told; its history stays. Returns the
    cancelled bookings."""
    require(by, Can.MANAGE_MAKING)
    with transaction.atomic():
        locked = Machine.objects.select_for_update().get(pk=machine.pk)
        if locked.retired_on is not None:
            raise SaramError("making_machine_retired", machine=str(locked))
        cancelled = cancel_future_bookings(
            by=by, machine=locked, now=now, notice="making_notice_machine_retired"
        )
        locked.retired_on = now.astimezone(SEOUL).date()
        locked.is_bookable = False
        locked.save(update_fields=["retired_on", "is_bookable"])
        MachineLogEntry.objects.create(
            machine=locked, kind=MachineLogKind.NOTE, text=str(_("사용 종료")), at=now, by=by
        )
    return cancelled


# --- Materials ---------------------------------------------------------------------------------

MATERIAL_FIELDS = (
    "code",
    "name",
    "kind",
    "colour",
    "density_g_cm3",
    "price_per_kg_krw",
    "reorder_level_g",
    "is_active",
)


def add_material(
    *, by: Any, values: dict[str, Any], now: dt.datetime, stock_g: int = 0
) -> Material:
    """Staff register a material; what is on the shelf goes in as its first stock receipt."""
    require(by, Can.MANAGE_MAKING)
    with transaction.atomic():
        material = Material.objects.create(**{k: values[k] for k in MATERIAL_FIELDS if k in values})
        if stock_g:
            receive_stock(
                by=by, material=material, grams=stock_g, now=now, note=str(_("처음 재고"))
            )
    return material


def update_material(*, by: Any, material: Material, values: dict[str, Any]) -> Material:
    """Staff change a material's data; stock changes only through receipts and withdrawals."""
    require(by, Can.MANAGE_MAKING)
    with transaction.atomic():
        locked = Material.objects.select_for_update().get(pk=material.pk)
        for name in MATERIAL_FIELDS:
            if name in values:
                setattr(locked, name, values[name])
        locked.save()
    return locked
