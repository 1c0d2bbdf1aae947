"""The kinds of reminder a person can receive (and mute in their profile)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ReminderKind(models.TextChoices):
    TASK_DUE = "task_due", _("Event task due in two days or today")
    TASK_OVERDUE = "task_overdue", _("Daily digest of overdue event tasks")
    EVENT_STARTING = "event_starting", _("Event starting in a week or tomorrow")
    CHALLENGE_LAUNCH = "challenge_launch", _("Challenge launching tomorrow")
    CHALLENGE_ENDING = "challenge_ending", _("Challenge ending in two days")
    CHALLENGE_STALE = "challenge_stale", _("Live challenge without new numbers for 48 hours")
    FOLLOW_UP = "influencer_follow_up", _("Influencer follow-up date reached")
    GOVERNMENT_CONTACT = "government_contact", _("Government contact not touched for too long")
    INCIDENT_STALE = "incident_stale", _("Open regulatory incident with no interaction for 24 hours")
    MOMENT_UNPLANNED = "moment_unplanned", _("Cultural moment in 30 days with nothing planned")
    COLD_RELATIONSHIP = "cold_relationship", _("Weekly digest of influencers and partners going cold")
    CROSSOVER = "crossover", _("An influencer you own crossed over to our platform")
    TARGET_REACHED = "target_reached", _("A challenge you own reached its view target")
    COMMITMENT_DUE = "commitment_due", _("Government commitment due in three days or today")
    GOVERNMENT_FOLLOW_UP = "government_follow_up", _("Government interaction follow-up date reached")
    DELIVERABLE_DUE = "deliverable_due", _("Creator agreement deliverable due in three days or today")
    PAYMENT_DUE = "payment_due", _("Creator payment due in three days or today")
    REQUEST_DUE = "request_due", _("Regulator request due within 24 hours, then within 4 hours")
    REQUEST_OVERDUE = "request_overdue", _("Regulator request past its deadline without an answer")


# Reminders about government relations reach only people who may see them.
GOVERNMENT_KINDS = frozenset(
    {
        ReminderKind.GOVERNMENT_CONTACT,
        ReminderKind.INCIDENT_STALE,
        ReminderKind.COMMITMENT_DUE,
        ReminderKind.GOVERNMENT_FOLLOW_UP,
        ReminderKind.REQUEST_DUE,
        ReminderKind.REQUEST_OVERDUE,
    }
)

# Reminders about creator agreements and payments (fees) reach only finance viewers.
FINANCE_KINDS = frozenset({ReminderKind.DELIVERABLE_DUE, ReminderKind.PAYMENT_DUE})


def perm_for_kind(kind: str) -> str:
    """The permission a recipient needs in the record's country to hear about ``kind``."""
    from opsportal.access import Perm

    if kind in GOVERNMENT_KINDS:
        return Perm.GOVERNMENT_VIEW
    if kind in FINANCE_KINDS:
        return Perm.FINANCE_VIEW
    return Perm.VIEW
