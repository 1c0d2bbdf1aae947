from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RemindersConfig(AppConfig):
    name = "reminders"
    verbose_name = _("Reminders")

    def ready(self):
        from opsportal import mail

        from . import emails
        from .kinds import ReminderKind

        mail.register(
            ReminderKind.values,
            mail.MessageKind(
                render=emails.delivery_email,
                may_still_receive=emails.may_still_receive,
            ),
        )
