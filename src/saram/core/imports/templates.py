"""A downloadable template per import: the headers, one example row, and the allowed values."""

from __future__ import annotations

import io

import openpyxl
from django.utils.translation import gettext as _

from saram.core.imports.reading import ImportSpec

_SPECS: dict[str, ImportSpec] = {}


def register_spec(spec: ImportSpec) -> ImportSpec:
    """Make an import's template downloadable by its kind."""
    _SPECS[spec.kind] = spec
    return spec


def spec_for(kind: str) -> ImportSpec | None:
    return _SPECS.get(kind)


def template_xlsx(spec: ImportSpec) -> bytes:
    """An XLSX with the headers and one example row on the first sheet, and on the second
    each column's meaning: required or not, and the values it allows."""
    book = openpyxl.Workbook(write_only=True)
    data = book.create_sheet(_("자료"))
    data.append(list(spec.names))
    data.append([c.example for c in spec.columns])
    notes = book.create_sheet(_("설명"))
    notes.append([_("열"), _("필수"), _("쓸 수 있는 값")])
    for column in spec.columns:
        allowed = ", ".join(column.allowed()) if column.allowed else ""
        notes.append([column.name, _("예") if column.required else _("아니오"), allowed])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
