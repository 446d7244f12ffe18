from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MakingConfig(AppConfig):
    name = "saram.making"
    label = "making"
    verbose_name = _("3D프린팅")
