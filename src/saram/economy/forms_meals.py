"""Forms of the school-meal and uniform pages (GET filters too)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from saram.core.forms import ImportForm
from saram.economy.models import Category, Ingredient


class YearFilter(forms.Form):
    year = forms.IntegerField(label=_("연도"), required=False, min_value=2000, max_value=2100)


class MealImportForm(ImportForm):
    year = forms.IntegerField(label=_("연도"), min_value=2000, max_value=2100)


class RunForm(forms.Form):
    """The goal of an optimisation: weights the user sets, a floor and a budget."""

    year = forms.IntegerField(label=_("연도"), min_value=2000, max_value=2100)
    category = forms.ModelChoiceField(
        label=_("발주 품목"), queryset=Category.objects.none(), empty_label=None
    )
    local_weight = forms.IntegerField(
        label=_("지역 비중 가중치"), min_value=0, max_value=100, initial=100
    )
    cost_weight = forms.IntegerField(label=_("비용 가중치"), min_value=0, max_value=100, initial=30)
    distance_weight = forms.IntegerField(
        label=_("운송 거리 가중치"), min_value=0, max_value=100, initial=10
    )
    min_local_share_pct = forms.IntegerField(
        label=_("최소 지역 비중 (%)"),
        min_value=0,
        max_value=100,
        required=False,
        help_text=_("비워 두면 하한 없이 가중치대로 찾습니다."),
    )
    budget_krw = forms.IntegerField(
        label=_("예산 (원)"), min_value=1, required=False, help_text=_("비워 두면 제한 없음")
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["category"]
        assert isinstance(field, forms.ModelChoiceField)
        # Food is bought as goods: works, services and the like are no meal order's category.
        field.queryset = Category.objects.filter(kind="goods").order_by("code")
        field.label_from_instance = lambda c: c.display_name  # type: ignore[method-assign]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        weights = [data.get(k) or 0 for k in ("local_weight", "cost_weight", "distance_weight")]
        if not any(weights):
            raise forms.ValidationError(_("가중치 가운데 하나는 0보다 커야 합니다."))
        return data


class TrackingFilter(forms.Form):
    school = forms.IntegerField(required=False, min_value=1)


class UniformFilter(forms.Form):
    year = forms.IntegerField(label=_("연도"), required=False, min_value=2000, max_value=2100)
    category = forms.ModelChoiceField(
        label=_("품목"), queryset=Category.objects.none(), required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["category"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Category.objects.order_by("code")


class SubstitutionForm(forms.Form):
    original = forms.ModelChoiceField(label=_("원래 식재료"), queryset=Ingredient.objects.none())
    substitute = forms.ModelChoiceField(
        label=_("대신 쓸 식재료"), queryset=Ingredient.objects.none()
    )
    max_share_pct = forms.IntegerField(
        label=_("한 달 수요 가운데 대체할 수 있는 최대 비율 (%)"), min_value=1, max_value=100
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("original", "substitute"):
            field = self.fields[name]
            assert isinstance(field, forms.ModelChoiceField)
            field.queryset = Ingredient.objects.order_by("group", "name")
            field.label_from_instance = lambda i: f"{i.name} ({i.get_group_display()})"  # type: ignore[method-assign]
