"""Error codes of school meals and uniforms, as lazy messages rendered when shown."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from saram.core.errors import register

register(
    {
        "meals_no_menu": _("%(year)s년 식단이 없습니다. 먼저 식단 파일을 올려 주세요."),
        "meals_no_offers": _(
            "%(year)s년 농가·업체의 공급 가능량이 없습니다. 먼저 공급 계획을 올려 주세요."
        ),
        "meals_no_goal": _("목표의 가중치를 하나 이상 0보다 크게 정해 주세요."),
        "meals_plan_not_usable": _(
            "조건을 모두 맞춘 계획만 발주할 수 있습니다. 계획의 결정 요인을 먼저 해결해 주세요."
        ),
        "meals_not_number": _("숫자가 아닙니다."),
        "meals_not_positive": _("0보다 커야 합니다."),
        "meals_not_negative": _("음수일 수 없습니다."),
        "meals_bad_month": _("월은 1부터 12 사이의 숫자여야 합니다."),
        "meals_bad_school_kind": _(
            "학교급은 어린이집, 초등학교, 중학교, 고등학교 가운데 하나여야 합니다."
        ),
        "meals_unknown_ingredient": _("등록되지 않은 식재료 코드입니다."),
        "meals_unknown_supplier": _("공급업체 등록부에 없는 사업자등록번호입니다."),
        "meals_capacity_unit": _(
            "공급 가능량은 kg 단위 숫자로 적어 주세요 (톤·g 단위는 안 됩니다)."
        ),
        "meals_future_delivery": _("배송일이 미래입니다."),
        "meals_bad_date": _("날짜는 2026-03-15처럼 적어 주세요."),
        "meals_no_order": _("이 계획에서 발주하지 않은 업체입니다."),
        "meals_unknown_school": _("등록되지 않은 학교 코드입니다."),
        "meals_paid_before": _("지급일이 배송일보다 앞섭니다."),
        "meals_substitute_itself": _("식재료는 자기 자신을 대체할 수 없습니다."),
        "meals_substitute_other_group": _(
            "%(original)s와 %(substitute)s는 식품군이 달라 서로 대체할 수 없습니다."
        ),
        "meals_substitute_share": _("대체 비율은 %(low)s%%에서 %(high)s%% 사이여야 합니다."),
        "meals_run_failed": _("계획을 계산하지 못했습니다."),
        "uniforms_no_demand": _("%(year)s년 교복 수요가 없습니다."),
    }
)
