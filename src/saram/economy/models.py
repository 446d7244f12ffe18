"""자립경제 data: suppliers, the spending ledger, procurement rules, plans, surveys and support.

A supplier is a core Organisation (one registry of the city's organisations) with an economy
profile: locality, social-economy type, firm classes and the categories it supplies. Money is
integer KRW everywhere.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from saram.core.models import Organisation


class PurchaseKind(models.TextChoices):
    GOODS = "goods", _("물품")
    SERVICES = "services", _("용역")
    WORKS = "works", _("공사")


class Locality(models.TextChoices):
    """Where a firm's head office is, seen from the city (values as in the engine)."""

    IN_CITY = "in_city", _("시내")
    IN_PROVINCE = "in_province", _("도내 (시 밖)")
    OUTSIDE = "outside", _("도 밖")
    UNKNOWN = "unknown", _("확인 필요")


# The ledger keeps locality as a small integer, the engine's column code (LOCALITY_CODES).
LOCALITY_CODE_CHOICES = [
    (0, _("시내")),
    (1, _("도내 (시 밖)")),
    (2, _("도 밖")),
    (3, _("확인 필요")),
]


class SocialEconomyType(models.TextChoices):
    NONE = "", _("해당 없음")
    SOCIAL_ENTERPRISE = "social_enterprise", _("사회적기업")
    PRE_SOCIAL_ENTERPRISE = "pre_social_enterprise", _("예비사회적기업")
    VILLAGE_ENTERPRISE = "village_enterprise", _("마을기업")
    COOPERATIVE = "cooperative", _("협동조합")
    SOCIAL_COOPERATIVE = "social_cooperative", _("사회적협동조합")
    SELF_SUFFICIENCY = "self_sufficiency", _("자활기업")


# The types the decree lets a city contract with privately up to its higher limit (제25조①5).
PRIVATE_CONTRACT_SOCIAL_TYPES = frozenset(
    {
        SocialEconomyType.SOCIAL_ENTERPRISE,
        SocialEconomyType.SOCIAL_COOPERATIVE,
        SocialEconomyType.SELF_SUFFICIENCY,
        SocialEconomyType.VILLAGE_ENTERPRISE,
    }
)


class ContractMethod(models.TextChoices):
    OPEN_BID = "open_bid", _("일반경쟁입찰")
    RESTRICTED_BID = "restricted_bid", _("제한경쟁입찰 (지역제한)")
    PRIVATE_CONTRACT_QUOTES = "private_contract_quotes", _("수의계약 (2인 이상 견적)")
    PRIVATE_CONTRACT_SINGLE = "private_contract_single", _("수의계약 (1인 견적)")


class BidScope(models.TextChoices):
    CITY = "city", _("시내 업체로 제한")
    PROVINCE = "province", _("도내 업체로 제한")
    NATIONAL = "national", _("지역 제한 없음")


class Bilingual:
    """Names in Korean and English; pages show the one of the current language."""

    name: str
    name_en: str

    @property
    def display_name(self) -> str:
        if (get_language() or "ko").startswith("en") and self.name_en:
            return self.name_en
        return self.name


