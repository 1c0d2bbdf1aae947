"""The portal inbox: the entry a sent reminder leaves, reading and marking a person's notifications,
and their reminder preferences."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone, translation

from locales.models import StaffProfile
from notifications.models import Notification
from opsportal.models import ReminderDelivery
from reminders import emails
from reminders.kinds import ReminderKind


def reminder_inbox_entry(row: ReminderDelivery) -> Notification | None:
    """The reminder's inbox entry, written by the outbox when it claims the row, in the recipient's
    language at that time (none when the recipient may no longer see the record's country)."""
    if not emails.may_still_receive(row):
        return None
    with translation.override(emails.reader_language(row)):
        message = emails.compose(row.kind, row.payload)
    return Notification.objects.create(
        recipient_id=row.recipient_id,
        country_id=row.payload.get("country_id"),
        kind=row.kind,
        title=message.subject[:300],
        body="\n".join(message.lines + message.items),
        url=message.path[:500],
    )


def inbox(user):
    return Notification.objects.filter(recipient=user).select_related("country")


def unread_count(user) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def notification_mark_read(user, pk: int) -> Notification | None:
    """Mark one of the person's own notifications read; another person's is simply not found."""
    notification = Notification.objects.filter(recipient=user, pk=pk).first()
    if notification is not None and notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


def notifications_mark_all_read(user) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).update(read_at=timezone.now())


def muted_reminders(user) -> list[str]:
    kinds = StaffProfile.objects.filter(user=user).values_list("muted_reminders", flat=True).first()
    return list(kinds or [])


@transaction.atomic
def reminders_mute(user, kinds: list[str]) -> list[str]:
    """Set the reminder kinds a person does not want (unknown kinds are dropped)."""
    kinds = sorted(set(kinds) & set(ReminderKind.values))
    profile, _created = StaffProfile.objects.select_for_update().get_or_create(user=user)
    profile.muted_reminders = kinds
    profile.save(update_fields=["muted_reminders"])
    return kinds
