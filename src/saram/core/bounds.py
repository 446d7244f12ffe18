"""The ranges every number a user sends must fall in, declared once for pages and the API.

A year, an offset or an id outside them is the user's mistake (400 with a message), never a
server error from the database (SQLite and PostgreSQL store at most a signed 64-bit integer).
"""

from __future__ import annotations

from typing import Annotated

from django.utils.translation import gettext_lazy
from ninja import Field

from saram.core.errors import SaramError, register

FIRST_YEAR = 1990  # no municipal ledger or round in Saram predates this
LAST_YEAR = 2100
DB_INT_MAX = 2**63 - 1
MAX_OFFSET = 10_000_000
MAX_LIMIT = 500
OUT_OF_RANGE = "value_out_of_range"

register({"bad_year": gettext_lazy("연도는 %(first)s년에서 %(last)s년 사이여야 합니다: %(year)s")})

# For django-ninja operations: the schema then documents the range, and a value outside it
# answers 400 before the view runs.
Year = Annotated[int, Field(ge=FIRST_YEAR, le=LAST_YEAR)]
Offset = Annotated[int, Field(ge=0, le=MAX_OFFSET)]
Limit = Annotated[int, Field(ge=1, le=MAX_LIMIT)]
ObjectId = Annotated[int, Field(ge=1, le=DB_INT_MAX)]


def checked_year(year: int) -> int:
    """The year, if it is one Saram can hold; else SaramError("bad_year")."""
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise SaramError("bad_year", first=FIRST_YEAR, last=LAST_YEAR, year=year)
    return year


def db_int(value: int | None) -> int | None:
    """An integer the database can compare with, or None (as for text that is no number)."""
    if value is None or -DB_INT_MAX - 1 <= value <= DB_INT_MAX:
        return value
    return None
