"""Loading a city (its gu, dongs and boundaries) from files: a city is data, not code.

A city directory holds `city.json` (codes, names, which GeoJSON properties hold what) and the
boundary file it names. Loading is idempotent and all-or-nothing.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from saram.core.engine.boundaries import BoundaryProblem, PropertyNames, read_boundaries
from saram.core.errors import RowError, SaramError
from saram.core.models import City, Dong, Gu

_PROBLEM_TEXT = {
    BoundaryProblem.NOT_JSON: "GeoJSON이 올바른 JSON이 아닙니다",
    BoundaryProblem.NOT_FEATURE_COLLECTION: "FeatureCollection이 아닙니다",
    BoundaryProblem.NO_FEATURES: "feature가 하나도 없습니다",
    BoundaryProblem.MISSING_PROPERTY: "필수 속성이 없습니다",
    BoundaryProblem.BAD_CODE: "행정기관코드는 10자리 숫자여야 합니다",
    BoundaryProblem.DUPLICATE_CODE: "같은 행정기관코드가 두 번 나옵니다",
    BoundaryProblem.BAD_GEOMETRY: "경계 도형을 읽거나 고칠 수 없습니다",
    BoundaryProblem.NOT_POLYGON: "경계는 Polygon 또는 MultiPolygon이어야 합니다",
    BoundaryProblem.REPAIRED: "경계 도형의 오류를 고쳤습니다",
}


@dataclass(frozen=True)
class CityLoad:
    city: City
    dongs_created: int
    dongs_updated: int
    warnings: list[RowError]


def _manifest(directory: Path) -> dict[str, Any]:
    path = directory / "city.json"
    try:
        manifest: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise SaramError("no_manifest", _("%(path)s 파일이 없습니다.") % {"path": path}) from None
    except ValueError as exc:
        raise SaramError(
            "bad_manifest", _("city.json을 읽을 수 없습니다: %(e)s") % {"e": exc}
        ) from exc
    for key in ("code", "name", "name_en", "province", "province_en", "boundaries"):
        if key not in manifest:
            raise SaramError(
                "bad_manifest", _("city.json에 '%(key)s' 항목이 없습니다.") % {"key": key}
            )
    return manifest


def load_city(directory: Path | str) -> CityLoad:
    """Create or update the city, its gu and dongs from a city directory; nothing on error."""
    directory = Path(directory)
    manifest = _manifest(directory)
    spec = manifest["boundaries"]
    names = PropertyNames(**spec.get("properties", {}))
    raw = (directory / spec["file"]).read_bytes()
    read = read_boundaries(raw, names)
    if read.errors:
        raise SaramError(
            "bad_boundaries",
            _("경계 파일 %(file)s에 오류가 있어 아무것도 불러오지 않았습니다.")
            % {"file": spec["file"]},
            row_errors=[
                RowError(i.feature, i.field, _(_PROBLEM_TEXT[i.problem]), i.detail)
                for i in read.errors
            ],
        )
    gu_codes: dict[str, str] = manifest.get("gu_codes", {})
    with transaction.atomic():
        city, _created = City.objects.update_or_create(
            code=manifest["code"],
            defaults={k: manifest[k] for k in ("name", "name_en", "province", "province_en")}
            | {"attribution": manifest.get("attribution", "")},
        )
        gus: dict[str, Gu] = {}
        for shape in read.dongs:
            if shape.gu not in gus:
                code = gu_codes.get(shape.gu) or shape.code[:5] + "00000"
                gus[shape.gu], _c = Gu.objects.update_or_create(
                    code=code, defaults={"city": city, "name": shape.gu, "name_en": shape.gu_en}
                )
        existing = set(
            Dong.objects.filter(code__in=[d.code for d in read.dongs]).values_list(
                "code", flat=True
            )
        )
        for shape in read.dongs:
            Dong.objects.update_or_create(
                code=shape.code,
                defaults={
                    "gu": gus[shape.gu],
                    "name": shape.name,
                    "name_en": shape.name_en,
                    "former_code": shape.former_code,
                    "stat_code": shape.stat_code,
                    "boundary": shape.geometry,
                    "centroid_lat": shape.centroid_lat,
                    "centroid_lng": shape.centroid_lng,
                    "area_km2": shape.area_km2,
                },
            )
    from django.core.cache import cache

    cache.delete("saram:city")
    return CityLoad(
        city=city,
        dongs_created=len(read.dongs) - len(existing),
        dongs_updated=len(existing),
        warnings=[
            RowError(i.feature, i.field, _(_PROBLEM_TEXT[i.problem]), i.detail)
            for i in read.warnings
        ],
    )
