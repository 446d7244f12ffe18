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
    }
)
