from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EconomyConfig(AppConfig):
    name = "saram.economy"
    label = "economy"
    verbose_name = _("자립경제")

    def ready(self) -> None:
        # Models load only after every AppConfig is imported: the menu and the error table
        # are set up here, once the registry is ready.
        from saram.core.access import Can
        from saram.core.models import Role
        from saram.core.navigation import NavItem, add, set_start_page
        from saram.economy import errors  # noqa: F401

        add(NavItem("economy:home", _("자립경제"), Can.VIEW_REPORTS, order=40))
        add(NavItem("economy:supplier_list", _("공급업체"), Can.VIEW_REPORTS, order=41))
        add(NavItem("economy:lot_planner", _("분할 발주"), Can.MANAGE_ECONOMY, order=42))
        add(NavItem("economy:social_economy", _("사회적경제"), Can.MANAGE_SOCIAL_ECONOMY, order=43))
        add(NavItem("economy:policy_rules", _("계약 규칙"), Can.CONFIGURE, order=44))
        add(NavItem("economy:meals_home", _("학교급식"), Can.PLAN_MEALS, order=45))
        set_start_page(Role.NUTRITIONIST, "economy:meals_home")
