"""Masking a value by what kind of personal data its column holds, before it is stored, shown or
written to an error file.

A row error names the row, the column and what is wrong; its value is at most a masked form:
a 주민등록번호 keeps its first six characters (the birth date a form already shows), a phone
its last four digits, a name its first and last letters, an address its first two words.
The polars form (`redact_expr`) does the same over a whole column, for imports of millions of
rows.
"""

from __future__ import annotations

import re
from enum import StrEnum

import polars as pl

from saram.core.engine.identity import mask_name


class Sensitivity(StrEnum):
    PLAIN = "plain"
    RRN = "rrn"
    PHONE = "phone"
    NAME = "name"
    ADDRESS = "address"


def _mask_rrn(value: str) -> str:
    kept = value[:6]
    return kept + re.sub(r"\S", "*", value[6:])


def _mask_phone(value: str) -> str:
    digits = re.sub(r"\D", "", value)
    if len(digits) <= 4:
        return "*" * len(value)
    return "*" * (len(digits) - 4) + digits[-4:]


def _mask_address(value: str) -> str:
    words = value.split()
    if len(words) <= 2:
        return (words[0] + " ***") if words else ""
    return " ".join(words[:2]) + " ***"


def redact(value: str | None, sensitivity: Sensitivity) -> str:
    """The value as it may be stored in an error or shown on a page."""
    if not value:
        return ""
    text = str(value)
    if sensitivity == Sensitivity.RRN:
        return _mask_rrn(text)
    if sensitivity == Sensitivity.PHONE:
        return _mask_phone(text)
    if sensitivity == Sensitivity.NAME:
        return mask_name(text.strip())
    if sensitivity == Sensitivity.ADDRESS:
        return _mask_address(text)
    return text[:200]


def redact_expr(expr: pl.Expr, sensitivity: Sensitivity) -> pl.Expr:
    """`redact` over a column of text."""
    if sensitivity == Sensitivity.PLAIN:
        return expr.str.slice(0, 200)
    return expr.map_elements(lambda v: redact(v, sensitivity), return_dtype=pl.String)
