from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    """The portal's search page over every kind of record (the matching is ``opsportal.search``)."""

    name = "search"
    verbose_name = _("Search")