class Category(Bilingual, models.Model):
    """A category of goods, services or works the city buys (도서, 교복, 급식 식재료, ...)."""

    code = models.CharField(_("코드"), max_length=40, unique=True)
    name = models.CharField(_("이름"), max_length=100)
    name_en = models.CharField(_("영문 이름"), max_length=100, blank=True)
    kind = models.CharField(_("구분"), max_length=10, choices=PurchaseKind.choices)

    class Meta:
        verbose_name = _("품목")
        verbose_name_plural = _("품목")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Supplier(models.Model):
    """The economy profile of an organisation that sells to the city."""

    organisation = models.OneToOneField(
        Organisation, on_delete=models.PROTECT, related_name="supplier"
    )
    locality = models.CharField(
        _("소재지 구분"), max_length=12, choices=Locality.choices, default=Locality.UNKNOWN
    )
    province = models.CharField(_("시·도"), max_length=50, blank=True)
    municipality = models.CharField(_("시·군·구"), max_length=50, blank=True)
    social_economy_type = models.CharField(
        _("사회적경제 유형"), max_length=24, choices=SocialEconomyType.choices, blank=True
    )
    is_sme = models.BooleanField(_("중소기업"), default=False)
    is_small_firm = models.BooleanField(_("소기업·소상공인"), default=False)
    is_women_owned = models.BooleanField(_("여성기업"), default=False)
    is_disabled_owned = models.BooleanField(_("장애인기업"), default=False)
    is_youth_startup = models.BooleanField(_("청년창업"), default=False)
    categories = models.ManyToManyField(
        Category, verbose_name=_("공급 품목"), related_name="suppliers", blank=True
    )
    needs_review = models.BooleanField(_("검토 필요"), default=False)
    review_note = models.CharField(_("검토 메모"), max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("공급업체")
        verbose_name_plural = _("공급업체")
        indexes = [models.Index(fields=["locality"]), models.Index(fields=["needs_review"])]

    def __str__(self) -> str:
        return self.organisation.name

    @property
    def name(self) -> str:
        return self.organisation.name

    @property
    def business_number(self) -> str:
        return self.organisation.business_number

    @property
    def is_social_economy(self) -> bool:
        return bool(self.social_economy_type)


class Department(Bilingual, models.Model):
    """A department of the city that orders and pays (a library orders its own books)."""

    code = models.CharField(_("코드"), max_length=60, unique=True)
    name = models.CharField(_("이름"), max_length=100, unique=True)
    name_en = models.CharField(_("영문 이름"), max_length=120, blank=True)
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("기관"),
    )

    class Meta:
        verbose_name = _("부서")
        verbose_name_plural = _("부서")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Programme(Bilingual, models.Model):
    """A spending programme (도서 구입, 교복 지원, 학교급식 식재료, ...)."""

    code = models.CharField(_("코드"), max_length=60, unique=True)
    name = models.CharField(_("이름"), max_length=100, unique=True)
    name_en = models.CharField(_("영문 이름"), max_length=120, blank=True)
    category = models.ForeignKey(
        Category,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="programmes",
        verbose_name=_("주 품목"),
    )
    department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="programmes",
        verbose_name=_("주관 부서"),
    )

    class Meta:
        verbose_name = _("사업")
        verbose_name_plural = _("사업")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ImportSource(models.TextChoices):
    CSV = "csv", "CSV"
    XLSX = "xlsx", "XLSX"
    OCDS = "ocds", "OCDS JSON"
    DEMO = "demo", _("데모")
    WELFARE = "welfare", _("동네복지 서비스 구매")


class VatBasis(models.TextChoices):
    """What a ledger amount includes: contract caps are VAT-exclusive estimated prices, payments
    are usually VAT-inclusive, so amounts are compared with caps on the exclusive basis."""

    INCLUDED = "included", _("부가세 포함")
    EXCLUDED = "excluded", _("부가세 별도")
    EXEMPT = "exempt", _("면세")


VAT_RATE_PERCENT = 10  # 부가가치세법 제30조: 10 %


def amount_before_vat(amount_krw: int, basis: str) -> int:
    """A VAT-inclusive amount without its VAT (rounded to the won); others as they are."""
    if basis == VatBasis.INCLUDED:
        return (amount_krw * 100 * 2 + (100 + VAT_RATE_PERCENT)) // ((100 + VAT_RATE_PERCENT) * 2)
    return amount_krw


