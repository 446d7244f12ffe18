"""Every refusal and notice of the making app, as codes rendered in the reader's language."""

from django.utils.translation import gettext_lazy as _

from saram.core.errors import register

register(
    {
        # Stock
        "making_stock_short": _(
            "%(material)s 재고가 %(stock_g)sg뿐이라 %(wanted_g)sg을 꺼낼 수 없습니다."
        ),
        "making_bad_grams": _("소재 양(g)은 0보다 커야 합니다."),
        # Reservations
        "making_overlap": _(
            "%(machine)s은(는) %(start)s~%(end)s에 이미 예약되어 있습니다. 다른 시간을 고르세요."
        ),
        "making_in_maintenance": _(
            "%(machine)s은(는) %(start)s~%(end)s에 점검이 잡혀 있어 예약할 수 없습니다."
        ),
        "making_ends_before_start": _("종료 시각이 시작 시각보다 늦어야 합니다."),
        "making_in_past": _("지난 시간은 예약할 수 없습니다."),
        "making_too_long": _("한 번에 최대 %(hours)s시간까지 예약할 수 있습니다."),
        "making_too_far": _("예약은 %(days)s일 앞까지만 할 수 있습니다."),
        "making_over_quota": _(
            "이번 주 예약 한도 %(quota)s시간을 넘습니다 (이미 %(used)s시간 예약, 이번 %(asked)s시간)."  # noqa: E501
        ),
        "making_window_too_long": _("점검 시간은 한 번에 %(days)s일까지 잡을 수 있습니다."),
        "making_no_certificate": _(
            "%(kind)s을(를) 예약하려면 수료증이 필요합니다. '%(course)s' 과정을 이수하세요."
        ),
        "making_no_course_unlocks": _("%(kind)s은(는) 센터 직원만 사용할 수 있습니다."),
        "making_machine_unavailable": _(
            "%(machine)s은(는) 지금 %(status)s 상태라 예약할 수 없습니다."
        ),
        "making_suspended": _("노쇼 %(count)s회로 %(until)s까지 예약이 정지되었습니다."),
        "making_cancel_too_late": _(
            "시작 %(hours)s시간 전까지만 취소할 수 있습니다. 센터에 연락하세요."
        ),
        "making_not_cancellable": _("이미 취소되었거나 지난 예약입니다."),
        "making_not_started": _("아직 시작하지 않은 예약은 노쇼로 처리할 수 없습니다."),
        "making_credit_short": _(
            "%(tenant)s의 장비 크레딧이 %(balance)s분 남아 %(asked)s분을 쓸 수 없습니다."
        ),
        "making_not_founder": _("이 입주 기업의 창업자만 크레딧을 쓸 수 있습니다."),
        "making_material_not_accepted": _("%(machine)s에서는 %(material)s을(를) 쓸 수 없습니다."),
        # Courses
        "making_bad_capacity": _("정원은 1명 이상이어야 합니다."),
        "making_session_cancelled": _("취소된 교육입니다."),
        "making_session_started": _("이미 시작한 교육에는 신청할 수 없습니다."),
        "making_already_enrolled": _("이미 신청한 교육입니다."),
        "making_not_enrolled": _("수강이 확정된 사람만 출석을 기록할 수 있습니다."),
        "making_not_attended": _("출석하지 않은 수강생에게는 수료증을 발급할 수 없습니다."),
        "making_not_your_session": _("본인이 맡은 교육의 출석만 기록할 수 있습니다."),
        "making_certificate_unknown": _(
            "확인 번호 %(code)s에 해당하는 수료증이 없습니다. 번호를 다시 확인하세요."
        ),
        "making_certificate_revoked": _("확인 번호 %(code)s의 수료증은 취소되었습니다."),
        # Events
        "making_event_over": _("이미 끝난 행사입니다."),
        "making_already_registered": _("이미 신청한 행사입니다."),
        # Notices to a person
        "making_notice_moved": _(
            "%(machine)s 점검으로 %(old_start)s 예약이 %(new_start)s~%(new_end)s로 옮겨졌습니다."
        ),
        "making_notice_cancelled": _(
            "%(machine)s 점검으로 %(old_start)s 예약이 취소되었습니다. 다시 예약해 주세요."
        ),
        "making_notice_promoted": _(
            "대기하던 '%(course)s' (%(start)s) 교육에 자리가 나서 수강이 확정되었습니다."
        ),
        "making_notice_event_promoted": _(
            "대기하던 행사 '%(event)s'에 자리가 나서 참가가 확정되었습니다."
        ),
        "making_notice_certificate": _(
            "'%(course)s' 수료증이 발급되었습니다 (확인 번호 %(code_)s)."
        ),
    }
)

register({"making_bad_field": _("%(field)s: %(message)s")})
