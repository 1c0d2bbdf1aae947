"""The demo story of PRODUCT.md as data: ``seed()`` loads it, and a second run changes nothing.

Split by app: markets and team, influencers, challenges, events, government relations. Dates of
the story are fixed; the "current" scenario (live challenges, events in the next two weeks,
follow-ups due, a cultural moment a month ahead) is placed relative to ``today``, so a run on a
later day moves that scenario forward and a second run on the same day writes nothing.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from opsportal.audit import audit_context
from opsportal.db import Door

from .agreements import seed_agreements
from .base import Seeder
from .budgets import seed_budgets
from .challenges import seed_challenges
from .events import seed_events
from .goals import seed_goals
from .government import seed_government
from .influencers import seed_influencers, seed_outreach
from .markets import credentials_rows, seed_countries, seed_moments, seed_team

DEFAULT_PASSWORD = "opsportal-demo"


def seed(password: str = DEFAULT_PASSWORD, today: dt.date | None = None) -> tuple[Seeder, list[tuple]]:
    """Load (or bring up to date) the whole demo story in one transaction.

    Returns the seeder (what was created, updated, deleted) and the credentials rows.
    """
    seeder = Seeder(today=today or timezone.now().date())
    with audit_context(Door.COMMAND), transaction.atomic():
        countries = seed_countries(seeder)
        moments = seed_moments(seeder, countries)
        users = seed_team(seeder, countries, password)
        influencers = seed_influencers(seeder, countries, users)
        seed_outreach(seeder, influencers, users)
        challenges = seed_challenges(seeder, countries, users, influencers, moments)
        seed_events(seeder, countries, users, influencers, challenges, moments)
        seed_agreements(seeder, countries, users, influencers, challenges)
        seed_government(seeder, countries, users)
        seed_budgets(seeder, countries, users)
        seed_goals(seeder, countries, users)
    return seeder, credentials_rows(users)
