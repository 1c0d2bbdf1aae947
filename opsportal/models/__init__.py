from .audit import AuditEntry
from .heartbeat import Heartbeat
from .notifications import Milestone, Notification, ReminderDelivery
from .reports import WeeklyReport
from .tokens import ApiToken, Scope
from .views import SavedView

__all__ = [
    "ApiToken",
    "AuditEntry",
    "Heartbeat",
    "Milestone",
    "Notification",
    "ReminderDelivery",
    "SavedView",
    "Scope",
    "WeeklyReport",
]
