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
    }
)
