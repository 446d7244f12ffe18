import numpy as np
import pytest

from saram.economy.engine.registry import (
    LOCALITY_CODES,
    CityArea,
    Locality,
    classify_address,
    classify_dong_code,
    classify_dong_codes,
)


@pytest.fixture
def jeonju(jeonju_rules) -> CityArea:  # type: ignore[no-untyped-def]
    assert jeonju_rules.area is not None
    return jeonju_rules.area


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("5211151000", Locality.IN_CITY),  # 완산구 (전북특별자치도 code)
        ("5211356000", Locality.IN_CITY),  # 덕진구
        ("4511157000", Locality.IN_CITY),  # 완산구 before the 2024 code change
        ("5213051000", Locality.IN_PROVINCE),  # 군산시
        ("1111051500", Locality.OUTSIDE),  # 서울 종로구
        ("2611053000", Locality.OUTSIDE),  # 부산
        ("521115100", Locality.UNKNOWN),  # nine digits
        ("", Locality.UNKNOWN),
        ("52111abcde", Locality.UNKNOWN),
    ],
)
def test_dong_codes_are_classified_by_prefix(
    jeonju: CityArea, code: str, expected: Locality
) -> None:
    assert classify_dong_code(code, jeonju) is expected


@pytest.mark.parametrize(
    ("address", "expected"),
    [
        ("전북특별자치도 전주시 완산구 효자로 225", Locality.IN_CITY),
        ("전라북도 전주시 덕진구 백제대로 567", Locality.IN_CITY),
        ("전북특별자치도 군산시 시청로 17", Locality.IN_PROVINCE),
        ("서울특별시 종로구 세종대로 209", Locality.OUTSIDE),
        ("서울특별시 중구 전주로 1", Locality.OUTSIDE),  # city name too far down the address
        ("", Locality.UNKNOWN),
    ],
)
def test_addresses_are_classified_from_their_first_words(
    jeonju: CityArea, address: str, expected: Locality
) -> None:
    assert classify_address(address, jeonju) is expected


def test_vectorised_classification_matches_one_by_one(jeonju: CityArea) -> None:
    codes = ["5211151000", "5213051000", "1111051500", "x", "4511157000", "52111"]
    got = classify_dong_codes(np.array(codes), jeonju)
    assert [LOCALITY_CODES[i] for i in got] == [classify_dong_code(c, jeonju) for c in codes]
