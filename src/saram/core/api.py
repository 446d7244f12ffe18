"""The core JSON API: areas, organisations and people, under the same scope as the pages."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.pagination import LimitOffsetPagination, paginate

from saram.core import audit, selectors
from saram.core.access import Can, scope_of
from saram.core.bounds import Limit, Offset
from saram.core.models import AuditAction

router = Router(tags=["core"])


class GuOut(Schema):
    code: str
    name: str
    name_en: str


class DongOut(Schema):
    code: str
    name: str
    name_en: str
    gu_code: str | None  # None where the city has no 구
    kind: str  # eup, myeon or dong
    centroid_lat: float
    centroid_lng: float
    population: int


class DongDetailOut(DongOut):
    boundary: dict[str, Any]


class OrganisationOut(Schema):
    id: int
    kind: str
    name: str
    dong_code: str | None
    address: str
    business_number: str


class PersonOut(Schema):
    id: int
    key: str
    name: str
    masked_rrn: str
    birth_date: dt.date
    sex: str
    dong_code: str
    address: str
    phone: str
    lives_alone: bool


def _dong_out(dong: Any, population: dict[int, int]) -> dict[str, Any]:
    return {
        "code": dong.code,
        "name": dong.name,
        "name_en": dong.name_en,
        "gu_code": dong.gu.code if dong.gu_id is not None else None,
        "kind": dong.kind,
        "centroid_lat": dong.centroid_lat,
        "centroid_lng": dong.centroid_lng,
        "population": population.get(dong.id, 0),
    }


@router.get("/areas/gus", response=list[GuOut])
def list_gus(request: HttpRequest) -> Any:
    scope_of(request.user).require(Can.VIEW_AREAS)
    return list(selectors.gus())


@router.get("/areas/dongs", response=list[DongOut])
def list_dongs(request: HttpRequest) -> Any:
    population = selectors.population_by_dong()
    return [_dong_out(d, population) for d in selectors.dongs_for(request.user)]


@router.get("/areas/dongs/{code}", response=DongDetailOut)
def get_dong(request: HttpRequest, code: str) -> Any:
    dong = selectors.dong_for(request.user, code)
    return _dong_out(dong, selectors.population_by_dong()) | {"boundary": dong.boundary}


@router.get("/organisations", response=list[OrganisationOut])
@paginate(LimitOffsetPagination)
def list_organisations(request: HttpRequest, kind: str = "", q: str = "", dong: str = "") -> Any:
    scope_of(request.user).require(Can.VIEW_ORGANISATIONS)
    dong_obj = selectors.dong_for(request.user, dong) if dong else None
    return [
        {
            "id": o.id,
            "kind": o.kind,
            "name": o.name,
            "dong_code": o.dong.code if o.dong else None,
            "address": o.address,
            "business_number": o.business_number,
        }
        for o in selectors.organisations_for(request.user, dong=dong_obj, kind=kind, query=q)
    ]


@router.get("/organisations/{org_id}", response=OrganisationOut)
def get_organisation(request: HttpRequest, org_id: int) -> Any:
    o = selectors.organisation_for(request.user, org_id)
    return {
        "id": o.id,
        "kind": o.kind,
        "name": o.name,
        "dong_code": o.dong.code if o.dong else None,
        "address": o.address,
        "business_number": o.business_number,
    }


def _person_out(p: Any) -> dict[str, Any]:
    return {
        "id": p.id,
        "key": p.key,
        "name": p.name,
        "masked_rrn": p.masked_rrn,
        "birth_date": p.birth_date,
        "sex": p.sex,
        "dong_code": p.dong.code,
        "address": p.address,
        "phone": p.phone,
        "lives_alone": p.lives_alone,
    }


@router.get("/people", response=list[PersonOut])
def list_people(
    request: HttpRequest, dong: str = "", q: str = "", limit: Limit = 100, offset: Offset = 0
) -> Any:
    scope_of(request.user).require(Can.VIEW_PEOPLE)
    limit = max(1, min(limit, 500))
    dong_obj = selectors.dong_for(request.user, dong) if dong else None
    rows = list(selectors.people_for(request.user, dong=dong_obj, query=q)[offset : offset + limit])
    audit.record(
        actor=request.user,
        action=AuditAction.LIST,
        target_type="person",
        purpose="API: 주민 목록",
        detail={"dong": dong, "q": q, "offset": offset, "shown": len(rows)},
    )
    return [_person_out(p) for p in rows]


@router.get("/people/{person_id}", response=PersonOut)
def get_person(request: HttpRequest, person_id: int, purpose: str = "") -> Any:
    person = selectors.person_for(request.user, person_id)
    audit.record(
        actor=request.user,
        action=AuditAction.VIEW,
        target_type="person",
        target_id=person.pk,
        purpose=purpose[:200] or "API: 주민 기록 열람",
    )
    return _person_out(person)
