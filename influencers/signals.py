"""Signals the influencers app sends for apps above it (webhooks, notifications) to listen to.

Follower counts arrive in bulk (SQL that bypasses ``post_save``); this is sent once the cached
totals and ``crossed_over_on`` are up to date, inside the writing transaction.
"""

from django.dispatch import Signal

# sender=Influencer, influencer_ids=list[int]: totals and crossover were refreshed.
followers_refreshed = Signal()
