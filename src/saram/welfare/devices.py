"""Assistive devices for a case: the case-side hook of the centre's print service.

An officer of the case's dong asks for a device (with the person's consent) for one of the
case's needs; the making app designs, prints and delivers it, and delivery marks the need met.
Shown on the case page by `{% case_devices case %}` (templatetags/case_devices.py).
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.views.decorators.http import require_POST

from saram.core.errors import SaramError
from saram.making.engine.devices import DESIGNS
from saram.making.models import Material
from saram.making.services import printing
from saram.welfare import selectors


@require_POST
def case_device(request: HttpRequest, pk: int) -> HttpResponse:
    case = selectors.case_for(request.user, pk)
    need = case.needs.filter(pk=request.POST.get("need") or 0).first()
    if need is None:
        raise SaramError("print_bad_field", field="need", problem="")
    design = request.POST.get("design", "")
    params: dict[str, float] = {}
    for p in DESIGNS[design].parameters if design in DESIGNS else ():
        raw = (request.POST.get(f"{design}__{p.key}") or "").strip()
        if raw:
            try:
                params[p.key] = float(raw)
            except ValueError as exc:
                raise SaramError(
                    "device_out_of_range",
                    key=str(printing.PARAMETER_NAMES[p.key]),
                    low=p.low,
                    high=p.high,
                ) from exc
    material = Material.objects.filter(pk=request.POST.get("material") or 0).first()
    if material is None:
        raise SaramError("print_bad_field", field="material", problem="")
    printing.request_device(
        by=request.user,
        need=need,
        design=design,
        params=params,
        material=material,
        has_consent=request.POST.get("consent") == "yes",
        now=timezone.now(),
    )
    return redirect("welfare:case_detail", pk=case.pk)
