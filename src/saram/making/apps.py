from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MakingConfig(AppConfig):
    name = "saram.making"
    label = "making"
    verbose_name = _("3D프린팅")

    def ready(self) -> None:
        from saram.core.access import Can
        from saram.core.home_notices import add_source
        from saram.core.navigation import NavItem, add
        from saram.making import (
            errors,  # noqa: F401  (registers the app's codes)
            errors_incubator,  # noqa: F401  (the incubator's and cluster's codes)
            errors_printing,  # noqa: F401  (the print service's codes)
        )
        from saram.making.services import (
            catalogue_imports,  # noqa: F401  (registers the import templates)
        )

        add(NavItem("making:home", _("3D프린팅 센터"), Can.MANAGE_MAKING, order=60))
        add(NavItem("making:home", _("3D프린팅 센터"), Can.TEACH, order=60))
        add(NavItem("making:mine", _("내 예약·교육"), Can.SELF_SERVICE, order=61))
        add(NavItem("making:machines", _("장비 예약"), Can.SELF_SERVICE, order=62))
        add(NavItem("making:catalogue", _("교육 과정"), Can.SELF_SERVICE, order=63))
        add(NavItem("making:incubator", _("창업보육"), Can.MANAGE_INCUBATOR, order=64))
        add(NavItem("making:stats", _("이용 통계"), Can.MANAGE_MAKING, order=65))
        # A citizen's printed job waiting to be collected shows on their home page (the map).
        from saram.making.presenters_printing import ready_notices

        add_source(ready_notices)
