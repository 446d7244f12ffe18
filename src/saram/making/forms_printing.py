"""Forms of the print service: a citizen's upload and the city's assistive-device budgets; each
parses one request into a service's arguments, with an error on the field that is wrong."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from saram.core.models import Dong
from saram.making import selectors_printing as selectors
from saram.making.models import Material


class UploadForm(forms.Form):
    title = forms.CharField(label=_("제목"), max_length=120)
    model = forms.FileField(label=_("모델 파일(STL, OBJ, 3MF)"))
    material = forms.ModelChoiceField(label=_("소재·색상"), queryset=Material.objects.none())
    layer_height_mm = forms.ChoiceField(
        label=_("품질(레이어 높이)"),
        choices=[
            ("0.10", _("아주 곱게 (0.10mm)")),
            ("0.15", _("곱게 (0.15mm)")),
            ("0.20", _("보통 (0.20mm)")),
            ("0.30", _("빠르게 (0.30mm)")),
        ],
        initial="0.20",
    )
    infill_percent = forms.IntegerField(label=_("채움(%)"), min_value=0, max_value=100, initial=20)
    quantity = forms.IntegerField(label=_("수량"), min_value=1, max_value=50, initial=1)
    pupil_birth_year = forms.IntegerField(
        label=_("학생 할인: 출생 연도 (초·중·고 학생만)"),
        required=False,
        min_value=1901,
        max_value=2100,
        help_text=_("적으면 학생 할인이 견적에 들어갑니다. 찾아갈 때 학생증을 보여 주세요."),
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["material"].queryset = selectors.printable_materials()  # type: ignore[attr-defined]


class BudgetForm(forms.Form):
    dong = forms.ModelChoiceField(
        label=_("동"),
        queryset=Dong.objects.none(),
        required=False,
        empty_label=_("시 전체 (자체 예산이 없는 동)"),
    )
    amount_krw = forms.IntegerField(label=_("예산(원)"), min_value=0)
    source = forms.CharField(label=_("근거"), max_length=200)
    valid_from = forms.DateField(
        label=_("시행일"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("비우면 오늘부터. 이미 예산이 있으면 이 날부터 새 판이 됩니다."),
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        field = self.fields["dong"]
        field.queryset = selectors.budget_dongs()  # type: ignore[attr-defined]
        field.label_from_instance = lambda dong: dong.display_name  # type: ignore[attr-defined]
