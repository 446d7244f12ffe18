"""The one error type services raise; views and the API turn it into a message or a 400."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class RowError:
    """One bad cell or row of an uploaded file: where it is and what would be right."""

    row: int  # 1-based data row, as a spreadsheet shows it (header is row 1)
    field: str
    message: str
    value: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "field": self.field, "message": self.message, "value": self.value}


@dataclass
class SaramError(Exception):
    code: str
    message: str
    params: dict[str, Any] = field(default_factory=dict)
    row_errors: list[RowError] = field(default_factory=list)

    def __str__(self) -> str:
        return self.message
