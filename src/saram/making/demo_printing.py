"""`saram demo`: two real OctoPrint virtual printers for the print service, when OctoPrint is
installed (`scripts/octoprint install`); the first two FDM printers of the demo are linked to them.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from saram.core.models import Dong
from saram.core.personal_data import sealer
from saram.making import virtual_printers
from saram.making.models import (
    DeviceBudget,
    Discount,
    DiscountBasis,
    Machine,
    MachineKind,
    PrinterLink,
)


def start_demo_printers(data_dir: Path) -> list[virtual_printers.Server]:
    """Start the servers (not waiting for them) and link the demo's FDM printers to them."""
    if not virtual_printers.executable().is_file():
        return []
    machines = list(
        Machine.objects.filter(kind=MachineKind.FDM, loaded_material__isnull=False).order_by(
            "code"
        )[:2]
    )
    if not machines:
        return []
    servers = virtual_printers.start(len(machines), data_dir / "octoprint", fast=True)
    for machine, server in zip(machines, servers, strict=True):
        PrinterLink.objects.update_or_create(
            machine=machine,
            defaults={
                "url": server.url,
                "api_key_sealed": sealer().seal(server.api_key),
                "plate_clear": True,
            },
        )
    return servers


def seed_print_rules(*, today: dt.date, dongs: list[Dong]) -> None:
    """The demo's discounts and device budgets (city policy; demo figures, marked uncertain).

    Idempotent: rows already there stay as they are."""
    start = today.replace(month=1, day=1)
    Discount.objects.get_or_create(
        basis=DiscountBasis.PUPIL,
        valid_from=start,
        defaults={
            "name": "초·중·고 학생 할인",
            "name_en": "Pupil discount",
            "rate_percent": 50,
            # 연 나이 8 (초1) to 19 (고3).
            "min_age": 8,
            "max_age": 19,
            "source": "3D프린팅 센터 이용요금 규정 제5조 (데모 값)",
        },
    )
    Discount.objects.get_or_create(
        basis=DiscountBasis.INCUBATOR,
        valid_from=start,
        defaults={
            "name": "창업보육 입주기업 장비 크레딧",
            "name_en": "Incubator machine-hour credits",
            "rate_percent": 100,
            "source": "창업보육센터 입주기업 지원 규정 제12조 (데모 값)",
        },
    )
    source = f"{today.year}년 동네복지 보조기구 지원사업 (데모 값, 확인 필요)"
    DeviceBudget.objects.get_or_create(
        year=today.year, dong=None, defaults={"amount_krw": 2_000_000, "source": source}
    )
    for dong in dongs[:1]:
        DeviceBudget.objects.get_or_create(
            year=today.year, dong=dong, defaults={"amount_krw": 600_000, "source": source}
        )