class LedgerImport(models.Model):
    """One accepted ledger file: every row of it, or none, is in the ledger.

    `exchange_rates` holds the rates the user gave for amounts in another currency (currency
    code to won per unit, as text), `ocds_packages` the OCDS packages the file held (uri,
    publishedDate, version, releases), so an import can be traced to its sources.
    """

    filename = models.CharField(_("파일"), max_length=255)
    source = models.CharField(_("형식"), max_length=8, choices=ImportSource.choices)
    fiscal_year = models.PositiveSmallIntegerField(_("회계연도"))
    row_count = models.PositiveIntegerField(_("행 수"), default=0)
    total_krw = models.BigIntegerField(_("합계 (원)"), default=0)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    imported_at = models.DateTimeField(_("가져온 때"), auto_now_add=True)
    exchange_rates = models.JSONField(_("환율"), default=dict, blank=True)
    ocds_packages = models.JSONField(_("OCDS 패키지"), default=list, blank=True)

    class Meta:
        verbose_name = _("지출 자료 가져오기")
        verbose_name_plural = _("지출 자료 가져오기")
        ordering = ["-imported_at", "-id"]


class LedgerEntry(models.Model):
    """One payment of the city to a supplier.

    `locality` is the supplier's locality code (the engine's LOCALITY_CODES) when the row was
    imported, kept in the row so that reports over millions of rows need no join; changing a
    supplier's locality updates its rows in one statement.

    This is the one table written a million rows at a time, so it carries no foreign-key
    constraints in the database (a trigger per key per row would be most of an import's time)
    and only the indexes the report pages need. The import resolves every id from the
    registry, then checks and key-share-locks each distinct referenced row once before it
    commits; deletions go through the ORM, whose PROTECT keeps referenced rows.
    """

    ledger_import = models.ForeignKey(
        LedgerImport,
        on_delete=models.CASCADE,
        related_name="entries",
        db_index=False,
        db_constraint=False,
    )
    payment_id = models.CharField(_("지급 번호"), max_length=64, unique=True)
    fiscal_year = models.PositiveSmallIntegerField(_("회계연도"))
    paid_on = models.DateField(_("지급일"))
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="+", db_index=False, db_constraint=False
    )
    programme = models.ForeignKey(
        Programme,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, related_name="+", db_index=False, db_constraint=False
    )
    supplier = models.ForeignKey(
        Supplier,
        on_delete=models.PROTECT,
        related_name="ledger_entries",
        db_index=False,
        db_constraint=False,
    )
    amount_krw = models.BigIntegerField(_("금액 (원)"))
    method = models.CharField(
        _("계약 방법"), max_length=32, choices=ContractMethod.choices, blank=True
    )
    locality = models.PositiveSmallIntegerField(_("소재지"), choices=LOCALITY_CODE_CHOICES)
    vat_basis = models.CharField(
        _("부가세"), max_length=8, choices=VatBasis.choices, default=VatBasis.INCLUDED
    )
    # A payment made in another currency: its code and amount as the file gave them; amount_krw
    # is then that amount at the rate the import recorded.
    currency = models.CharField(_("통화"), max_length=3, default="KRW")
    original_amount = models.DecimalField(
        _("원래 금액"), max_digits=20, decimal_places=4, null=True, blank=True
    )

    class Meta:
        verbose_name = _("지출")
        verbose_name_plural = _("지출")
        indexes = [
            models.Index(fields=["fiscal_year", "department", "paid_on"], name="ledger_year_dept"),
            models.Index(fields=["fiscal_year", "category"], name="ledger_year_category"),
            models.Index(fields=["supplier", "fiscal_year"], name="ledger_supplier_year"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount_krw__gte=0), name="ledger_amount_not_negative"
            )
        ]

    @property
    def amount_before_vat_krw(self) -> int:
        """The amount on the basis of the contract caps (VAT excluded)."""
        return amount_before_vat(self.amount_krw, self.vat_basis)


class LedgerTotal(models.Model):
    """Sums of the ledger by month, department, programme, category and locality.

    Each import adds its own rows (and a supplier's move adds correcting rows, negative for
    where its payments were counted, positive for where they are now), so sums over this
    table equal sums over the ledger, and reports over millions of payments read a few
    thousand rows. Taking an import back out deletes its rows with it.
    """

    ledger_import = models.ForeignKey(LedgerImport, on_delete=models.CASCADE, related_name="totals")
    fiscal_year = models.PositiveSmallIntegerField(_("회계연도"))
    month = models.DateField(_("월"))
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="+")
    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, null=True, related_name="+")
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="+")
    locality = models.PositiveSmallIntegerField(_("소재지"), choices=LOCALITY_CODE_CHOICES)
    row_count = models.BigIntegerField(_("건수"))
    amount_krw = models.BigIntegerField(_("금액 (원)"))

    class Meta:
        verbose_name = _("지출 합계")
        verbose_name_plural = _("지출 합계")
        indexes = [models.Index(fields=["fiscal_year", "month"], name="ledger_total_year_month")]


