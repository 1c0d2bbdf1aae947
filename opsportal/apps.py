from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpsPortalConfig(AppConfig):
    name = "opsportal"
    # Its admin group holds the markets and the team beside the portal's own records (tokens, audit).
    verbose_name = _("Countries, team and portal")

    def ready(self):
        from django.db.backends.signals import connection_created

        from . import search, signals, signin  # noqa: F401  (signin counts failed sign-ins per username)

        # Every text filter matches through opsportal.search: each session gets its thresholds
        # (PostgreSQL) or its functions (SQLite).
        connection_created.connect(search.configure_connection, dispatch_uid="opsportal_search_threshold")
