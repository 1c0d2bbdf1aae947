"""Signals the locales app sends for apps above it (webhooks) to listen to.

Sent by the regulator-request services (``locales.requests``) inside the writing transaction,
whichever door asked: a listener that announces them must wait for the commit.
"""

from django.dispatch import Signal

# sender=RegulatorRequest, request=RegulatorRequest: a request still open was logged.
regulator_request_received = Signal()
# sender=RegulatorRequest, request=RegulatorRequest, previous=str|None: its status became closed.
regulator_request_closed = Signal()
