import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class WelfareConfig(AppConfig):
    name = "saram.welfare"
    label = "welfare"
    verbose_name = _("동네복지")

    def ready(self) -> None:
        from saram.core.access import Can
        from saram.core.models import Role
        from saram.core.navigation import NavItem, add, set_start_page
        from saram.welfare import errors  # noqa: F401  (registers the app's error codes)
        from saram.welfare.errors_cases import register_codes

        register_codes()
        # The team lead (팀장) starts at the plans and closures waiting for their 결재.
        set_start_page(Role.WELFARE_SUPERVISOR, "welfare:approvals")
        _accept_offline_alerts()

        add(NavItem("welfare:home", _("동네복지"), Can.VIEW_PEOPLE, order=20))
        add(NavItem("welfare:cases", pgettext_lazy("menu", "사례"), Can.VIEW_PEOPLE, order=21))
        add(NavItem("welfare:approvals", _("결재함"), Can.APPROVE_CASES, order=21))
        add(NavItem("welfare:my", _("맡은 방문"), Can.VISIT_ASSIGNED, order=22))
        add(NavItem("welfare:alerts", _("긴급 알림"), Can.VIEW_PEOPLE, order=22))
        add(NavItem("welfare:my_concern", _("이웃 알리기"), Can.VISIT_ASSIGNED, order=23))
        add(NavItem("welfare:coverage", _("복지 현황"), Can.VIEW_REPORTS, order=24))
        add(NavItem("welfare:committees", _("복지위원회"), Can.CONFIGURE, order=25))
        add(NavItem("welfare:config", _("위험 신호 설정"), Can.CONFIGURE, order=26))


def _accept_offline_alerts() -> None:
    """긴급 raised on a phone without signal is queued there and raised when it syncs."""
    from saram.welfare.services import alerts, sync

    def raise_queued(by: Any, assignment: Any, item: Mapping[str, Any], now: dt.datetime) -> None:
        alerts.raise_alert(
            by=by,
            assignment=assignment,
            reason=str(item.get("reason", "")),
            note=str(item.get("note", ""))[:300],
            now=now,
        )

    sync.register_kind("urgent", raise_queued)
