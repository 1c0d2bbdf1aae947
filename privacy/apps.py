from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    """A person's data exported or erased on request, and signing out everywhere."""

    name = "privacy"
    verbose_name = _("Privacy")
