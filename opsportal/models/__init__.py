from .audit import AuditEntry
from .notifications import Notification, ReminderDelivery
from .reports import WeeklyReport
from .tokens import ApiToken, Scope
from .views import SavedView

__all__ = [
    "ApiToken",
    "AuditEntry",
    "Notification",
    "ReminderDelivery",
    "SavedView",
    "Scope",
    "WeeklyReport",
]
