"""Signals the challenges app sends for apps above it (webhooks, notifications) to listen to.

Bulk writes bypass ``post_save``; these are sent by the services once the cached totals are up
to date, inside the writing transaction.
"""

from django.dispatch import Signal

# sender=Challenge, challenge_ids=list[int]: their views... were refreshed from the snapshots.
metrics_refreshed = Signal()
