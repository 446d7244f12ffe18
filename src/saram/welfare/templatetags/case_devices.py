"""`{% case_devices case %}`: the assistive devices asked for a case, and the request form."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils import timezone

from saram.making.engine.devices import DESIGNS
from saram.making.models import DeviceRequest, JobStatus
from saram.making.presenters_printing import budget_rows, failure_text, material_label
from saram.making.selectors_printing import printable_materials
from saram.making.services import print_charges
from saram.making.services.printing import DEVICE_NAMES, PARAMETER_NAMES

register = template.Library()


@register.inclusion_tag("welfare/_case_devices.html", takes_context=True)
def case_devices(context: dict[str, Any], case: Any) -> dict[str, Any]:
    requests = DeviceRequest.objects.filter(need__case=case).select_related("job", "need")
    designs = [
        {
            "key": d.key,
            "name": DEVICE_NAMES[d.key],
            "parameters": [
                {
                    "key": p.key,
                    "name": PARAMETER_NAMES[p.key],
                    "default": p.default,
                    "low": p.low,
                    "high": p.high,
                }
                for p in d.parameters
            ],
        }
        for d in DESIGNS.values()
    ]
    now = timezone.now()
    budget = print_charges.budget_for(dong_id=case.dong_id, year=timezone.localdate().year)
    return {
        "case": case,
        "budget": budget_rows([print_charges.budget_use(budget, now=now)])[0] if budget else None,
        "requests": [
            {
                "name": DEVICE_NAMES.get(r.design, r.design),
                "need": r.need,
                "status": r.job.get_status_display(),
                "total_krw": r.job.total_krw,
                "requested_at": r.requested_at,
                "job_id": r.job_id,
                # Held: the sliced quote did not fit the budget; the officer accepts it later.
                "held": failure_text(r.job) if r.job.status == JobStatus.QUOTED else "",
            }
            for r in requests
        ],
        "designs": designs,
        "needs": [n for n in case.needs.all() if not n.is_met],
        # Each says whether a printer has it loaded now (else the device waits longer).
        "materials": [(m.pk, material_label(m)) for m in printable_materials()],
        "can_manage": context.get("can_manage", False),
        "csrf_token": context.get("csrf_token"),
    }
