from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpsPortalConfig(AppConfig):
    name = "opsportal"
    verbose_name = _("OpsPortal")

    def ready(self):
        from . import milestones, signals, signin  # noqa: F401  (signin counts failed sign-ins per username)

        milestones.connect()
