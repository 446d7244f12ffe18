from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from saram.core.errors import SaramError, render
from saram.core.imports import CellError
from saram.core.models import Dong
from saram.core.services.people import parse_rrn


class FilterForm(forms.Form):
    """A list page's filters, read from the query string: bounded text without control
    characters (a NUL byte is refused here rather than by the database). `filters()` gives the
    cleaned values or raises `bad_filter`, which the error middleware shows as a 400 page."""

    def __init__(self, data: Any) -> None:
        super().__init__({k: data.get(k, "") for k in self.base_fields})

    def filters(self) -> dict[str, str]:
        if not self.is_valid():
            labels = [str(self.fields[name].label or name) for name in self.errors]
            raise SaramError("bad_filter", fields=", ".join(labels))
        return {k: (v or "").strip() for k, v in self.cleaned_data.items()}


class PeopleFilterForm(FilterForm):
    dong = forms.CharField(label=_("행정동"), max_length=10, required=False)
    q = forms.CharField(label=_("이름"), max_length=50, required=False)


class OrganisationFilterForm(FilterForm):
    dong = forms.CharField(label=_("행정동"), max_length=10, required=False)
    kind = forms.CharField(label=_("유형"), max_length=40, required=False)
    q = forms.CharField(label=_("이름"), max_length=100, required=False)


class AuditFilterForm(FilterForm):
    actor = forms.CharField(label=_("누가"), max_length=150, required=False)
    target_type = forms.CharField(label=_("대상"), max_length=40, required=False)
    target_id = forms.CharField(label=_("대상 번호"), max_length=64, required=False)
    action = forms.CharField(label=_("행위"), max_length=20, required=False)


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
