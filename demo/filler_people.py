"""The hundred Indonesian core creators around the story's people: invented names ("Indonesia has
more than 100 core influencers"), each with one TikTok account and a plausible following."""

from __future__ import annotations

import datetime as dt

from influencers.models import Kind, Platform, Stage

from .people import Account, Person

D = dt.date

# "Indonesia has more than 100 core influencers": invented names for the rest of the roster.
FIRST = [
    "Adi",
    "Bayu",
    "Citra",
    "Dian",
    "Eka",
    "Fajar",
    "Gita",
    "Hana",
    "Indra",
    "Joko",
    "Kartika",
    "Lutfi",
    "Maya",
    "Nanda",
    "Oki",
    "Prita",
    "Rizky",
    "Sinta",
    "Tegar",
    "Wulan",
]
LAST = ["Saputra", "Wijaya", "Kusuma", "Hidayat", "Nugroho", "Permata", "Siregar", "Utami", "Halim", "Ramadhan"]
FILLER_CATEGORIES = ["dance", "comedy", "food", "pets", "travel", "lip-sync", "beauty", "music"]
FILLER_CITIES = ["Jakarta", "Bandung", "Surabaya", "Medan", "Makassar", "Yogyakarta", "Denpasar", "Semarang"]


def filler_people() -> list[Person]:
    people = []
    for i in range(100):
        first, last = FIRST[i % 20], LAST[(i * 7 + i // 20) % 10]
        handle = f"{first}{last}".lower() + (str(i // 20 + 1) if i >= 20 else "")
        base = 30_000 + (i * 37_813) % 1_400_000
        growth = 0.001 + (i % 9) * 0.0012
        joined = D(2017, 9, 1) + dt.timedelta(days=(i * 11) % 600)
        anchors = [(D(2024, 1, 1), base), (D(2026, 1, 1), int(base * 1.8))]
        people.append(
            Person(
                "ID",
                f"{first} {last}",
                "",
                Kind.CREATOR,
                Stage.ACTIVE,
                [FILLER_CATEGORIES[i % 8]],
                [Account(Platform.TIKTOK, handle, anchors, growth / 3, recent=14)],
                home=Platform.TIKTOK,
                joined=joined,
                core_since=joined + dt.timedelta(days=60),
                owner="id-operator" if i % 3 else "id-lead",
                city=FILLER_CITIES[i % 8],
            )
        )
    return people
