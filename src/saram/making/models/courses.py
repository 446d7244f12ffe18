"""Courses per audience, their dated sessions, enrolments with a waiting list, certificates."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from saram.making.models.machines import MachineKind, Room


class Audience(models.TextChoices):
    PUPIL = "pupil", _("초·중·고 학생")
    UNIVERSITY = "university", _("대학생")
    FOUNDER = "founder", _("창업자·전문가")
    PUBLIC = "public", _("일반 시민")


class Course(models.Model):
    """A course the centre teaches; its certificate may unlock one machine type."""

    code = models.CharField(_("과정 번호"), max_length=30, unique=True)
    title = models.CharField(_("과정명"), max_length=150)
    audience = models.CharField(_("대상"), max_length=20, choices=Audience.choices)
    summary = models.TextField(_("소개"), blank=True)
    hours = models.PositiveSmallIntegerField(_("교육 시간"), default=3)
    fee_krw = models.BigIntegerField(_("수강료(원)"), default=0)
    unlocks = models.CharField(
        _("이수 시 사용 가능 장비"), max_length=20, choices=MachineKind.choices, blank=True
    )
    is_published = models.BooleanField(_("공개"), default=True)

    class Meta:
        verbose_name = _("교육 과정")
        verbose_name_plural = _("교육 과정")
        ordering = ["audience", "code"]

    def __str__(self) -> str:
        return self.title


class CourseSession(models.Model):
    """One dated class of a course, with its capacity; pupils may come booked by their school."""

    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="sessions")
    starts_at = models.DateTimeField(_("시작"))
    ends_at = models.DateTimeField(_("종료"))
    room = models.ForeignKey(Room, on_delete=models.PROTECT, null=True, blank=True)
    instructor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="making_sessions",
        verbose_name=_("강사"),
    )
    capacity = models.PositiveSmallIntegerField(_("정원"))
    school = models.ForeignKey(
        "core.Organisation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("단체 신청 학교"),
    )
    is_cancelled = models.BooleanField(_("취소됨"), default=False)

    class Meta:
        verbose_name = _("교육 일정")
        verbose_name_plural = _("교육 일정")
        ordering = ["starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="session_ends_after_start"
            ),
            models.CheckConstraint(condition=Q(capacity__gt=0), name="session_capacity_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.course} {self.starts_at:%Y-%m-%d}"


class EnrolmentStatus(models.TextChoices):
    ENROLLED = "enrolled", _("수강 확정")
    WAITING = "waiting", _("대기")
    CANCELLED = "cancelled", _("취소")


class Enrolment(models.Model):
    """A person's place in a session (or on its waiting list); attendance is taken on it.

    The dong and birth year are copied at enrolment for the statistics, so reports never read
    the person's record.
    """

    session = models.ForeignKey(CourseSession, on_delete=models.CASCADE, related_name="enrolments")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="making_enrolments"
    )
    name = models.CharField(_("이름"), max_length=50)
    dong = models.ForeignKey(
        "core.Dong", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    birth_year = models.PositiveSmallIntegerField(_("출생 연도"), null=True, blank=True)
    status = models.CharField(_("상태"), max_length=20, choices=EnrolmentStatus.choices)
    attended = models.BooleanField(_("출석"), null=True, blank=True)
    marked_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(_("신청 일시"))
    cancelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("수강 신청")
        verbose_name_plural = _("수강 신청")
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "user"],
                condition=~Q(status="cancelled"),
                name="enrolment_once_per_session",
            )
        ]
        indexes = [models.Index(fields=["session", "status", "created_at"])]


class Certificate(models.Model):
    """A completion certificate; its code is what anyone checks on the public page."""

    enrolment = models.OneToOneField(
        Enrolment, on_delete=models.PROTECT, related_name="certificate"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="making_certificates"
    )
    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="certificates")
    code = models.CharField(_("확인 번호"), max_length=20, unique=True)
    holder_name = models.CharField(_("이름"), max_length=50)
    issued_at = models.DateTimeField(_("발급 일시"))
    is_revoked = models.BooleanField(_("취소됨"), default=False)

    class Meta:
        verbose_name = _("수료증")
        verbose_name_plural = _("수료증")
        ordering = ["-issued_at"]
