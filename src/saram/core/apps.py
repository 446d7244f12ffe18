from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "saram.core"
    label = "core"
    verbose_name = _("공통")

    def ready(self) -> None:
        from saram.core import checks  # noqa: F401  (registers the system checks)
        from saram.core.access import Can
        from saram.core.navigation import NavItem, add

        add(NavItem("people_list", _("주민"), Can.VIEW_PEOPLE, 20))
        add(NavItem("organisation_list", _("기관·단체"), Can.VIEW_ORGANISATIONS, 30))
        add(NavItem("audit_log", _("감사 기록"), Can.VIEW_AUDIT, 90))
