import pytest

from saram.economy.engine.registry import (
    BusinessNumberProblem,
    InvalidBusinessNumber,
    business_number_check_digit,
    check_business_number,
    make_business_number,
    normalize_business_number,
)


def test_a_hand_checked_number_is_valid() -> None:
    # 124-81-00998: 1·1 + 2·3 + 4·7 + 8·1 + 1·3 + 0·7 + 0·1 + 9·3 + 9·5 = 118,
    # plus the carry ⌊9·5/10⌋ = 4 → 122; check digit (10 − 122 mod 10) mod 10 = 8.
    assert business_number_check_digit("124810099") == 8
    assert check_business_number("124-81-00998").is_valid
    assert check_business_number("1248100998").formatted == "124-81-00998"


def test_the_ninth_digit_carry_changes_the_check_digit() -> None:
    # Without the carry the sum would be 118 and the check digit (10 − 8) mod 10 = 2.
    assert check_business_number("124-81-00992").problem is BusinessNumberProblem.CHECKSUM


def test_a_wrong_check_digit_is_refused() -> None:
    assert check_business_number("124-81-00997").problem is BusinessNumberProblem.CHECKSUM


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("", BusinessNumberProblem.EMPTY),
        ("  - ", BusinessNumberProblem.EMPTY),
        ("124-81-0099", BusinessNumberProblem.WRONG_LENGTH),
        ("124-81-009980", BusinessNumberProblem.WRONG_LENGTH),
        ("12A-81-00998", BusinessNumberProblem.NOT_DIGITS),
        ("１２４８１００９９８", BusinessNumberProblem.NOT_DIGITS),  # full-width digits
    ],
)
def test_malformed_numbers_name_their_problem(text: str, problem: BusinessNumberProblem) -> None:
    assert check_business_number(text).problem is problem


def test_normalize_returns_digits_or_raises_with_code() -> None:
    assert normalize_business_number(" 124 81 00998 ") == "1248100998"
    with pytest.raises(InvalidBusinessNumber) as caught:
        normalize_business_number("124-81-00997")
    assert caught.value.problem is BusinessNumberProblem.CHECKSUM


def test_generated_demo_numbers_are_valid() -> None:
    for serial in (0, 7, 123_456_789, 999_999_999):
        assert check_business_number(make_business_number(serial)).is_valid
