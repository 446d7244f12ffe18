"""A city is data: another city loads from its own files; bad boundaries are refused whole."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from saram.core.errors import SaramError
from saram.core.models import City, Dong, Gu
from saram.core.services.cities import load_city

SQUARE = [[[127.0, 35.0], [127.01, 35.0], [127.01, 35.01], [127.0, 35.01], [127.0, 35.0]]]
BOWTIE = [[[127.0, 35.0], [127.01, 35.01], [127.01, 35.0], [127.0, 35.01], [127.0, 35.0]]]


def _city_dir(tmp_path: Path, features: list[dict[str, Any]] | str) -> Path:
    (tmp_path / "city.json").write_text(
        json.dumps(
            {
                "code": "1111000000",
                "name": "시험시",
                "name_en": "Testcity",
                "province": "시험도",
                "province_en": "Test",
                "boundaries": {
                    "file": "b.geojson",
                    "properties": {"code": "adm_cd", "name": "adm_nm", "gu": "sgg"},
                },
            }
        ),
        encoding="utf-8",
    )
    body = (
        features
        if isinstance(features, str)
        else json.dumps({"type": "FeatureCollection", "features": features})
    )
    (tmp_path / "b.geojson").write_text(body, encoding="utf-8")
    return tmp_path


def _feature(code: str, name: str, coords: Any = SQUARE) -> dict[str, Any]:
    return {
        "type": "Feature",
        "properties": {"adm_cd": code, "adm_nm": name, "sgg": "가구"},
        "geometry": {"type": "Polygon", "coordinates": coords},
    }


@pytest.mark.django_db
def test_jeonju_loads_35_dongs_in_two_gu_and_again_changes_nothing(settings: Any) -> None:
    first = load_city(settings.SARAM_CITY_DIR)
    assert (first.dongs_created, Gu.objects.count(), Dong.objects.count()) == (35, 2, 35)
    again = load_city(settings.SARAM_CITY_DIR)
    assert (again.dongs_created, again.dongs_updated, Dong.objects.count()) == (0, 35, 35)
    songcheon = Dong.objects.get(name="송천1동")
    assert songcheon.gu.name == "덕진구" and songcheon.code.startswith("52113")


@pytest.mark.django_db
def test_another_city_loads_from_its_files(tmp_path: Path) -> None:
    load_city(_city_dir(tmp_path, [_feature("1111051000", "가동"), _feature("1111052000", "나동")]))
    assert City.objects.get().name == "시험시"
    assert list(Dong.objects.values_list("name", flat=True)) == ["가동", "나동"]
    assert Gu.objects.get().code == "1111000000"


@pytest.mark.django_db
def test_a_self_intersecting_boundary_is_repaired_with_a_warning(tmp_path: Path) -> None:
    result = load_city(_city_dir(tmp_path, [_feature("1111051000", "가동", BOWTIE)]))
    assert [w.row for w in result.warnings] == [1]
    assert Dong.objects.get().boundary["type"] in ("Polygon", "MultiPolygon")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("features", "row", "field"),
    [
        ("{not json", 0, ""),
        ([_feature("12345", "가동")], 1, "adm_cd"),
        ([_feature("1111051000", "가동"), _feature("1111051000", "나동")], 2, "adm_cd"),
        (
            [
                {
                    "type": "Feature",
                    "properties": {"adm_cd": "1111051000", "adm_nm": "가", "sgg": "구"},
                    "geometry": {"type": "Point", "coordinates": [127, 35]},
                }
            ],
            1,
            "geometry",
        ),
        (
            [{"type": "Feature", "properties": {"adm_nm": "가", "sgg": "구"}, "geometry": None}],
            1,
            "adm_cd",
        ),
    ],
)
def test_bad_boundaries_are_refused_naming_the_feature(
    tmp_path: Path, features: Any, row: int, field: str
) -> None:
    with pytest.raises(SaramError) as caught:
        load_city(_city_dir(tmp_path, features))
    assert [(e.row, e.field) for e in caught.value.row_errors][:1] == [(row, field)]
    assert not City.objects.exists() and not Dong.objects.exists()
