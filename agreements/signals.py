"""Signals the agreements app sends for apps above it (webhooks) to listen to.

Sent by the services (``agreements.services``) inside the writing transaction, once the record
is saved, whichever door asked: a listener that announces them must wait for the commit.
"""

from django.dispatch import Signal

# sender=Agreement, agreement=Agreement: a new agreement was saved (as a draft).
agreement_created = Signal()
# sender=Agreement, agreement=Agreement, previous=str: its status moved from ``previous``.
agreement_status_changed = Signal()
# sender=Payment, payment=Payment: a payment got its paid date (recorded paid, or marked paid).
payment_paid = Signal()
