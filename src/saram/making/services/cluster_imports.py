"""Importing the cluster's members and R&D projects from CSV/XLSX through core's one pipeline.

A member row naming an organisation the cluster already has (by 사업자등록번호, else by name
and kind) updates it; any other row enters the organisation (core's, found or made) in the
cluster. A project row with the title and lead of a known project updates it. All or nothing:
every bad row is reported (with a downloadable error file) and nothing is written unless every
row is good; the writes go through the same services as the pages.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import translation

from saram.core import audit
from saram.core.access import Can
from saram.core.errors import RowError, SaramError
from saram.core.imports import (
    CellError,
    Column,
    ImportSpec,
    Upload,
    date_parser,
    read_table,
    register_spec,
    rejected,
    typed_rows,
)
from saram.core.models import AuditAction, Dong, Organisation
from saram.core.services.organisations import check_dongs_and_numbers, parse_business_number
from saram.core.services.people import parse_bool
from saram.making.models import ClusterMember, ClusterRole, ClusterSector, RndProject
from saram.making.services import cluster
from saram.making.services._common import require
from saram.making.services.catalogue_imports import _same_codes, code_list, whole_number
from saram.making.services.incubator import OrganisationValues

Progress = Callable[[int, int], None]
_ROW = "_row"


def _labels(choices: Any) -> Callable[[], list[str]]:
    def labels() -> list[str]:
        with translation.override("ko"):
            return [str(label) for _v, label in choices]

    return labels


# A date as 2026-03-01 (dots or slashes allowed).
parse_date = date_parser("making_import_date")


def parse_website(text: str) -> str:
    url = text.strip()
    if "://" not in url:
        url = "https://" + url
    try:
        URLValidator(schemes=["http", "https"])(url)
    except ValidationError:
        raise CellError("making_import_website") from None
    return url


def _degrees(low: float, high: float) -> Callable[[str], float]:
    def parse(text: str) -> float:
        try:
            value = float(text.strip())
        except ValueError:
            raise CellError("making_import_degrees", low=low, high=high) from None
        if not low <= value <= high:
            raise CellError("making_import_degrees", low=low, high=high)
        return value

    return parse


def _choice(choices: Any) -> Callable[[str], str]:
    """A choice by its Korean label, its label in the reader's language or its code."""

    def parse(text: str) -> str:
        with translation.override("ko"):
            korean = {str(label): value for value, label in choices}
        known = korean | {str(label): value for value, label in choices}
        known |= {value: value for value, _label in choices}
        found = known.get(text.strip()) or known.get(text.strip().lower())
        if found is None:
            raise CellError("making_import_unknown_choice", values=", ".join(_labels(choices)()))
        return found

    return parse


MEMBER_SPEC = register_spec(
    ImportSpec(
        "making_cluster_members",
        (
            Column("이름", str.strip, example="전주카본소재"),
            Column(
                "구분",
                _choice(ClusterRole.choices),
                example="기업",
                allowed=_labels(ClusterRole.choices),
            ),
            Column(
                "분야",
                _choice(ClusterSector.choices),
                example="탄소·특수소재 복합재",
                allowed=_labels(ClusterSector.choices),
            ),
            Column("사업자등록번호", parse_business_number, required=False, example="1234567891"),
            Column("행정동코드", str.strip, required=False, example="4511166000"),
            Column("소개", str.strip, required=False, example="탄소섬유 프리프레그 생산"),
            Column("누리집", parse_website, required=False, example="https://example.kr"),
            Column("종업원수", whole_number, required=False, example="25"),
            Column("참여일", parse_date, required=False, example="2024-03-01"),
            Column("위도", _degrees(33, 39), required=False, example="35.85"),
            Column("경도", _degrees(124, 132), required=False, example="127.09"),
            Column(
                "확인필요",
                parse_bool,
                required=False,
                example="아니오",
                allowed=lambda: ["예", "아니오"],
            ),
        ),
    )
)

PROJECT_SPEC = register_spec(
    ImportSpec(
        "making_rnd_projects",
        (
            Column("과제명", str.strip, example="탄소섬유 복합재 3D프린팅 부품 개발"),
            Column("주관기관", str.strip, example="한국탄소산업진흥원"),
            Column("참여기관", code_list, required=False, example="전주카본소재; 전북대학교"),
            Column("지원기관", str.strip, required=False, example="산업통상자원부"),
            Column("연구비(원)", whole_number, required=False, example="450000000"),
            Column("시작일", parse_date, example="2025-04-01"),
            Column("종료일", parse_date, example="2027-12-31"),
            Column("성과", str.strip, required=False, example="시제품 2종, 특허 출원 1건"),
        ),
    )
)


def _position_errors(rows: list[dict[str, Any]], errors: list[RowError]) -> None:
    for row in rows:
        if (row.get("위도") is None) != (row.get("경도") is None):
            missing = "경도" if row.get("경도") is None else "위도"
            errors.append(RowError(row[_ROW], missing, code="making_import_both_degrees"))


def _member_values(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "role": row["구분"],
        "sector": row["분야"],
        "summary": row.get("소개") or "",
        "website": row.get("누리집") or "",
        "employees": row.get("종업원수"),
        "joined_on": row.get("참여일"),
        "lat": row.get("위도"),
        "lng": row.get("경도"),
        "is_uncertain": bool(row.get("확인필요")),
    }


