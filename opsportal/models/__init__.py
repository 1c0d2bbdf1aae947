from .audit import AuditEntry
from .heartbeat import Heartbeat
from .outbox import ReminderDelivery
from .tokens import ApiToken, Scope
from .views import SavedView

__all__ = [
    "ApiToken",
    "AuditEntry",
    "Heartbeat",
    "ReminderDelivery",
    "SavedView",
    "Scope",
]
