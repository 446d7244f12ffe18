from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from saram.core.errors import render
from saram.core.imports import CellError
from saram.core.models import Dong
from saram.core.services.people import parse_rrn


class ImportForm(forms.Form):
    file = forms.FileField(label=_("파일 (CSV 또는 XLSX)"))

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith((".csv", ".xlsx", ".txt")):
            raise forms.ValidationError(_("CSV 또는 XLSX 파일을 올려 주세요."))
        return upload


class PersonForm(forms.Form):
    name = forms.CharField(label=_("이름"), max_length=50)
    rrn = forms.CharField(
        label=_("주민등록번호"),
        max_length=14,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    dong = forms.ModelChoiceField(label=_("행정동"), queryset=Dong.objects.none())
    address = forms.CharField(label=_("주소"), max_length=300)
    phone = forms.CharField(label=_("전화"), max_length=20, required=False)
    lives_alone = forms.BooleanField(label=_("1인 가구"), required=False)
    consent = forms.BooleanField(label=_("정보 활용 동의"), required=False)

    def __init__(self, *args: Any, dongs: list[Dong], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["dong"].queryset = Dong.objects.filter(pk__in=[d.pk for d in dongs])  # type: ignore[attr-defined]

    def clean_rrn(self) -> str:
        # A wrong check digit or date is the user's to fix, beside the field (not a server error).
        try:
            return parse_rrn(self.cleaned_data["rrn"])
        except CellError as exc:
            text = render(exc.code, exc.params) if exc.code else str(exc.text)
            raise forms.ValidationError(text) from None


class PersonEditForm(forms.Form):
    name = forms.CharField(label=_("이름"), max_length=50)
    address = forms.CharField(label=_("주소"), max_length=300)
    phone = forms.CharField(label=_("전화"), max_length=20, required=False)
    lives_alone = forms.BooleanField(label=_("1인 가구"), required=False)
    consent = forms.BooleanField(label=_("정보 활용 동의"), required=False)
