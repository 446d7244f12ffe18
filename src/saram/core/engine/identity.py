"""주민등록번호 (resident registration number): validation and masking, and name masking."""

from __future__ import annotations

import datetime as dt
import re
from enum import StrEnum

_RRN = re.compile(r"^(\d{6})-?(\d{7})$")
_WEIGHTS = (2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5)
_CENTURY = {
    "9": 1800,
    "0": 1800,
    "1": 1900,
    "2": 1900,
    "3": 2000,
    "4": 2000,
    "5": 1900,
    "6": 1900,
    "7": 2000,
    "8": 2000,
}


class RrnProblem(StrEnum):
    FORMAT = "rrn_format"
    DATE = "rrn_date"
    CHECKSUM = "rrn_checksum"


class InvalidRrn(ValueError):
    def __init__(self, problem: RrnProblem) -> None:
        super().__init__(problem.value)
        self.problem = problem


def rrn_check_digit(first12: str) -> int:
    total = sum(int(d) * w for d, w in zip(first12, _WEIGHTS, strict=True))
    return (11 - total % 11) % 10


def normalize_rrn(value: str) -> str:
    """Return the 13 digits of a valid number, or raise InvalidRrn saying what is wrong."""
    match = _RRN.match(value.strip())
    if not match:
        raise InvalidRrn(RrnProblem.FORMAT)
    digits = match.group(1) + match.group(2)
    birth_date_of(digits)
    if rrn_check_digit(digits[:12]) != int(digits[12]):
        raise InvalidRrn(RrnProblem.CHECKSUM)
    return digits


def birth_date_of(digits: str) -> dt.date:
    century = _CENTURY.get(digits[6])
    if century is None:
        raise InvalidRrn(RrnProblem.FORMAT)
    try:
        return dt.date(century + int(digits[:2]), int(digits[2:4]), int(digits[4:6]))
    except ValueError:
        raise InvalidRrn(RrnProblem.DATE) from None


def sex_of(digits: str) -> str:
    return "M" if int(digits[6]) % 2 == 1 else "F"


def sex_digit(birth_date: dt.date, sex: str) -> int:
    base = {1800: 9, 1900: 1, 2000: 3}[birth_date.year // 100 * 100]
    if base == 9:
        return 9 if sex == "M" else 0
    return base if sex == "M" else base + 1


def make_rrn(birth_date: dt.date, sex: str, serial: int) -> str:
    """A checksum-valid number for a birth date and sex; `serial` (0..99999) fills the rest."""
    first12 = f"{birth_date:%y%m%d}{sex_digit(birth_date, sex)}{serial % 100000:05d}"
    return first12 + str(rrn_check_digit(first12))


def mask_rrn_from(birth_date: dt.date, sex: str) -> str:
    return f"{birth_date:%y%m%d}-{sex_digit(birth_date, sex)}******"


def mask_name(name: str) -> str:
    """홍길동 → 홍*동, 김철 → 김*, 남궁민수 → 남**수."""
    if len(name) <= 1:
        return name
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


def mask_phone(phone: str) -> str:
    digits = re.sub(r"\D", "", phone)
    if len(digits) < 8:
        return "*" * len(digits)
    return f"{digits[:3]}-****-{digits[-4:]}"


_BRN_WEIGHTS = (1, 3, 7, 1, 3, 7, 1, 3, 5)


def is_valid_business_number(value: str) -> bool:
    """사업자등록번호: 10 digits whose last is the check digit (9th weight 5 carries its tens)."""
    digits = re.sub(r"-", "", value.strip())
    if len(digits) != 10 or not digits.isdigit():
        return False
    total = sum(int(d) * w for d, w in zip(digits[:9], _BRN_WEIGHTS, strict=True))
    total += int(digits[8]) * 5 // 10
    return (10 - total % 10) % 10 == int(digits[9])


def normalize_business_number(value: str) -> str:
    digits = re.sub(r"-", "", value.strip())
    if not is_valid_business_number(digits):
        raise ValueError("business_number")
    return digits
