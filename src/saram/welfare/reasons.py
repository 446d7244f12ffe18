"""The engine's reason codes as words: the one place a reason becomes translated text."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from saram.welfare.engine import ReasonCode
from saram.welfare.models import SignalKind

HOUSEHOLD_TEXT = {
    ReasonCode.LIVES_ALONE.value: gettext_lazy("혼자 삶"),
    ReasonCode.CHILD_IN_HOUSEHOLD.value: gettext_lazy("아동이 있는 가구"),
}


def describe(reason: Mapping[str, Any], kinds: Mapping[str, SignalKind]) -> str:
    """One reason (as stored with an outreach entry) in the page's language."""
    code = reason.get("code")
    if code in HOUSEHOLD_TEXT:
        return str(HOUSEHOLD_TEXT[code])
    if code == ReasonCode.AGED_65_PLUS.value:
        return _("%(age)s세") % {"age": int(reason.get("value") or 0)}
    kind = kinds.get(reason.get("signal") or "")
    label = kind.label if kind else str(reason.get("signal") or "")
    value = int(reason.get("value") or 0)
    if code == ReasonCode.SIGNAL_MONTHS.value:
        return _("%(signal)s %(months)s개월") % {"signal": label, "months": value}
    if code == ReasonCode.SIGNAL_AMOUNT.value:
        return _("%(signal)s %(amount)s원") % {"signal": label, "amount": f"{value:,}"}
    return label


def describe_all(
    reasons: Iterable[Mapping[str, Any]], kinds: Mapping[str, SignalKind]
) -> list[str]:
    return [describe(r, kinds) for r in reasons]


def kinds_by_code() -> dict[str, SignalKind]:
    return {k.code: k for k in SignalKind.objects.all()}
