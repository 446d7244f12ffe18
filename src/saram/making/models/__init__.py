"""Models of the making app, one module per part of the centre.

The print service adds its own module (`printing.py`) and imports it here.
"""

from saram.making.models.machines import (
    Machine,
    MachineKind,
    MachineLogEntry,
    MachineLogKind,
    MachineStatus,
    Material,
    MaterialKind,
    Room,
    StockMovement,
    StockReason,
)

__all__ = [
    "Machine",
    "MachineKind",
    "MachineLogEntry",
    "MachineLogKind",
    "MachineStatus",
    "Material",
    "MaterialKind",
    "Room",
    "StockMovement",
    "StockReason",
]
