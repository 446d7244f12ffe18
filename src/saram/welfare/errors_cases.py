"""Error codes of case work, referrals, consent, transfers, the public door and offline sync;
registered when the welfare app is ready, rendered in the reader's language when shown."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from saram.core.errors import register

MESSAGES = {
    # Cases
    "case_forbidden": _("이 사례를 다룰 권한이 없습니다."),
    "case_person_forbidden": _("담당 행정동의 주민만 사례로 열 수 있습니다."),
    "case_bad_programme": _("사업을 골라 주세요."),
    "case_bad_need": _("알 수 없는 욕구 분야입니다: %(need)s"),
    "case_bad_visit": _("다른 주민의 방문입니다."),
    "case_already_open": _("이 주민은 같은 사업의 사례가 이미 열려 있습니다."),
    "case_is_closed": _("종결된 사례입니다."),
    "case_not_worker": _("사례 담당자만 할 수 있는 일입니다."),
    "case_bad_worker": _("이 행정동의 복지 담당만 사례를 맡을 수 있습니다."),
    "case_note_required": _("기록할 내용을 적어 주세요."),
    "not_supervisor": _("이 행정동의 맞춤형복지팀장만 결재할 수 있습니다."),
    "assessment_needs_required": _("욕구 사정에는 욕구를 하나 이상 골라 주세요."),
    "assessment_first": _("욕구 사정을 먼저 기록하세요."),
    "conference_incomplete": _("사례회의의 참석자와 결정 사항을 적어 주세요."),
    "conference_in_future": _("사례회의 날짜가 미래입니다."),
    "conference_first": _("사례회의를 먼저 기록하세요."),
    "plan_empty": _("계획에 할 일을 하나 이상 더한 뒤 결재를 요청하세요."),
    "plan_action_required": _("할 일을 적어 주세요."),
    "plan_owner_required": _("담당자나 담당 기관을 정해 주세요."),
    "plan_bad_owner": _("담당자는 이 행정동의 복지 담당이어야 합니다."),
    "need_of_other_case": _("다른 사례의 욕구입니다."),
    "approval_pending": _("같은 결재가 이미 팀장에게 올라가 있습니다."),
    "approval_decided": _("이미 결재한 요청입니다."),
    "rejection_reason_required": _("반려하는 까닭을 적어 주세요."),
    "closure_reason_required": _("종결 사유를 골라 주세요."),
    "closure_open_needs": _("해결되지 않은 욕구 %(n)s건."),
    "closure_pending_referrals": _("끝나지 않은 의뢰 %(n)s건 (회신 전이거나 서비스 전)."),
    "closure_follow_up_due": _("점검 기한이 지났습니다."),
    "closure_blocked_note_required": _(
        "아직 끝나지 않은 일이 있습니다: %(what)s 그래도 종결하려면 까닭을 적어 결재를 요청하세요."
    ),
    "closure_override_reason": _(
        "아직 끝나지 않은 일이 있습니다: %(what)s 승인하려면 팀장 의견에 까닭을 적어 주세요."
    ),
    # Referrals and resources
    "resource_inactive": _("운영하지 않는 자원입니다."),
    "resource_other_dong": _("다른 행정동의 자원입니다."),
    "referral_already_open": _("같은 자원에 진행 중인 의뢰가 있습니다."),
    "referral_bad_step": _("'%(now)s' 다음에는 '%(next)s'(으)로 바꿀 수 없습니다."),
    "referral_answer_in_future": _("회신일이 미래입니다."),
    "referral_answer_before_sent": _("회신일이 의뢰한 날보다 앞섭니다."),
    "referral_decline_reason_required": _("거절 사유를 골라 주세요."),
    "resources_forbidden": _("자원 목록은 시청 관리자가 관리합니다."),
    "bad_resource_kind": _("자원 구분을 골라 주세요."),
    "resource_needs_required": _("돕는 욕구 분야를 하나 이상 골라 주세요."),
    "resource_bad_capacity": _("수용 인원은 0 이상이어야 합니다."),
    # Consent
    "consent_forbidden": _("담당 행정동 주민의 동의만 기록할 수 있습니다."),
    "consent_bad_kind": _("동의 종류를 골라 주세요."),
    "consent_bad_method": _("동의 방법을 골라 주세요."),
    "consent_scope_required": _("동의 범위를 적어 주세요."),
    "consent_in_future": _("동의일이 미래입니다."),
    "consent_witness_required": _("구두 동의에는 입회인의 이름을 적어 주세요."),
    "consent_scan_required": _("서명한 동의서의 스캔 파일을 올려 주세요."),
    "consent_scan_type": _("동의서 스캔은 PDF, JPG, PNG 파일이어야 합니다."),
    "consent_scan_too_large": _("동의서 스캔 파일은 %(mb)sMB 이하여야 합니다."),
    "consent_already_withdrawn": _("이미 철회한 동의입니다."),
    "consent_withdrawn_before_given": _("철회일이 동의일보다 앞섭니다."),
    "consent_required_for_referral": _(
        "의뢰하면 이 주민의 정보가 제공 기관에 전달됩니다. 먼저 개인정보 제3자 제공 동의를 "
        "기록하세요."
    ),
    # Transfers
    "transfer_forbidden": _("담당 행정동 주민만 이관할 수 있습니다."),
    "transfer_accept_forbidden": _("이관받는 행정동의 복지 담당만 인수할 수 있습니다."),
    "transfer_same_dong": _("같은 행정동으로는 이관할 수 없습니다."),
    "transfer_other_city": _("다른 시·군으로는 이관할 수 없습니다."),
    "transfer_note_required": _("인계 내용을 적어 주세요."),
    "transfer_pending": _("이 주민의 이관이 이미 진행 중입니다."),
    "transfer_not_pending": _("이미 인수했거나 취소한 이관입니다."),
    "transfer_person_moved": _("이 주민은 이미 다른 행정동으로 옮겨졌습니다."),
    # The public door
    "help_about_required": _("누구를 위한 요청인지 골라 주세요."),
    "help_consent_required": _("개인정보 수집·이용에 동의해야 요청을 보낼 수 있습니다."),
    "help_description_required": _("어떤 어려움인지 적어 주세요."),
    "help_place_unknown": _("주소를 검색해서 목록에서 골라 주세요."),
    "help_rate_limited": _("요청이 너무 많습니다. 잠시 뒤 다시 보내 주세요."),
    "help_challenge_wrong": _("확인 문제의 답이 맞지 않습니다."),
    "help_challenge_expired": _("확인 문제가 만료되었습니다. 새 문제로 다시 보내 주세요."),
    "help_too_fast": _("너무 빨리 보냈습니다. 내용을 확인하고 다시 보내 주세요."),
    "help_try_again": _("잠시 뒤 다시 보내 주세요."),
    "help_forbidden": _("담당 행정동의 요청만 다룰 수 있습니다."),
    "help_other_dong": _("같은 행정동의 주민과만 연결할 수 있습니다."),
    "help_outcome_required": _("처리 결과를 골라 주세요."),
    "help_answer_required": _("처리 내용을 적어 주세요."),
    "help_already_handled": _("이미 처리한 요청입니다."),
    # Life events: a death, a move
    "life_event_forbidden": _("담당 행정동 주민의 사망·이사만 기록할 수 있습니다."),
    "death_in_future": _("사망일이 미래입니다."),
    "case_person_died": _("사망이 기록된 주민입니다. 사례를 열 수 없습니다."),
    "move_task_closed": _("이미 처리한 전출 확인입니다."),
    "help_move_needs_person": _("이사한 주민을 먼저 요청에 연결하세요."),
    # Offline sync
    "sync_forbidden": _("방문을 맡은 사람만 보낼 수 있습니다."),
    "sync_bad_item": _("보낸 방문 기록의 형식이 올바르지 않습니다."),
    "sync_too_many": _("한 번에 %(limit)s건까지 보낼 수 있습니다."),
    "sync_not_yours": _("맡은 방문이 아닙니다."),
    "sync_unknown_kind": _("이 서버가 아직 받지 못하는 기록입니다. 휴대전화에 남겨 둡니다."),
    "sync_conflict_resolved": _("이미 처리한 충돌입니다."),
}


def register_codes() -> None:
    register(MESSAGES)
