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
    }
)
