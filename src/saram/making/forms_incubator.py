"""Forms of the incubator, cluster and R&D pages: each parses one request into a service's
arguments, with an error on the field that is wrong."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from saram.core.engine.identity import normalize_business_number
from saram.core.models import Dong
from saram.making.models import ClusterMember, ClusterRole, ClusterSector, RndProject, Room
from saram.making.services.incubator import OrganisationValues, TenantValues

_DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
_LOCAL = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
EXPORTS = [("", ""), ("csv", "CSV"), ("xlsx", "XLSX")]


class PersonChoiceField(forms.ModelChoiceField):
    """People are shown by name, never by login."""

    def label_from_instance(self, obj: Any) -> str:
        return str(obj.get_full_name() or _("이름 없음"))


def _dongs() -> Any:
    return Dong.objects.order_by("name")


class OrganisationFields(forms.Form):
    """The firm's identity on core's organisation (shared with the economy module)."""

    name = forms.CharField(label=_("기관·기업 이름"), max_length=200)
    dong = forms.ModelChoiceField(
        label=_("소재 행정동"), queryset=Dong.objects.none(), required=False
    )
    business_number = forms.CharField(
        label=_("사업자등록번호"),
        max_length=12,
        required=False,
        help_text=_(
            "숫자 10자리 (예: 123-45-67891). 같은 번호의 기관이 있으면 그 기관에 잇습니다."
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["dong"].queryset = _dongs()

    def clean_business_number(self) -> str:
        text = (self.cleaned_data.get("business_number") or "").strip()
        if not text:
            return ""
        try:
            return normalize_business_number(text)
        except ValueError:
            raise forms.ValidationError(
                _("사업자등록번호가 올바르지 않습니다: 숫자 10자리와 검증 숫자를 확인하세요.")
            ) from None

    def organisation_values(self, kind: str) -> OrganisationValues:
        data = self.cleaned_data
        return OrganisationValues(
            name=data["name"].strip(),
            kind=kind,
            dong=data.get("dong"),
            business_number=data.get("business_number") or "",
        )


def _managers() -> Any:
    return (
        get_user_model()
        .objects.filter(
            role_assignments__role__in=["incubator_manager", "making_staff"], is_active=True
        )
        .distinct()
        .order_by("last_name", "first_name", "username")
    )


class TenantForm(OrganisationFields):
    field = forms.CharField(label=_("사업 분야"), max_length=100)
    room = forms.ModelChoiceField(label=_("보육실"), queryset=Room.objects.none(), required=False)
    term_starts_on = forms.DateField(label=_("입주일"), widget=_DATE)
    term_ends_on = forms.DateField(label=_("입주 만료일"), widget=_DATE)
    manager = PersonChoiceField(
        label=_("담당 매니저"), queryset=get_user_model().objects.none(), required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["room"].queryset = Room.objects.filter(kind=Room.Kind.OFFICE).order_by(
            "floor", "name"
        )
        self.fields["manager"].queryset = _managers()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("term_starts_on"), data.get("term_ends_on")
        if start and end and end <= start:
            self.add_error("term_ends_on", _("입주 만료일이 입주일보다 늦어야 합니다."))
        return data

    def tenant_values(self) -> TenantValues:
        data = self.cleaned_data
        return TenantValues(
            field=data["field"].strip(),
            term_starts_on=data["term_starts_on"],
            term_ends_on=data["term_ends_on"],
            room=data.get("room"),
            manager=data.get("manager"),
        )

    @staticmethod
    def initial_of(tenant: Any) -> dict[str, Any]:
        org = tenant.organisation
        return {
            "name": org.name,
            "dong": org.dong_id,
            "business_number": org.business_number,
            "field": tenant.field,
            "room": tenant.room_id,
            "term_starts_on": tenant.term_starts_on,
            "term_ends_on": tenant.term_ends_on,
            "manager": tenant.manager_id,
        }


class TenantFilterForm(forms.Form):
    q = forms.CharField(label=_("검색"), max_length=100, required=False)
    status = forms.ChoiceField(
        label=_("입주 상태"),
        choices=[
            ("", _("전체")),
            ("current", _("입주 중")),
            ("upcoming", _("입주 예정")),
            ("ended", _("입주 종료")),
        ],
        required=False,
    )
    room = forms.ModelChoiceField(
        label=_("보육실"), queryset=Room.objects.none(), required=False, empty_label=_("전체")
    )
    overdue = forms.BooleanField(label=_("기한 지난 목표만"), required=False)
    format = forms.ChoiceField(choices=EXPORTS, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["room"].queryset = Room.objects.filter(kind=Room.Kind.OFFICE).order_by(
            "floor", "name"
        )


class FounderForm(forms.Form):
    name = forms.CharField(label=_("이름"), max_length=50)
    title = forms.CharField(label=_("직함"), max_length=50, required=False)
    login = forms.CharField(
        label=_("사람 계정 아이디"),
        max_length=150,
        required=False,
        help_text=_("적으면 그 계정으로 회사 페이지를 보고 장비 크레딧을 쓸 수 있습니다."),
    )

    def clean_login(self) -> Any:
        text = (self.cleaned_data.get("login") or "").strip()
        if not text:
            return None
        user = get_user_model().objects.filter(username=text, is_active=True).first()
        if user is None:
            raise forms.ValidationError(_("이 아이디의 계정이 없습니다. 아이디를 확인하세요."))
        return user


class MilestoneForm(forms.Form):
    title = forms.CharField(label=_("목표"), max_length=200)
    due_on = forms.DateField(label=_("기한"), widget=_DATE)


class ProgressForm(forms.Form):
    progress_pct = forms.IntegerField(
        label=_("진행률(%)"),
        min_value=0,
        max_value=100,
        error_messages={
            "min_value": _("진행률은 0에서 100 사이의 숫자여야 합니다."),
            "max_value": _("진행률은 0에서 100 사이의 숫자여야 합니다."),
        },
    )


class MentoringForm(forms.Form):
    at = forms.DateTimeField(label=_("일시"), widget=_LOCAL)
    mentor = forms.CharField(label=_("멘토"), max_length=100)
    topic = forms.CharField(label=_("주제"), max_length=200)


# --- Cluster and R&D -----------------------------------------------------------------------------


class MemberForm(OrganisationFields):
    role = forms.ChoiceField(label=_("구분"), choices=ClusterRole.choices)
    sector = forms.ChoiceField(label=_("분야"), choices=ClusterSector.choices)
    summary = forms.CharField(label=_("소개"), max_length=300, required=False)
    website = forms.URLField(label=_("누리집"), required=False, assume_scheme="https")
    employees = forms.IntegerField(label=_("종업원 수"), min_value=0, required=False)
    joined_on = forms.DateField(label=_("참여일"), widget=_DATE, required=False)
    lat = forms.FloatField(
        label=_("위도"),
        required=False,
        min_value=33,
        max_value=39,
        help_text=_("비우면 지도에 행정동 중심으로 표시합니다."),
    )
    lng = forms.FloatField(label=_("경도"), required=False, min_value=124, max_value=132)
    is_uncertain = forms.BooleanField(
        label=_("확인 필요"),
        required=False,
        help_text=_("공개 자료로 확인하지 못한 내용이 있으면 켜세요. 목록에 표시됩니다."),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if (data.get("lat") is None) != (data.get("lng") is None) and not self.errors.get("lat"):
            missing = "lng" if data.get("lng") is None else "lat"
            if not self.errors.get(missing):
                self.add_error(missing, _("위도와 경도는 둘 다 적거나 둘 다 비우세요."))
        return data

    def member_values(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "role": data["role"],
            "sector": data["sector"],
            "summary": data.get("summary", ""),
            "website": data.get("website", ""),
            "employees": data.get("employees"),
            "joined_on": data.get("joined_on"),
            "lat": data.get("lat"),
            "lng": data.get("lng"),
            "is_uncertain": bool(data.get("is_uncertain")),
        }

    @staticmethod
    def initial_of(member: ClusterMember) -> dict[str, Any]:
        org = member.organisation
        return {
            "name": org.name,
            "dong": org.dong_id,
            "business_number": org.business_number,
            **{
                k: getattr(member, k)
                for k in (
                    "role",
                    "sector",
                    "summary",
                    "website",
                    "employees",
                    "joined_on",
                    "lat",
                    "lng",
                    "is_uncertain",
                )
            },
        }


class MemberChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.organisation.name)


class MemberMultipleField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.organisation.name)


def _members() -> Any:
    return ClusterMember.objects.select_related("organisation").order_by("organisation__name")


class ProjectForm(forms.ModelForm):
    lead = MemberChoiceField(label=_("주관 기관"), queryset=ClusterMember.objects.none())
    partners = MemberMultipleField(
        label=_("참여 기관"),
        queryset=ClusterMember.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = RndProject
        fields = [
            "title",
            "lead",
            "partners",
            "funder",
            "funding_krw",
            "starts_on",
            "ends_on",
            "outputs",
        ]
        widgets = {
            "starts_on": _DATE,
            "ends_on": _DATE,
            "outputs": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["lead"].queryset = _members()
        self.fields["partners"].queryset = _members()
        self.fields["funding_krw"].min_value = 0
        self.fields["funding_krw"].widget.attrs["min"] = 0

    def clean_funding_krw(self) -> int:
        value = self.cleaned_data.get("funding_krw") or 0
        if value < 0:
            raise forms.ValidationError(_("연구비는 0원 이상이어야 합니다."))
        return int(value)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("starts_on"), data.get("ends_on")
        if start and end and end <= start:
            self.add_error("ends_on", _("종료일이 시작일보다 늦어야 합니다."))
        lead, partners = data.get("lead"), data.get("partners")
        if lead is not None and partners is not None and lead in partners:
            self.add_error("partners", _("주관 기관은 참여 기관에 다시 넣을 수 없습니다."))
        return data

    def project_values(self) -> tuple[dict[str, Any], list[ClusterMember]]:
        data = dict(self.cleaned_data)
        partners = list(data.pop("partners", []) or [])
        return data, partners


class ProjectFilterForm(forms.Form):
    q = forms.CharField(label=_("검색"), max_length=100, required=False)
    sector = forms.ChoiceField(
        label=_("분야"), choices=[("", _("전체")), *ClusterSector.choices], required=False
    )
    member = MemberChoiceField(
        label=_("참여 기관"),
        queryset=ClusterMember.objects.none(),
        required=False,
        empty_label=_("전체"),
    )
    status = forms.ChoiceField(
        label=_("진행 상태"),
        choices=[
            ("", _("전체")),
            ("ongoing", _("진행 중")),
            ("planned", _("시작 전")),
            ("ended", _("종료")),
        ],
        required=False,
    )
    format = forms.ChoiceField(choices=EXPORTS, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = _members()
