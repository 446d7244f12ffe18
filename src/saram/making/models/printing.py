"""The citizen print service: networked printers and the print jobs people send the centre."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from saram.making.models.machines import Machine, Material


class PrinterLink(models.Model):
    """How Saram reaches one of the centre's printers over the network, and how it slices for it."""

    class Driver(models.TextChoices):
        OCTOPRINT = "octoprint", "OctoPrint"

    machine = models.OneToOneField(Machine, on_delete=models.CASCADE, related_name="link")
    driver = models.CharField(
        _("연결 방식"), max_length=20, choices=Driver.choices, default=Driver.OCTOPRINT
    )
    url = models.URLField(_("주소"), max_length=200)
    # The API key sealed with core's key (AES-GCM); never shown again once saved.
    api_key_sealed = models.BinaryField(editable=False)
    slicer_profile = models.CharField(_("슬라이서 프로필"), max_length=40, default="fdm-mk3")
    plate_clear = models.BooleanField(_("출력판 비움 확인"), default=False)
    plate_confirmed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("네트워크 프린터")
        verbose_name_plural = _("네트워크 프린터")

    def __str__(self) -> str:
        return str(self.machine)


class JobStatus(models.TextChoices):
    CHECKED = "checked", _("검사 완료")
    SLICING = "slicing", _("슬라이싱 중")
    QUOTED = "quoted", _("견적 완료")
    ACCEPTED = "accepted", _("견적 수락·대기")
    DECLINED = "declined", _("견적 거절")
    PRINTING = "printing", _("출력 중")
    INTERRUPTED = "interrupted", _("출력 중단")
    DONE = "done", _("출력 완료")
    FAILED = "failed", _("출력 실패")
    DELIVERED = "delivered", _("전달 완료")
    REFUSED = "refused", _("접수 불가")
    CANCELLED = "cancelled", _("취소")


class Funding(models.TextChoices):
    CITIZEN = "citizen", _("본인 부담")
    WELFARE = "welfare", _("복지 예산")


class DiscountBasis(models.TextChoices):
    PUPIL = "pupil", _("초·중·고 학생")
    INCUBATOR = "incubator", _("창업보육 입주기업")


class Layer(models.TextChoices):
    LAW = "law", _("법령")
    CITY = "city", _("시 정책")


class Discount(models.Model):
    """A discount in force on print quotes: who qualifies, how much, and on what authority.

    Pupils: `rate_percent` of the material and machine charges, for a requester whose declared
    birth year puts them at school age (checked with the student card at pickup). Incubator
    tenants: the machine time their machine-hour credits cover, at `rate_percent` of its charge,
    the minutes drawn from the tenant's credit ledger when the quote is accepted.
    """

    basis = models.CharField(_("대상"), max_length=20, choices=DiscountBasis.choices)
    name = models.CharField(_("이름"), max_length=80)
    name_en = models.CharField(_("영문 이름"), max_length=80)
    rate_percent = models.PositiveSmallIntegerField(_("할인율(%)"))
    min_age = models.PositiveSmallIntegerField(_("최소 나이(연 나이)"), null=True, blank=True)
    max_age = models.PositiveSmallIntegerField(_("최대 나이(연 나이)"), null=True, blank=True)
    layer = models.CharField(_("구분"), max_length=4, choices=Layer.choices, default=Layer.CITY)
    source = models.CharField(_("근거"), max_length=200)
    is_uncertain = models.BooleanField(_("확인 필요"), default=True)
    valid_from = models.DateField(_("시행일"))
    valid_until = models.DateField(_("종료일"), null=True, blank=True)

    class Meta:
        verbose_name = _("출력 요금 할인")
        verbose_name_plural = _("출력 요금 할인")
        ordering = ["basis", "-valid_from"]
        constraints = [
            models.CheckConstraint(
                condition=Q(rate_percent__lte=100), name="discount_rate_at_most_100"
            )
        ]

    def __str__(self) -> str:
        return self.name_en if (get_language() or "ko").startswith("en") else self.name


class DeviceBudget(models.Model):
    """The welfare programme's yearly budget for assistive devices, for one dong or (no dong)
    the city-wide pool that dongs without their own budget draw on."""

    year = models.PositiveSmallIntegerField(_("연도"))
    dong = models.ForeignKey(
        "core.Dong", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    amount_krw = models.BigIntegerField(_("예산(원)"))
    layer = models.CharField(_("구분"), max_length=4, choices=Layer.choices, default=Layer.CITY)
    source = models.CharField(_("근거"), max_length=200)
    #: A revised amount is a new version from a day; the old one ends the day before.
    valid_from = models.DateField(_("시행일"))
    valid_until = models.DateField(_("종료일"), null=True, blank=True)

    class Meta:
        verbose_name = _("보조기구 예산")
        verbose_name_plural = _("보조기구 예산")
        ordering = ["-year", "dong__name", "valid_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["year", "dong"],
                condition=Q(valid_until=None),
                name="device_budget_one_open_per_dong",
            ),
            models.UniqueConstraint(
                fields=["year"],
                condition=Q(dong=None, valid_until=None),
                name="device_budget_one_open_city_pool",
            ),
            models.CheckConstraint(
                condition=Q(amount_krw__gte=0), name="device_budget_not_negative"
            ),
        ]

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.valid_from is None:  # a budget set for a year runs from its first day
            self.valid_from = dt.date(self.year, 1, 1)
        super().save(*args, **kwargs)


