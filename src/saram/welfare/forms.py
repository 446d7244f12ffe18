"""Forms of the welfare pages: they check the shape of input; services check the rules."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from saram.core.models import Organisation
from saram.welfare.models import (
    AlertReason,
    AlertStep,
    ClosureReason,
    CommitteeMember,
    DeclineReason,
    MemberRole,
    ModelKind,
    NeedCategory,
    Programme,
    ReferralStatus,
    ResourceKind,
    SeverityUnit,
    VisitOutcome,
)


class DateInput(forms.DateInput):
    input_type = "date"


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


def _dong_label(dong: Any) -> str:
    return str(dong.display_name)


def _choices(objects: Any, label: Any = str) -> list[tuple[str, str]]:
    return [(str(o.pk), label(o)) for o in objects]


class SignalImportForm(forms.Form):
    file = forms.FileField(label=_("파일 (CSV 또는 XLSX)"))
    dong = forms.ChoiceField(label=_("행정동"))

    def __init__(self, *args: Any, dongs: list[Any], city_wide: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [(d.code, d.display_name) for d in dongs]
        if city_wide:
            choices.insert(0, ("", _("시 전체")))
        self.fields["dong"].choices = choices
        self.fields["dong"].required = not city_wide

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith((".csv", ".xlsx", ".txt")):
            raise forms.ValidationError(_("CSV 또는 XLSX 파일을 올려 주세요."))
        return upload


class PlanRoundForm(forms.Form):
    model_kind = forms.ChoiceField(
        label=_("모형"), choices=ModelKind.choices, initial=ModelKind.POINTS
    )
    list_size = forms.IntegerField(label=_("목록 인원"), min_value=1, max_value=5000)


class StartRoundForm(forms.Form):
    assignees = forms.MultipleChoiceField(
        label=_("방문을 맡을 사람"), widget=forms.CheckboxSelectMultiple
    )
    purpose = forms.CharField(
        label=_("방문 목적 (위원에게 보이는 내용)"), max_length=200, required=False
    )

    def __init__(self, *args: Any, visitors: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assignees"].choices = _choices(visitors, _visitor_label)
        self.fields["assignees"].initial = [str(v.pk) for v in visitors]


def _visitor_label(user: Any) -> str:
    return user.get_full_name() or user.username


class ReassignForm(forms.Form):
    assignee = forms.ChoiceField(label=_("새 담당"))

    def __init__(self, *args: Any, visitors: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assignee"].choices = _choices(visitors, _visitor_label)


class MoveForm(forms.Form):
    """Where a person went, when a visit (or a help request) finds they moved: the dong, if
    known, opens the transfer at once."""

    moved_to = forms.ChoiceField(
        label=_("이사 간 행정동 (이사한 경우)"),
        required=False,
        help_text=_(
            "알면 골라 주세요. 바로 그 동으로 이관을 요청합니다. 모르면 담당 공무원이 확인합니다."
        ),
    )
    new_address = forms.CharField(label=_("새 주소 (아는 만큼)"), max_length=300, required=False)

    def __init__(self, *args: Any, dongs: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._dongs = {str(d.pk): d for d in dongs}
        self.fields["moved_to"].choices = [("", _("모름")), *_choices(dongs, _dong_label)]
        last = ["moved_to", "new_address"]
        self.order_fields([f for f in self.fields if f not in last] + last)

    def clean_moved_to(self) -> Any:
        return self._dongs.get(self.cleaned_data.get("moved_to") or "")


class VisitForm(MoveForm):
    visited_at = forms.DateTimeField(label=_("방문 일시"), widget=DateTimeInput())
    outcome = forms.ChoiceField(
        label=_("결과"), choices=VisitOutcome.choices, widget=forms.RadioSelect
    )
    needs = forms.MultipleChoiceField(
        label=_("확인한 욕구 (만난 경우)"),
        choices=NeedCategory.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    note = forms.CharField(
        label=_("메모"), widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=2000
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["visited_at"].initial = timezone.localtime().replace(second=0, microsecond=0)


class FollowUpForm(VisitForm):
    next_follow_up_on = forms.DateField(label=_("다음 확인일"), widget=DateInput(), required=False)


class DeathForm(forms.Form):
    died_on = forms.DateField(label=_("사망일 (아는 경우)"), widget=DateInput(), required=False)
    note = forms.CharField(label=_("어떻게 알게 되었나요"), max_length=300)


class ReturnForm(forms.Form):
    reason = forms.CharField(label=_("돌려보내는 까닭"), max_length=200)
    is_conflict = forms.BooleanField(
        label=_("아는 사이이거나 가족이라 맡을 수 없습니다 (다시 배정하지 않음)"), required=False
    )


class ConcernForm(forms.Form):
    name = forms.CharField(label=_("이름"), max_length=50)
    address = forms.CharField(label=_("주소"), max_length=300)
    phone = forms.CharField(label=_("전화 (아는 경우)"), max_length=20, required=False)
    description = forms.CharField(
        label=_("무엇을 보았나요"), widget=forms.Textarea(attrs={"rows": 4}), max_length=500
    )


class PersonChoiceForm(forms.Form):
    person = forms.ChoiceField(label=_("주민"), required=False)

    def __init__(self, *args: Any, people: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["person"].choices = [("", _("해당 없음 (버리기)"))] + [
            (str(p.pk), f"{p.name} · {p.birth_date:%Y-%m-%d} · {p.address}") for p in people
        ]


class OpenCaseForm(forms.Form):
    programme = forms.ChoiceField(label=_("사업"), choices=Programme.choices)
    needs = forms.MultipleChoiceField(
        label=_("욕구"),
        choices=NeedCategory.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    detail = forms.CharField(label=_("욕구 내용"), max_length=300, required=False)
    intake_note = forms.CharField(
        label=_("초기상담 내용"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("주된 호소, 가구 상황, 당장 필요한 것"),
    )


class NeedForm(forms.Form):
    category = forms.ChoiceField(label=_("분야"), choices=NeedCategory.choices)
    detail = forms.CharField(label=_("내용"), max_length=300, required=False)


class ActionForm(forms.Form):
    action = forms.CharField(label=_("할 일"), max_length=300)
    owner = forms.ChoiceField(label=_("담당자"), required=False)
    owner_name = forms.CharField(label=_("또는 담당 기관"), max_length=100, required=False)
    due_on = forms.DateField(label=_("기한"), widget=DateInput())
    need = forms.ChoiceField(label=_("관련 욕구"), required=False)

    def __init__(self, *args: Any, officers: list[Any], needs: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].choices = [("", "—"), *_choices(officers, _visitor_label)]
        self.fields["need"].choices = [
            ("", "—"),
            *_choices(needs, lambda n: f"{n.get_category_display()} {n.detail}".strip()),
        ]


class NoteForm(forms.Form):
    text = forms.CharField(label=_("사례 기록"), widget=forms.Textarea(attrs={"rows": 3}))


class ReferralForm(forms.Form):
    resource = forms.ChoiceField(label=_("자원"))
    need = forms.ChoiceField(label=_("관련 욕구"), required=False)
    note = forms.CharField(label=_("의뢰 내용"), max_length=300, required=False)

    def __init__(self, *args: Any, resources: list[Any], needs: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["resource"].choices = _choices(resources, lambda r: f"{r.name} · {r.provider}")
        self.fields["need"].choices = [
            ("", "—"),
            *_choices(needs, lambda n: f"{n.get_category_display()} {n.detail}".strip()),
        ]


class ReferralStatusForm(forms.Form):
    status = forms.ChoiceField(
        label=_("결과"),
        choices=[
            (ReferralStatus.ACCEPTED, ReferralStatus.ACCEPTED.label),
            (ReferralStatus.SERVED, ReferralStatus.SERVED.label),
            (ReferralStatus.DECLINED, ReferralStatus.DECLINED.label),
        ],
    )
    decline_reason = forms.ChoiceField(
        label=_("거절 사유"), choices=[("", "—"), *DeclineReason.choices], required=False
    )
    note = forms.CharField(label=_("메모"), max_length=300, required=False)


class CloseCaseForm(forms.Form):
    reason = forms.ChoiceField(label=_("종결 사유"), choices=ClosureReason.choices)
    note = forms.CharField(label=_("종결 메모"), max_length=300, required=False)


class WorkerForm(forms.Form):
    worker = forms.ChoiceField(label=_("담당자"))

    def __init__(self, *args: Any, officers: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["worker"].choices = _choices(officers, _visitor_label)


class ResourceForm(forms.Form):
    name = forms.CharField(label=_("이름"), max_length=200)
    kind = forms.ChoiceField(label=_("구분"), choices=ResourceKind.choices)
    provider = forms.CharField(label=_("제공 기관"), max_length=200)
    needs = forms.MultipleChoiceField(
        label=_("돕는 욕구"), choices=NeedCategory.choices, widget=forms.CheckboxSelectMultiple
    )
    description = forms.CharField(label=_("내용"), max_length=500, required=False)
    eligibility = forms.CharField(label=_("자격"), max_length=500, required=False)
    capacity = forms.IntegerField(label=_("동시 수용 인원"), min_value=0, required=False)
    contact = forms.CharField(label=_("연락처"), max_length=100, required=False)
    is_active = forms.BooleanField(label=_("운영 중"), required=False, initial=True)


class CommitteeForm(forms.Form):
    name = forms.CharField(label=_("이름"), max_length=100)
    founded_on = forms.DateField(label=_("구성일"), widget=DateInput(), required=False)


class MemberForm(forms.Form):
    name = forms.CharField(label=_("이름"), max_length=50)
    role = forms.ChoiceField(label=_("직책"), choices=MemberRole.choices, initial=MemberRole.MEMBER)
    organisation = forms.ChoiceField(label=_("소속 기관·단체"), required=False)
    user = forms.ChoiceField(label=_("로그인 계정 (방문을 맡는 경우)"), required=False)
    phone = forms.CharField(label=_("전화"), max_length=20, required=False)
    joined_on = forms.DateField(label=_("위촉일"), widget=DateInput())

    def __init__(
        self, *args: Any, organisations: list[Organisation], users: list[Any], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].choices = [
            ("", "—"),
            *_choices(organisations, lambda o: f"{o.name} ({o.get_kind_display()})"),
        ]
        self.fields["user"].choices = [("", "—"), *_choices(users, lambda u: u.username)]
        self.fields["joined_on"].initial = timezone.localdate()


class MeetingForm(forms.Form):
    held_on = forms.DateField(label=_("회의일"), widget=DateInput())
    place = forms.CharField(label=_("장소"), max_length=200, required=False)
    attendees = forms.MultipleChoiceField(
        label=_("참석 위원"), widget=forms.CheckboxSelectMultiple, required=False
    )
    minutes = forms.CharField(
        label=_("회의록"), widget=forms.Textarea(attrs={"rows": 5}), required=False
    )
    decisions = forms.CharField(
        label=_("결정 사항 (한 줄에 하나)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )

    def __init__(self, *args: Any, members: list[CommitteeMember], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["attendees"].choices = _choices(members, lambda m: m.name)


class DongSettingsForm(forms.Form):
    sla_days = forms.IntegerField(label=_("방문 기한(일)"), min_value=1, max_value=365)
    list_size = forms.IntegerField(label=_("발굴 목록 인원"), min_value=1, max_value=5000)
    recent_visit_days = forms.IntegerField(
        label=_("최근 방문 제외 기간(일)"), min_value=0, max_value=730
    )


class ConfigForm(forms.Form):
    """One row of fields per signal kind, plus household points and the reason for the change."""

    lives_alone_points = forms.FloatField(label=_("1인 가구 점수"), min_value=0)
    aged_65_plus_points = forms.FloatField(label=_("65세 이상 점수"), min_value=0)
    child_in_household_points = forms.FloatField(label=_("아동 가구 점수"), min_value=0)
    note = forms.CharField(label=_("바꾸는 까닭"), max_length=300)

    def __init__(self, *args: Any, weights: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.weights = weights
        for w in weights:
            code = w.kind.code
            self.fields[f"{code}__weight_points"] = forms.FloatField(
                min_value=0, initial=w.weight_points
            )
            self.fields[f"{code}__cap_value"] = forms.FloatField(min_value=0, initial=w.cap_value)
            self.fields[f"{code}__half_life_days"] = forms.FloatField(
                min_value=0, initial=w.half_life_days
            )
            self.fields[f"{code}__is_active"] = forms.BooleanField(
                required=False, initial=w.is_active
            )

    def rows(self) -> list[tuple[Any, list[Any]]]:
        return [
            (
                w,
                [
                    self[f"{w.kind.code}__{f}"]
                    for f in ("weight_points", "cap_value", "half_life_days", "is_active")
                ],
            )
            for w in self.weights
        ]

    def weight_changes(self) -> dict[str, dict[str, Any]]:
        data = self.cleaned_data
        return {
            w.kind.code: {
                f: data[f"{w.kind.code}__{f}"]
                for f in ("weight_points", "cap_value", "half_life_days", "is_active")
            }
            for w in self.weights
        }


class SignalKindForm(forms.Form):
    code = forms.CharField(label=_("코드 (영문)"), max_length=40)
    label_ko = forms.CharField(label=_("이름"), max_length=100)
    label_en = forms.CharField(label=_("영문 이름"), max_length=150)
    unit = forms.ChoiceField(label=_("단위"), choices=SeverityUnit.choices)
    weight_points = forms.FloatField(label=_("가중치(점)"), min_value=0)
    cap_value = forms.FloatField(label=_("최대 심각도 기준값"), min_value=0, initial=1)
    half_life_days = forms.FloatField(label=_("반감기(일)"), min_value=1, initial=180)
    note = forms.CharField(label=_("바꾸는 까닭"), max_length=300)


class AlertForm(forms.Form):
    """긴급: one tap with a reason."""

    reason = forms.ChoiceField(
        label=_("까닭"),
        choices=[c for c in AlertReason.choices if c[0] != AlertReason.NOT_HOME_TWICE],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(label=_("메모 (선택)"), max_length=300, required=False)


class AlertAnswerForm(forms.Form):
    step = forms.ChoiceField(
        label=_("취한 조치"),
        choices=[(v, label) for v, label in AlertStep.choices if v != AlertStep.DIED],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(label=_("조치 내용"), max_length=300, required=False)


class AlertFilterForm(forms.Form):
    """Filter of the alert list (GET)."""

    open_only = forms.BooleanField(label=_("조치 전만"), required=False)


class FunnelFilterForm(forms.Form):
    """Filter of the funnel page (GET): by round or by month."""

    by = forms.ChoiceField(
        label=_("묶음"),
        choices=[("round", _("회차별")), ("month", _("월별"))],
        required=False,
        initial="round",
    )
    round = forms.IntegerField(label=_("회차"), required=False, min_value=1)


class MemberAssignForm(forms.Form):
    """Give a visit to a committee member without a login (the officer records it)."""

    member = forms.ChoiceField(label=_("로그인 없는 위원"))

    def __init__(self, *args: Any, members: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["member"].choices = [(str(m.pk), m.name) for m in members]


class ConfirmForm(forms.Form):
    """A destructive action's second step: the box must be ticked."""

    confirm = forms.BooleanField(label=_("확인했습니다"), required=True)


class ModelCheckForm(forms.Form):
    """The list length k the two models are compared at."""

    k = forms.IntegerField(
        label=_("비교할 목록 상위 인원 (k)"), min_value=5, max_value=1000, initial=20
    )
