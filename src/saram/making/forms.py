"""Forms of the making pages: each parses one request into a service's arguments."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from saram.core.models import Organisation, OrganisationKind
from saram.making.models import (
    Audience,
    ClusterRole,
    ClusterSector,
    Course,
    Event,
    GalleryProject,
    Machine,
    MachineLogKind,
    MachineStatus,
    Material,
    Room,
)
from saram.making.photos import PhotoRefused, check_photo


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


# --- Staff pages: the centre's catalogue of machines, materials, courses, events, gallery -------

_LOCAL = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class MachineForm(forms.ModelForm):
    class Meta:
        model = Machine
        fields = [
            "code",
            "name",
            "kind",
            "maker",
            "room",
            "build_x_mm",
            "build_y_mm",
            "build_z_mm",
            "nozzle_mm",
            "accepted_materials",
            "loaded_material",
            "hourly_rate_krw",
            "status",
            "is_bookable",
            "description",
        ]
        widgets = {"accepted_materials": forms.CheckboxSelectMultiple}
        labels = {"room": _("공간")}
        error_messages = {"code": {"unique": _("이미 쓰는 장비 번호입니다. 다른 번호를 적으세요.")}}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        active = Material.objects.filter(is_active=True).order_by("kind", "name")
        self.fields["accepted_materials"].queryset = active
        self.fields["loaded_material"].queryset = active
        self.fields["room"].queryset = Room.objects.filter(kind=Room.Kind.WORKSHOP)
        self.fields["hourly_rate_krw"].min_value = 0
        self.fields["hourly_rate_krw"].widget.attrs["min"] = 0

    def clean_hourly_rate_krw(self) -> int:
        value = self.cleaned_data["hourly_rate_krw"]
        if value < 0:
            raise forms.ValidationError(_("요금은 0원 이상이어야 합니다."))
        return int(value)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        loaded = data.get("loaded_material")
        accepted = data.get("accepted_materials")
        if loaded is not None and accepted is not None and loaded not in accepted:
            self.add_error("loaded_material", _("장착 소재는 '사용 가능 소재'에서 골라야 합니다."))
        return data


class MaterialForm(forms.ModelForm):
    class Meta:
        model = Material
        fields = [
            "code",
            "name",
            "kind",
            "colour",
            "density_g_cm3",
            "price_per_kg_krw",
            "reorder_level_g",
            "is_active",
        ]
        error_messages = {"code": {"unique": _("이미 쓰는 소재 코드입니다. 다른 코드를 적으세요.")}}

    def clean_density_g_cm3(self) -> Any:
        value = self.cleaned_data["density_g_cm3"]
        if value is not None and value <= 0:
            raise forms.ValidationError(_("밀도는 0보다 커야 합니다 (예: PLA 1.24)."))
        return value

    def clean_price_per_kg_krw(self) -> int:
        value = self.cleaned_data["price_per_kg_krw"]
        if value < 0:
            raise forms.ValidationError(_("가격은 0원 이상이어야 합니다."))
        return int(value)

    def clean_reorder_level_g(self) -> int:
        value = self.cleaned_data["reorder_level_g"]
        if value < 0:
            raise forms.ValidationError(_("재주문 기준은 0g 이상이어야 합니다."))
        return int(value)


class OpeningStockForm(forms.Form):
    """On a new material only: what is on the shelf today (a receipt in the stock history)."""

    stock_g = forms.IntegerField(label=_("처음 재고(g)"), min_value=0, required=False)


class CourseForm(forms.ModelForm):
    class Meta:
        model = Course
        fields = [
            "code",
            "title",
            "audience",
            "summary",
            "hours",
            "fee_krw",
            "unlocks",
            "is_published",
        ]
        error_messages = {"code": {"unique": _("이미 쓰는 과정 번호입니다. 다른 번호를 적으세요.")}}

    def clean_fee_krw(self) -> int:
        value = self.cleaned_data["fee_krw"]
        if value < 0:
            raise forms.ValidationError(_("수강료는 0원 이상이어야 합니다."))
        return int(value)

    def clean_hours(self) -> int:
        value = self.cleaned_data["hours"]
        if not value:
            raise forms.ValidationError(_("교육 시간은 1시간 이상이어야 합니다."))
        return int(value)


def _schools() -> Any:
    return Organisation.objects.filter(kind=OrganisationKind.SCHOOL).order_by("name")


def _instructors() -> Any:
    return (
        get_user_model()
        .objects.filter(role_assignments__role="instructor", is_active=True)
        .distinct()
        .order_by("last_name", "first_name", "username")
    )


class PersonChoiceField(forms.ModelChoiceField):
    """People are shown by name, never by login."""

    def label_from_instance(self, obj: Any) -> str:
        return str(obj.get_full_name() or _("이름 없음"))


class SessionEditForm(forms.Form):
    starts_at = forms.DateTimeField(label=_("시작"), widget=_LOCAL)
    ends_at = forms.DateTimeField(label=_("종료"), widget=_LOCAL)
    capacity = forms.IntegerField(label=_("정원"), min_value=1, max_value=500)
    instructor = PersonChoiceField(
        label=_("강사"), queryset=get_user_model().objects.none(), required=False
    )
    room = forms.ModelChoiceField(
        label=_("공간"), queryset=Room.objects.filter(kind="classroom"), required=False
    )
    school = forms.ModelChoiceField(
        label=_("단체 신청 학교"),
        queryset=_schools(),
        required=False,
        help_text=_("학교가 학생들과 함께 신청한 수업이면 고르세요."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["instructor"].queryset = _instructors()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("starts_at"), data.get("ends_at")
        if start and end and end <= start:
            self.add_error("ends_at", _("종료 시각이 시작 시각보다 늦어야 합니다."))
        return data


class TeachingSessionForm(forms.Form):
    """What an instructor may change on their own session: time, room and capacity."""

    starts_at = forms.DateTimeField(label=_("시작"), widget=_LOCAL)
    ends_at = forms.DateTimeField(label=_("종료"), widget=_LOCAL)
    capacity = forms.IntegerField(label=_("정원"), min_value=1, max_value=500)
    room = forms.ModelChoiceField(
        label=_("공간"), queryset=Room.objects.filter(kind="classroom"), required=False
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("starts_at"), data.get("ends_at")
        if start and end and end <= start:
            self.add_error("ends_at", _("종료 시각이 시작 시각보다 늦어야 합니다."))
        return data


class EventForm(forms.ModelForm):
    class Meta:
        model = Event
        fields = [
            "title",
            "kind",
            "starts_at",
            "ends_at",
            "place",
            "capacity",
            "summary",
            "is_published",
        ]
        widgets = {"starts_at": _LOCAL, "ends_at": _LOCAL}

    def clean_capacity(self) -> int:
        value = self.cleaned_data["capacity"]
        if not value:
            raise forms.ValidationError(_("정원은 1명 이상이어야 합니다."))
        return int(value)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("starts_at"), data.get("ends_at")
        if start and end and end <= start:
            self.add_error("ends_at", _("종료 시각이 시작 시각보다 늦어야 합니다."))
        return data


PHOTO_MAX_MB = 10


class GalleryForm(forms.ModelForm):
    class Meta:
        model = GalleryProject
        fields = [
            "title",
            "maker_name",
            "description",
            "licence",
            "photo",
            "machine",
            "made_on",
            "is_published",
        ]
        widgets = {"made_on": forms.DateInput(attrs={"type": "date"})}
        help_texts = {"maker_name": _("공개 페이지에 나옵니다. 본인이 동의한 이름만 적으세요.")}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["machine"].queryset = Machine.objects.order_by("kind", "code")
        self.fields["photo"].widget.attrs["accept"] = "image/jpeg,image/png,image/webp"

    def clean_photo(self) -> Any:
        photo = self.cleaned_data.get("photo")
        if not photo or not hasattr(photo, "content_type"):
            return photo  # unchanged, or cleared

        try:
            check_photo(photo, max_bytes=PHOTO_MAX_MB * 1024 * 1024)
        except PhotoRefused as exc:
            raise forms.ValidationError(exc.message) from None
        return photo


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
        label=_("강사"), queryset=get_user_model().objects.none(), required=False
    )
    room = forms.ModelChoiceField(
        label=_("공간"), queryset=Room.objects.filter(kind="classroom"), required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Instructors are shown by name (never by login); a form built per request sees new ones.
        self.fields["instructor"] = PersonChoiceField(
            label=_("강사"), queryset=_instructors(), required=False
        )
        self.fields["school"] = forms.ModelChoiceField(
            label=_("단체 신청 학교"),
            queryset=_schools(),
            required=False,
            help_text=_("학교가 학생들과 함께 신청한 수업이면 고르세요."),
        )
        self.fields["starts_at"].widget = _LOCAL
        self.fields["ends_at"].widget = _LOCAL

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("starts_at"), data.get("ends_at")
        if start and end and end <= start:
            self.add_error("ends_at", _("종료 시각이 시작 시각보다 늦어야 합니다."))
        return data