def _existing_member(values: OrganisationValues) -> ClusterMember | None:
    orgs = (
        Organisation.objects.filter(business_number=values.business_number)
        if values.business_number
        else Organisation.objects.filter(name=values.name, kind=values.kind)
    )
    return (
        ClusterMember.objects.filter(organisation__in=orgs).select_related("organisation").first()
    )


def _refusal_on(row: int, field: str, exc: SaramError) -> RowError:
    return RowError(row, field, code=exc.code, params=exc.params)


def import_members(*, by: Any, upload: Upload, progress: Progress | None = None) -> int:
    """Cluster members from a file: known ones updated, new ones entered; all or nothing."""
    require(by, Can.MANAGE_MAKING)
    table = read_table(upload, MEMBER_SPEC)
    rows, errors = typed_rows(table, MEMBER_SPEC)
    dongs = {d.code: d for d in Dong.objects.defer("boundary")}
    check_dongs_and_numbers(rows, dongs, errors)
    errors += _same_codes(rows, "이름", code="making_import_same_value")
    _position_errors(rows, errors)
    if errors:
        raise rejected(errors, table=table.frame, spec=MEMBER_SPEC)
    created = updated = 0
    with transaction.atomic():
        for i, row in enumerate(rows, start=1):
            organisation = OrganisationValues(
                name=row["이름"],
                kind=cluster.organisation_kind_of(row["구분"]),
                dong=dongs.get(row.get("행정동코드") or ""),
                business_number=row.get("사업자등록번호") or "",
            )
            member = _existing_member(organisation)
            try:
                if member is None:
                    cluster.join_cluster(
                        by=by, organisation=organisation, values=_member_values(row)
                    )
                    created += 1
                else:
                    cluster.update_member(
                        by=by, member=member, organisation=organisation, values=_member_values(row)
                    )
                    updated += 1
            except SaramError as exc:
                errors.append(_refusal_on(row[_ROW], "이름", exc))
            if progress is not None:
                progress(i, len(rows))
        if errors:
            # Raised inside the transaction: every row written so far is rolled back.
            raise rejected(errors, table=table.frame, spec=MEMBER_SPEC)
        _audit_import(by, "making_cluster_member", upload, created=created, updated=updated)
    return len(rows)


def _audit_import(by: Any, target: str, upload: Upload, *, created: int, updated: int) -> None:
    audit.record(
        actor=by,
        action=AuditAction.IMPORT,
        target_type=target,
        purpose="클러스터 가져오기",
        detail={"file": upload.filename, "created": created, "updated": updated},
    )


class _Members:
    """The cluster's members as a project file names them: by their organisation's name or by
    its business number (with or without dashes)."""

    def __init__(self) -> None:
        self.by_key: dict[str, ClusterMember] = {}
        for member in ClusterMember.objects.select_related("organisation"):
            org = member.organisation
            self.by_key[org.name] = member
            if org.business_number:
                self.by_key[org.business_number.replace("-", "")] = member

    def get(self, text: str) -> ClusterMember | None:
        return self.by_key.get(text) or self.by_key.get(text.replace("-", ""))


def _project_errors(rows: list[dict[str, Any]], members: _Members, errors: list[RowError]) -> None:
    for row in rows:
        n = row[_ROW]
        lead_text = row.get("주관기관")
        lead = members.get(lead_text) if lead_text else None
        if lead_text and lead is None:
            errors.append(
                RowError(n, "주관기관", value=lead_text[:100], code="making_import_unknown_member")
            )
        names = row.get("참여기관") or []
        unknown = [p for p in names if members.get(p) is None]
        if unknown:
            errors.append(
                RowError(
                    n,
                    "참여기관",
                    value=", ".join(unknown)[:100],
                    code="making_import_unknown_member",
                )
            )
        if lead is not None and lead in [members.get(p) for p in names]:
            errors.append(
                RowError(n, "참여기관", value=str(lead)[:100], code="making_lead_is_partner")
            )
        start, end = row.get("시작일"), row.get("종료일")
        if start and end and end <= start:
            errors.append(
                RowError(
                    n, "종료일", value=end.isoformat(), code="making_project_ends_before_start"
                )
            )


def import_projects(*, by: Any, upload: Upload, progress: Progress | None = None) -> int:
    """R&D projects from a file: a known title and lead updates that project, others are
    registered; their lead and partners must be cluster members already; all or nothing."""
    require(by, Can.MANAGE_MAKING)
    table = read_table(upload, PROJECT_SPEC)
    rows, errors = typed_rows(table, PROJECT_SPEC)
    errors += _same_codes(rows, "과제명", code="making_import_same_value")
    members = _Members()
    _project_errors(rows, members, errors)
    if errors:
        raise rejected(errors, table=table.frame, spec=PROJECT_SPEC)
    created = updated = 0
    with transaction.atomic():
        for i, row in enumerate(rows, start=1):
            lead = members.get(row["주관기관"])
            partners = [members.get(p) for p in row.get("참여기관") or []]
            values = {
                "title": row["과제명"],
                "lead": lead,
                "funder": row.get("지원기관") or "",
                "funding_krw": row.get("연구비(원)") or 0,
                "starts_on": row["시작일"],
                "ends_on": row["종료일"],
                "outputs": row.get("성과") or "",
            }
            known = RndProject.objects.filter(title=row["과제명"], lead=lead).first()
            if known is None:
                cluster.register_project(by=by, values=values, partners=partners)
                created += 1
            else:
                cluster.update_project(by=by, project=known, values=values, partners=partners)
                updated += 1
            if progress is not None:
                progress(i, len(rows))
        _audit_import(by, "making_rnd_project", upload, created=created, updated=updated)
    return len(rows)
