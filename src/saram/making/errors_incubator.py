"""Refusals of the incubator, cluster and R&D pages, as codes rendered in the reader's language."""

from django.utils.translation import gettext_lazy as _

from saram.core.errors import register

register(
    {
        "making_term_ends_before_start": _("입주 만료일이 입주일보다 늦어야 합니다."),
        "making_room_not_office": _("%(room)s은(는) 보육실이 아닙니다. 보육실을 고르세요."),
        "making_room_taken": _(
            "%(room)s은(는) %(start)s~%(end)s에 %(tenant)s이(가) 쓰고 있습니다. "
            "다른 보육실을 고르거나 기간을 바꾸세요."
        ),
        "making_already_tenant": _("%(name)s은(는) 이미 입주 기업으로 등록되어 있습니다."),
        "making_already_member": _("%(name)s은(는) 이미 클러스터 참여 기관입니다."),
        "making_business_number_taken": _(
            "사업자등록번호 %(number)s은(는) 이미 %(name)s의 번호입니다."
        ),
        "making_bad_progress": _("진행률은 0에서 100 사이의 숫자여야 합니다."),
        "making_project_ends_before_start": _("종료일이 시작일보다 늦어야 합니다."),
        "making_bad_funding": _("연구비는 0원 이상이어야 합니다."),
        "making_bad_position": _(
            "위치는 위도 33~39, 경도 124~132 사이여야 합니다 (둘 다 적거나 둘 다 비우세요)."
        ),
        "making_lead_is_partner": _("주관 기관은 참여 기관에 다시 넣을 수 없습니다."),
        "making_tenant_has_founder": _("%(name)s은(는) 이미 이 기업의 창업자로 등록되어 있습니다."),
        "making_import_date": _("날짜는 2026-03-01처럼 적으세요."),
        "making_import_website": _("누리집 주소가 올바르지 않습니다 (예: https://example.kr)."),
        "making_import_degrees": _("%(low)s에서 %(high)s 사이의 숫자로 적으세요."),
        "making_import_both_degrees": _("위도와 경도는 둘 다 적거나 둘 다 비우세요."),
        "making_import_unknown_choice": _("알 수 없는 값입니다. 쓸 수 있는 값: %(values)s"),
        "making_import_unknown_member": _(
            "클러스터에 없는 기관입니다. 참여 기관의 이름이나 사업자등록번호를 적거나, "
            "그 기관을 먼저 등록하세요."
        ),
        "making_import_same_value": _("%(row)s행과 같은 값입니다. 한 번만 적으세요."),
        "making_milestone_has_progress": _(
            "'%(title)s'에는 창업자가 적은 진행률 %(pct)s%%가 있어 지울 수 없습니다. "
            "제목이나 기한을 고치거나, 진행률을 0%%로 되돌린 뒤 지우세요."
        ),
        "making_mentoring_held": _(
            "%(at)s %(mentor)s 멘토링은 이미 열린 보육 실적이라 지울 수 없습니다. "
            "잘못 적었다면 고치세요."
        ),
        "making_founder_has_bookings": _(
            "%(name)s 님은 회사 크레딧으로 잡은 예약이 %(count)s건 남아 있어 빼거나 계정을 "
            "바꿀 수 없습니다. 그 예약을 먼저 취소하세요."
        ),
    }
)
