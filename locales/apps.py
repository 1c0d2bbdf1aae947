from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LocalesConfig(AppConfig):
    name = "locales"
    # The countries and the team are listed under opsportal's group (their models are the floor's).
    verbose_name = _("Cultural moments and government relations")