class PolicyRevision(models.Model):
    """One saved state of the procurement rules (both layers, as the engine reads them).

    Never edited: each change saves a new revision, so the rules that decided any plan can be
    shown as they were.
    """

    number = models.PositiveIntegerField(_("개정 번호"), unique=True)
    law = models.JSONField(_("법령 규칙"))
    city = models.JSONField(_("시 규칙"))
    note = models.CharField(_("변경 사유"), max_length=300)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("계약 규칙 개정")
        verbose_name_plural = _("계약 규칙 개정")
        ordering = ["-number"]


class ProgrammeDemand(models.Model):
    """Planned spend of one department (a library) on one subject in one quarter."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="demand")
    fiscal_year = models.PositiveSmallIntegerField(_("회계연도"))
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="+")
    subject = models.CharField(pgettext_lazy("book subject", "분야"), max_length=60)
    quarter = models.PositiveSmallIntegerField(_("분기"))
    amount_krw = models.BigIntegerField(_("금액 (원)"))

    class Meta:
        verbose_name = _("사업 수요")
        verbose_name_plural = _("사업 수요")
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "fiscal_year", "department", "subject", "quarter"],
                name="demand_unique_line",
            ),
            models.CheckConstraint(condition=Q(amount_krw__gt=0), name="demand_amount_positive"),
            models.CheckConstraint(
                condition=Q(quarter__gte=1, quarter__lte=4), name="demand_quarter_1_to_4"
            ),
        ]


class PlanSource(models.TextChoices):
    MANUAL = "manual", _("직접 작성")
    LOTS = "lots", _("분할 발주 설계")


class PurchasePlan(models.Model):
    """A procurement plan: purchases a department (or a programme's lots) will order."""

    title = models.CharField(_("제목"), max_length=200)
    fiscal_year = models.PositiveSmallIntegerField(_("회계연도"))
    source = models.CharField(_("작성 방식"), max_length=8, choices=PlanSource.choices)
    programme = models.ForeignKey(
        Programme, on_delete=models.PROTECT, null=True, blank=True, related_name="plans"
    )
    policy_revision = models.ForeignKey(
        PolicyRevision, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    planned_krw = models.BigIntegerField(_("계획 금액 (원)"), default=0)
    expected_local_krw = models.BigIntegerField(_("예상 지역 지출 (원)"), null=True, blank=True)
    status_quo_local_krw = models.BigIntegerField(
        _("일괄 공개입찰 시 예상 지역 지출 (원)"), null=True, blank=True
    )
    assumptions = models.JSONField(default=dict)
    notes = models.JSONField(default=list)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("구매 계획")
        verbose_name_plural = _("구매 계획")
        ordering = ["-fiscal_year", "-created_at", "-id"]

    def __str__(self) -> str:
        return self.title


class Stage(models.TextChoices):
    PLANNING = "planning", _("계획")
    TENDER = "tender", _("공고")
    AWARD = "award", _("낙찰·계약")


class PlannedPurchase(models.Model):
    """One order of a plan (a lot, when the lot planner made it), with the policy's answer."""

    plan = models.ForeignKey(PurchasePlan, on_delete=models.CASCADE, related_name="purchases")
    reference = models.CharField(_("번호"), max_length=80)
    title = models.CharField(_("건명"), max_length=200)
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="+")
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("구분"), max_length=10, choices=PurchaseKind.choices)
    amount_krw = models.BigIntegerField(_("추정 가격 (원)"))
    order_on = models.DateField(_("발주 예정일"))
    is_remainder = models.BooleanField(_("발주 후 잔액"), default=False)
    method = models.CharField(_("계약 방법"), max_length=32, choices=ContractMethod.choices)
    scope = models.CharField(_("입찰 참가 지역"), max_length=10, choices=BidScope.choices)
    citations = models.JSONField(default=list)
    reasons = models.JSONField(default=list)
    eligible_supplier_ids = models.JSONField(default=list)
    expected_local_krw = models.BigIntegerField(_("예상 지역 지출 (원)"), null=True, blank=True)
    libraries = models.JSONField(default=list)
    subjects = models.JSONField(default=list)
    quarters = models.JSONField(default=list)
    stage = models.CharField(
        _("단계"), max_length=10, choices=Stage.choices, default=Stage.PLANNING
    )
    award_supplier = models.ForeignKey(
        Supplier, on_delete=models.PROTECT, null=True, blank=True, related_name="awards"
    )
    award_amount_krw = models.BigIntegerField(_("계약 금액 (원)"), null=True, blank=True)
    awarded_at = models.DateTimeField(_("계약일시"), null=True, blank=True)
    tendered_at = models.DateTimeField(_("공고일시"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("발주 건")
        verbose_name_plural = _("발주 건")
        ordering = ["order_on", "reference"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "reference"], name="purchase_unique_reference"),
            models.CheckConstraint(condition=Q(amount_krw__gt=0), name="purchase_amount_positive"),
        ]
        indexes = [models.Index(fields=["department", "category", "order_on"])]

    def __str__(self) -> str:
        return self.title


