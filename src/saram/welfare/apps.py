from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WelfareConfig(AppConfig):
    name = "saram.welfare"
    label = "welfare"
    verbose_name = _("동네복지")
