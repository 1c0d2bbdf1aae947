from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = _("Notifications")

    def ready(self):
        from opsportal import mail
        from reminders.kinds import ReminderKind

        from . import services

        # A sent reminder also lands in the recipient's inbox.
        mail.register_notifier(ReminderKind.values, services.reminder_inbox_entry)
