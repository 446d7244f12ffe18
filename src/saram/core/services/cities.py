"""Loading a city (its gu, dongs and boundaries) from files: a city is data, not code.

A city directory holds `city.json` (codes, names, which GeoJSON properties hold what) and the
boundary file it names. Loading is idempotent and all-or-nothing.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.core.cache import cache
from django.db import transaction

from saram.core.engine.boundaries import BoundaryProblem, Issue, PropertyNames, read_boundaries
from saram.core.errors import RowError, SaramError
from saram.core.imports import Upload, read_rows
from saram.core.models import AreaKind, City, CityKind, Dong, Gu, Organisation
from saram.core.services.organisations import ORGANISATION_SPEC

ORGANISATION_FILE = "organisations.csv"

# Each boundary problem's registered error code (messages in `saram.core.errors`).
_PROBLEM_CODE = {problem: f"boundary_{problem.value}" for problem in BoundaryProblem}


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
        raise SaramError("no_manifest", path=str(path)) from None
    except ValueError as exc:
        raise SaramError("bad_manifest", detail=str(exc)) from exc
    for key in ("code", "name", "name_en", "province", "province_en", "boundaries"):
        if key not in manifest:
            raise SaramError("manifest_key_missing", key=key)
    if manifest.get("kind", CityKind.SI) not in CityKind.values:
        raise SaramError("manifest_key_missing", key="kind")
    return manifest


def _row_error(issue: Issue) -> RowError:
    return RowError(
        issue.feature, issue.field, value=issue.detail, code=_PROBLEM_CODE[issue.problem]
    )


def load_city(directory: Path | str) -> CityLoad:
    """Create or update the city, its 구 (if any) and 읍·면·동 from a city directory.

    All or nothing: a boundary file with any error writes nothing.
    """
    directory = Path(directory)
    manifest = _manifest(directory)
    spec = manifest["boundaries"]
    names = PropertyNames(**spec.get("properties", {}))
    raw = (directory / spec["file"]).read_bytes()
    read = read_boundaries(raw, names)
    if read.errors:
        raise SaramError(
            "bad_boundaries", file=spec["file"], row_errors=[_row_error(i) for i in read.errors]
        )
    gu_codes: dict[str, str] = manifest.get("gu_codes", {})
    with transaction.atomic():
        city, _created = City.objects.update_or_create(
            code=manifest["code"],
            defaults={k: manifest[k] for k in ("name", "name_en", "province", "province_en")}
            | {
                "attribution": manifest.get("attribution", ""),
                "kind": manifest.get("kind", CityKind.SI),
            },
        )
        gus: dict[str, Gu] = {}
        for shape in read.dongs:
            if shape.gu and shape.gu not in gus:
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
                    "city": city,
                    "gu": gus[shape.gu] if shape.gu else None,
                    "kind": AreaKind(shape.kind.value),
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
    cache.delete("saram:city")
    return CityLoad(
        city=city,
        dongs_created=len(read.dongs) - len(existing),
        dongs_updated=len(existing),
        warnings=[_row_error(i) for i in read.warnings],
    )


def read_organisations(directory: Path) -> list[dict[str, Any]]:
    """The city's own list of organisations (`organisations` in city.json; the same columns as
    an organisation import), or none."""
    name = _manifest(directory).get("organisations") or ORGANISATION_FILE
    path = directory / name
    if not path.exists():
        return []
    return read_rows(Upload(path, path.name), ORGANISATION_SPEC)


def load_listed_organisations(
    *, city: City, directory: Path, extra: Sequence[Organisation] = ()
) -> int:
    """Add the organisations the city lists (and `extra` ones); idempotent: one already present
    (same area, kind and name, or same business number) is left as it is. Returns how many
    were created."""
    dongs = {d.code: d for d in Dong.objects.filter(city=city)}
    wanted: list[Organisation] = []
    errors: list[RowError] = []
    for row in read_organisations(directory):
        code = row["행정동코드"] or ""
        if code and code not in dongs:
            errors.append(RowError(row["_row"], "행정동코드", value=code, code="unknown_dong_code"))
            continue
        wanted.append(
            Organisation(
                kind=row["유형"],
                name=row["이름"],
                dong=dongs.get(code),
                address=row["주소"] or "",
                business_number=row["사업자등록번호"] or "",
                phone=row["전화"] or "",
            )
        )
    if errors:
        raise SaramError("demo_bad_rows", file=ORGANISATION_FILE, row_errors=errors)
    wanted.extend(extra)
    numbers = set(
        Organisation.objects.exclude(business_number="").values_list("business_number", flat=True)
    )
    have = set(Organisation.objects.filter(dong__city=city).values_list("dong_id", "kind", "name"))
    have |= set(
        Organisation.objects.filter(dong__isnull=True).values_list("dong_id", "kind", "name")
    )
    new = []
    for org in wanted:
        if (org.dong_id, org.kind, org.name) in have or org.business_number in numbers:
            continue
        have.add((org.dong_id, org.kind, org.name))
        if org.business_number:
            numbers.add(org.business_number)
        new.append(org)
    Organisation.objects.bulk_create(new, batch_size=2000)
    return len(new)
