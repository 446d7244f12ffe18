"""Notes Saram writes by itself (a transfer's hand-over, a visit's move, a death's closures):
stored as a code and its parameters, rendered when read, in the reader's language. A note that
holds no known code (written before the codes, or by a person) is shown as it was written."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

MESSAGES = {
    "moved_at_visit": _("%(date)s 방문에서 이사한 것을 확인했습니다."),
    "moved_via_request": _("도움 요청 %(receipt)s 처리 중 이사한 것을 확인했습니다."),
    "moved": _("%(date)s 이사한 것을 확인했습니다."),
    "find_new_dong": _("전출: 새 행정동을 확인해 이관해야 합니다."),
    "transfer_requested": _("전출: %(dong)s(으)로 이관을 요청했습니다."),
    "transferred_away": _("전출로 이관"),
    # A death closes what is open: the 결재 request it cancels and the referral it withdraws.
    "closed_by_death": _("사망으로 사례 종결"),
    "withdrawn_died": _("사망으로 의뢰 철회"),
}


def render(code: str, params: Mapping[str, Any] | None = None) -> str:
    """The note of `code` in the active language; an unknown code is returned as written. A
    parameter given per language (a dong's name: {"ko": ..., "en": ...}) is read in the
    reader's."""
    message = MESSAGES.get(code)
    if message is None:
        return code
    if not params:
        return str(message)
    english = (get_language() or "ko").startswith("en")
    values = {
        key: (value.get("en" if english else "ko") or value.get("ko", ""))
        if isinstance(value, Mapping)
        else value
        for key, value in params.items()
    }
    return str(message) % values
