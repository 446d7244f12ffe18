"""Forms of the case, consent, transfer, help-request and offline-conflict pages: they check the
shape of input; services check the rules."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from saram.welfare.forms import DateInput, MoveForm, _choices
from saram.welfare.models import (
    ClosureReason,
    ConsentKind,
    ConsentMethod,
    DeclineReason,
    HelpAbout,
    HelpOutcome,
    NeedCategory,
    ReferralStatus,
)


class AssessForm(forms.Form):
    needs = forms.MultipleChoiceField(
        label=_("사정한 욕구"),
        choices=NeedCategory.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    note = forms.CharField(
        label=_("사정 의견"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )


class ConferenceForm(forms.Form):
    held_on = forms.DateField(label=_("회의일"), widget=DateInput())
    attendees = forms.CharField(
        label=_("참석자"), max_length=500, help_text=_("이름과 소속을 쉼표로 나눠 적어 주세요.")
    )
    decisions = forms.CharField(label=_("결정 사항"), widget=forms.Textarea(attrs={"rows": 3}))


class ApprovalRequestForm(forms.Form):
    note = forms.CharField(label=_("요청 메모"), max_length=300, required=False)


class ClosureRequestForm(forms.Form):
    reason = forms.ChoiceField(label=_("종결 사유"), choices=ClosureReason.choices)
    note = forms.CharField(
        label=_("종결 메모"),
        max_length=300,
        required=False,
        help_text=_("끝나지 않은 욕구·의뢰·점검이 있으면 그래도 종결하려는 까닭을 적어 주세요."),
    )


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("결재"),
        choices=[("approve", _("승인")), ("reject", _("반려"))],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(label=_("팀장 의견"), max_length=300, required=False)


class ReferralAnswerForm(forms.Form):
    status = forms.ChoiceField(
        label=_("회신"),
        choices=[
            (ReferralStatus.ACCEPTED, _("접수됨")),
            (ReferralStatus.SERVED, _("서비스 제공")),
            (ReferralStatus.DECLINED, _("거절됨")),
        ],
    )
    answered_on = forms.DateField(label=_("회신일"), widget=DateInput(), required=False)
    decline_reason = forms.ChoiceField(
        label=_("거절 사유"),
        choices=[("", "—"), *[c for c in DeclineReason.choices if c[0] != DeclineReason.DIED]],
        required=False,
    )
    note = forms.CharField(label=_("메모"), max_length=300, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # Shown in one row of each open referral without <label>s: every field names itself,
        # and no field carries an id (the rows would repeat it).
        kwargs.setdefault("auto_id", False)
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs["aria-label"] = str(field.label)
        self.fields["note"].widget.attrs["placeholder"] = str(_("회신 메모"))
        self.fields["decline_reason"].choices = [
            ("", str(_("거절 사유 (거절된 경우)"))),
            *[c for c in DeclineReason.choices if c[0] != DeclineReason.DIED],
        ]


class ConsentForm(forms.Form):
    kind = forms.ChoiceField(label=_("동의 종류"), choices=ConsentKind.choices)
    scope = forms.CharField(
        label=_("동의 범위"),
        max_length=300,
        help_text=_("예: 통합사례관리와 푸드뱅크·복지관 서비스 연계를 위한 제공"),
    )
    given_on = forms.DateField(label=_("동의일"), widget=DateInput())
    method = forms.ChoiceField(
        label=_("동의 방법"), choices=ConsentMethod.choices, widget=forms.RadioSelect
    )
    witness = forms.CharField(label=_("입회인 (구두 동의)"), max_length=50, required=False)
    scan = forms.FileField(label=_("동의서 스캔 (서명 동의)"), required=False)


class WithdrawConsentForm(forms.Form):
    consent = forms.IntegerField(widget=forms.HiddenInput)
    on = forms.DateField(label=_("철회일"), widget=DateInput())
    note = forms.CharField(label=_("철회 메모"), max_length=300, required=False)


class TransferForm(forms.Form):
    to_dong = forms.ChoiceField(label=_("전입한 행정동"))
    new_address = forms.CharField(label=_("새 주소"), max_length=300, required=False)
    handover_note = forms.CharField(
        label=_("인계 내용"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("진행 중인 지원, 주의할 점, 다음에 할 일을 적어 주세요."),
    )

    def __init__(self, *args: Any, dongs: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["to_dong"].choices = _choices(dongs, lambda d: d.display_name)


class AcceptTransferForm(forms.Form):
    note = forms.CharField(label=_("인수 메모"), max_length=300, required=False)


class HelpRequestForm(forms.Form):
    """The public door: plain words, few fields."""

    about = forms.ChoiceField(
        label=_("누구를 위한 요청인가요?"), choices=HelpAbout.choices, widget=forms.RadioSelect
    )
    place = forms.CharField(label=_("주소"), max_length=400, widget=forms.HiddenInput)
    address_detail = forms.CharField(label=_("동·호수 (아는 만큼)"), max_length=100, required=False)
    name = forms.CharField(label=_("이름 (몰라도 돼요)"), max_length=50, required=False)
    contact = forms.CharField(label=_("연락받을 전화번호 (선택)"), max_length=20, required=False)
    description = forms.CharField(
        label=_("어떤 어려움인가요?"), max_length=2000, widget=forms.Textarea(attrs={"rows": 4})
    )
    consent = forms.BooleanField(
        label=_("적은 내용을 동 행정복지센터가 도움을 드리는 데 쓰는 것에 동의합니다."),
        required=True,
    )
    answer = forms.CharField(label=_("확인 문제"), max_length=4)
    token = forms.CharField(widget=forms.HiddenInput)
    website = forms.CharField(required=False, widget=forms.HiddenInput)  # left empty by people


class HelpStatusForm(forms.Form):
    receipt = forms.CharField(label=_("접수 번호"), max_length=12)


class HelpAnswerForm(MoveForm):
    outcome = forms.ChoiceField(label=_("처리 결과"), choices=HelpOutcome.choices)
    answer = forms.CharField(
        label=_("처리 내용"), max_length=500, widget=forms.Textarea(attrs={"rows": 3})
    )


class ConflictForm(forms.Form):
    keep = forms.ChoiceField(
        label=_("처리"),
        choices=[("1", _("방문 기록으로 남기기")), ("0", _("버리기"))],
        widget=forms.RadioSelect,
    )


# --- Filter forms of the lists (GET) -----------------------------------------------------------


class CaseFilterForm(forms.Form):
    closed = forms.BooleanField(required=False)

    def closed_only(self) -> bool:
        return bool(self.is_valid() and self.cleaned_data["closed"])


class HelpQueueFilterForm(forms.Form):
    all = forms.BooleanField(required=False)

    def show_all(self) -> bool:
        return bool(self.is_valid() and self.cleaned_data["all"])


class VisitsFilterForm(forms.Form):
    SHOWS = ("overdue", "returned", "open")
    show = forms.ChoiceField(choices=[(s, s) for s in SHOWS], required=False)

    def shown(self) -> str:
        return (self.is_valid() and self.cleaned_data["show"]) or "overdue"


class ResourceFilterForm(forms.Form):
    need = forms.ChoiceField(choices=[("", "—"), *NeedCategory.choices], required=False)

    def need_code(self) -> str:
        return (self.is_valid() and self.cleaned_data["need"]) or ""
