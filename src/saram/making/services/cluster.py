"""The composites and 3D-printing cluster: its members (on core's organisations, so the economy
module sees the same firms) and the R&D projects they lead or join. Centre staff keep both."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction

from saram.core import audit
from saram.core.access import Can
from saram.core.errors import SaramError
from saram.core.models import AuditAction, OrganisationKind
from saram.making.models import ClusterMember, ClusterRole, RndProject
from saram.making.services._common import require
from saram.making.services.incubator import OrganisationValues, organisation_for

MEMBER_FIELDS = (
    "role",
    "sector",
    "summary",
    "website",
    "employees",
    "lat",
    "lng",
    "is_uncertain",
    "joined_on",
)
PROJECT_FIELDS = ("title", "lead", "funder", "funding_krw", "starts_on", "ends_on", "outputs")


_MEMBER_KIND = {
    ClusterRole.FIRM: OrganisationKind.FIRM,
    ClusterRole.INSTITUTE: OrganisationKind.PUBLIC,
    ClusterRole.UNIVERSITY: OrganisationKind.SCHOOL,
    ClusterRole.PUBLIC_BODY: OrganisationKind.PUBLIC,
}


def organisation_kind_of(role: str) -> str:
    """The kind core files a cluster member under (a university is a school there)."""
    return str(_MEMBER_KIND.get(role, OrganisationKind.FIRM))


def _check_position(values: dict[str, Any]) -> None:
    lat, lng = values.get("lat"), values.get("lng")
    if lat is None and lng is None:
        return
    if lat is None or lng is None or not (33 <= lat <= 39 and 124 <= lng <= 132):
        raise SaramError("making_bad_position")


def join_cluster(
    *, by: Any, organisation: OrganisationValues, values: dict[str, Any]
) -> ClusterMember:
    """Enter a firm, institute, university or public body in the cluster directory."""
    require(by, Can.MANAGE_MAKING)
    _check_position(values)
    with transaction.atomic():
        org = organisation_for(organisation)
        if ClusterMember.objects.filter(organisation=org).exists():
            raise SaramError("making_already_member", name=org.name)
        member = ClusterMember.objects.create(
            organisation=org, **{k: values.get(k) for k in MEMBER_FIELDS if k in values}
        )
        audit.record(
            actor=by,
            action=AuditAction.CREATE,
            target_type="making_cluster_member",
            target_id=member.pk,
            purpose="클러스터 참여 기관 등록",
        )
        return member


def update_member(
    *, by: Any, member: ClusterMember, organisation: OrganisationValues, values: dict[str, Any]
) -> ClusterMember:
    """Change a member's entry in the directory (and its organisation's name, kind, dong)."""
    require(by, Can.MANAGE_MAKING)
    _check_position(values)
    with transaction.atomic():
        locked = ClusterMember.objects.select_for_update().get(pk=member.pk)
        organisation_for(organisation, keep=locked.organisation)
        for key in MEMBER_FIELDS:
            if key in values:
                setattr(locked, key, values[key])
        locked.save()
        audit.record(
            actor=by,
            action=AuditAction.UPDATE,
            target_type="making_cluster_member",
            target_id=locked.pk,
            purpose="클러스터 참여 기관 수정",
        )
        return locked


def _check_project(values: dict[str, Any], partners: list[ClusterMember]) -> None:
    if values["ends_on"] <= values["starts_on"]:
        raise SaramError("making_project_ends_before_start")
    if (values.get("funding_krw") or 0) < 0:
        raise SaramError("making_bad_funding")
    if values["lead"] in partners:
        raise SaramError("making_lead_is_partner")


def register_project(
    *, by: Any, values: dict[str, Any], partners: Iterable[ClusterMember]
) -> RndProject:
    """Register an R&D project with its lead member, partners, funding, period and outputs."""
    require(by, Can.MANAGE_MAKING)
    partner_list = list(partners)
    _check_project(values, partner_list)
    with transaction.atomic():
        project = RndProject.objects.create(**{k: values.get(k) for k in PROJECT_FIELDS})
        project.partners.set(partner_list)
        audit.record(
            actor=by,
            action=AuditAction.CREATE,
            target_type="making_rnd_project",
            target_id=project.pk,
            purpose="R&D 과제 등록",
        )
        return project


def update_project(
    *, by: Any, project: RndProject, values: dict[str, Any], partners: Iterable[ClusterMember]
) -> RndProject:
    """Change an R&D project; its partners become exactly `partners`."""
    require(by, Can.MANAGE_MAKING)
    partner_list = list(partners)
    _check_project(values, partner_list)
    with transaction.atomic():
        locked = RndProject.objects.select_for_update().get(pk=project.pk)
        for key in PROJECT_FIELDS:
            setattr(locked, key, values.get(key))
        locked.save()
        locked.partners.set(partner_list)
        audit.record(
            actor=by,
            action=AuditAction.UPDATE,
            target_type="making_rnd_project",
            target_id=locked.pk,
            purpose="R&D 과제 수정",
        )
        return locked