class SupplierSurvey(models.Model):
    """A supplier's re-spend answer: shares of its income paid to local staff and suppliers.

    Shares are basis points (1/10,000): integers, so no float ever meets money.
    """

    supplier = models.ForeignKey(Supplier, on_delete=models.CASCADE, related_name="surveys")
    surveyed_on = models.DateField(_("조사일"))
    local_staff_bp = models.PositiveIntegerField(_("지역 인건비 비율 (만분율)"))
    local_supplier_bp = models.PositiveIntegerField(_("지역 구매 비율 (만분율)"))
    note = models.CharField(_("메모"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("공급업체 지역 재지출 조사")
        verbose_name_plural = _("공급업체 지역 재지출 조사")
        ordering = ["-surveyed_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(local_staff_bp__lte=10_000)
                & Q(local_supplier_bp__lte=10_000)
                & Q(local_staff_bp__lte=10_000 - models.F("local_supplier_bp")),
                name="supplier_survey_shares_within_one",
            )
        ]


class EmployeeSurvey(models.Model):
    """An employee's answer: the share of their pay spent in the city (basis points)."""

    supplier = models.ForeignKey(
        Supplier, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    surveyed_on = models.DateField(_("조사일"))
    local_spend_bp = models.PositiveIntegerField(_("지역 소비 비율 (만분율)"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("종사자 지역 소비 조사")
        verbose_name_plural = _("종사자 지역 소비 조사")
        ordering = ["-surveyed_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(local_spend_bp__lte=10_000), name="employee_survey_share_within_one"
            )
        ]


class SupportKind(models.TextChoices):
    GRANT = "grant", _("보조금")
    CONSULTING = "consulting", _("컨설팅")
    TRAINING = "training", _("교육")
    SPACE = "space", _("공간 지원")
    MARKETING = "marketing", _("판로 지원")


class SupportRecord(models.Model):
    """Support the social-economy unit gave an organisation."""

    supplier = models.ForeignKey(Supplier, on_delete=models.CASCADE, related_name="support")
    kind = models.CharField(_("지원 종류"), max_length=12, choices=SupportKind.choices)
    given_on = models.DateField(_("지원일"))
    amount_krw = models.BigIntegerField(_("금액 (원)"), default=0)
    description = models.CharField(_("내용"), max_length=300)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("지원 기록")
        verbose_name_plural = _("지원 기록")
        ordering = ["-given_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount_krw__gte=0), name="support_amount_not_negative"
            )
        ]


from saram.economy.models_meals import *  # noqa: E402, F403  (school meals and uniforms)
