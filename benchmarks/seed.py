"""Seed a benchmark database quickly with set-based SQL (generate_series), PostgreSQL only.

At scale 1: 100,000 influencers with three accounts each and two follower counts per account;
10,000 challenges with 100 hourly metric snapshots each (1,000,000 rows). Scale 10 is ten times
the influencers and challenges, the same hours. Cached totals are then computed by the same
services the API uses.

Every influencer is "Creator N" (search's worst case: a word in every name); those of Indonesia,
Thailand and Japan also carry a local name in their script, and Thai and Japanese challenges a
local title, so a local-script word matches a whole country. Hashtags are one of five words and
"challenge" and a number ("dancechallenge17").
"""

from __future__ import annotations

import datetime as dt

from django.db import connection, transaction
from django.utils import timezone

from locales.models import Country

COUNTRIES = [
    ("ID", "Indonesia", "Asia/Jakarta", "IDR"),
    ("TH", "Thailand", "Asia/Bangkok", "THB"),
    ("MY", "Malaysia", "Asia/Kuala_Lumpur", "MYR"),
    ("VN", "Vietnam", "Asia/Ho_Chi_Minh", "VND"),
    ("JP", "Japan", "Asia/Tokyo", "JPY"),
]
# Local names and challenge titles per country of COUNTRIES (same order), "" for none.
LOCAL_NAMES = ["Kreator", "ครีเอเตอร์", "", "", "クリエイター"]
LOCAL_TITLES = ["Tantangan", "ชาเลนจ์", "", "", "チャレンジ"]
HASHTAG_WORDS = ["dance", "duet", "glowup", "lipsync", "recipe"]


def seeded(influencers: int, snapshots: int) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM influencers_influencer")
        have_influencers = cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM challenges_challengemetricsnapshot")
        have_snapshots = cursor.fetchone()[0]
    return have_influencers >= influencers and have_snapshots >= snapshots


def seed(
    influencers: int | None = None, challenges: int | None = None, hours: int = 100, log=print, *, scale: int = 1
) -> None:
    """Replace the influencers and challenges with generated ones; counts given win over ``scale``."""
    influencers = influencers or 100_000 * scale
    challenges = challenges or 10_000 * scale
    now = timezone.now()
    today = timezone.localdate()
    with transaction.atomic():
        ids = []
        for code, name, zone, currency in COUNTRIES:
            country, _ = Country.objects.get_or_create(
                code=code, defaults={"name": name, "timezone": zone, "currency": currency}
            )
            ids.append(country.pk)
        with connection.cursor() as cursor:
            cursor.execute(
                "TRUNCATE influencers_followersnapshot, influencers_platformaccount, influencers_influencer_categories,"
                " influencers_influencer, challenges_challengemetricsnapshot, challenges_challengeparticipation,"
                " challenges_challenge RESTART IDENTITY CASCADE"
            )
            log(f"influencers: {influencers:,}")
            cursor.execute(
                """
                INSERT INTO influencers_influencer (created_at, updated_at, name, local_name, kind, tier, is_core,
                    stage, home_platform, email, phone, city, notes, total_followers, country_id)
                SELECT %(now)s, %(now)s, 'Creator ' || i,
                    coalesce(nullif((%(local)s::text[])[1 + i %% %(n)s], '') || ' ' || i, ''),
                    (ARRAY['creator','celebrity','athlete','musician','actor'])[1 + i %% 5],
                    (ARRAY['mega','macro','mid','micro'])[1 + i %% 4], i %% 10 = 0,
                    (ARRAY['prospect','contacted','onboarded','active','dormant'])[1 + i %% 5], 'youtube',
                    'creator' || i || '@example.com', '', 'Jakarta', '', 0, (%(countries)s::bigint[])[1 + i %% %(n)s]
                FROM generate_series(1, %(count)s) AS i
                """,
                {"now": now, "countries": ids, "n": len(ids), "count": influencers, "local": LOCAL_NAMES},
            )
            log(f"platform accounts: {3 * influencers:,}")
            cursor.execute(
                """
                INSERT INTO influencers_platformaccount (created_at, updated_at, platform, handle, url, followers,
                    influencer_id)
                SELECT %(now)s, %(now)s, p.platform, p.platform || '_' || i.id, '', 0, i.id
                FROM influencers_influencer i
                CROSS JOIN (VALUES ('tiktok'), ('youtube'), ('instagram')) AS p(platform)
                """,
                {"now": now},
            )
            log(f"follower snapshots: {6 * influencers:,}")
            cursor.execute(
                """
                INSERT INTO influencers_followersnapshot (account_id, date, followers, source, recorded_at)
                SELECT a.id, d.day, (a.id * 7919 %% 1000000) + d.k * (a.id %% 5000), 'api', %(now)s
                FROM influencers_platformaccount a
                CROSS JOIN (VALUES (%(old)s::date, 0), (%(today)s::date, 1)) AS d(day, k)
                """,
                {"now": now, "old": today - dt.timedelta(days=40), "today": today},
            )
            log(f"challenges: {challenges:,}")
            cursor.execute(
                """
                INSERT INTO challenges_challenge (created_at, updated_at, hashtag, title, format, how_to_play, music,
                    sticker_effect, status, starts_at, views, videos, likes, comments, shares, country_id)
                SELECT %(now)s, %(now)s, (%(words)s::text[])[1 + (i / %(n)s) %% 5] || 'challenge' || i,
                    coalesce(nullif((%(local)s::text[])[1 + i %% %(n)s], ''), 'Challenge') || ' ' || i,
                    'dance', '', '', '', 'live',
                    %(start)s, 0, 0, 0, 0, 0, (%(countries)s::bigint[])[1 + i %% %(n)s]
                FROM generate_series(1, %(count)s) AS i
                """,
                {
                    "now": now,
                    "start": now - dt.timedelta(hours=hours),
                    "countries": ids,
                    "n": len(ids),
                    "count": challenges,
                    "words": HASHTAG_WORDS,
                    "local": LOCAL_TITLES,
                },
            )
            log(f"metric snapshots: {challenges * hours:,}")
            cursor.execute(
                """
                INSERT INTO challenges_challengemetricsnapshot (challenge_id, captured_at, views, videos, likes,
                    comments, shares, source, recorded_at)
                SELECT c.id, %(start)s + h * interval '1 hour', h * (1000 + c.id), h * 10, h * 50, h * 5, h, 'api',
                    %(now)s
                FROM challenges_challenge c CROSS JOIN generate_series(1, %(hours)s) AS h
                """,
                {"now": now, "start": now - dt.timedelta(hours=hours + 1), "hours": hours},
            )
    log("cached totals")
    from challenges.metrics import refresh_challenge_totals
    from influencers.followers import refresh_followers

    with connection.cursor() as cursor:
        # Statistics first: on freshly filled tables the planner chose plans for the influencer
        # refresh that ran for more than 12 minutes (3 minutes once analysed, on a loaded machine).
        cursor.execute("ANALYZE")
        cursor.execute("SELECT array_agg(id) FROM challenges_challenge")
        challenge_ids = cursor.fetchone()[0]
        cursor.execute("SELECT array_agg(id) FROM influencers_platformaccount")
        account_ids = cursor.fetchone()[0]
        cursor.execute("SELECT array_agg(id) FROM influencers_influencer")
        influencer_ids = cursor.fetchone()[0]
    with transaction.atomic():
        refresh_challenge_totals(challenge_ids)
        refresh_followers(account_ids, dict.fromkeys(influencer_ids, dt.date.min))
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE") if connection.get_autocommit() else cursor.execute("ANALYZE")
