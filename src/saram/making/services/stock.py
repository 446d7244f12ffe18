"""Material stock: receipts and withdrawals, each with a movement and the balance after it."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import F

from saram.core.access import Can
from saram.core.errors import SaramError
from saram.making.models import Material, StockMovement, StockReason
from saram.making.services._common import require


def _move(
    *,
    by: Any,
    material: Material,
    delta_g: int,
    reason: str,
    now: dt.datetime,
    note: str = "",
    source_type: str = "",
    source_id: int | None = None,
) -> StockMovement:
    locked = Material.objects.select_for_update().get(pk=material.pk)
    if locked.stock_g + delta_g < 0:
        raise SaramError(
            "making_stock_short", material=str(locked), stock_g=locked.stock_g, wanted_g=-delta_g
        )
    Material.objects.filter(pk=locked.pk).update(stock_g=F("stock_g") + delta_g)
    locked.refresh_from_db(fields=["stock_g"])
    material.stock_g = locked.stock_g
    return StockMovement.objects.create(
        material=locked,
        at=now,
        delta_g=delta_g,
        balance_g=locked.stock_g,
        reason=reason,
        note=note,
        source_type=source_type,
        source_id=source_id,
        by=by if getattr(by, "pk", None) else None,
    )


def receive_stock(
    *, by: Any, material: Material, grams: int, now: dt.datetime, note: str = ""
) -> StockMovement:
    """Add a delivery to stock (staff)."""
    require(by, Can.MANAGE_MAKING)
    if grams <= 0:
        raise SaramError("making_bad_grams")
    with transaction.atomic():
        return _move(
            by=by, material=material, delta_g=grams, reason=StockReason.PURCHASE, now=now, note=note
        )


def withdraw_stock(
    *,
    by: Any,
    material: Material,
    grams: int,
    now: dt.datetime,
    reason: str = StockReason.ADJUSTMENT,
    note: str = "",
    source_type: str = "",
    source_id: int | None = None,
) -> StockMovement:
    """Take material out of stock; refused beyond what is there, nothing changed then.

    The print service calls this with `reason=StockReason.PRINT_JOB` and its job's id.
    """
    if grams <= 0:
        raise SaramError("making_bad_grams")
    with transaction.atomic():
        return _move(
            by=by,
            material=material,
            delta_g=-grams,
            reason=reason,
            now=now,
            note=note,
            source_type=source_type,
            source_id=source_id,
        )
