"""School meals (학교급식) and school uniforms (교복): what schools need, what local farms and
firms can supply, the sourcing plans the optimiser makes, and the orders and deliveries that
follow. Imported by `saram.economy.models`; money is integer KRW, quantities kilograms.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from saram.core.models import Dong, Job

# Models live in saram.economy.models' namespace; the string references below resolve there.


class SchoolKind(models.TextChoices):
    DAYCARE = "daycare", _("어린이집")
    ELEMENTARY = "elementary", _("초등학교")
    MIDDLE = "middle", _("중학교")
    HIGH = "high", _("고등학교")


class School(models.Model):
    """A school or daycare that serves meals (and, from middle school, buys uniforms)."""

    code = models.CharField(_("학교 코드"), max_length=20, unique=True)
    name = models.CharField(_("학교명"), max_length=100)
    name_en = models.CharField(_("영문 이름"), max_length=120, blank=True)
    kind = models.CharField(_("학교급"), max_length=12, choices=SchoolKind.choices)
    dong = models.ForeignKey(
        Dong, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    pupils = models.PositiveIntegerField(_("급식 인원"))

    class Meta:
        app_label = "economy"
        verbose_name = _("학교")
        verbose_name_plural = _("학교")
        ordering = ["kind", "name"]

    def __str__(self) -> str:
        return self.name

    @property
    def display_name(self) -> str:
        """The name in the page's language (the Korean one when no English name is kept)."""
        if (get_language() or "ko").startswith("en") and self.name_en:
            return self.name_en
        return self.name


