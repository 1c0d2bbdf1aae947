from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardConfig(AppConfig):
    """The portal's cross-domain pages: a country's dashboard, HQ's overview, the calendar."""

    name = "dashboard"
    verbose_name = _("Dashboard")
