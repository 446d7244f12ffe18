"""`saram demo`: two real OctoPrint virtual printers for the print service, when OctoPrint is
installed (`scripts/octoprint install`); the first two FDM printers of the demo are linked to them.
"""

from __future__ import annotations

from pathlib import Path

from saram.core.personal_data import sealer
from saram.making import virtual_printers
from saram.making.models import Machine, MachineKind, PrinterLink


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
