"""Forms of the economy pages: they check shapes; services check the rules."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from saram.core.forms import ImportForm
from saram.core.models import Dong
from saram.economy.engine.policy import BidScope, FirmClass, LotDimension, RuleEffect
from saram.economy.explanations import label
from saram.economy.models import (
    Category,
    ContractMethod,
    Department,
    Programme,
    PurchaseKind,
    SocialEconomyType,
    Supplier,
    SupportKind,
    VatBasis,
)
from saram.welfare.models import Programme as WelfareProgramme


class NamedChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    """Choices labelled in the page's language (Korean or English name)."""

    def label_from_instance(self, obj: Any) -> str:
        return str(getattr(obj, "display_name", obj))


class NamedMultipleChoiceField(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return str(getattr(obj, "display_name", obj))


def this_year() -> int:
    return timezone.localdate().year


def _percent_field(label_text: Any, *, required: bool = True) -> forms.DecimalField:
    return forms.DecimalField(
        label=label_text,
        min_value=Decimal(0),
        max_value=Decimal(100),
        max_digits=5,
        decimal_places=2,
        required=required,
    )


def percent_to_bp(value: Decimal | None) -> int | None:
    """12.5 (%) → 1250 basis points; the form allows two decimals, so this is exact."""
    return None if value is None else int(value * 100)


class SupplierForm(forms.Form):
    business_number = forms.CharField(
        label=_("사업자등록번호"), max_length=12, help_text=_("123-45-67890 또는 숫자 10자리")
    )
    name = forms.CharField(label=_("상호"), max_length=200)
    address = forms.CharField(label=_("주소"), max_length=300, required=False)
    dong = NamedChoiceField(
        label=_("행정동 (시내 업체)"), queryset=Dong.objects.none(), required=False
    )
    phone = forms.CharField(label=_("전화"), max_length=20, required=False)
    social_economy_type = forms.ChoiceField(
        label=_("사회적경제 유형"), choices=SocialEconomyType.choices, required=False
    )
    categories = NamedMultipleChoiceField(
        label=_("공급 품목"),
        queryset=Category.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    is_sme = forms.BooleanField(label=_("중소기업"), required=False)
    is_small_firm = forms.BooleanField(label=_("소기업·소상공인"), required=False)
    is_women_owned = forms.BooleanField(label=_("여성기업"), required=False)
    is_disabled_owned = forms.BooleanField(label=_("장애인기업"), required=False)
    is_youth_startup = forms.BooleanField(label=_("청년창업"), required=False)

    def __init__(self, *args: Any, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["dong"].queryset = Dong.objects.select_related("gu").order_by("name")  # type: ignore[attr-defined]
        self.fields["categories"].queryset = Category.objects.order_by("code")  # type: ignore[attr-defined]
        if editing:
            self.fields["business_number"].disabled = True
            self.fields["business_number"].required = False
            self.fields["review_note"] = forms.CharField(
                label=_("검토 메모"), max_length=300, required=False
            )


class LedgerImportForm(forms.Form):
    file = forms.FileField(label=_("파일 (CSV, XLSX 또는 OCDS JSON)"))
    fiscal_year = forms.IntegerField(label=_("회계연도"), min_value=2000, max_value=2100)
    exchange_rates = forms.CharField(
        label=_("환율 (외화 금액이 있을 때만)"),
        required=False,
        help_text=_(
            "외화 1단위가 몇 원인지 적으세요. 예: GBP=1712.35, USD=1380. 적은 환율은 가져오기 "
            "기록에 남습니다. 적지 않으면 원화가 아닌 금액은 오류입니다."
        ),
    )
    accept_new_programmes = forms.BooleanField(
        label=_("파일의 새 사업을 검토했고 사업 목록에 추가합니다"),
        required=False,
    )

    def clean_exchange_rates(self) -> dict[str, str]:
        text = self.cleaned_data.get("exchange_rates") or ""
        rates: dict[str, str] = {}
        for part in text.replace(";", ",").split(","):
            if not part.strip():
                continue
            code, _sep, rate = part.partition("=")
            code = code.strip().upper()
            try:
                value = Decimal(rate.strip().replace(" ", ""))
            except InvalidOperation:
                value = Decimal(0)
            if len(code) != 3 or not code.isalpha() or not value.is_finite() or value <= 0:
                raise forms.ValidationError(
                    _(
                        "'%(part)s'을 읽을 수 없습니다. "
                        "통화코드=환율 꼴로 적으세요 (예: GBP=1712.35)."
                    )
                    % {"part": part.strip()}
                )
            rates[code] = str(value)
        return rates

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith((".csv", ".xlsx", ".txt", ".json")):
            raise forms.ValidationError(_("CSV, XLSX 또는 OCDS JSON 파일을 올려 주세요."))
        return upload


# A CSV or XLSX upload: the same form as every core import.
FileForm = ImportForm


class PolicyCheckForm(forms.Form):
    category = NamedChoiceField(label=_("품목"), queryset=Category.objects.none())
    estimated_amount_krw = forms.IntegerField(
        label=_("추정가격 (원, 부가세 제외)"), min_value=1, max_value=10**15
    )
    department = NamedChoiceField(
        label=_("부서"), queryset=Department.objects.none(), required=False
    )
    requested_on = forms.DateField(
        label=_("발주일"), widget=forms.DateInput(attrs={"type": "date"})
    )
    is_remainder = forms.BooleanField(label=_("발주 후 잔액"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = Category.objects.order_by("code")  # type: ignore[attr-defined]
        self.fields["department"].queryset = Department.objects.order_by("name")  # type: ignore[attr-defined]


class RuleVersionForm(forms.Form):
    version_id = forms.CharField(label=_("버전 이름"), max_length=60)
    effective_from = forms.DateField(
        label=_("시행일"), widget=forms.DateInput(attrs={"type": "date"})
    )
    effective_to = forms.DateField(
        label=_("시행 종료일 (비우면 계속)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    source = forms.CharField(label=_("근거 (법령 조항, 조례, 방침)"), max_length=300)
    note = forms.CharField(label=_("변경 사유"), max_length=300)
    base_number = forms.IntegerField(widget=forms.HiddenInput, required=False)


def _choices(values: Any, *, blank: bool = True) -> list[tuple[str, str]]:
    out = [("", "—")] if blank else []
    return out + [(v.value, label(v)) for v in values]


class RuleForm(forms.Form):
    """One rule of a version; which fields matter depends on the effect."""

    rule_id = forms.CharField(label=_("규칙 이름"), max_length=80)
    effect = forms.ChoiceField(label=_("효과"), choices=_choices(RuleEffect, blank=False))
    kinds = forms.MultipleChoiceField(
        label=_("구분"),
        choices=PurchaseKind.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    limit_krw = forms.IntegerField(label=_("한도 (원)"), min_value=1, required=False)
    limit_inclusive = forms.BooleanField(label=_("한도 포함 (이하)"), required=False)
    single_quote_limit_krw = forms.IntegerField(
        label=_("1인 견적 한도 (원)"), min_value=1, required=False
    )
    firm_class = forms.ChoiceField(
        label=_("업체 유형"), choices=_choices(FirmClass), required=False
    )
    scope = forms.ChoiceField(
        label=_("지역"),
        choices=[("", "—"), (BidScope.CITY.value, _("시")), (BidScope.PROVINCE.value, _("시·도"))],
        required=False,
    )
    window_days = forms.IntegerField(label=_("합산 기간 (일)"), min_value=1, required=False)
    dimensions = forms.MultipleChoiceField(
        label=_("분할 단위"),
        choices=_choices(LotDimension, blank=False),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    target_share_percent = _percent_field(_("목표 비율 (%)"), required=False)
    source = forms.CharField(label=_("근거"), max_length=300)

    def rule(self) -> dict[str, Any]:
        """The rule in the engine's data shape."""
        data = self.cleaned_data
        return {
            "rule_id": data["rule_id"].strip(),
            "effect": data["effect"],
            "kinds": list(data["kinds"]),
            "source": data["source"].strip(),
            "limit_krw": data.get("limit_krw"),
            "limit_inclusive": bool(data.get("limit_inclusive")),
            "firm_class": data.get("firm_class") or None,
            "single_quote_limit_krw": data.get("single_quote_limit_krw"),
            "scope": data.get("scope") or None,
            "window_days": data.get("window_days"),
            "dimensions": list(data.get("dimensions") or []),
            "target_share_bp": percent_to_bp(data.get("target_share_percent")),
        }

    @staticmethod
    def initial_from(rule: dict[str, Any]) -> dict[str, Any]:
        target = rule.get("target_share_bp")
        return {
            "rule_id": rule.get("rule_id", ""),
            "effect": rule.get("effect", ""),
            "kinds": rule.get("kinds", []),
            "limit_krw": rule.get("limit_krw"),
            "limit_inclusive": rule.get("limit_inclusive", True),
            "single_quote_limit_krw": rule.get("single_quote_limit_krw"),
            "firm_class": rule.get("firm_class") or "",
            "scope": rule.get("scope") or "",
            "window_days": rule.get("window_days"),
            "dimensions": rule.get("dimensions", []),
            "target_share_percent": Decimal(target) / 100 if target is not None else None,
            "source": rule.get("source", ""),
        }


RuleFormSet = forms.formset_factory(RuleForm, extra=1, can_delete=True)


class PlanForm(forms.Form):
    title = forms.CharField(label=_("제목"), max_length=200)
    fiscal_year = forms.IntegerField(
        label=_("회계연도"), min_value=2000, max_value=2100, initial=this_year
    )
    programme = NamedChoiceField(label=_("사업"), queryset=Programme.objects.none(), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["programme"].queryset = Programme.objects.order_by("name")  # type: ignore[attr-defined]


class PurchaseForm(forms.Form):
    title = forms.CharField(label=_("건명"), max_length=200)
    department = NamedChoiceField(label=_("부서"), queryset=Department.objects.none())
    category = NamedChoiceField(label=_("품목"), queryset=Category.objects.none())
    amount_krw = forms.IntegerField(label=_("추정가격 (원)"), min_value=1, max_value=10**15)
    order_on = forms.DateField(
        label=_("발주 예정일"), widget=forms.DateInput(attrs={"type": "date"})
    )
    is_remainder = forms.BooleanField(label=_("발주 후 잔액"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = Department.objects.order_by("name")  # type: ignore[attr-defined]
        self.fields["category"].queryset = Category.objects.order_by("code")  # type: ignore[attr-defined]


class AwardForm(forms.Form):
    supplier = forms.ModelChoiceField(label=_("계약 업체"), queryset=Supplier.objects.none())
    amount_krw = forms.IntegerField(label=_("계약 금액 (원)"), min_value=1, max_value=10**15)
    awarded_on = forms.DateField(label=_("계약일"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args: Any, suppliers: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["supplier"].queryset = (
            suppliers if suppliers is not None else Supplier.objects.none()
        )  # type: ignore[attr-defined]

    def awarded_at(self) -> dt.datetime:
        day: dt.date = self.cleaned_data["awarded_on"]
        return timezone.make_aware(dt.datetime.combine(day, dt.time(9)))


class LotSettingsForm(forms.Form):
    programme = NamedChoiceField(label=_("사업"), queryset=Programme.objects.none())
    fiscal_year = forms.IntegerField(label=_("회계연도"), min_value=2000, max_value=2100)
    bid_award_ratio_percent = _percent_field(_("예상 낙찰률 (%)"))
    open_bid_local_win_percent = _percent_field(
        _("전국 공개입찰 때 시내 업체 낙찰 비율 (%)"), required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["programme"].queryset = Programme.objects.filter(  # type: ignore[attr-defined]
            category__isnull=False
        ).order_by("name")
        self.fields["open_bid_local_win_percent"].help_text = _(
            "비우면 지난 지출 자료에서 이 품목 공개입찰의 시내 업체 비율을 씁니다."
        )


class DemandImportForm(FileForm):
    fiscal_year = forms.IntegerField(label=_("회계연도"), min_value=2000, max_value=2100)


class SupplierSurveyForm(forms.Form):
    supplier = forms.ModelChoiceField(label=_("공급업체"), queryset=Supplier.objects.none())
    surveyed_on = forms.DateField(label=_("조사일"), widget=forms.DateInput(attrs={"type": "date"}))
    local_staff_percent = _percent_field(_("수입 가운데 지역 주민 인건비 (%)"))
    local_supplier_percent = _percent_field(_("수입 가운데 지역 업체 구매 (%)"))
    note = forms.CharField(label=_("메모"), max_length=300, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["supplier"].queryset = Supplier.objects.select_related(  # type: ignore[attr-defined]
            "organisation"
        ).order_by("organisation__name")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        staff, local = data.get("local_staff_percent"), data.get("local_supplier_percent")
        if staff is not None and local is not None and staff + local > 100:
            raise forms.ValidationError(_("두 비율의 합은 100%를 넘을 수 없습니다."))
        return data


class EmployeeSurveyForm(forms.Form):
    supplier = forms.ModelChoiceField(
        label=_("일하는 업체"), queryset=Supplier.objects.none(), required=False
    )
    surveyed_on = forms.DateField(label=_("조사일"), widget=forms.DateInput(attrs={"type": "date"}))
    local_spend_percent = _percent_field(_("급여 가운데 시내에서 쓰는 비율 (%)"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["supplier"].queryset = Supplier.objects.select_related(  # type: ignore[attr-defined]
            "organisation"
        ).order_by("organisation__name")


class SupportForm(forms.Form):
    supplier = forms.ModelChoiceField(label=_("사회적경제 조직"), queryset=Supplier.objects.none())
    kind = forms.ChoiceField(label=_("지원 종류"), choices=SupportKind.choices)
    given_on = forms.DateField(label=_("지원일"), widget=forms.DateInput(attrs={"type": "date"}))
    amount_krw = forms.IntegerField(label=_("금액 (원)"), min_value=0, initial=0)
    description = forms.CharField(label=_("내용"), max_length=300)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["supplier"].queryset = (  # type: ignore[attr-defined]
            Supplier.objects.exclude(social_economy_type="")
            .select_related("organisation")
            .order_by("organisation__name")
        )


# --- Filters of the list pages (GET) --------------------------------------------------------


class SupplierFilter(forms.Form):
    """The supplier list's filters; an unknown value is ignored, never an error page."""

    q = forms.CharField(required=False, max_length=100)
    locality = forms.CharField(required=False, max_length=20)
    category = forms.CharField(required=False, max_length=40)
    social = forms.CharField(required=False, max_length=40)
    review = forms.CharField(required=False, max_length=1)

    def selection(self) -> dict[str, Any]:
        data = self.cleaned_data if self.is_valid() else {}
        return {
            "query": (data.get("q") or "").strip(),
            "locality": data.get("locality") or "",
            "category": data.get("category") or "",
            "social": data.get("social") or "",
            "needs_review": True if data.get("review") == "1" else None,
        }


class LedgerFilterForm(forms.Form):
    """Which payments a ledger page shows: one value of any dimension (ids), or a month."""

    department = forms.IntegerField(required=False, min_value=1, max_value=2**31 - 1)
    programme = forms.IntegerField(required=False, min_value=1, max_value=2**31 - 1)
    category = forms.IntegerField(required=False, min_value=1, max_value=2**31 - 1)
    supplier = forms.IntegerField(required=False, min_value=1, max_value=2**31 - 1)
    locality = forms.IntegerField(required=False, min_value=0, max_value=3)
    month = forms.CharField(required=False, max_length=10)

    def clean_month(self) -> dt.date | None:
        value = self.cleaned_data.get("month") or ""
        try:
            return dt.date.fromisoformat(value[:10]) if value else None
        except ValueError:
            return None

    def values(self) -> dict[str, Any]:
        """The valid fields (an invalid one is left out, as if not asked)."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {
            name: data.get(name)
            for name in ("department", "programme", "category", "supplier", "locality", "month")
        }


# --- A welfare purchase, one at a time ---------------------------------------------------------


class ProviderChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    """A provider by its name, with its social-economy kind where it has one."""

    def label_from_instance(self, obj: Any) -> str:
        kind = obj.get_social_economy_type_display() if obj.social_economy_type else ""
        return f"{obj.organisation.name} ({kind})" if kind else str(obj.organisation.name)


class WelfarePurchaseForm(forms.Form):
    """A payment for a service bought for welfare cases: programme and provider, never the
    person. Field names are the ledger file's columns, so the ledger's checks name them."""

    paid_on = forms.DateField(label=_("지급일"), widget=forms.DateInput(attrs={"type": "date"}))
    programme = forms.ChoiceField(label=_("복지 사업"), choices=WelfareProgramme.choices)
    business_number = ProviderChoiceField(
        label=_("제공 기관"), queryset=Supplier.objects.none(), to_field_name="pk"
    )
    amount_krw = forms.IntegerField(label=_("금액 (원)"), min_value=1)
    vat_basis = forms.ChoiceField(
        label=_("부가세"), choices=VatBasis.choices, initial=VatBasis.EXEMPT
    )
    method = forms.ChoiceField(
        label=_("계약 방법"),
        choices=[("", _("모름")), *ContractMethod.choices],
        required=False,
    )
    department = NamedChoiceField(label=_("부서"), queryset=Department.objects.none())
    category = NamedChoiceField(label=_("품목"), queryset=Category.objects.none())
    payment_id = forms.CharField(
        label=_("지급 번호"),
        max_length=64,
        required=False,
        help_text=_("e-호조 지급 번호. 비워 두면 새 번호를 붙입니다."),
    )

    def __init__(self, *args: Any, providers: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["business_number"].queryset = providers  # type: ignore[attr-defined]
        self.fields["department"].queryset = Department.objects.order_by("name")  # type: ignore[attr-defined]
        self.fields["category"].queryset = Category.objects.filter(  # type: ignore[attr-defined]
            kind="services"
        ).order_by("name")
