"""Reservations on each machine's calendar, maintenance windows among them, and notices.

No two live rows of one machine overlap: on PostgreSQL an exclusion constraint over
tstzrange(starts_at, ends_at) (btree_gist), on SQLite triggers; both are created in the
migration `0003_reservation_no_overlap`, so the database refuses a double booking even if
Python's check is raced.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from saram.making.models.machines import Machine, Material


class ReservationKind(models.TextChoices):
    BOOKING = "booking", _("예약")
    MAINTENANCE = "maintenance", _("점검 시간")


class ReservationStatus(models.TextChoices):
    BOOKED = "booked", _("예약됨")
    ATTENDED = "attended", _("이용함")
    NO_SHOW = "no_show", _("노쇼")
    CANCELLED = "cancelled", _("취소")


# No reservation (maintenance windows included) lasts longer; the database checks it (0004), so
# an overlap search may look back only this far from a start.
MAX_SPAN = dt.timedelta(days=14)

# The statuses that hold the machine; only these take part in the overlap constraint.
HOLDING = (ReservationStatus.BOOKED, ReservationStatus.ATTENDED, ReservationStatus.NO_SHOW)


class Reservation(models.Model):
    machine = models.ForeignKey(Machine, on_delete=models.PROTECT, related_name="reservations")
    kind = models.CharField(
        _("구분"), max_length=20, choices=ReservationKind.choices, default=ReservationKind.BOOKING
    )
    status = models.CharField(
        _("상태"),
        max_length=20,
        choices=ReservationStatus.choices,
        default=ReservationStatus.BOOKED,
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="making_reservations",
    )
    starts_at = models.DateTimeField(_("시작"))
    ends_at = models.DateTimeField(_("종료"))
    purpose = models.CharField(_("용도"), max_length=200, blank=True)
    material = models.ForeignKey(Material, on_delete=models.SET_NULL, null=True, blank=True)
    material_g = models.PositiveIntegerField(_("사용 소재(g)"), default=0)
    tenant = models.ForeignKey(
        "making.Tenant",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reservations",
        verbose_name=_("보육 기업 크레딧 사용"),
    )
    # Dong and birth year copied at booking, for statistics that never read the person.
    dong = models.ForeignKey(
        "core.Dong", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    birth_year = models.PositiveSmallIntegerField(null=True, blank=True)
    audience = models.CharField(max_length=20, blank=True)
    created_at = models.DateTimeField()
    cancelled_at = models.DateTimeField(null=True, blank=True)
    moved_from_start = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("장비 예약")
        verbose_name_plural = _("장비 예약")
        ordering = ["starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")),
                name="reservation_ends_after_start",
            ),
        ]
        indexes = [
            models.Index(fields=["machine", "starts_at"]),
            models.Index(fields=["user", "starts_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.machine} {self.starts_at:%Y-%m-%d %H:%M}"

    @property
    def is_holding(self) -> bool:
        return self.status in HOLDING


class Notice(models.Model):
    """A message to one person (a booking moved or cancelled, a place on a course freed).

    Stored as a code and parameters, rendered in the reader's language when shown.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="making_notices"
    )
    at = models.DateTimeField()
    code = models.CharField(max_length=40)
    params = models.JSONField(default=dict)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
