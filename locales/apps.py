from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LocalesConfig(AppConfig):
    name = "locales"
    verbose_name = _("Markets and government relations")
