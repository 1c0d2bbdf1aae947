"""DWP 2017's spend: the festival's budget lines in rupiah and the rate that puts them in dollars.

The event's budget (Rp 1.5 billion) split into the lines the lead kept (venue, production,
creators, travel), with what was actually spent, and the #DWP17 challenge's sticker and effects;
one IDR→USD rate of the week before, with its source, converts them for HQ.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from budgets.models import BudgetLine, Category, ExchangeRate
from challenges.models import Challenge
from events.models import Event
from opsportal.access import in_country

from .base import Seeder

DWP = "DWP 2017 (Djakarta Warehouse Project)"

# category, description, planned, actual (rupiah)
DWP_LINES = [
    (Category.VENUE, "Booth and creator lounge at JIExpo Kemayoran", "500000000", "480000000"),
    (Category.PRODUCTION, "Stage screens, filming crew and editing", "450000000", "470000000"),
    (Category.CREATORS, "Fees for twelve creators filming from the crowd", "300000000", "300000000"),
    (Category.TRAVEL, "Flights and hotels for creators from Bandung and Surabaya", "250000000", "230000000"),
]
DWP17_LINES = [
    (Category.PRODUCTION, "Official DWP sticker and effects", "150000000", "150000000"),
]
# Bank Indonesia's JISDOR reference rate of 1 December 2017 was about Rp 13,527 to the dollar:
# on or before every figure of the festival and of #DWP17 (launched 7 December).
IDR_USD = (dt.date(2017, 12, 1), Decimal("0.0000739262"), "Bank Indonesia JISDOR mid-rate (Rp 13,527 per USD)")


def seed_budgets(seeder: Seeder, countries, users) -> None:
    indonesia = countries["ID"]
    lead = users.get("id-lead") if isinstance(users, dict) else None
    event = in_country(Event.objects.filter(name=DWP), indonesia).first()
    if event is not None:
        for category, description, planned, actual in DWP_LINES:
            seeder.ensure(
                BudgetLine,
                {"event": event, "description": description},
                {
                    "country": indonesia,
                    "category": category,
                    "planned": Decimal(planned),
                    "actual": Decimal(actual),
                    "currency": "IDR",
                    "created_by": lead,
                },
                at=seeder.local(indonesia.timezone, dt.date(2017, 11, 1), 10),
            )
    challenge = in_country(Challenge.objects.filter(hashtag__iexact="DWP17"), indonesia).first()
    if challenge is not None:
        for category, description, planned, actual in DWP17_LINES:
            seeder.ensure(
                BudgetLine,
                {"challenge": challenge, "description": description},
                {
                    "country": indonesia,
                    "category": category,
                    "planned": Decimal(planned),
                    "actual": Decimal(actual),
                    "currency": "IDR",
                    "created_by": lead,
                },
                at=seeder.local(indonesia.timezone, dt.date(2017, 11, 20), 10),
            )
    valid_on, rate, source = IDR_USD
    seeder.ensure(
        ExchangeRate,
        {"currency": "IDR", "reporting_currency": "USD", "valid_on": valid_on},
        {"rate": rate, "source": source, "created_by": lead},
        at=seeder.local(indonesia.timezone, dt.date(2017, 12, 11), 10),
    )
