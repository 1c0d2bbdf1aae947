from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Weekly reports")

    def ready(self):
        from opsportal import mail

        from . import render

        mail.register(
            render.REPORT_KINDS,
            mail.MessageKind(render=render.delivery_email, may_still_receive=render.may_still_receive),
        )
