"""Reading a city's dong boundaries from GeoJSON: validate, repair, and find centroids.

Real boundary files carry self-intersections and stray rings; each problem is reported with
the feature's position and either repaired (make_valid) or refused, never a crash.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from pyproj import Geod
from shapely.geometry import GeometryCollection, mapping, shape
from shapely.validation import explain_validity, make_valid

_GEOD = Geod(ellps="WGS84")


class AreaKind(StrEnum):
    """The lowest tier: 읍 and 면 (a 군, or a 시's rural part) or 동 (urban)."""

    EUP = "eup"
    MYEON = "myeon"
    DONG = "dong"


# How boundary files write the kind: the Korean word or its romanisation.
_KIND_WORDS = {
    "읍": AreaKind.EUP,
    "eup": AreaKind.EUP,
    "면": AreaKind.MYEON,
    "myeon": AreaKind.MYEON,
    "동": AreaKind.DONG,
    "dong": AreaKind.DONG,
}


def kind_from_name(name: str) -> AreaKind | None:
    """The kind a Korean area name ends with (옥구읍, 회현면, 해신동), or None."""
    last = name.strip()[-1:] if name.strip() else ""
    return _KIND_WORDS.get(last)


class BoundaryProblem(StrEnum):
    NOT_JSON = "not_json"
    NOT_FEATURE_COLLECTION = "not_feature_collection"
    NO_FEATURES = "no_features"
    MISSING_PROPERTY = "missing_property"
    BAD_CODE = "bad_code"
    DUPLICATE_CODE = "duplicate_code"
    BAD_GEOMETRY = "bad_geometry"
    NOT_POLYGON = "not_polygon"
    BAD_KIND = "bad_kind"
    REPAIRED = "repaired"


@dataclass(frozen=True)
class Issue:
    feature: int  # 1-based position in the file
    problem: BoundaryProblem
    field: str = ""
    detail: str = ""


@dataclass(frozen=True)
class DongShape:
    code: str
    name: str
    name_en: str
    gu: str  # "" where the city has no 구 (most 시 and every 군)
    gu_en: str
    kind: AreaKind
    former_code: str
    stat_code: str
    geometry: dict[str, Any]
    centroid_lat: float
    centroid_lng: float
    area_km2: float


@dataclass
class BoundaryRead:
    dongs: list[DongShape] = field(default_factory=list)
    errors: list[Issue] = field(default_factory=list)
    warnings: list[Issue] = field(default_factory=list)


@dataclass(frozen=True)
class PropertyNames:
    """Which GeoJSON property holds each field; another city's file may name them otherwise.

    `gu` empty (the default): the city has no 구, its 읍·면·동 belong to the 시·군 directly; a
    city with 구 names the property, and then every feature must carry it. `kind` empty: the
    kind (읍, 면 or 동) is read from the end of the area's Korean name (동 if it says none).
    """

    code: str = "admin_code"
    name: str = "name"
    name_en: str = "name_en"
    gu: str = ""
    gu_en: str = ""
    kind: str = ""
    former_code: str = ""
    stat_code: str = ""


def read_boundaries(raw: bytes | str, names: PropertyNames) -> BoundaryRead:
    """Parse a FeatureCollection of dongs; errors refuse the file, warnings say what was fixed."""
    out = BoundaryRead()
    try:
        doc = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        out.errors.append(Issue(0, BoundaryProblem.NOT_JSON, detail=str(exc)))
        return out
    if not isinstance(doc, dict) or doc.get("type") != "FeatureCollection":
        out.errors.append(Issue(0, BoundaryProblem.NOT_FEATURE_COLLECTION))
        return out
    features = doc.get("features")
    if not isinstance(features, list) or not features:
        out.errors.append(Issue(0, BoundaryProblem.NO_FEATURES))
        return out
    seen: set[str] = set()
    for position, feature in enumerate(features, start=1):
        dong = _read_feature(position, feature, names, out)
        if dong is None:
            continue
        if dong.code in seen:
            out.errors.append(
                Issue(position, BoundaryProblem.DUPLICATE_CODE, names.code, dong.code)
            )
            continue
        seen.add(dong.code)
        out.dongs.append(dong)
    return out


def _read_feature(
    position: int, feature: Any, names: PropertyNames, out: BoundaryRead
) -> DongShape | None:
    props = feature.get("properties") if isinstance(feature, dict) else None
    if not isinstance(props, dict):
        out.errors.append(Issue(position, BoundaryProblem.MISSING_PROPERTY, "properties"))
        return None
    values: dict[str, str] = {}
    for attr in ("code", "name", "name_en", "gu", "gu_en", "kind", "former_code", "stat_code"):
        key = getattr(names, attr)
        if not key:
            values[attr] = ""
            continue
        value = props.get(key)
        if value in (None, "") and attr in ("code", "name", "gu"):
            out.errors.append(Issue(position, BoundaryProblem.MISSING_PROPERTY, key))
            return None
        values[attr] = "" if value is None else str(value).strip()
    if not (values["code"].isdigit() and len(values["code"]) == 10):
        out.errors.append(Issue(position, BoundaryProblem.BAD_CODE, names.code, values["code"]))
        return None
    if values["kind"]:
        kind = _KIND_WORDS.get(values["kind"].lower()) or kind_from_name(values["kind"])
        if kind is None:
            out.errors.append(Issue(position, BoundaryProblem.BAD_KIND, names.kind, values["kind"]))
            return None
    else:
        # No kind in the file: the name says it (옥구읍, 회현면, 해신동); a 동 otherwise.
        kind = kind_from_name(values["name"]) or AreaKind.DONG
    try:
        geom = shape(feature.get("geometry"))
    except Exception as exc:  # shapely raises several types for malformed coordinates
        out.errors.append(Issue(position, BoundaryProblem.BAD_GEOMETRY, "geometry", str(exc)))
        return None
    if geom.geom_type not in ("Polygon", "MultiPolygon"):
        out.errors.append(Issue(position, BoundaryProblem.NOT_POLYGON, "geometry", geom.geom_type))
        return None
    if not geom.is_valid:
        reason = explain_validity(geom)
        repaired = make_valid(geom)
        if isinstance(repaired, GeometryCollection):
            polys = [g for g in repaired.geoms if g.geom_type in ("Polygon", "MultiPolygon")]
            repaired = polys[0] if len(polys) == 1 else make_valid(repaired.buffer(0))
        if repaired.is_empty or repaired.geom_type not in ("Polygon", "MultiPolygon"):
            out.errors.append(Issue(position, BoundaryProblem.BAD_GEOMETRY, "geometry", reason))
            return None
        out.warnings.append(Issue(position, BoundaryProblem.REPAIRED, "geometry", reason))
        geom = repaired
    if geom.is_empty:
        out.errors.append(Issue(position, BoundaryProblem.BAD_GEOMETRY, "geometry", "empty"))
        return None
    point = geom.representative_point() if not geom.centroid.within(geom) else geom.centroid
    area_m2, _ = _GEOD.geometry_area_perimeter(geom)
    return DongShape(
        code=values["code"],
        name=values["name"],
        name_en=values["name_en"] or values["name"],
        gu=values["gu"],
        gu_en=values["gu_en"] or values["gu"],
        kind=kind,
        former_code=values["former_code"],
        stat_code=values["stat_code"],
        geometry=dict(mapping(geom)),
        centroid_lat=round(point.y, 6),
        centroid_lng=round(point.x, 6),
        area_km2=round(abs(area_m2) / 1e6, 3),
    )
