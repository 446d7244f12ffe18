"""The economy's error codes and their messages, registered once (see `saram.core.errors`).

Services raise `SaramError("code", **params)`; the message is rendered in the reader's language
when it is shown (page, API, a job's result read later).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from saram.core.errors import register

register(
    {
        "city_rules_unreadable": _("시의 계약 규칙 파일 %(file)s을 읽을 수 없습니다: %(reason)s"),
        "ocds_nothing_to_publish": _(
            "내보낼 발주가 없습니다 (%(what)s). OCDS 패키지에는 릴리스가 하나 이상 있어야 하니, "
            "발주 계획이 있는 해를 고르세요."
        ),
        "no_welfare_purchases": _("기록할 복지 서비스 구매가 없습니다."),
        "ocds_invalid": _("OCDS 스키마에 맞지 않아 내보내지 않았습니다: %(problems)s"),
    }
)
