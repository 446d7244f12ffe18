"""Forms of the making pages: each parses one request into a service's arguments."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from saram.making.models import (
    Audience,
    ClusterRole,
    ClusterSector,
    Course,
    MachineLogKind,
    MachineStatus,
    Room,
)


class BookingForm(forms.Form):
    starts_at = forms.DateTimeField(
        label=_("시작"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    ends_at = forms.DateTimeField(
        label=_("종료"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    purpose = forms.CharField(label=_("용도"), max_length=200, required=False)
    material_g = forms.IntegerField(label=_("사용 소재(g)"), min_value=0, required=False)
    tenant = forms.IntegerField(required=False, widget=forms.HiddenInput)


class MaintenanceForm(forms.Form):
    starts_at = forms.DateTimeField(
        label=_("시작"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    ends_at = forms.DateTimeField(
        label=_("종료"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    reason = forms.CharField(label=_("사유"), max_length=200, required=False)


class MachineLogForm(forms.Form):
    kind = forms.ChoiceField(label=_("구분"), choices=MachineLogKind.choices)
    text = forms.CharField(label=_("내용"), max_length=1000)
    cost_krw = forms.IntegerField(label=_("비용(원)"), min_value=0, required=False)
    status = forms.ChoiceField(
        label=_("상태 변경"), choices=[("", _("그대로")), *MachineStatus.choices], required=False
    )


class StockForm(forms.Form):
    direction = forms.ChoiceField(label=_("구분"), choices=[("in", _("입고")), ("out", _("출고"))])
    grams = forms.IntegerField(label=_("양(g)"), min_value=1)
    note = forms.CharField(label=_("메모"), max_length=200, required=False)


class AttendanceForm(forms.Form):
    present = forms.TypedChoiceField(
        choices=[("1", _("출석")), ("0", _("결석"))], coerce=lambda v: v == "1"
    )


class ReservationMarkForm(forms.Form):
    outcome = forms.ChoiceField(choices=[("attended", _("이용함")), ("no_show", _("노쇼"))])


class CreditForm(forms.Form):
    hours = forms.IntegerField(label=_("지급 시간"), min_value=1, max_value=500)


class CourseFilterForm(forms.Form):
    audience = forms.ChoiceField(
        label=_("대상"), choices=[("", _("전체")), *Audience.choices], required=False
    )


class ClusterFilterForm(forms.Form):
    role = forms.ChoiceField(
        label=_("구분"), choices=[("", _("전체")), *ClusterRole.choices], required=False
    )
    sector = forms.ChoiceField(
        label=_("분야"), choices=[("", _("전체")), *ClusterSector.choices], required=False
    )
    q = forms.CharField(label=_("검색"), max_length=100, required=False)
    format = forms.ChoiceField(choices=[("", ""), ("csv", "CSV"), ("xlsx", "XLSX")], required=False)


class VerifyForm(forms.Form):
    code = forms.CharField(label=_("확인 번호"), max_length=40)


class YearForm(forms.Form):
    year = forms.IntegerField(min_value=2016, max_value=2100, required=False)


class SessionForm(forms.Form):
    course = forms.ModelChoiceField(label=_("과정"), queryset=Course.objects.order_by("code"))
    starts_at = forms.DateTimeField(
        label=_("시작"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    ends_at = forms.DateTimeField(
        label=_("종료"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    capacity = forms.IntegerField(label=_("정원"), min_value=1, max_value=500)
    instructor = forms.ModelChoiceField(
        label=_("강사"),
        queryset=get_user_model().objects.filter(role_assignments__role="instructor").distinct(),
        required=False,
    )
    room = forms.ModelChoiceField(
        label=_("공간"), queryset=Room.objects.filter(kind="classroom"), required=False
    )
