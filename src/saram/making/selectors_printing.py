"""Reads of the print service, narrowed to what the user may see: their own jobs, or all of
them for the centre's staff; anything else is 404."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Case, Exists, IntegerField, OuterRef, QuerySet, Value, When
from django.shortcuts import get_object_or_404

from saram.core.access import Can, not_found, scope_of
from saram.core.models import Dong
from saram.making.models import (
    DeviceBudget,
    DeviceRequest,
    Discount,
    JobStatus,
    Machine,
    Material,
    PrintJob,
)


def _can(user: Any, cap: Can) -> bool:
    return scope_of(user).can(cap)


def is_staff(user: Any) -> bool:
    return _can(user, Can.MANAGE_MAKING)


def may_configure(user: Any) -> bool:
    return _can(user, Can.CONFIGURE)


def may_print(user: Any) -> bool:
    return _can(user, Can.SELF_SERVICE) or _can(user, Can.MANAGE_MAKING)


def jobs_of(user: Any) -> QuerySet[PrintJob]:
    """The user's own print jobs, newest first."""
    if not may_print(user):
        raise PermissionDenied
    return PrintJob.objects.filter(requester=user).select_related("material", "printer")


def job_for(user: Any, pk: int) -> PrintJob:
    """One job: its requester's, or any for staff; 404 otherwise (do not confirm it exists).

    A welfare officer who asked for an assistive device is that job's requester: they follow and
    accept it like a citizen, without the citizen's other pages."""
    if not may_print(user) and not _is_device_requester(user):
        raise PermissionDenied
    qs = PrintJob.objects.select_related("material", "printer", "requester", "discount")
    if not _can(user, Can.MANAGE_MAKING):
        qs = qs.filter(requester=user)
    job = qs.filter(pk=pk).first()
    if job is None:
        raise not_found()
    return job


def _is_device_requester(user: Any) -> bool:
    return bool(
        getattr(user, "is_authenticated", False)
        and _can(user, Can.MANAGE_PEOPLE)
        and PrintJob.objects.filter(requester=user, device_request__isnull=False).exists()
    )


def device_case_id(job: PrintJob) -> int | None:
    """The welfare case an assistive-device job was asked for (for its requesting officer's way
    back to the case; the centre's staff are never sent there)."""
    return DeviceRequest.objects.filter(job=job).values_list("need__case_id", flat=True).first()


def queue_for(user: Any) -> QuerySet[PrintJob]:
    """The staff board: accepted, printing, interrupted and finished-not-delivered jobs."""
    if not _can(user, Can.MANAGE_MAKING):
        raise PermissionDenied
    open_states = [JobStatus.ACCEPTED, JobStatus.PRINTING, JobStatus.INTERRUPTED, JobStatus.DONE]
    order = Case(
        When(status=JobStatus.INTERRUPTED, then=Value(0)),
        When(status=JobStatus.PRINTING, then=Value(1)),
        When(status=JobStatus.ACCEPTED, then=Value(2)),
        default=Value(3),
        output_field=IntegerField(),
    )
    return (
        PrintJob.objects.filter(status__in=open_states)
        .select_related("material", "printer", "requester")
        .annotate(state_order=order)
        .order_by("state_order", "-priority", "due_on", "accepted_at")
    )


def printers_in_service() -> QuerySet[Machine]:
    """The networked printers the print service sends jobs to (retired ones left out)."""
    return Machine.objects.filter(link__isnull=False, retired_on__isnull=True)


def printable_materials() -> QuerySet[Material]:
    """Active materials a networked printer in service accepts, those loaded in one now first
    (each carries `is_loaded`): what a citizen or an officer may choose."""
    loaded = printers_in_service().filter(
        loaded_material=OuterRef("pk"), accepted_materials=OuterRef("pk")
    )
    return (
        Material.objects.filter(
            is_active=True, machines__link__isnull=False, machines__retired_on__isnull=True
        )
        .annotate(is_loaded=Exists(loaded))
        .order_by("-is_loaded", "kind", "name", "pk")
        .distinct()
    )


@dataclass(frozen=True)
class MaterialState:
    is_printable: bool  # a networked printer in service accepts it
    is_loaded: bool  # and one of them has it loaded now


def material_state(material: Material) -> MaterialState:
    """Whether the service's printers take this material, and whether one has it loaded now."""
    loaded = list(
        printers_in_service()
        .filter(accepted_materials=material)
        .values_list("loaded_material_id", flat=True)
    )
    return MaterialState(is_printable=bool(loaded), is_loaded=material.pk in loaded)


def is_printable(material: Material) -> bool:
    """Whether a networked printer in service accepts this material at all."""
    return printers_in_service().filter(accepted_materials=material).exists()


def ready_to_collect(user: Any) -> QuerySet[PrintJob]:
    """The user's jobs that are printed and wait to be collected, oldest first."""
    return PrintJob.objects.filter(requester=user, status=JobStatus.DONE).order_by(
        "finished_at", "pk"
    )


def budget_dongs() -> QuerySet[Dong]:
    """The dongs a device budget can be set for, by name, without their map boundaries."""
    return Dong.objects.defer("boundary").order_by("name")


def networked_printers(user: Any) -> QuerySet[Machine]:
    if not _can(user, Can.MANAGE_MAKING):
        raise PermissionDenied
    return printers_in_service().select_related("link", "loaded_material")


def printer_for(user: Any, pk: int) -> Machine:
    machine = networked_printers(user).filter(pk=pk).first()
    if machine is None:
        raise not_found()
    return machine


# --- The print service's rules -----------------------------------------------------------------


def discounts_for(user: Any) -> QuerySet[Discount]:
    """Every version of every discount, for centre staff (who keep them)."""
    scope_of(user).require(Can.MANAGE_MAKING)
    return Discount.objects.order_by("basis", "-valid_from", "-id")


def discount_to_edit(user: Any, pk: int) -> Discount:
    return get_object_or_404(discounts_for(user), pk=pk)


def budget_to_edit(user: Any, pk: int) -> DeviceBudget:
    """A budget version still open, for the city (which sets them)."""
    scope_of(user).require(Can.CONFIGURE)
    return get_object_or_404(
        DeviceBudget.objects.select_related("dong").filter(valid_until__isnull=True), pk=pk
    )