class PrintJob(models.Model):
    """One model sent to be printed: its check, estimate, slice, quote and print."""

    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="print_jobs"
    )
    created_at = models.DateTimeField(_("접수 일시"), db_index=True)
    title = models.CharField(_("제목"), max_length=120)
    model_file = models.FileField(_("모델 파일"), upload_to="print_jobs/%Y/%m/", max_length=300)
    model_name = models.CharField(_("원래 파일 이름"), max_length=200)
    material = models.ForeignKey(Material, on_delete=models.PROTECT, related_name="print_jobs")
    layer_height_mm = models.DecimalField(
        _("레이어 높이(mm)"), max_digits=4, decimal_places=2, default="0.20"
    )
    infill_percent = models.PositiveSmallIntegerField(_("채움(%)"), default=20)
    quantity = models.PositiveSmallIntegerField(_("수량"), default=1)
    status = models.CharField(
        _("상태"), max_length=20, choices=JobStatus.choices, default=JobStatus.CHECKED
    )
    # The mesh check as plain data (sizes, reason codes and their parameters).
    mesh_check = models.JSONField(default=dict)
    estimate_grams = models.DecimalField(max_digits=10, decimal_places=1, null=True)
    estimate_seconds = models.PositiveIntegerField(null=True)
    sliced_grams = models.DecimalField(max_digits=10, decimal_places=1, null=True)
    sliced_seconds = models.PositiveIntegerField(null=True)
    gcode_file = models.CharField(max_length=300, blank=True)
    slice_progress = models.PositiveSmallIntegerField(default=0)
    # Quote, integer KRW; VAT is shown, included in the total.
    material_krw = models.BigIntegerField(default=0)
    machine_krw = models.BigIntegerField(default=0)
    setup_krw = models.BigIntegerField(default=0)
    discount_krw = models.BigIntegerField(default=0)
    discount_reason = models.CharField(max_length=40, blank=True)
    discount = models.ForeignKey(
        Discount, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Declared at upload for the pupil discount (school age by birth year; card shown at pickup).
    pupil_birth_year = models.PositiveSmallIntegerField(_("학생 출생 연도"), null=True, blank=True)
    # Machine minutes the quote covers with an incubator tenant's credits (drawn on acceptance).
    credit_tenant = models.ForeignKey(
        "making.Tenant", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    credit_minutes = models.PositiveIntegerField(default=0)
    vat_krw = models.BigIntegerField(default=0)
    total_krw = models.BigIntegerField(default=0)
    quote_valid_until = models.DateField(null=True, blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    funding = models.CharField(max_length=20, choices=Funding.choices, default=Funding.CITIZEN)
    # Staff queue.
    priority = models.SmallIntegerField(_("우선순위"), default=0)
    due_on = models.DateField(_("완료 예정일"), null=True, blank=True)
    printer = models.ForeignKey(
        Machine, on_delete=models.PROTECT, null=True, blank=True, related_name="print_jobs"
    )
    printer_file = models.CharField(max_length=200, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    progress_percent = models.DecimalField(max_digits=5, decimal_places=1, default=0)
    nozzle_c = models.DecimalField(max_digits=5, decimal_places=1, null=True, blank=True)
    bed_c = models.DecimalField(max_digits=5, decimal_places=1, null=True, blank=True)
    # Why it stopped (a code of errors_printing with its parameters), when it did.
    failure = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("출력 의뢰")
        verbose_name_plural = _("출력 의뢰")
        ordering = ["-created_at", "-id"]
        constraints = [
            # A printer runs one job at a time: two jobs printing on one printer cannot be.
            models.UniqueConstraint(
                fields=["printer"],
                condition=Q(status="printing"),
                name="print_job_one_per_printer",
            ),
            models.CheckConstraint(
                condition=Q(quantity__gte=1), name="print_job_quantity_positive"
            ),
            models.CheckConstraint(
                condition=Q(infill_percent__lte=100), name="print_job_infill_at_most_100"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class DeviceRequest(models.Model):
    """An assistive device asked for a welfare case's need; printed as a job on the welfare budget.

    The centre sees the design and its sizes, never the case or its notes.
    """

    need = models.ForeignKey(
        "welfare.CaseNeed", on_delete=models.PROTECT, related_name="device_requests"
    )
    design = models.CharField(_("보조기구"), max_length=30)
    params = models.JSONField(default=dict)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField()
    # The officer records that the person agreed to the request (and to the centre's making it).
    consent_at = models.DateTimeField(_("본인 동의 일시"))
    job = models.OneToOneField(PrintJob, on_delete=models.PROTECT, related_name="device_request")

    class Meta:
        verbose_name = _("보조기구 요청")
        verbose_name_plural = _("보조기구 요청")
        ordering = ["-requested_at"]
