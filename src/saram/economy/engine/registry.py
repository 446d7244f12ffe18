"""Supplier registry checks: 사업자등록번호 checksum and locality (city, province, outside)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import numpy as np
import numpy.typing as npt

# Weights of the National Tax Service check: digit 9 is weighted 5 and, in addition, the tens
# digit of (digit 9 × 5) is carried into the sum.
_BRN_WEIGHTS = (1, 3, 7, 1, 3, 7, 1, 3, 5)
_BRN_SEPARATORS = re.compile(r"[\s\-]")
_DONG_CODE = re.compile(r"^\d{10}$")


class BusinessNumberProblem(StrEnum):
    """Why a 사업자등록번호 was refused."""

    EMPTY = "brn_empty"
    NOT_DIGITS = "brn_not_digits"
    WRONG_LENGTH = "brn_wrong_length"
    CHECKSUM = "brn_checksum"


class InvalidBusinessNumber(ValueError):
    """Raised by `normalize_business_number`; carries the problem code."""

    def __init__(self, problem: BusinessNumberProblem) -> None:
        super().__init__(problem.value)
        self.problem = problem


@dataclass(frozen=True, slots=True)
class BusinessNumberCheck:
    """Outcome of checking one 사업자등록번호: the 10 digits when valid, else the problem."""

    digits: str
    problem: BusinessNumberProblem | None

    @property
    def is_valid(self) -> bool:
        return self.problem is None

    @property
    def formatted(self) -> str:
        """The conventional 3-2-5 display form (123-45-67890); raw input when invalid."""
        if self.problem is not None:
            return self.digits
        return f"{self.digits[:3]}-{self.digits[3:5]}-{self.digits[5:]}"


def business_number_check_digit(first9: str) -> int:
    """The 10th digit that makes `first9` a valid 사업자등록번호."""
    total = sum(int(d) * w for d, w in zip(first9, _BRN_WEIGHTS, strict=True))
    total += int(first9[8]) * 5 // 10
    return (10 - total % 10) % 10


def check_business_number(text: str) -> BusinessNumberCheck:
    """Check a 사업자등록번호 written with or without hyphens; never raises."""
    digits = _BRN_SEPARATORS.sub("", text or "")
    if not digits:
        return BusinessNumberCheck(digits, BusinessNumberProblem.EMPTY)
    # isdecimal() accepts full-width and other scripts' digits; the registry wants ASCII only.
    if not (digits.isascii() and digits.isdigit()):
        return BusinessNumberCheck(digits, BusinessNumberProblem.NOT_DIGITS)
    if len(digits) != 10:
        return BusinessNumberCheck(digits, BusinessNumberProblem.WRONG_LENGTH)
    if business_number_check_digit(digits[:9]) != int(digits[9]):
        return BusinessNumberCheck(digits, BusinessNumberProblem.CHECKSUM)
    return BusinessNumberCheck(digits, None)


def normalize_business_number(text: str) -> str:
    """Return the 10 digits of a valid 사업자등록번호, or raise InvalidBusinessNumber."""
    check = check_business_number(text)
    if check.problem is not None:
        raise InvalidBusinessNumber(check.problem)
    return check.digits


def make_business_number(serial: int) -> str:
    """A checksum-valid number built from `serial` (0..999,999,999); for demo and test data."""
    first9 = f"{serial % 1_000_000_000:09d}"
    return first9 + str(business_number_check_digit(first9))


class Locality(StrEnum):
    """Where a firm's head office is, seen from the city that buys."""

    IN_CITY = "in_city"
    IN_PROVINCE = "in_province"
    OUTSIDE = "outside"
    UNKNOWN = "unknown"


# Stable small integers for columnar data (numpy/polars); the order never changes.
LOCALITY_CODES: tuple[Locality, ...] = (
    Locality.IN_CITY,
    Locality.IN_PROVINCE,
    Locality.OUTSIDE,
    Locality.UNKNOWN,
)


@dataclass(frozen=True, slots=True)
class CityArea:
    """A city as data: its 행정동 code prefixes and names, and those of its province (시·도)."""

    city_name: str
    city_code_prefixes: tuple[str, ...]
    province_name: str
    province_code_prefixes: tuple[str, ...]
    city_aliases: tuple[str, ...] = ()
    province_aliases: tuple[str, ...] = ()

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> CityArea:
        """Build from the `city` object of a city's rule file."""
        return cls(
            city_name=str(data["city_name"]),
            city_code_prefixes=tuple(str(p) for p in data["city_code_prefixes"]),
            province_name=str(data["province_name"]),
            province_code_prefixes=tuple(str(p) for p in data["province_code_prefixes"]),
            city_aliases=tuple(str(a) for a in data.get("city_aliases", ())),
            province_aliases=tuple(str(a) for a in data.get("province_aliases", ())),
        )


def classify_dong_code(dong_code: str, area: CityArea) -> Locality:
    """Locality of a 10-digit 행정동 (or 법정동) code; UNKNOWN when it is not such a code."""
    code = (dong_code or "").strip()
    if not _DONG_CODE.match(code):
        return Locality.UNKNOWN
    if code.startswith(area.city_code_prefixes):
        return Locality.IN_CITY
    if code.startswith(area.province_code_prefixes):
        return Locality.IN_PROVINCE
    return Locality.OUTSIDE


def classify_address(address: str, area: CityArea) -> Locality:
    """Locality of a free-text road or lot address from its 시·도 and 시 words; UNKNOWN if empty.

    A code is always better: use this only for suppliers whose address could not be geocoded.
    """
    words = (address or "").split()
    if not words:
        return Locality.UNKNOWN
    province_names = {area.province_name, *area.province_aliases}
    city_names = {area.city_name, *area.city_aliases}
    # Korean addresses put the province first and the city second; look at the first three
    # words only so a street named after another city does not count.
    head = words[:3]
    has_city = any(w in city_names for w in head)
    has_province = any(w in province_names for w in head)
    if has_city:
        return Locality.IN_CITY
    if has_province:
        return Locality.IN_PROVINCE
    return Locality.OUTSIDE


def classify_dong_codes(
    dong_codes: Iterable[str] | npt.NDArray[np.str_], area: CityArea
) -> npt.NDArray[np.int8]:
    """Vectorised `classify_dong_code`: one int8 index into LOCALITY_CODES per code."""
    codes = np.asarray(list(dong_codes) if not isinstance(dong_codes, np.ndarray) else dong_codes)
    codes = codes.astype(np.str_)
    out = np.full(codes.shape, LOCALITY_CODES.index(Locality.OUTSIDE), dtype=np.int8)
    valid = (np.char.str_len(codes) == 10) & np.char.isdigit(codes)
    in_province = np.zeros(codes.shape, dtype=bool)
    for prefix in area.province_code_prefixes:
        in_province |= np.char.startswith(codes, prefix)
    in_city = np.zeros(codes.shape, dtype=bool)
    for prefix in area.city_code_prefixes:
        in_city |= np.char.startswith(codes, prefix)
    out[in_province] = LOCALITY_CODES.index(Locality.IN_PROVINCE)
    out[in_city] = LOCALITY_CODES.index(Locality.IN_CITY)
    out[~valid] = LOCALITY_CODES.index(Locality.UNKNOWN)
    return out
