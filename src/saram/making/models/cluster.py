"""The composites and 3D-printing cluster on core's organisations, and its R&D projects."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class ClusterRole(models.TextChoices):
    FIRM = "firm", _("기업")
    INSTITUTE = "institute", _("연구기관")
    UNIVERSITY = "university", _("대학")
    PUBLIC_BODY = "public_body", _("공공기관")


class ClusterSector(models.TextChoices):
    CARBON = "carbon", _("탄소·특수소재 복합재")
    PRINTING = "printing", _("3D프린팅")
    BOTH = "both", _("탄소 소재 3D프린팅 융합")


class ClusterMember(models.Model):
    """A firm, institute, university or public body in the cluster; the economy sees the same
    organisation."""

    organisation = models.OneToOneField(
        "core.Organisation", on_delete=models.CASCADE, related_name="cluster_member"
    )
    role = models.CharField(_("구분"), max_length=20, choices=ClusterRole.choices)
    sector = models.CharField(_("분야"), max_length=20, choices=ClusterSector.choices)
    summary = models.CharField(_("소개"), max_length=300, blank=True)
    website = models.URLField(_("누리집"), blank=True)
    employees = models.PositiveIntegerField(_("종업원 수"), null=True, blank=True)
    lat = models.FloatField(null=True, blank=True)
    lng = models.FloatField(null=True, blank=True)
    is_uncertain = models.BooleanField(_("확인 필요"), default=False)
    joined_on = models.DateField(_("참여일"), null=True, blank=True)

    class Meta:
        verbose_name = _("클러스터 참여 기관")
        verbose_name_plural = _("클러스터 참여 기관")

    def __str__(self) -> str:
        return self.organisation.name


class RndProject(models.Model):
    title = models.CharField(_("과제명"), max_length=200)
    lead = models.ForeignKey(ClusterMember, on_delete=models.PROTECT, related_name="led_projects")
    partners = models.ManyToManyField(ClusterMember, related_name="projects", blank=True)
    funder = models.CharField(_("지원 기관"), max_length=100, blank=True)
    funding_krw = models.BigIntegerField(_("연구비(원)"), default=0)
    starts_on = models.DateField(_("시작일"))
    ends_on = models.DateField(_("종료일"))
    outputs = models.TextField(_("성과"), blank=True)

    class Meta:
        verbose_name = _("R&D 과제")
        verbose_name_plural = _("R&D 과제")
        ordering = ["-starts_on"]
