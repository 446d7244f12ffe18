"""The startup incubator (창업보육): tenants, founders, milestones, mentoring, machine credits."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from saram.making.models.machines import Room


class Tenant(models.Model):
    """A startup housed by the incubator for a term, on core's organisation."""

    organisation = models.OneToOneField(
        "core.Organisation", on_delete=models.PROTECT, related_name="making_tenant"
    )
    field = models.CharField(_("사업 분야"), max_length=100)
    room = models.ForeignKey(
        Room, on_delete=models.SET_NULL, null=True, blank=True, related_name="tenants"
    )
    term_starts_on = models.DateField(_("입주일"))
    term_ends_on = models.DateField(_("입주 만료일"))
    manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("담당 매니저"),
    )

    class Meta:
        verbose_name = _("입주 기업")
        verbose_name_plural = _("입주 기업")
        ordering = ["term_starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(term_ends_on__gt=models.F("term_starts_on")),
                name="tenant_term_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return self.organisation.name


class Founder(models.Model):
    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="founders")
    name = models.CharField(_("이름"), max_length=50)
    title = models.CharField(_("직함"), max_length=50, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="making_founder_of",
    )

    class Meta:
        ordering = ["id"]


class Milestone(models.Model):
    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(_("목표"), max_length=200)
    due_on = models.DateField(_("기한"))
    done_on = models.DateField(_("달성일"), null=True, blank=True)
    # How far along the founders say they are; 100 is reached (done_on set the same day).
    progress_pct = models.PositiveSmallIntegerField(_("진행률(%)"), default=0)

    class Meta:
        ordering = ["due_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(progress_pct__lte=100), name="milestone_progress_at_most_100"
            )
        ]


class MentoringSession(models.Model):
    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="mentoring")
    at = models.DateTimeField(_("일시"))
    mentor = models.CharField(_("멘토"), max_length=100)
    topic = models.CharField(_("주제"), max_length=200)

    class Meta:
        ordering = ["-at"]


class CreditReason(models.TextChoices):
    GRANT = "grant", _("크레딧 지급")
    RESERVATION = "reservation", _("장비 예약 사용")
    REFUND = "refund", _("예약 취소 환급")
    PRINT_JOB = "print_job", _("출력 의뢰 사용")
    PRINT_REFUND = "print_refund", _("출력 의뢰 취소 환급")


class CreditEntry(models.Model):
    """One line of a tenant's machine-hour credit ledger (minutes; + granted, - drawn)."""

    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="credits")
    at = models.DateTimeField()
    minutes = models.IntegerField(_("분"))
    balance_minutes = models.IntegerField(_("잔액(분)"))
    reason = models.CharField(_("사유"), max_length=20, choices=CreditReason.choices)
    reservation = models.ForeignKey(
        "making.Reservation", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    print_job = models.ForeignKey(
        "making.PrintJob", on_delete=models.SET_NULL, null=True, blank=True, related_name="credits"
    )

    class Meta:
        ordering = ["-at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(balance_minutes__gte=0), name="credit_balance_not_negative"
            )
        ]
