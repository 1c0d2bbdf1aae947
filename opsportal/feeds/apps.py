from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.utils.translation import gettext_lazy as _


class FeedsConfig(AppConfig):
    name = "opsportal.feeds"
    label = "feeds"
    verbose_name = _("Feeds")

    def ready(self):
        # This app carries the search migration (pg_trgm, unaccent): it also tunes the sessions.
        from opsportal.search import configure_connection

        connection_created.connect(configure_connection, dispatch_uid="opsportal_search_threshold")
