"""Demo-like data for browser tests and screenshots, when seed_demo is not available.

The facts come from PRODUCT.md: Indonesia since August 2017, the multi-person frame
challenge, Kaykai Salaider's crossover, DWP, the July 2018 ban.
"""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone

from locales.models import Background, HQAccess, Role
from tests import factories as f

PASSWORD = f.PASSWORD


def _member(country, role, username, first, last, **profile):
    user = f.UserFactory(username=username, first_name=first, last_name=last)
    f.StaffProfileFactory(user=user, **profile)
    f.MembershipFactory(user=user, country=country, role=role)
    return user


def build_demo() -> dict:
    rng = random.Random(2017)
    now = timezone.now()
    today = timezone.localdate()
    indonesia = f.CountryFactory(code="ID", local_office="Jakarta", launch_date=dt.date(2017, 8, 1))
    thailand = f.CountryFactory(code="TH", local_office="Bangkok")
    users = {
        "operator": _member(
            indonesia,
            Role.OPERATOR,
            "dewi",
            "Dewi",
            "Lestari",
            languages=["id", "en"],
            background=Background.LOCAL_HIRE,
        ),
        "lead": _member(
            indonesia,
            Role.LEAD,
            "budi",
            "Budi",
            "Santoso",
            languages=["id", "en", "zh"],
            background=Background.GLOBAL_HIRE,
        ),
        "gr": _member(
            indonesia,
            Role.GOVERNMENT_RELATIONS,
            "sari",
            "Sari",
            "Wijaya",
            languages=["id", "en"],
            background=Background.LOCAL_HIRE,
        ),
        "intern": _member(
            indonesia, Role.VIEWER, "kenji", "Kenji", "Sato", languages=["ja", "en"], background=Background.INTERN
        ),
        "th_operator": _member(thailand, Role.OPERATOR, "nok", "Nok", "Chaiyaporn", languages=["th", "en"]),
    }
    hq = f.UserFactory(username="hq", first_name="Mei", last_name="Lin")
    f.StaffProfileFactory(user=hq, hq_access=HQAccess.VIEWER)
    users["hq"] = hq

    lebaran = f.CulturalMomentFactory(country=indonesia, name="Lebaran", local_name="Idul Fitri")
    f.OccurrenceFactory(
        moment=lebaran, year=today.year, starts_on=today + dt.timedelta(days=9), ends_on=today + dt.timedelta(days=11)
    )
    independence = f.CulturalMomentFactory(country=indonesia, name="Independence Day", local_name="Hari Merdeka")
    f.OccurrenceFactory(
        moment=independence,
        year=today.year,
        starts_on=today + dt.timedelta(days=25),
        ends_on=today + dt.timedelta(days=25),
    )
    songkran = f.CulturalMomentFactory(country=thailand, name="Songkran")
    f.OccurrenceFactory(
        moment=songkran, year=today.year, starts_on=today + dt.timedelta(days=12), ends_on=today + dt.timedelta(days=14)
    )

    frame = f.ChallengeFactory(
        country=indonesia,
        hashtag="MultiFrame",
        title="Multi-person frame challenge",
        format="camera_movement",
        status="live",
        starts_at=now - dt.timedelta(days=8),
        target_views=60_000_000,
        target_videos=200_000,
        owner=users["operator"],
        how_to_play="Friends share one frame and pass the move along.",
        views=53_000_000,
        videos=180_000,
        likes=4_100_000,
        shares=390_000,
        metrics_at=now - dt.timedelta(hours=2),
    )
    reversal = f.ChallengeFactory(
        country=indonesia,
        hashtag="DariJelekKeCantik",
        title="Reversal challenge",
        format="camera_movement",
        status="live",
        starts_at=now - dt.timedelta(days=20),
        owner=users["operator"],
        target_views=30_000_000,
        views=21_000_000,
        videos=64_000,
        likes=1_500_000,
        shares=120_000,
        metrics_at=now - dt.timedelta(hours=3),
        cultural_moment=lebaran,
    )
    for challenge, total, days in ((frame, 53_000_000, 8), (reversal, 21_000_000, 20)):
        for hour in range(days * 24, -1, -6):
            share = 1 - hour / (days * 24)
            f.MetricSnapshotFactory(
                challenge=challenge,
                captured_at=now - dt.timedelta(hours=hour) - dt.timedelta(minutes=5),
                views=int(total * share**1.6),
                videos=int(challenge.videos * share),
                likes=int(challenge.likes * share),
                shares=int(challenge.shares * share),
            )
    f.ChallengeFactory(
        country=indonesia,
        hashtag="GoyangDWP",
        title="DWP dance",
        format="dance",
        status="planned",
        starts_at=now + dt.timedelta(days=2),
        owner=users["lead"],
    )
    f.ChallengeFactory(
        country=thailand,
        hashtag="PerfectMatch",
        title="Imitation: The Perfect Match",
        format="imitation",
        status="live",
        starts_at=now - dt.timedelta(days=3),
        views=8_000_000,
    )

    kaykai = f.InfluencerFactory(
        country=indonesia,
        name="Kaykai Salaider",
        kind="creator",
        tier="mega",
        is_core=True,
        core_since=today - dt.timedelta(days=3),
        stage="active",
        total_followers=11_660_000,
        relationship_owner=users["operator"],
        city="Jakarta",
        home_platform="youtube",
    )
    tiktok = f.PlatformAccountFactory(
        influencer=kaykai, platform="tiktok", handle="kaykaisalaider", followers=5_960_000
    )
    youtube = f.PlatformAccountFactory(
        influencer=kaykai, platform="youtube", handle="kaykaisalaider.yt", followers=5_700_000
    )
    for week in range(26, -1, -1):
        date = today - dt.timedelta(days=week * 7)
        f.FollowerSnapshotFactory(account=youtube, date=date, followers=5_200_000 + (26 - week) * 19_000)
        f.FollowerSnapshotFactory(account=tiktok, date=date, followers=400_000 + (26 - week) ** 2 * 8_000)
    for day in range(1, 7):
        f.FollowerSnapshotFactory(
            account=tiktok, date=today - dt.timedelta(days=day), followers=5_960_000 - day * 25_000
        )
    nate = f.InfluencerFactory(
        country=indonesia,
        name="Nate & Mee",
        kind="creator",
        tier="mega",
        is_core=True,
        stage="contacted",
        total_followers=1_500_000,
        relationship_owner=users["operator"],
    )
    f.InfluencerInteractionFactory(
        influencer=nate,
        kind="message",
        summary="Sent a hello on Instagram.",
        occurred_at=now - dt.timedelta(days=6),
        next_follow_up_on=today,
    )
    names = ["Rina", "Agus", "Putri", "Yoga", "Intan", "Bayu", "Maya", "Dimas", "Ayu", "Fajar", "Sinta", "Rizky"]
    stages = ["prospect", "contacted", "onboarded", "active", "dormant"]
    for index, name in enumerate(names):
        f.InfluencerFactory(
            country=indonesia,
            name=f"{name} Dance",
            stage=stages[index % 5],
            total_followers=rng.randint(20_000, 900_000),
            tier="macro",
            is_core=index % 3 == 0,
        )
    f.ParticipationFactory(
        challenge=frame,
        influencer=kaykai,
        role="seed",
        video_views=9_800_000,
        video_url="https://example.com/v/1",
        posted_at=now - dt.timedelta(days=8),
    )
    f.InfluencerFactory(country=thailand, name="Tor Thanapob", kind="musician", stage="active", is_core=True)

    dwp = f.EventFactory(
        country=indonesia,
        name="Djakarta Warehouse Project",
        kind="festival",
        status="confirmed",
        city="Jakarta",
        venue="JIExpo Kemayoran",
        our_role="Official video media platform",
        starts_at=now + dt.timedelta(days=6),
        ends_at=now + dt.timedelta(days=8),
        budget=750_000_000,
        expected_attendance=90_000,
        owner=users["lead"],
        challenge=frame,
    )
    f.EventPartnerFactory(event=dwp, partner=f.PartnerFactory(country=indonesia, name="Ismaya Live"), role="Organizer")
    f.EventTaskFactory(
        event=dwp,
        title="Confirm the creators' backstage passes",
        assignee=users["operator"],
        due_on=today - dt.timedelta(days=1),
    )
    f.EventTaskFactory(
        event=dwp,
        title="Print the QR codes for the booth",
        assignee=users["operator"],
        due_on=today + dt.timedelta(days=3),
    )
    f.EventGuestFactory(event=dwp, influencer=kaykai, status="confirmed")
    f.EventGuestFactory(event=dwp, influencer=nate, status="invited")
    f.EventFactory(
        country=indonesia,
        name="Creator meet-up Jakarta",
        kind="meet_up",
        city="Jakarta",
        starts_at=now + dt.timedelta(days=12),
        ends_at=now + dt.timedelta(days=12, hours=3),
    )

    ministry = "Ministry of Communications and Information Technology"
    minister = f.GovernmentContactFactory(
        country=indonesia,
        organization=ministry,
        person_name="Office of the Minister",
        title="Minister",
        relationship_owner=users["gr"],
        last_contacted_at=now - dt.timedelta(days=120),
    )
    f.GovernmentContactFactory(
        country=indonesia,
        organization=ministry,
        person_name="Director General",
        title="Director General of Applications",
    )
    jakarta = dt.timezone(dt.timedelta(hours=7))
    ban = f.IncidentFactory(
        country=indonesia,
        title="2018 temporary ban",
        kind="ban",
        status="resolved",
        opened_at=dt.datetime(2018, 7, 3, 10, 0, tzinfo=jakarta),
        resolved_at=dt.datetime(2018, 7, 10, 18, 0, tzinfo=jakarta),
        days_restricted=8,
        summary="The app was blocked; content moderation commitments followed.",
    )
    f.GovernmentInteractionFactory(
        contact=minister,
        incident=ban,
        kind="meeting",
        occurred_at=dt.datetime(2018, 7, 4, 14, 0, tzinfo=jakarta),
        summary="Management met the Minister.",
        outcome="Agreed on a moderation team in Indonesia.",
    )
    f.GovernmentContactFactory(country=thailand, organization="Ministry of Digital Economy", person_name="Khun Somchai")
    return {
        "indonesia": indonesia,
        "thailand": thailand,
        "users": users,
        "frame": frame,
        "kaykai": kaykai,
        "nate": nate,
        "dwp": dwp,
        "minister": minister,
        "ban": ban,
    }
