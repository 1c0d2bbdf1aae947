from .audit import AuditEntry
from .heartbeat import Heartbeat
from .markets import Country
from .outbox import ReminderDelivery
from .team import StaffProfile, TeamMembership
from .tokens import ApiToken, Scope
from .views import SavedView

__all__ = [
    "ApiToken",
    "AuditEntry",
    "Country",
    "Heartbeat",
    "ReminderDelivery",
    "SavedView",
    "Scope",
    "StaffProfile",
    "TeamMembership",
]
