from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AgreementsConfig(AppConfig):
    name = "agreements"
    verbose_name = _("Creator agreements")

    def ready(self):
        # Paid creator payments count in the budgets' spend (and so in a challenge's cost per
        # thousand views and HQ's totals) without budgets importing this app.
        from budgets.selectors import register_spend_provider

        from .selectors import payments_as_spend

        register_spend_provider(payments_as_spend)
