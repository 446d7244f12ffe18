"""Diffusion: public events with registration and a waiting list, and the projects gallery."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from saram.making.models.machines import Machine


class EventKind(models.TextChoices):
    OPEN_DAY = "open_day", _("오픈 데이")
    MAKER_FAIR = "maker_fair", _("메이커 페어")
    SCHOOL_VISIT = "school_visit", _("학교 방문 체험")
    WORKSHOP = "workshop", _("체험 워크숍")


class Event(models.Model):
    title = models.CharField(_("행사명"), max_length=200)
    kind = models.CharField(_("종류"), max_length=20, choices=EventKind.choices)
    starts_at = models.DateTimeField(_("시작"))
    ends_at = models.DateTimeField(_("종료"))
    place = models.CharField(_("장소"), max_length=200)
    capacity = models.PositiveIntegerField(_("정원"))
    summary = models.TextField(_("소개"), blank=True)
    is_published = models.BooleanField(_("공개"), default=True)

    class Meta:
        verbose_name = _("행사")
        verbose_name_plural = _("행사")
        ordering = ["starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="event_ends_after_start"
            )
        ]

    def __str__(self) -> str:
        return self.title


class RegistrationStatus(models.TextChoices):
    REGISTERED = "registered", _("참가 확정")
    WAITING = "waiting", _("대기")
    CANCELLED = "cancelled", _("취소")


class EventRegistration(models.Model):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="registrations")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="making_registrations",
    )
    name = models.CharField(_("이름"), max_length=50)
    dong = models.ForeignKey(
        "core.Dong", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    birth_year = models.PositiveSmallIntegerField(_("출생 연도"), null=True, blank=True)
    audience = models.CharField(_("구분"), max_length=20, blank=True)
    status = models.CharField(_("상태"), max_length=20, choices=RegistrationStatus.choices)
    attended = models.BooleanField(null=True, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["event", "status", "created_at"])]


class Licence(models.TextChoices):
    CC_BY = "cc_by", "CC BY 4.0"
    CC_BY_SA = "cc_by_sa", "CC BY-SA 4.0"
    CC_BY_NC = "cc_by_nc", "CC BY-NC 4.0"
    CC0 = "cc0", "CC0 1.0"
    ALL_RIGHTS = "all_rights", _("저작권 보유 (공유 불가)")


class GalleryProject(models.Model):
    """A project made at the centre, shown in the public gallery."""

    title = models.CharField(_("제목"), max_length=200)
    maker_name = models.CharField(_("만든 사람"), max_length=100)
    description = models.TextField(_("설명"))
    licence = models.CharField(_("라이선스"), max_length=20, choices=Licence.choices)
    photo = models.FileField(_("사진"), upload_to="making/gallery/", blank=True)
    machine = models.ForeignKey(Machine, on_delete=models.SET_NULL, null=True, blank=True)
    made_on = models.DateField(_("제작일"))
    is_published = models.BooleanField(_("공개"), default=True)

    class Meta:
        verbose_name = _("갤러리 작품")
        verbose_name_plural = _("갤러리 작품")
        ordering = ["-made_on"]

    def __str__(self) -> str:
        return self.title
