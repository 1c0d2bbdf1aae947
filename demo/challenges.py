"""The story's challenges with metric histories, and live ones around today."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field

from challenges.models import Challenge, ChallengeMetricSnapshot, ChallengeParticipation, Format, Status
from opsportal.db import Source

from .base import Seeder
from .series import metric_rows

D = dt.date


@dataclass
class Play:
    country: str
    hashtag: str
    title: str
    format: str
    how_to_play: str
    # (day, local hour) for the story; (days from today, local hour) for the current scenario.
    starts: tuple | None
    ends: tuple | None
    final_views: int = 0
    target_views: int | None = None
    status: str = Status.ENDED
    relative: bool = False
    music: str = ""
    sticker: str = ""
    moment: str = ""
    owner: str = ""
    stale_days: int = 0  # the latest snapshot this many days old: "metrics went stale"
    # (influencer name, seed/joined, video views)
    cast: list[tuple[str, str, int]] = field(default_factory=list)


STORY = [
    Play(
        "ID",
        "SatuFrameRame",
        "Multi-person frame challenge",
        Format.CAMERA_MOVEMENT,
        "Fit as many friends as you can into one frame, each doing the move on the beat.",
        (D(2018, 3, 10), 19),
        (D(2018, 3, 17), 19),
        53_000_000,
        30_000_000,
        music="Original beat by the local team",
        owner="id-operator",
        cast=[
            ("Rina Maharani", "seed", 4_200_000),
            ("Dimas Pratama", "seed", 2_900_000),
            ("Sari Ayu", "joined", 1_100_000),
        ],
    ),
    Play(
        "ID",
        "ReversalChallenge",
        "Reversal challenge (from ugly to beautiful)",
        Format.CAMERA_MOVEMENT,
        "Start with the camera under your chin and move up to your face as the music turns.",
        (D(2018, 5, 5), 18),
        (D(2018, 5, 15), 18),
        18_400_000,
        15_000_000,
        owner="id-operator",
        cast=[("Rina Maharani", "seed", 2_300_000), ("Sari Ayu", "joined", 640_000)],
    ),
    Play(
        "ID",
        "MudikSeru",
        "Homecoming stories",
        Format.TRAVEL,
        "Show the road home for Lebaran in three shots: leaving, on the way, arriving.",
        (D(2018, 6, 8), 17),
        (D(2018, 6, 20), 17),
        15_100_000,
        10_000_000,
        moment="Lebaran",
        owner="id-lead",
        cast=[("Dimas Pratama", "seed", 1_700_000)],
    ),
    Play(
        "ID",
        "DWP17",
        "DWP 2017 festival moments",
        Format.DANCE,
        "Film the drop with the crowd and the official DWP sticker.",
        (D(2017, 12, 7), 12),
        (D(2017, 12, 12), 12),
        6_200_000,
        5_000_000,
        sticker="DWP 2017 official sticker",
        owner="id-operator",
        cast=[("Rina Maharani", "seed", 900_000), ("Dimas Pratama", "joined", 450_000)],
    ),
    Play(
        "TH",
        "ThePerfectMatchChallenge",
        "Imitation: The Perfect Match",
        Format.IMITATION,
        'In traditional costume, re-enact a scene of the TV series "The Perfect Match".',
        (D(2018, 4, 20), 19),
        (D(2018, 4, 28), 19),
        24_600_000,
        20_000_000,
        owner="th-operator",
        cast=[
            ("Pattie (Ungsumalynn Sirapatsakmetha)", "seed", 5_100_000),
            ("Tor (Thanapob Leeratanakajorn)", "joined", 3_800_000),
        ],
    ),
    Play(
        "TH",
        "FaceLiftingChallenge",
        "Face-lifting challenge",
        Format.STICKER_EFFECT,
        "Use the face-lifting effect and show the before and after on the beat.",
        (D(2018, 6, 8), 18),
        (D(2018, 6, 18), 18),
        31_200_000,
        25_000_000,
        sticker="Face-lifting effect",
        owner="th-lead",
        cast=[
            ("Thailand women's national volleyball team", "seed", 6_700_000),
            ("Non (Chanon Santinatornkul)", "joined", 4_400_000),
        ],
    ),
    Play(
        "TH",
        "SongkranSplash",
        "Songkran splash",
        Format.STICKER_EFFECT,
        "Splash the camera with the Songkran water sticker and pass the water gun to a friend.",
        (D(2018, 4, 11), 12),
        (D(2018, 4, 17), 12),
        12_300_000,
        10_000_000,
        sticker="Songkran water-splash sticker",
        moment="Songkran",
        owner="th-operator",
        cast=[
            ("Kaykai Salaider", "seed", 3_300_000),
            ("Nate & Mee", "joined", 1_900_000),
            ("Tor (Thanapob Leeratanakajorn)", "joined", 1_200_000),
        ],
    ),
    Play(
        "VN",
        "LiXiChallenge",
        "Lucky money challenge",
        Format.STICKER_EFFECT,
        "Catch the falling lì xì envelopes with the Tết sticker.",
        (D(2019, 1, 30), 12),
        (D(2019, 2, 9), 12),
        9_800_000,
        8_000_000,
        sticker="Lì xì sticker",
        moment="Tet",
        cast=[("Nguyen Thuy Linh", "seed", 1_400_000)],
    ),
]

CURRENT = [
    Play(
        "ID",
        "DapurNusantara",
        "Recipes of the archipelago",
        Format.COOKING,
        "Cook one dish from your home region in 30 seconds; tag a friend from another island.",
        (-10, 12),
        (4, 22),
        22_000_000,
        20_000_000,
        Status.LIVE,
        True,
        owner="id-operator",
        cast=[("Sari Ayu", "seed", 1_300_000), ("Adi Saputra", "joined", 210_000)],
    ),
    Play(
        "ID",
        "JogetBareng",
        "Dance together",
        Format.DANCE,
        "Learn the eight-count routine and duet it with a creator.",
        (-4, 18),
        (2, 22),
        9_000_000,
        8_000_000,
        Status.LIVE,
        True,
        music="Joget Bareng (official remix)",
        owner="id-operator",
        cast=[("Rina Maharani", "seed", 1_900_000)],
    ),
    Play(
        "ID",
        "SahabatHewan",
        "Pet best friends",
        Format.PETS,
        "Show your pet's best trick in one take.",
        (-12, 12),
        (9, 22),
        5_000_000,
        6_000_000,
        Status.LIVE,
        True,
        owner="id-lead",
        stale_days=4,
    ),
    Play(
        "ID",
        "SenyumIndonesia",
        "Smile, Indonesia",
        Format.COMEDY,
        "A ten-second sketch that ends with a smile.",
        (-25, 12),
        (-11, 12),
        14_000_000,
        12_000_000,
        Status.ENDED,
        True,
        owner="id-operator",
        cast=[("Dimas Pratama", "seed", 2_100_000)],
    ),
    Play(
        "ID",
        "KotaKita",
        "Our city",
        Format.TRAVEL,
        "Three shots of the corner of your city nobody knows.",
        (3, 12),
        (13, 22),
        target_views=6_000_000,
        status=Status.PLANNED,
        relative=True,
        owner="id-operator",
    ),
    Play("ID", "BelajarBareng", "Learn together", Format.OTHER, "", None, None, status=Status.IDEA, relative=True),
    Play(
        "TH",
        "ThaiStreetFood",
        "Thai street food",
        Format.FOOD,
        "Order, taste, rate: your favourite street stall in one video.",
        (-8, 12),
        (6, 22),
        11_000_000,
        10_000_000,
        Status.LIVE,
        True,
        owner="th-operator",
        cast=[("Kaykai Salaider", "joined", 1_600_000)],
    ),
    Play(
        "TH",
        "SawasdeeDance",
        "Sawasdee dance",
        Format.DANCE,
        "The greeting, then the routine.",
        (5, 12),
        (15, 22),
        target_views=8_000_000,
        status=Status.PLANNED,
        relative=True,
        owner="th-operator",
    ),
    Play(
        "MY",
        "RasaMalaysia",
        "Taste of Malaysia",
        Format.FOOD,
        "Your state's dish in one bite.",
        (-6, 12),
        (8, 22),
        4_000_000,
        5_000_000,
        Status.LIVE,
        True,
        cast=[("Aina Rahman", "seed", 520_000)],
    ),
    Play(
        "VN",
        "NhayCungLinh",
        "Dance with Linh",
        Format.DANCE,
        "Duet Linh's routine.",
        (-5, 12),
        (9, 22),
        6_000_000,
        5_000_000,
        Status.LIVE,
        True,
        cast=[("Nguyen Thuy Linh", "seed", 880_000)],
    ),
    Play(
        "JP",
        "OdorouJP",
        "Let's dance, Japan",
        Format.DANCE,
        "Film the routine somewhere unexpected.",
        (-7, 12),
        (7, 22),
        2_500_000,
        3_000_000,
        Status.LIVE,
        True,
        cast=[("Haruka Mori", "seed", 240_000)],
    ),
    Play("KH", "KhmerSmile", "Khmer smile", Format.COMEDY, "", None, None, status=Status.IDEA, relative=True),
]


def _when(seeder: Seeder, zone: str, spec: tuple | None, relative: bool) -> dt.datetime | None:
    if spec is None:
        return None
    day, hour = spec
    return seeder.local(zone, seeder.day(day) if relative else day, hour)


def _video_url(handle: str, hashtag: str) -> str:
    video_id = int(hashlib.sha256(f"{handle}/{hashtag}".encode()).hexdigest()[:15], 16)
    return f"https://www.tiktok.com/@{handle}/video/{video_id}"


def seed_challenges(seeder: Seeder, countries: dict, users: dict, influencers: dict, moments: dict) -> dict:
    challenges = {}
    for play in [*STORY, *CURRENT]:
        country = countries[play.country]
        starts = _when(seeder, country.timezone, play.starts, play.relative)
        ends = _when(seeder, country.timezone, play.ends, play.relative)
        challenge = seeder.ensure(
            Challenge,
            {"country": country, "hashtag__iexact": play.hashtag},
            {
                "hashtag": play.hashtag,
                "title": play.title,
                "format": play.format,
                "how_to_play": play.how_to_play,
                "music": play.music,
                "sticker_effect": play.sticker,
                "status": play.status,
                "starts_at": starts,
                "ends_at": ends,
                "target_views": play.target_views,
                "target_videos": play.target_views // 400 if play.target_views else None,
                "owner": users.get(play.owner),
                "cultural_moment": moments.get(play.moment),
            },
        )
        rows = []
        if play.final_views and starts and ends:
            until = seeder.midnight - dt.timedelta(days=play.stale_days)
            # Story data was typed in from the team's spreadsheets; the current numbers come from the API.
            source = Source.API if play.relative else Source.IMPORT
            rows = metric_rows(play.hashtag, starts, ends, play.final_views, until=until, source=source)
        written = seeder.sync_series(
            ChallengeMetricSnapshot, "challenge", challenge, "captured_at", rows, prune=play.relative
        )
        seeder.audit_series(ChallengeMetricSnapshot, country, written, f"#{play.hashtag}")
        latest = rows[-1] if rows else {}
        # The earliest snapshot kept (an unpruned series may hold older ones than ``rows``).
        earliest = (
            ChallengeMetricSnapshot.objects.filter(challenge=challenge)
            .order_by("captured_at")
            .values_list("captured_at", flat=True)
            .first()
        )
        seeder.refresh(
            challenge,
            {
                **{name: latest.get(name, 0) for name in ("views", "videos", "likes", "comments", "shares")},
                "metrics_at": latest.get("captured_at"),
                "metrics_since": earliest,
            },
        )
        for name, role, views in play.cast:
            influencer = influencers[name]
            account = influencer.accounts.filter(platform="tiktok").first()
            handle = account.handle if account else "creator"
            seeder.ensure(
                ChallengeParticipation,
                {"challenge": challenge, "influencer": influencer},
                {
                    "role": role,
                    "video_url": _video_url(handle, play.hashtag),
                    "video_views": views,
                    "posted_at": (starts + dt.timedelta(hours=2 if role == "seed" else 30)) if starts else None,
                },
            )
        challenges[play.hashtag] = challenge
    return challenges
