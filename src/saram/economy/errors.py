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
        "rules_changed": _(
            "그사이 다른 사람이 규칙을 바꿨습니다 (개정 %(n)s). 새로 고친 뒤 다시 저장하세요."
        ),
        "rules_changed_meanwhile": _("그사이 다른 사람이 규칙을 바꿨습니다. 다시 저장하세요."),
        "bad_layer": _("알 수 없는 규칙 층입니다: %(layer)s"),
        "no_version": _("그런 규칙 버전이 없습니다: %(v)s"),
        "economy_no_city": _("도시가 없습니다. 먼저 도시를 불러오세요."),
        "ocds_invalid": _("OCDS 스키마에 맞지 않아 내보내지 않았습니다: %(problems)s"),
    }
)
