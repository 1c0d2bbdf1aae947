"""Who the demo knows: the story's stars and influencers, and the invented creators around them.

Tor, Pattie, Non, Kaykai Salaider and Nate & Mee come from the story; the Indonesian creators
whose following here overtook Instagram within a year, the other markets' creators and the
hundred Indonesian core creators are invented for the demo.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from influencers.models import Kind, Platform, Stage

D = dt.date

CATEGORIES = [
    ("dance", "Dance"),
    ("comedy", "Comedy"),
    ("cooking", "Cooking"),
    ("food", "Food"),
    ("pets", "Cute pets"),
    ("travel", "Travel"),
    ("lip-sync", "Lip-sync"),
    ("music", "Music"),
    ("beauty", "Beauty"),
    ("sports", "Sports"),
    ("acting", "Acting"),
]

URLS = {
    Platform.TIKTOK: "https://www.tiktok.com/@{}",
    Platform.YOUTUBE: "https://www.youtube.com/@{}",
    Platform.INSTAGRAM: "https://www.instagram.com/{}/",
    Platform.FACEBOOK: "https://www.facebook.com/{}",
    Platform.X: "https://x.com/{}",
}


@dataclass
class Account:
    platform: str
    handle: str
    anchors: list[tuple[dt.date, int]]
    tail: float = 0.0003  # daily growth after the last anchor
    windows: list[tuple[dt.date, dt.date]] = field(default_factory=list)  # days counted daily
    recent: int = 30


@dataclass
class Person:
    country: str
    name: str
    local_name: str
    kind: str
    stage: str
    categories: list[str]
    accounts: list[Account]
    home: str = ""
    joined: dt.date | None = None
    core_since: dt.date | None = None
    owner: str = ""
    city: str = ""
    notes: str = ""


def _year(start: dt.date) -> list[tuple[dt.date, dt.date]]:
    return [(start, start + dt.timedelta(days=365))]


STORY = [
    # Indonesian creators whose following here passed Instagram in less than a year.
    Person(
        "ID",
        "Rina Maharani",
        "",
        Kind.CREATOR,
        Stage.ACTIVE,
        ["dance", "lip-sync"],
        [
            Account(
                Platform.INSTAGRAM,
                "rinamaharani",
                [
                    (D(2017, 8, 1), 820_000),
                    (D(2018, 9, 1), 1_020_000),
                    (D(2021, 1, 1), 1_400_000),
                    (D(2026, 1, 1), 1_650_000),
                ],
                0.0001,
                _year(D(2017, 9, 10)),
            ),
            Account(
                Platform.TIKTOK,
                "rinamaharani",
                [
                    (D(2017, 9, 10), 4_000),
                    (D(2017, 12, 1), 260_000),
                    (D(2018, 3, 1), 700_000),
                    (D(2018, 5, 1), 1_050_000),
                    (D(2018, 9, 1), 1_900_000),
                    (D(2020, 6, 1), 3_900_000),
                    (D(2026, 1, 1), 5_200_000),
                ],
                0.0004,
                _year(D(2017, 9, 10)),
            ),
        ],
        home=Platform.INSTAGRAM,
        joined=D(2017, 9, 10),
        core_since=D(2017, 10, 1),
        owner="id-operator",
        city="Jakarta",
        notes="Taught the multi-person frame format to other creators at the first talent exchange.",
    ),
    Person(
        "ID",
        "Dimas Pratama",
        "",
        Kind.CREATOR,
        Stage.ACTIVE,
        ["comedy"],
        [
            Account(
                Platform.INSTAGRAM,
                "dimaspratama",
                [(D(2017, 8, 1), 430_000), (D(2018, 10, 1), 520_000), (D(2026, 1, 1), 610_000)],
                0.0001,
                _year(D(2017, 10, 2)),
            ),
            Account(
                Platform.TIKTOK,
                "dimaspratama",
                [
                    (D(2017, 10, 2), 2_000),
                    (D(2018, 1, 15), 200_000),
                    (D(2018, 4, 1), 480_000),
                    (D(2018, 10, 1), 1_100_000),
                    (D(2026, 1, 1), 2_600_000),
                ],
                0.0003,
                _year(D(2017, 10, 2)),
            ),
        ],
        home=Platform.INSTAGRAM,
        joined=D(2017, 10, 2),
        core_since=D(2017, 11, 1),
        owner="id-operator",
        city="Bandung",
    ),
    Person(
        "ID",
        "Sari Ayu",
        "",
        Kind.CREATOR,
        Stage.ACTIVE,
        ["cooking", "food"],
        [
            Account(
                Platform.INSTAGRAM,
                "sariayu.masak",
                [(D(2017, 8, 1), 300_000), (D(2018, 11, 1), 360_000), (D(2026, 1, 1), 420_000)],
                0.0001,
                _year(D(2017, 11, 15)),
            ),
            Account(Platform.YOUTUBE, "sariayukitchen", [(D(2017, 8, 1), 150_000), (D(2026, 1, 1), 210_000)], 0.0001),
            Account(
                Platform.TIKTOK,
                "sariayu.masak",
                [
                    (D(2017, 11, 15), 1_000),
                    (D(2018, 3, 1), 120_000),
                    (D(2018, 8, 1), 360_000),
                    (D(2019, 6, 1), 900_000),
                    (D(2026, 1, 1), 1_700_000),
                ],
                0.0003,
                _year(D(2017, 11, 15)),
            ),
        ],
        home=Platform.INSTAGRAM,
        joined=D(2017, 11, 15),
        core_since=D(2018, 1, 1),
        owner="id-lead",
        city="Surabaya",
    ),
    Person(
        "ID",
        "Putri Lestari",
        "",
        Kind.CREATOR,
        Stage.PROSPECT,
        ["beauty"],
        [Account(Platform.INSTAGRAM, "putrilestari", [(D(2023, 1, 1), 180_000), (D(2026, 1, 1), 250_000)], 0.0002)],
        home=Platform.INSTAGRAM,
        owner="id-operator",
        city="Medan",
    ),
    Person(
        "ID",
        "Agus Setiawan",
        "",
        Kind.CREATOR,
        Stage.CONTACTED,
        ["travel"],
        [
            Account(Platform.INSTAGRAM, "agus.jalanjalan", [(D(2024, 1, 1), 70_000), (D(2026, 1, 1), 90_000)], 0.0002),
            Account(Platform.TIKTOK, "agus.jalanjalan", [(D(2025, 6, 1), 3_000), (D(2026, 1, 1), 12_000)], 0.002),
        ],
        home=Platform.INSTAGRAM,
        owner="id-operator",
        city="Yogyakarta",
    ),
    # Thailand: the stars invited to join, and the influencers who migrated.
    Person(
        "TH",
        "Tor (Thanapob Leeratanakajorn)",
        "ต่อ ธนภพ ลีรัตนขจร",
        Kind.MUSICIAN,
        Stage.ACTIVE,
        ["music", "acting"],
        [
            Account(
                Platform.INSTAGRAM, "tor_thanapob", [(D(2018, 1, 1), 2_900_000), (D(2026, 1, 1), 6_000_000)], 0.0002
            ),
            Account(
                Platform.TIKTOK,
                "tor.thanapob",
                [(D(2018, 3, 20), 50_000), (D(2018, 8, 1), 900_000), (D(2026, 1, 1), 2_400_000)],
                0.0002,
            ),
        ],
        home=Platform.INSTAGRAM,
        joined=D(2018, 3, 20),
        owner="th-operator",
        city="Bangkok",
        notes="Singer-pianist; joined the imitation challenge in costume.",
    ),
    Person(
        "TH",
        "Pattie (Ungsumalynn Sirapatsakmetha)",
        "แพตตี้ อังศุมาลิน สิรภัทรศักดิ์เมธา",
        Kind.ACTOR,
        Stage.ACTIVE,
        ["acting", "beauty"],
        [
            Account(
                Platform.INSTAGRAM,
                "pattie_ungsumalynn",
                [(D(2018, 1, 1), 2_200_000), (D(2026, 1, 1), 4_000_000)],
                0.0002,
            ),
            Account(
                Platform.TIKTOK,
                "pattie.ungsumalynn",
                [(D(2018, 4, 2), 40_000), (D(2018, 9, 1), 700_000), (D(2026, 1, 1), 1_900_000)],
                0.0002,
            ),
        ],
        home=Platform.INSTAGRAM,
        joined=D(2018, 4, 2),
        owner="th-operator",
        city="Bangkok",
    ),
    Person(
        "TH",
        "Non (Chanon Santinatornkul)",
        "นน ชานน สันตินธรณ์กุล",
        Kind.ACTOR,
        Stage.ACTIVE,
        ["acting"],
        [
            Account(Platform.INSTAGRAM, "nonkul", [(D(2018, 1, 1), 3_400_000), (D(2026, 1, 1), 5_500_000)], 0.0002),
            Account(
                Platform.TIKTOK,
                "nonkul.official",
                [(D(2018, 5, 10), 60_000), (D(2018, 10, 1), 1_100_000), (D(2026, 1, 1), 2_800_000)],
                0.0002,
            ),
        ],
        home=Platform.INSTAGRAM,
        joined=D(2018, 5, 10),
        owner="th-lead",
        city="Bangkok",
    ),
    Person(
        "TH",
        "Kaykai Salaider",
        "เก๋ไก๋ สไลเดอร์",
        Kind.CREATOR,
        Stage.ACTIVE,
        ["comedy", "lip-sync"],
        [
            Account(
                Platform.YOUTUBE,
                "kaykaisalaider",
                [(D(2018, 1, 1), 5_700_000), (D(2022, 8, 1), 15_900_000), (D(2026, 1, 1), 17_200_000)],
                0.0001,
                _year(D(2018, 2, 1)),
            ),
            Account(
                Platform.TIKTOK,
                "kaykaisalaider",
                [
                    (D(2018, 2, 1), 20_000),
                    (D(2018, 6, 1), 1_600_000),
                    (D(2018, 10, 1), 2_800_000),
                    (D(2026, 1, 1), 6_500_000),
                ],
                0.0002,
                _year(D(2018, 2, 1)),
            ),
        ],
        home=Platform.YOUTUBE,
        joined=D(2018, 2, 1),
        core_since=D(2018, 3, 1),
        owner="th-operator",
        city="Bangkok",
        notes="5.7M on YouTube when she joined; millions here within months.",
    ),
    Person(
        "TH",
        "Nate & Mee",
        "เนท & มี่",
        Kind.CREATOR,
        Stage.ACTIVE,
        ["comedy"],
        [
            Account(
                Platform.YOUTUBE,
                "natemee",
                [(D(2018, 1, 1), 1_500_000), (D(2026, 1, 1), 2_100_000)],
                0.0001,
                _year(D(2018, 3, 1)),
            ),
            Account(
                Platform.TIKTOK,
                "natemee",
                [
                    (D(2018, 3, 1), 10_000),
                    (D(2018, 9, 1), 1_400_000),
                    (D(2019, 1, 1), 1_800_000),
                    (D(2026, 1, 1), 3_900_000),
                ],
                0.0002,
                _year(D(2018, 3, 1)),
            ),
        ],
        home=Platform.YOUTUBE,
        joined=D(2018, 3, 1),
        core_since=D(2018, 4, 1),
        owner="th-operator",
        city="Chiang Mai",
        notes="Comedy couple; cross-post every video to YouTube and Facebook.",
    ),
    Person(
        "TH",
        "Thailand women's national volleyball team",
        "วอลเลย์บอลหญิงทีมชาติไทย",
        Kind.ATHLETE,
        Stage.ACTIVE,
        ["sports"],
        [
            Account(
                Platform.FACEBOOK,
                "thaiwomenvolleyball",
                [(D(2018, 1, 1), 1_200_000), (D(2026, 1, 1), 2_300_000)],
                0.0001,
            ),
            Account(
                Platform.TIKTOK,
                "thaivolleyballwomen",
                [(D(2018, 6, 1), 30_000), (D(2018, 7, 1), 420_000), (D(2026, 1, 1), 1_300_000)],
                0.0002,
            ),
        ],
        home=Platform.FACEBOOK,
        joined=D(2018, 6, 1),
        owner="th-lead",
        notes="Joined the face-lifting challenge early.",
    ),
    Person(
        "TH",
        "Mali Boonmee",
        "มะลิ บุญมี",
        Kind.CREATOR,
        Stage.CONTACTED,
        ["cooking"],
        [Account(Platform.INSTAGRAM, "mali.kitchen", [(D(2024, 1, 1), 40_000), (D(2026, 1, 1), 60_000)], 0.0003)],
        home=Platform.INSTAGRAM,
        owner="th-operator",
        city="Chiang Mai",
    ),
    # The other markets.
    Person(
        "JP",
        "Haruka Mori",
        "森はるか",
        Kind.CREATOR,
        Stage.ONBOARDED,
        ["dance"],
        [
            Account(Platform.INSTAGRAM, "haruka.mori.dance", [(D(2022, 1, 1), 90_000), (D(2026, 1, 1), 140_000)]),
            Account(Platform.TIKTOK, "harukamori", [(D(2025, 9, 1), 8_000), (D(2026, 1, 1), 95_000)], 0.004),
        ],
        home=Platform.INSTAGRAM,
        joined=D(2025, 9, 1),
        city="Tokyo",
    ),
    Person(
        "JP",
        "Sota Kimura",
        "木村颯太",
        Kind.CREATOR,
        Stage.PROSPECT,
        ["comedy"],
        [Account(Platform.YOUTUBE, "kimurasota", [(D(2021, 1, 1), 150_000), (D(2026, 1, 1), 300_000)], 0.0002)],
        home=Platform.YOUTUBE,
        city="Osaka",
    ),
    Person(
        "MY",
        "Aina Rahman",
        "",
        Kind.CREATOR,
        Stage.ACTIVE,
        ["food", "travel"],
        [
            Account(Platform.INSTAGRAM, "ainarahman", [(D(2019, 1, 1), 200_000), (D(2026, 1, 1), 320_000)]),
            Account(Platform.TIKTOK, "ainarahman", [(D(2018, 2, 1), 5_000), (D(2026, 1, 1), 880_000)], 0.0004),
        ],
        home=Platform.INSTAGRAM,
        joined=D(2018, 2, 1),
        core_since=D(2019, 1, 1),
        city="Kuala Lumpur",
    ),
    Person(
        "VN",
        "Nguyen Thuy Linh",
        "Nguyễn Thùy Linh",
        Kind.CREATOR,
        Stage.ACTIVE,
        ["dance"],
        [
            Account(Platform.FACEBOOK, "thuylinh.dance", [(D(2018, 1, 1), 300_000), (D(2026, 1, 1), 450_000)]),
            Account(Platform.TIKTOK, "thuylinh.dance", [(D(2018, 3, 1), 2_000), (D(2026, 1, 1), 1_250_000)], 0.0004),
        ],
        home=Platform.FACEBOOK,
        joined=D(2018, 3, 1),
        core_since=D(2018, 9, 1),
        city="Ho Chi Minh City",
    ),
    Person(
        "KH",
        "Sokha Chan",
        "ចាន់ សុខា",
        Kind.CREATOR,
        Stage.ONBOARDED,
        ["comedy"],
        [
            Account(Platform.FACEBOOK, "sokhachan", [(D(2020, 1, 1), 120_000), (D(2026, 1, 1), 260_000)]),
            Account(Platform.TIKTOK, "sokhachan", [(D(2024, 5, 1), 4_000), (D(2026, 1, 1), 150_000)], 0.002),
        ],
        home=Platform.FACEBOOK,
        joined=D(2024, 5, 1),
        city="Phnom Penh",
    ),
]
