"""Influencers, their platform accounts, follower histories and outreach (the people are in people.py)."""

from __future__ import annotations

import datetime as dt

from influencers.models import (
    OWN_PLATFORM,
    Category,
    FollowerSnapshot,
    Influencer,
    InfluencerInteraction,
    PlatformAccount,
    Stage,
    Tier,
)
from opsportal.db import Source

from .base import Seeder
from .filler_people import filler_people
from .people import CATEGORIES, STORY, URLS, Account, Person
from .series import follower_value, snapshot_days

D = dt.date


def tier_for(followers: int) -> str:
    if followers >= 1_000_000:
        return Tier.MEGA
    if followers >= 100_000:
        return Tier.MACRO
    if followers >= 10_000:
        return Tier.MID
    return Tier.MICRO


def crossover(series: dict[str, dict[dt.date, int]]) -> dt.date | None:
    """First day our platform's count passed the largest other platform's latest count."""
    own = series.get(OWN_PLATFORM)
    others = {p: s for p, s in series.items() if p != OWN_PLATFORM and s}
    if not own or not others:
        return None
    latest = dict.fromkeys(others, None)
    # Walk every counted day in order, carrying each platform's latest count forward.
    for day in sorted(set(own) | {d for s in others.values() for d in s}):
        for platform, counts in others.items():
            if day in counts:
                latest[platform] = counts[day]
        if day in own:
            known = [v for v in latest.values() if v is not None]
            if known and own[day] > max(known):
                return day
    return None


def seed_influencers(seeder: Seeder, countries: dict, users: dict) -> dict[str, Influencer]:
    categories = {slug: seeder.ensure(Category, {"slug": slug}, {"name": name}) for slug, name in CATEGORIES}
    influencers = {}
    for person in [*STORY, *filler_people()]:
        influencers[person.name] = _seed_person(seeder, person, countries[person.country], users, categories)
    return influencers


def _follower_rows(spec: Account, today: dt.date) -> list[dict]:
    rows = []
    for day in snapshot_days(spec.anchors[0][0], today, windows=spec.windows, recent=spec.recent):
        followers = follower_value(spec.anchors, day, spec.tail, spec.handle)
        if followers is not None:
            source = Source.API if (today - day).days < 30 else Source.IMPORT
            rows.append({"date": day, "followers": followers, "source": source})
    return rows


def _seed_person(seeder: Seeder, person: Person, country, users: dict, categories: dict) -> Influencer:
    histories = [(spec, _follower_rows(spec, seeder.today)) for spec in person.accounts]
    total = sum(rows[-1]["followers"] for _spec, rows in histories if rows)
    influencer = seeder.ensure(
        Influencer,
        {"country": country, "name": person.name},
        {
            "local_name": person.local_name,
            "kind": person.kind,
            "stage": person.stage,
            "tier": tier_for(total),
            "is_core": person.core_since is not None,
            "core_since": person.core_since,
            "stage_changed_at": seeder.local(country.timezone, person.core_since or person.joined or D(2025, 1, 6), 10)
            if person.stage != Stage.PROSPECT
            else None,
            "relationship_owner": users.get(person.owner),
            "home_platform": person.home,
            "joined_platform_on": person.joined,
            "city": person.city,
            "notes": person.notes,
        },
        m2m={"categories": [categories[slug] for slug in person.categories]},
    )
    series = {}
    for spec, rows in histories:
        account = seeder.ensure(
            PlatformAccount,
            {"platform": spec.platform, "handle__iexact": spec.handle},
            {"influencer": influencer, "handle": spec.handle, "url": URLS[spec.platform].format(spec.handle)},
        )
        written = seeder.sync_series(FollowerSnapshot, "account", account, "date", rows)
        seeder.audit_series(FollowerSnapshot, country, written, f"@{spec.handle}")
        series[spec.platform] = {row["date"]: row["followers"] for row in rows}
        latest = rows[-1] if rows else {"followers": 0, "date": None}
        # Cached columns the follower services keep: written without a history row, like theirs.
        seeder.refresh(account, {"followers": latest["followers"], "followers_on": latest["date"]})
    seeder.refresh(influencer, {"total_followers": total, "crossed_over_on": crossover(series)})
    return influencer


def seed_outreach(seeder: Seeder, influencers: dict, users: dict) -> None:
    """The outreach log: the story's first contacts, and follow-ups due around today."""
    zone = {"ID": "Asia/Jakarta", "TH": "Asia/Bangkok", "JP": "Asia/Tokyo"}
    entries = [
        (
            "Rina Maharani",
            "meeting",
            seeder.local(zone["ID"], D(2017, 9, 5), 14),
            "Met at the Jakarta office; showed her the app and the multi-person frame idea.",
            None,
            True,
            "id-operator",
        ),
        (
            "Dimas Pratama",
            "message",
            seeder.local(zone["ID"], D(2017, 9, 25), 11),
            "Invited him to try the comedy dubbing format.",
            None,
            True,
            "id-operator",
        ),
        (
            "Kaykai Salaider",
            "meeting",
            seeder.local(zone["TH"], D(2018, 1, 20), 15),
            "Walked her team through cross-posting to YouTube; agreed to try the Songkran sticker.",
            None,
            True,
            "th-operator",
        ),
        (
            "Nate & Mee",
            "call",
            seeder.local(zone["TH"], D(2018, 2, 22), 16),
            "They will start with comedy sketches and teach other couples how they shoot.",
            None,
            True,
            "th-operator",
        ),
        # Around today: follow-ups that are due, overdue and coming.
        (
            "Putri Lestari",
            "message",
            seeder.local(zone["ID"], seeder.day(-6), 10),
            "Sent her the beauty effects deck; she asked for examples from other creators.",
            seeder.day(-1),
            False,
            "id-operator",
        ),
        (
            "Agus Setiawan",
            "call",
            seeder.local(zone["ID"], seeder.day(-3), 13),
            "Interested in the travel challenge; call back once the dates are fixed.",
            seeder.day(0),
            False,
            "id-operator",
        ),
        (
            "Mali Boonmee",
            "message",
            seeder.local(zone["TH"], seeder.day(-10), 9),
            "Asked whether she would join the street food challenge.",
            seeder.day(1),
            False,
            "th-operator",
        ),
        (
            "Sota Kimura",
            "email",
            seeder.local(zone["JP"], seeder.day(-14), 11),
            "First email about comedy formats.",
            seeder.day(4),
            False,
            "",
        ),
    ]
    for name, kind, when, summary, follow_up, done, owner in entries:
        seeder.ensure(
            InfluencerInteraction,
            {"influencer": influencers[name], "summary": summary},
            {
                "kind": kind,
                "occurred_at": when,
                "next_follow_up_on": follow_up,
                "follow_up_done": done,
                "owner": users.get(owner),
            },
        )
    # Last contact as the services keep it, from the outreach log just seeded.
    from influencers.services import influencer_touch

    for influencer in influencers.values():
        influencer_touch(influencer)