class SchoolMonth(models.Model):
    """The school calendar: how many meal days a school has in a month."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="months")
    year = models.PositiveSmallIntegerField(_("연도"))
    month = models.PositiveSmallIntegerField(_("월"))
    meal_days = models.PositiveSmallIntegerField(_("급식일 수"))

    class Meta:
        app_label = "economy"
        constraints = [
            models.UniqueConstraint(fields=["school", "year", "month"], name="school_month_once"),
            models.CheckConstraint(
                condition=Q(month__gte=1) & Q(month__lte=12), name="school_month_1_12"
            ),
            models.CheckConstraint(condition=Q(meal_days__lte=31), name="school_meal_days_le_31"),
        ]


class FoodGroup(models.TextChoices):
    GRAIN = "grain", _("곡류")
    VEGETABLE = "vegetable", _("채소류")
    FRUIT = "fruit", _("과일류")
    MEAT = "meat", _("육류")
    FISH = "fish", _("수산물")
    DAIRY_EGG = "dairy_egg", _("유제품·달걀")
    LEGUME = "legume", _("두류")
    SEASONING = "seasoning", _("양념류")
    PROCESSED = "processed", _("가공식품")


class Certification(models.TextChoices):
    ORGANIC = "organic", _("친환경(유기·무농약)")
    GAP = "gap", _("GAP")
    HACCP = "haccp", _("HACCP")


class Ingredient(models.Model):
    """A food ingredient the meals use; substitutions stay within its food group."""

    code = models.CharField(_("식재료 코드"), max_length=40, unique=True)
    name = models.CharField(_("식재료"), max_length=100, unique=True)
    name_en = models.CharField(_("영문 이름"), max_length=120, blank=True)
    group = models.CharField(_("식품군"), max_length=12, choices=FoodGroup.choices)
    required_certification = models.CharField(
        _("필수 인증"), max_length=10, choices=Certification.choices, blank=True
    )

    class Meta:
        app_label = "economy"
        verbose_name = _("식재료")
        verbose_name_plural = _("식재료")
        ordering = ["group", "name"]

    def __str__(self) -> str:
        return self.name


class Recipe(models.Model):
    """A dish: ingredients with grams per serving."""

    code = models.CharField(_("메뉴 코드"), max_length=40, unique=True)
    name = models.CharField(_("메뉴"), max_length=100)
    name_en = models.CharField(_("영문 이름"), max_length=120, blank=True)

    class Meta:
        app_label = "economy"
        verbose_name = _("메뉴")
        verbose_name_plural = _("메뉴")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class RecipeIngredient(models.Model):
    recipe = models.ForeignKey(Recipe, on_delete=models.CASCADE, related_name="lines")
    ingredient = models.ForeignKey(Ingredient, on_delete=models.PROTECT, related_name="+")
    grams_per_serving = models.DecimalField(_("1인분 g"), max_digits=8, decimal_places=2)

    class Meta:
        app_label = "economy"
        constraints = [
            models.UniqueConstraint(fields=["recipe", "ingredient"], name="recipe_ingredient_once"),
            models.CheckConstraint(
                condition=Q(grams_per_serving__gt=0), name="recipe_grams_positive"
            ),
        ]


class MenuItem(models.Model):
    """How often a dish is served in a month at one kind of school (the term's menu plan)."""

    year = models.PositiveSmallIntegerField(_("연도"))
    month = models.PositiveSmallIntegerField(_("월"))
    school_kind = models.CharField(_("학교급"), max_length=12, choices=SchoolKind.choices)
    recipe = models.ForeignKey(Recipe, on_delete=models.PROTECT, related_name="+")
    servings_per_meal_day = models.DecimalField(
        _("급식일당 제공 횟수"),
        max_digits=5,
        decimal_places=3,
        help_text=_("예: 한 달 급식일 가운데 네 번에 한 번이면 0.25"),
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        app_label = "economy"
        constraints = [
            models.UniqueConstraint(
                fields=["year", "month", "school_kind", "recipe"], name="menu_item_once"
            ),
            models.CheckConstraint(
                condition=Q(servings_per_meal_day__gt=0), name="menu_servings_positive"
            ),
        ]


class FarmProfile(models.Model):
    """A supplier's farm side: how far it is from the city's distribution centre."""

    supplier = models.OneToOneField(
        "economy.Supplier", on_delete=models.CASCADE, related_name="farm"
    )
    distance_km = models.DecimalField(_("거리 (km)"), max_digits=7, decimal_places=1)
    is_aggregator = models.BooleanField(
        _("공공급식지원센터"), default=False, help_text=_("사들여 학교에 나누는 곳")
    )
    certifications = models.JSONField(_("인증"), default=list, blank=True)

    class Meta:
        app_label = "economy"


class FarmOffer(models.Model):
    """What a farm or cooperative can supply of one ingredient in a year: price and capacity by
    month (the season)."""

    supplier = models.ForeignKey("economy.Supplier", on_delete=models.CASCADE, related_name="+")
    ingredient = models.ForeignKey(Ingredient, on_delete=models.PROTECT, related_name="offers")
    year = models.PositiveSmallIntegerField(_("연도"))
    price_krw_per_kg = models.PositiveIntegerField(_("kg당 가격 (원)"))
    capacity_kg = models.JSONField(_("월별 공급 가능량 (kg)"))  # 12 numbers, January first

    class Meta:
        app_label = "economy"
        constraints = [
            models.UniqueConstraint(
                fields=["supplier", "ingredient", "year"], name="farm_offer_once"
            )
        ]


class Substitution(models.Model):
    """A substitute the nutritionist allows when local supply is short (same food group)."""

    original = models.ForeignKey(Ingredient, on_delete=models.CASCADE, related_name="+")
    substitute = models.ForeignKey(Ingredient, on_delete=models.CASCADE, related_name="+")
    max_share_pct = models.PositiveSmallIntegerField(_("최대 대체 비율 (%)"))

    class Meta:
        app_label = "economy"
        constraints = [
            models.UniqueConstraint(fields=["original", "substitute"], name="substitution_once"),
            models.CheckConstraint(
                condition=Q(max_share_pct__lte=100), name="substitution_pct_le_100"
            ),
        ]


class RunStatus(models.TextChoices):
    QUEUED = "queued", _("대기 중")
    RUNNING = "running", _("계산 중")
    OPTIMAL = "optimal", _("최적 계획")
    TIME_LIMIT = "time_limit", _("시간 제한 안의 최선 계획")
    INFEASIBLE = "infeasible", _("조건을 모두 맞출 수 없음")
    FAILED = "failed", _("실패")


class SourcingRun(models.Model):
    """One optimisation of a year's school-meal sourcing, with the goal the user set."""

    year = models.PositiveSmallIntegerField(_("연도"))
    category = models.ForeignKey(
        "economy.Category",
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("발주에 적용할 품목 (계약 규칙을 고르는 기준)"),
    )
    local_weight = models.PositiveSmallIntegerField(_("지역 비중 가중치"), default=100)
    cost_weight = models.PositiveSmallIntegerField(_("비용 가중치"), default=0)
    distance_weight = models.PositiveSmallIntegerField(_("거리 가중치"), default=0)
    min_local_share_pct = models.PositiveSmallIntegerField(
        _("최소 지역 비중 (%)"), null=True, blank=True
    )
    budget_krw = models.BigIntegerField(_("예산 (원)"), null=True, blank=True)
    status = models.CharField(
        _("상태"), max_length=12, choices=RunStatus.choices, default=RunStatus.QUEUED
    )
    job = models.ForeignKey(Job, on_delete=models.SET_NULL, null=True, related_name="+")
    total_cost_krw = models.BigIntegerField(_("총비용 (원)"), default=0)
    local_cost_krw = models.BigIntegerField(_("지역 구매액 (원)"), default=0)
    demand_kg = models.FloatField(_("수요 (kg)"), default=0)
    binding = models.JSONField(_("결정 요인"), default=list)
    model_rows = models.PositiveIntegerField(default=0)
    model_columns = models.PositiveIntegerField(default=0)
    model_nonzeros = models.PositiveIntegerField(default=0)
    seconds = models.FloatField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        app_label = "economy"
        verbose_name = _("급식 조달 계획")
        verbose_name_plural = _("급식 조달 계획")
        ordering = ["-created_at", "-id"]

    @property
    def local_share(self) -> float:
        return self.local_cost_krw / self.total_cost_krw if self.total_cost_krw else 0.0


class SourcingLine(models.Model):
    run = models.ForeignKey(SourcingRun, on_delete=models.CASCADE, related_name="lines")
    supplier = models.ForeignKey("economy.Supplier", on_delete=models.PROTECT, related_name="+")
    ingredient = models.ForeignKey(Ingredient, on_delete=models.PROTECT, related_name="+")
    month = models.PositiveSmallIntegerField(_("월"))
    kg = models.FloatField(_("kg"))
    cost_krw = models.BigIntegerField(_("금액 (원)"))
    is_local = models.BooleanField(_("지역"))

    class Meta:
        app_label = "economy"
        indexes = [models.Index(fields=["run", "supplier"], name="sourcing_line_run_supplier")]


class SourcingSubstitution(models.Model):
    run = models.ForeignKey(SourcingRun, on_delete=models.CASCADE, related_name="substitutions")
    original = models.ForeignKey(Ingredient, on_delete=models.PROTECT, related_name="+")
    substitute = models.ForeignKey(Ingredient, on_delete=models.PROTECT, related_name="+")
    month = models.PositiveSmallIntegerField(_("월"))
    kg = models.FloatField(_("kg"))

    class Meta:
        app_label = "economy"


class TradeoffPoint(models.Model):
    """One point of the cost / local-share curve of a run."""

    run = models.ForeignKey(SourcingRun, on_delete=models.CASCADE, related_name="curve")
    floor_pct = models.FloatField(_("지역 비중 하한 (%)"))
    local_share = models.FloatField(_("지역 비중"))
    total_cost_krw = models.BigIntegerField(_("총비용 (원)"))
    local_cost_krw = models.BigIntegerField(_("지역 구매액 (원)"))
    feasible = models.BooleanField(default=True)

    class Meta:
        app_label = "economy"
        ordering = ["floor_pct"]


class MealOrder(models.Model):
    """A year's supply contract with one supplier (unit-price contract, delivered monthly),
    its method decided by the policy engine on the year's whole amount: a recurring need is
    summed over the fiscal year, never cut into quarters to stay under a threshold."""

    run = models.ForeignKey(SourcingRun, on_delete=models.PROTECT, related_name="orders")
    supplier = models.ForeignKey("economy.Supplier", on_delete=models.PROTECT, related_name="+")
    amount_krw = models.BigIntegerField(_("금액 (원)"))
    method = models.CharField(_("계약 방법"), max_length=30)
    scope = models.CharField(_("입찰 참가 범위"), max_length=30, blank=True)
    citations = models.JSONField(_("근거"), default=list)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    issued_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        app_label = "economy"
        ordering = ["-amount_krw", "supplier_id"]
        constraints = [
            models.UniqueConstraint(fields=["run", "supplier"], name="meal_order_once_per_run")
        ]


class MealDelivery(models.Model):
    """What actually arrived at a school, and whether it is paid."""

    order = models.ForeignKey(MealOrder, on_delete=models.CASCADE, related_name="deliveries")
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="deliveries")
    ingredient = models.ForeignKey(Ingredient, on_delete=models.PROTECT, related_name="+")
    month = models.PositiveSmallIntegerField(_("월"))
    kg = models.FloatField(_("kg"))
    amount_krw = models.BigIntegerField(_("금액 (원)"))
    delivered_on = models.DateField(_("배송일"))
    paid_on = models.DateField(_("지급일"), null=True, blank=True)

    class Meta:
        app_label = "economy"
        indexes = [models.Index(fields=["school", "month"], name="meal_delivery_school_month")]
        constraints = [
            models.CheckConstraint(condition=Q(kg__gt=0), name="meal_delivery_kg_positive"),
            models.CheckConstraint(
                condition=Q(amount_krw__gte=0), name="meal_delivery_amount_not_negative"
            ),
        ]


# --- School uniforms (교복) -------------------------------------------------------------------


class UniformDemand(models.Model):
    """New pupils who need a uniform at a school in a year, by size."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="uniform_demand")
    year = models.PositiveSmallIntegerField(_("연도"))
    new_pupils = models.PositiveIntegerField(_("신입생 수"))
    sizes = models.JSONField(_("치수별 인원"), default=dict)
    purchase_on = models.DateField(_("학교주관구매 입찰일"))
    budget_per_set_krw = models.PositiveIntegerField(_("1벌 상한가 (원)"))

    class Meta:
        app_label = "economy"
        constraints = [
            models.UniqueConstraint(fields=["school", "year"], name="uniform_demand_once")
        ]


class UniformOffer(models.Model):
    """A textile firm's capacity and price for uniforms in a year."""

    supplier = models.ForeignKey("economy.Supplier", on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField(_("연도"))
    capacity_sets = models.PositiveIntegerField(_("생산 가능 벌 수"))
    price_per_set_krw = models.PositiveIntegerField(_("1벌 가격 (원)"))

    class Meta:
        app_label = "economy"
        constraints = [
            models.UniqueConstraint(fields=["supplier", "year"], name="uniform_offer_once")
        ]


class UniformAward(models.Model):
    """Who won a school's uniform purchase in a year (from the ledger or recorded by hand)."""

    demand = models.OneToOneField(UniformDemand, on_delete=models.CASCADE, related_name="award")
    supplier = models.ForeignKey("economy.Supplier", on_delete=models.PROTECT, related_name="+")
    sets = models.PositiveIntegerField(_("벌 수"))
    amount_krw = models.BigIntegerField(_("금액 (원)"))
    is_local = models.BooleanField(_("지역 업체"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        app_label = "economy"
