"""Machines, the rooms they stand in, materials with their stock, and the logs kept on them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Room(models.Model):
    """A room of the centre: a workshop, a classroom or an incubator office."""

    class Kind(models.TextChoices):
        WORKSHOP = "workshop", _("장비실")
        CLASSROOM = "classroom", _("교육장")
        OFFICE = "office", _("보육실")

    name = models.CharField(_("이름"), max_length=100, unique=True)
    kind = models.CharField(_("용도"), max_length=20, choices=Kind.choices)
    floor = models.SmallIntegerField(_("층"), default=1)
    area_m2 = models.DecimalField(_("면적(m²)"), max_digits=7, decimal_places=1, default=0)

    class Meta:
        verbose_name = _("공간")
        verbose_name_plural = _("공간")
        ordering = ["floor", "name"]

    def __str__(self) -> str:
        return self.name


class MachineKind(models.TextChoices):
    """Machine types; a course's certificate unlocks one of them."""

    FDM = "fdm", _("FDM 3D프린터")
    RESIN = "resin", _("광경화(SLA) 3D프린터")
    SLS = "sls", _("분말소결(SLS) 3D프린터")
    COMPOSITE = "composite", _("탄소섬유 복합소재 3D프린터")
    LARGE_FORMAT = "large_format", _("대형 3D프린터")
    LASER_CUTTER = "laser_cutter", _("레이저 커터")
    SCANNER = "scanner", _("3D 스캐너")


class MaterialKind(models.TextChoices):
    PLA = "pla", "PLA"
    PETG = "petg", "PETG"
    ABS = "abs", "ABS"
    TPU = "tpu", "TPU"
    RESIN = "resin", _("광경화 레진")
    NYLON_CF = "nylon_cf", _("탄소섬유 나일론")
    CONTINUOUS_CF = "continuous_cf", _("연속 탄소섬유")
    PA12_POWDER = "pa12", _("PA12 분말")
    ACRYLIC = "acrylic", _("아크릴 판재")


class Material(models.Model):
    """A material in stock; grams are the unit of stock, KRW per kg the unit of price."""

    code = models.CharField(_("코드"), max_length=30, unique=True)
    name = models.CharField(_("이름"), max_length=100)
    kind = models.CharField(_("종류"), max_length=20, choices=MaterialKind.choices)
    colour = models.CharField(_("색상"), max_length=40, blank=True)
    density_g_cm3 = models.DecimalField(_("밀도(g/cm³)"), max_digits=5, decimal_places=3)
    price_per_kg_krw = models.BigIntegerField(_("kg당 가격(원)"))
    stock_g = models.BigIntegerField(_("재고(g)"), default=0)
    reorder_level_g = models.BigIntegerField(_("재주문 기준(g)"), default=0)
    is_active = models.BooleanField(_("사용 중"), default=True)

    class Meta:
        verbose_name = _("소재")
        verbose_name_plural = _("소재")
        ordering = ["kind", "name"]
        constraints = [
            # A withdrawal beyond stock fails in the database too, not only in the service.
            models.CheckConstraint(condition=Q(stock_g__gte=0), name="material_stock_not_negative"),
            models.CheckConstraint(
                condition=Q(density_g_cm3__gt=0), name="material_density_positive"
            ),
            models.CheckConstraint(
                condition=Q(price_per_kg_krw__gte=0), name="material_price_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.colour})" if self.colour else self.name

    @property
    def needs_reorder(self) -> bool:
        return self.stock_g <= self.reorder_level_g


class StockReason(models.TextChoices):
    PURCHASE = "purchase", _("입고")
    RESERVATION = "reservation", _("장비 예약 사용")
    PRINT_JOB = "print_job", _("출력 의뢰 사용")
    COURSE = "course", _("교육 사용")
    ADJUSTMENT = "adjustment", _("재고 조정")
    WASTE = "waste", _("폐기")


class StockMovement(models.Model):
    """One change of a material's stock; the balance after it is kept for the history."""

    material = models.ForeignKey(Material, on_delete=models.PROTECT, related_name="movements")
    at = models.DateTimeField(_("일시"), db_index=True)
    delta_g = models.BigIntegerField(_("변동(g)"))
    balance_g = models.BigIntegerField(_("잔량(g)"))
    reason = models.CharField(_("사유"), max_length=20, choices=StockReason.choices)
    note = models.CharField(_("메모"), max_length=200, blank=True)
    # What drew the stock (a reservation, a print job): the print service names its own kind.
    source_type = models.CharField(max_length=40, blank=True)
    source_id = models.BigIntegerField(null=True, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("재고 이동")
        verbose_name_plural = _("재고 이동")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["material", "-at"])]


class MachineStatus(models.TextChoices):
    AVAILABLE = "available", _("사용 가능")
    MAINTENANCE = "maintenance", _("점검 중")
    BROKEN = "broken", _("고장")


class Machine(models.Model):
    """A printer or other machine of the centre, with what it can take and what is loaded now."""

    code = models.CharField(_("장비 번호"), max_length=30, unique=True)
    name = models.CharField(_("이름"), max_length=100)
    kind = models.CharField(_("종류"), max_length=20, choices=MachineKind.choices)
    maker = models.CharField(_("제조사·모델"), max_length=100, blank=True)
    room = models.ForeignKey(
        Room, on_delete=models.PROTECT, related_name="machines", null=True, blank=True
    )
    build_x_mm = models.PositiveIntegerField(_("출력 크기 X(mm)"), null=True, blank=True)
    build_y_mm = models.PositiveIntegerField(_("출력 크기 Y(mm)"), null=True, blank=True)
    build_z_mm = models.PositiveIntegerField(_("출력 크기 Z(mm)"), null=True, blank=True)
    nozzle_mm = models.DecimalField(
        _("노즐 지름(mm)"), max_digits=4, decimal_places=2, null=True, blank=True
    )
    accepted_materials = models.ManyToManyField(
        Material, related_name="machines", blank=True, verbose_name=_("사용 가능 소재")
    )
    loaded_material = models.ForeignKey(
        Material,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="loaded_in",
        verbose_name=_("장착 소재"),
    )
    hourly_rate_krw = models.BigIntegerField(_("시간당 요금(원)"), default=0)
    status = models.CharField(
        _("상태"), max_length=20, choices=MachineStatus.choices, default=MachineStatus.AVAILABLE
    )
    is_bookable = models.BooleanField(_("시민 예약 가능"), default=True)
    description = models.TextField(_("설명"), blank=True)
    # A retired machine keeps its history (reservations, log, print jobs) but leaves every list.
    retired_on = models.DateField(_("사용 종료일"), null=True, blank=True)

    class Meta:
        verbose_name = _("장비")
        verbose_name_plural = _("장비")
        ordering = ["kind", "code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(hourly_rate_krw__gte=0), name="machine_rate_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class MachineLogKind(models.TextChoices):
    MAINTENANCE = "maintenance", _("정기 점검")
    REPAIR = "repair", _("수리")
    FAULT = "fault", _("고장 신고")
    MATERIAL = "material", _("소재 교체")
    NOTE = "note", _("메모")


class MachineLogEntry(models.Model):
    """The maintenance and repair log of a machine."""

    machine = models.ForeignKey(Machine, on_delete=models.CASCADE, related_name="log")
    at = models.DateTimeField(_("일시"), db_index=True)
    kind = models.CharField(_("구분"), max_length=20, choices=MachineLogKind.choices)
    text = models.TextField(_("내용"))
    cost_krw = models.BigIntegerField(_("비용(원)"), default=0)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("장비 기록")
        verbose_name_plural = _("장비 기록")
        ordering = ["-at", "-id"]
