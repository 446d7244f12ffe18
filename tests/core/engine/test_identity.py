from __future__ import annotations

import datetime as dt

import pytest

from saram.core.engine.identity import (
    InvalidRrn,
    RrnProblem,
    is_valid_business_number,
    make_rrn,
    mask_name,
    mask_phone,
    mask_rrn_from,
    normalize_rrn,
)


def test_a_made_number_validates_and_carries_birth_date_and_sex() -> None:
    rrn = make_rrn(dt.date(1947, 8, 15), "F", 4321)
    assert rrn.startswith("4708152") and normalize_rrn(f"{rrn[:6]}-{rrn[6:]}") == rrn
    assert make_rrn(dt.date(2003, 1, 2), "M", 1)[6] == "3"


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("12345", RrnProblem.FORMAT),
        ("471315-2123456", RrnProblem.DATE),
        ("470815-2432100", RrnProblem.CHECKSUM),
    ],
)
def test_bad_numbers_say_what_is_wrong(value: str, problem: RrnProblem) -> None:
    good = make_rrn(dt.date(1947, 8, 15), "F", 4321)
    if problem is RrnProblem.CHECKSUM:
        value = good[:12] + str((int(good[12]) + 1) % 10)
    with pytest.raises(InvalidRrn) as caught:
        normalize_rrn(value)
    assert caught.value.problem is problem


def test_masking() -> None:
    assert mask_name("홍길동") == "홍*동"
    assert mask_name("남궁민수") == "남**수"
    assert mask_name("김철") == "김*"
    assert mask_rrn_from(dt.date(1990, 1, 1), "M") == "900101-1******"
    assert mask_phone("010-1234-5678") == "010-****-5678"


def test_business_number_checksum() -> None:
    assert is_valid_business_number("220-81-62517")
    assert not is_valid_business_number("220-81-62518")
    assert not is_valid_business_number("12345")
