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
        "making_not_your_session_edit": _("본인이 맡은 교육 일정만 고칠 수 있습니다."),
        "making_instructor_keeps_teacher": _(
            "강사는 시간, 공간, 정원만 고칠 수 있습니다. 강사나 단체 신청 학교를 바꾸려면 센터 "
            "직원에게 요청하세요."
        ),
        "making_session_school_booked": _(
            "%(school)s에서 학생들과 함께 단체로 신청한 수업이라 개인 신청을 받지 않습니다. "
            "학교 담당 선생님께 문의하세요."
        ),
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

# The centre's own catalogue, kept by staff on its pages.
register(
    {
        "making_photo_too_large": _("사진은 %(limit_mb)s MB까지 올릴 수 있습니다."),
        "making_photo_format": _("JPEG, PNG 또는 WebP 사진만 올릴 수 있습니다."),
        "making_photo_pixels": _("사진이 너무 큽니다: %(limit)s 화소까지 올릴 수 있습니다."),
        "making_capacity_below_taken": _(
            "이미 %(taken)s명이 확정되어 정원을 %(taken)s명보다 줄일 수 없습니다."
        ),
        "making_session_has_started": _("이미 시작한 교육은 고치거나 취소할 수 없습니다."),
        "making_already_cancelled": _("이미 취소된 교육입니다."),
        "making_machine_retired": _("%(machine)s은(는) 사용을 끝낸 장비입니다."),
        "making_loaded_not_accepted": _(
            "장착 소재 %(material)s은(는) 이 장비의 사용 가능 소재가 아닙니다."
        ),
        "making_notice_session_cancelled": _(
            "'%(course)s' (%(start)s) 교육이 취소되었습니다. 다른 일정에 신청해 주세요."
        ),
        "making_notice_session_moved": _(
            "'%(course)s' 교육 일정이 %(old_start)s에서 %(new_start)s로 바뀌었습니다."
        ),
        "making_not_registered": _("이미 취소된 행사 신청입니다."),
        "making_notice_event_cancelled": _("행사 '%(event)s'이(가) 취소되었습니다."),
        "making_notice_machine_retired": _(
            "%(machine)s 사용이 끝나 %(old_start)s 예약이 취소되었습니다. "
            "다른 장비를 예약해 주세요."
        ),
        # Importing machines and materials
        "making_import_unknown_machine_kind": _(
            "알 수 없는 장비 종류입니다. 쓸 수 있는 값: %(kinds)s"
        ),
        "making_import_unknown_material_kind": _(
            "알 수 없는 소재 종류입니다. 쓸 수 있는 값: %(kinds)s"
        ),
        "making_import_unknown_status": _("알 수 없는 상태입니다. 쓸 수 있는 값: %(values)s"),
        "making_import_unknown_material": _(
            "등록되지 않은 소재 코드입니다: %(codes)s. 소재를 먼저 등록하거나 가져오세요."
        ),
        "making_import_unknown_room": _("등록되지 않은 공간입니다. 쓸 수 있는 값: %(rooms)s"),
        "making_import_whole_number": _("0 이상의 정수로 적으세요 (예: 3000)."),
        "making_import_positive_decimal": _("0보다 큰 숫자로 적으세요 (예: 1.24)."),
        "making_import_same_code": _("%(row)s행과 같은 코드입니다."),
        "making_import_loaded_not_accepted": _(
            "장착 소재는 '사용 가능 소재'에 있는 코드여야 합니다."
        ),
    }
)
