"""The welfare app's error codes and their messages, rendered in the reader's language."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from saram.core.errors import register

register(
    {
        # Due rules and alerts
        "bad_due_days": _("방문 기한은 1일에서 90일 사이입니다 (%(days)s)."),
        "due_rule_source_required": _("규칙의 근거(조례, 지침, 시 정책)를 적어 주세요."),
        "bad_alert_reason": _("긴급 알림의 까닭을 골라 주세요."),
        "alert_not_yours": _("맡은 방문의 주민에게만 긴급 알림을 보낼 수 있습니다."),
        "alert_forbidden": _("이 긴급 알림을 처리할 권한이 없습니다."),
        "alert_answered": _("이미 조치를 기록한 긴급 알림입니다."),
        "bad_alert_step": _("취한 조치를 골라 주세요."),
        "bad_escalation_minutes": _(
            "시청에 올리는 시간(%(city)s분)은 팀장에게 올리는 시간(%(lead)s분)보다 길어야 합니다."
        ),
        # Committee
        "member_no_login": _("로그인이 없는 위원의 방문은 담당 공무원이 대신 기록합니다."),
        "member_not_active": _("활동 중인 이 동의 복지위원이 아닙니다."),
        "member_conflict": _("이 위원 본인이나 같은 가구의 주민이라 맡길 수 없습니다."),
        # Models
        "model_not_better": _(
            "학습 모형이 시험 회차에서 점수 모형보다 낫지 않아 고를 수 없습니다."
        ),
        "no_learned_model": _("저장된 학습 모형이 없습니다. 먼저 모형을 학습시키세요."),
        "no_learned_model_in_use": _(
            "시청이 고른 학습 모형이 없습니다. 점수 모형을 쓰거나, 두 모형 비교 화면에서 "
            "점수 모형보다 나은 학습 모형을 고르세요."
        ),
        "model_needs_rounds": _(
            "비교하려면 결과가 기록된 지난 회차가 두 번 이상 필요합니다 (지금 %(rounds)s회차)."
        ),
        "model_needs_outcomes": _(
            "학습에 쓸 방문 결과가 모자랍니다: 욕구가 확인된 사람과 확인되지 않은 사람이 "
            "각각 두 명 이상 필요합니다."
        ),
        "learned_model_other_config": _(
            "학습 모형은 설정 %(model_version)s판의 신호로 학습했는데 이 회차는 설정 "
            "%(round_version)s판입니다. 모형을 다시 학습시키세요."
        ),
        "learned_model_after_round": _(
            "학습 모형은 %(held_out_to)s 회차까지의 결과로 맞춘 것이라 그보다 이른 기준일"
            "(%(as_of)s)의 회차에는 쓸 수 없습니다."
        ),
        # Signals, imports and match reviews
        "import_citywide_forbidden": _("시 전체 신호는 시청 관리자만 가져올 수 있습니다."),
        "import_dong_forbidden": _("%(dong)s의 신호를 가져올 권한이 없습니다."),
        "signals_already_imported": _("이미 가져온 파일입니다."),
        "signals_bad_rows": _(
            "%(bad)s개 행에 오류가 있어 아무것도 가져오지 않았습니다 (전체 %(total)s행, 올바른 "
            "행 %(good)s행)."
        ),
        "signal_unknown_kind": _("알 수 없는 신호 유형입니다: %(kind_code)s"),
        "review_forbidden": _("이 확인 요청을 처리할 권한이 없습니다."),
        "review_already_resolved": _("이미 처리한 확인 요청입니다."),
        "review_not_a_candidate": _("후보로 찾은 주민 가운데에서 골라 주세요."),
        # Configuration and dong settings
        "welfare_config_forbidden": _("설정을 바꿀 권한이 없습니다."),
        "config_bad_weight": _(
            "%(kind)s: 가중치는 0 이상, 기준값과 반감기는 0보다 커야 합니다 (해당 여부 신호의 "
            "기준값은 1)."
        ),
        "config_note_required": _("무엇을 왜 바꾸는지 적어 주세요."),
        "config_unknown_kind": _("알 수 없는 신호 유형입니다: %(codes)s"),
        "config_bad_field": _("바꿀 수 없는 항목입니다: %(f)s"),
        "config_bad_points": _("가구 점수는 0 이상이어야 합니다."),
        "config_no_change": _("바뀐 값이 없습니다."),
        "kind_bad_unit": _("단위는 개월, 원, 해당 여부 가운데 하나입니다."),
        "kind_duplicate": _("이미 있는 코드입니다: %(kind_code)s"),
        "kind_bad_code": _("코드는 영문 소문자와 밑줄로 씁니다 (예: rent_arrears)."),
        "dong_settings_forbidden": _("이 행정동의 설정을 바꿀 권한이 없습니다."),
        "dong_bad_sla": _("방문 기한은 1일에서 365일 사이입니다."),
        "dong_bad_recent": _("최근 방문 제외 기간은 730일 이하입니다."),
        # Rounds, assignments and the learned model
        "round_bad_list_size": _("목록 인원은 1명에서 5,000명 사이입니다."),
        "round_forbidden": _("이 행정동의 복지 담당만 할 수 있습니다."),
        "learned_not_enough_outcomes": _(
            "학습 모형에 쓸 지난 회차 결과가 모자랍니다 (욕구가 확인된 사람과 확인되지 않은 "
            "사람이 각각 두 명 이상 필요합니다). 점수 모형을 쓰세요."
        ),
        "learned_not_enough_rounds": _(
            "비교하려면 결과가 기록된 지난 회차가 두 번 이상 필요합니다."
        ),
        "learned_not_enough_needs": _("학습에 쓸 확인된 욕구가 모자랍니다."),
        "round_bad_model": _("알 수 없는 모형입니다."),
        "round_busy": _("이 행정동의 목록을 계산하고 있습니다. 잠시 뒤에 보세요."),
        "round_no_visitor": _(
            "목록 %(n)s번째 주민을 맡을 수 있는 사람이 없습니다 (가족이거나 전에 방문을 "
            "거부함). 담당자를 더 고르세요."
        ),
        "round_not_draft": _("목록 확인 단계의 회차만 시작할 수 있습니다."),
        "round_bad_assignee": _("이 행정동의 복지 담당이나 복지위원만 방문을 맡을 수 있습니다."),
        "assignment_done": _("이미 끝난 방문입니다."),
        "return_not_yours": _("맡은 방문만 돌려보낼 수 있습니다."),
        "return_reason_required": _("돌려보내는 까닭을 적어 주세요."),
        "round_not_open": _("방문 중인 회차만 마감할 수 있습니다."),
        # Visits and concerns
        "visit_bad_outcome": _("방문 결과를 골라 주세요."),
        "visit_bad_need": _("알 수 없는 욕구 분야입니다: %(n)s"),
        "visit_needs_without_meeting": _("만난 경우에만 욕구를 적을 수 있습니다."),
        "visit_in_future": _("방문 일시가 미래입니다."),
        "visit_not_yours": _("맡은 방문만 기록할 수 있습니다."),
        "visit_not_open": _("이미 끝났거나 돌려보낸 방문입니다."),
        "concern_forbidden": _("복지위원만 이웃의 어려움을 알릴 수 있습니다."),
        "concern_dong_required": _("행정동을 골라 주세요."),
        "concern_not_your_dong": _("맡은 행정동의 이웃만 알릴 수 있습니다."),
        "concern_incomplete": _("이름, 주소, 본 것을 적어 주세요."),
        "concern_resolve_forbidden": _("이 알림을 다룰 권한이 없습니다."),
        "concern_already_resolved": _("이미 처리한 알림입니다."),
        "concern_person_other_dong": _("같은 행정동의 주민과만 연결할 수 있습니다."),
        # Committees
        "committee_forbidden": _("복지위원회는 시청 관리자가 구성합니다."),
        "member_bad_role": _("직책을 골라 주세요."),
        "member_name_required": _("이름을 적어 주세요."),
        "member_bad_user": _("이 계정은 %(dong)s 복지위원 역할이 없습니다."),
        "member_duplicate_user": _("이 계정은 이미 위원으로 등록돼 있습니다."),
        "member_bad_end_date": _("해촉일은 위촉일보다 빠를 수 없습니다."),
        "meeting_forbidden": _("회의를 기록할 권한이 없습니다."),
        "meeting_bad_attendee": _("다른 위원회의 위원입니다."),
        # Forms
        "welfare_form_invalid": _("%(field)s: %(error)s"),
        "welfare_form_invalid_any": _("%(error)s"),
    }
)
