"""A creator agreement from the story: a paid seeding of the multi-person frame challenge.

The story's growth was organic; when the team later seeded a challenge with a creator's videos,
the agreement, its deliverable and its payment are what a finance viewer sees: one video with
#SatuFrameRame by the launch week (found in the records: her participation), IDR 15,000,000 paid.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from agreements.models import Agreement, Deliverable, Payment, Status

from .base import Seeder

D = dt.date


def seed_agreements(seeder: Seeder, countries: dict, users: dict, influencers: dict, challenges: dict) -> None:
    _frame_seeding(seeder, countries, users, influencers, challenges)
    _songkran_draft(seeder, countries, users, influencers, challenges)


def _songkran_draft(seeder: Seeder, countries: dict, users: dict, influencers: dict, challenges: dict) -> None:
    """Thailand's next Songkran: a draft with Kaykai Salaider, a payment due before the festival."""
    challenge = challenges.get("SongkranSplash")
    creator = influencers.get("Kaykai Salaider")
    if challenge is None or creator is None or creator.country_id != countries["TH"].pk:
        return
    agreement = seeder.ensure(
        Agreement,
        {"country": countries["TH"], "title": "Songkran splash: Kaykai Salaider videos"},
        {
            "influencer": creator,
            "challenge": challenge,
            "status": Status.DRAFT,
            "fee": Decimal("120000.00"),
            "currency": "THB",
            "owner": users.get("th-lead"),
        },
    )
    seeder.ensure(
        Deliverable,
        {"agreement": agreement, "description": "Three videos with the splash sticker"},
        {"hashtag": "SongkranSplash", "videos_required": 3, "due_on": seeder.day(20)},
    )
    seeder.ensure(
        Payment,
        {"agreement": agreement, "reference": "Deposit"},
        {"amount": Decimal("60000.00"), "currency": "THB", "due_on": seeder.day(10)},
    )


def _frame_seeding(seeder: Seeder, countries: dict, users: dict, influencers: dict, challenges: dict) -> None:
    challenge = challenges.get("SatuFrameRame")
    creator = influencers.get("Rina Maharani")
    if challenge is None or creator is None:
        return
    indonesia = countries["ID"]
    agreement = seeder.ensure(
        Agreement,
        {"country": indonesia, "title": "Seeding #SatuFrameRame: Rina Maharani"},
        {
            "influencer": creator,
            "challenge": challenge,
            "status": Status.PAID,
            "fee": Decimal("15000000.00"),
            "currency": "IDR",
            "signed_on": D(2018, 3, 5),
            "owner": users.get("id-lead"),
            "notes": "One seed video on launch day; the frame must hold at least four people.",
        },
    )
    seeder.ensure(
        Deliverable,
        {"agreement": agreement, "description": "One seed video with the hashtag on launch day"},
        {
            "hashtag": "SatuFrameRame",
            "videos_required": 1,
            "due_on": D(2018, 3, 10),
            "delivered_at": dt.datetime(2018, 3, 10, 13, 0, tzinfo=dt.UTC),
        },
    )
    seeder.ensure(
        Payment,
        {"agreement": agreement, "reference": "TRF-2018-0316-RM"},
        {"amount": Decimal("15000000.00"), "currency": "IDR", "due_on": D(2018, 3, 17), "paid_on": D(2018, 3, 16)},
    )
