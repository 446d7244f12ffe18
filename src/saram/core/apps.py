from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "saram.core"
    label = "core"
    verbose_name = _("공통")

    def ready(self) -> None:
        from django.db.backends.signals import connection_created

        from saram.core import (
            checks,  # noqa: F401  (registers the system checks)
            imports,  # noqa: F401 -- registers the import error codes
        )
        from saram.core.access import Can
        from saram.core.files import keep_data_dir_private, keep_database_private
        from saram.core.navigation import NavItem, add

        add(NavItem("people_list", _("주민"), Can.VIEW_PEOPLE, 20))
        add(NavItem("organisation_list", _("기관·단체"), Can.VIEW_ORGANISATIONS, 30))
        add(NavItem("audit_log", _("감사 기록"), Can.VIEW_AUDIT, 90))
        keep_data_dir_private()
        connection_created.connect(keep_database_private, dispatch_uid="saram-private-db")
