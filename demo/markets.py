"""The six markets of the story, their cultural moments, and the demo team."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import check_password, make_password

from locales.models import (
    Background,
    Country,
    CulturalMoment,
    CulturalMomentOccurrence,
    HQAccess,
    Role,
    StaffProfile,
    TeamMembership,
)

from .base import Seeder

D = dt.date

COUNTRIES = [
    # code, name, local name, languages, team language, timezone, currency, launch, office
    ("ID", "Indonesia", "Indonesia", ["id", "en"], "id", "Asia/Jakarta", "IDR", D(2017, 8, 1), "Jakarta"),
    ("TH", "Thailand", "ประเทศไทย", ["th", "en"], "th", "Asia/Bangkok", "THB", D(2017, 9, 1), "Bangkok"),
    ("MY", "Malaysia", "Malaysia", ["ms", "en"], "ms", "Asia/Kuala_Lumpur", "MYR", D(2017, 10, 1), "Kuala Lumpur"),
    ("KH", "Cambodia", "កម្ពុជា", ["km", "en"], "km", "Asia/Phnom_Penh", "KHR", D(2018, 1, 15), ""),
    ("VN", "Vietnam", "Việt Nam", ["vi", "en"], "vi", "Asia/Ho_Chi_Minh", "VND", D(2017, 11, 1), "Ho Chi Minh City"),
    ("JP", "Japan", "日本", ["ja", "en"], "ja", "Asia/Tokyo", "JPY", D(2017, 9, 1), "Tokyo"),
]

# Eid al-Fitr (Lebaran / Hari Raya Aidilfitri) and Tết move with the lunar calendar.
EID = {
    2018: D(2018, 6, 15),
    2019: D(2019, 6, 5),
    2020: D(2020, 5, 24),
    2021: D(2021, 5, 13),
    2022: D(2022, 5, 2),
    2023: D(2023, 4, 22),
    2024: D(2024, 4, 10),
    2025: D(2025, 3, 31),
    2026: D(2026, 3, 20),
    2027: D(2027, 3, 10),
}
TET = {
    2018: D(2018, 2, 16),
    2019: D(2019, 2, 5),
    2020: D(2020, 1, 25),
    2021: D(2021, 2, 12),
    2022: D(2022, 2, 1),
    2023: D(2023, 1, 22),
    2024: D(2024, 2, 10),
    2025: D(2025, 1, 29),
    2026: D(2026, 2, 17),
    2027: D(2027, 2, 6),
}
YEARS = range(2018, 2028)

MOMENTS = [
    # country, name, local name, description, content ideas, {year: (start, end)}
    (
        "TH",
        "Songkran",
        "สงกรานต์",
        "Thai New Year water festival, 13–15 April.",
        "Water-splash sticker, water-gun effect, powder-face (din sor pong) filter, family homecoming clips.",
        {y: (D(y, 4, 13), D(y, 4, 15)) for y in YEARS},
    ),
    (
        "ID",
        "Lebaran",
        "Idul Fitri",
        "End of Ramadan: mudik homecoming, family visits, new clothes.",
        "Ketupat sticker, mudik travel diaries, family outfit reveals, takbiran lip-sync.",
        {y: (EID[y], EID[y] + dt.timedelta(days=1)) for y in YEARS},
    ),
    (
        "MY",
        "Hari Raya Aidilfitri",
        "Hari Raya Aidilfitri",
        "End of Ramadan: balik kampung and open houses.",
        "Open-house food tours, baju raya outfit transitions, duit raya comedy.",
        {y: (EID[y], EID[y] + dt.timedelta(days=1)) for y in YEARS},
    ),
    (
        "VN",
        "Tet",
        "Tết Nguyên Đán",
        "Lunar New Year: the biggest holiday of the year.",
        "Lucky-money (lì xì) sticker, peach-blossom effect, family reunion dubbing.",
        {y: (TET[y], TET[y] + dt.timedelta(days=2)) for y in YEARS},
    ),
    (
        "KH",
        "Khmer New Year",
        "ចូលឆ្នាំខ្មែរ",
        "Choul Chnam Thmey, mid-April.",
        "Traditional games, water blessing sticker, dance in traditional dress.",
        {y: (D(y, 4, 14), D(y, 4, 16)) for y in YEARS},
    ),
    (
        "JP",
        "Golden Week",
        "ゴールデンウィーク",
        "A cluster of holidays from late April to early May.",
        "Travel vlogs, festival food, dance practice in the park.",
        {y: (D(y, 4, 29), D(y, 5, 5)) for y in YEARS},
    ),
]

# username, first, last, country, role, HQ access, preferred, languages, background
USERS = [
    ("admin", "Ada", "Prasetyo", None, None, HQAccess.NONE, "en", ["en", "id"], Background.GLOBAL_HIRE),
    ("hq-viewer", "Helen", "Zhao", None, None, HQAccess.VIEWER, "en", ["en", "zh"], Background.GLOBAL_HIRE),
    ("id-lead", "Budi", "Santoso", "ID", Role.LEAD, HQAccess.NONE, "id", ["id", "en"], Background.LOCAL_HIRE),
    (
        "id-operator",
        "Dewi",
        "Anggraini",
        "ID",
        Role.OPERATOR,
        HQAccess.NONE,
        "id",
        ["id", "en", "jv"],
        Background.LOCAL_HIRE,
    ),
    (
        "id-gr",
        "Arief",
        "Wibowo",
        "ID",
        Role.GOVERNMENT_RELATIONS,
        HQAccess.NONE,
        "id",
        ["id", "en"],
        Background.LOCAL_HIRE,
    ),
    ("id-viewer", "Mei", "Lin", "ID", Role.VIEWER, HQAccess.NONE, "en", ["en", "zh", "id"], Background.INTERN),
    ("th-lead", "Daniel", "Meyer", "TH", Role.LEAD, HQAccess.NONE, "en", ["en", "th", "de"], Background.GLOBAL_HIRE),
    ("th-operator", "Nattaya", "Srisuk", "TH", Role.OPERATOR, HQAccess.NONE, "th", ["th", "en"], Background.LOCAL_HIRE),
]

ROLE_LABELS = {
    "admin": "administrator (superuser)",
    "hq-viewer": "HQ viewer: read-only, all countries",
}


def seed_countries(seeder: Seeder) -> dict[str, Country]:
    countries = {}
    for code, name, local, languages, team_language, tz, currency, launch, office in COUNTRIES:
        countries[code] = seeder.ensure(
            Country,
            {"code": code},
            {
                "name": name,
                "local_name": local,
                "languages": languages,
                "default_language": team_language,
                "timezone": tz,
                "currency": currency,
                "launch_date": launch,
                "local_office": office,
                "dates_day_first": code != "JP",
            },
        )
    return countries


def seed_moments(seeder: Seeder, countries: dict[str, Country]) -> dict[str, CulturalMoment]:
    moments = {}
    for code, name, local, description, ideas, occurrences in MOMENTS:
        moment = seeder.ensure(
            CulturalMoment,
            {"country": countries[code], "name": name},
            {"local_name": local, "description": description, "content_ideas": ideas},
        )
        for year, (starts, ends) in occurrences.items():
            dates = {"starts_on": starts, "ends_on": ends}
            seeder.ensure(CulturalMomentOccurrence, {"moment": moment, "year": year}, dates)
        moments[name] = moment
    # A moment about a month ahead with nothing planned yet: the reminder has something to say.
    week = seeder.ensure(
        CulturalMoment,
        {"country": countries["ID"], "name": "Jakarta Creator Week"},
        {
            "local_name": "Pekan Kreator Jakarta",
            "description": "The office's yearly week of workshops and meet-ups for creators (demo).",
            "content_ideas": "Behind-the-scenes series, duet chains between cities, shooting tips.",
        },
    )
    starts = seeder.day(30)
    seeder.ensure(
        CulturalMomentOccurrence,
        {"moment": week, "year": starts.year},
        {"starts_on": starts, "ends_on": starts + dt.timedelta(days=6)},
    )
    moments[week.name] = week
    return moments


def seed_team(seeder: Seeder, countries: dict[str, Country], password: str) -> dict:
    User = get_user_model()
    users = {}
    # Every demo login shares one password, so they share one hash: checking it costs one slow
    # PBKDF2 run per distinct stored hash instead of one per user (scripts/run.sh seeds at each start).
    verified: dict[str, bool] = {}
    encoded = None
    for username, first, last, code, role, hq, language, languages, background in USERS:
        values = {
            "email": f"{username}@opsportal.example",
            "first_name": first,
            "last_name": last,
            "is_active": True,
            # Everyone may open the admin: it shows them only their countries (see admin_mixins).
            "is_staff": True,
            "is_superuser": username == "admin",
        }
        user = seeder.ensure(User, {"username": username}, values)
        stored = user.password
        if stored not in verified:
            verified[stored] = check_password(password, stored)
        if not verified[stored]:
            encoded = encoded or make_password(password)
            user.password = encoded
            user.save(update_fields=["password"])
            if stored:  # a new user's empty password is part of its creation
                seeder.updated[User._meta.label] += 1
        seeder.ensure(
            StaffProfile,
            {"user": user},
            {
                "preferred_language": language,
                "languages": languages,
                "background": background,
                "hq_access": hq,
                "timezone": countries[code].timezone if code else "",
            },
        )
        if code:
            seeder.ensure(TeamMembership, {"user": user, "country": countries[code]}, {"role": role})
        users[username] = user
    return users


def credentials_rows(users: dict) -> list[tuple[str, str, str, str]]:
    """(username, role, countries, email) of the demo users in ``users`` (by username)."""
    rows = []
    for username, _first, _last, code, role, _hq, _lang, _langs, _bg in USERS:
        if username not in users:
            continue  # removed or renamed by a person since the demo was loaded
        label = ROLE_LABELS.get(username) or str(Role(role).label)
        rows.append((username, label, code or "all", users[username].email))
    return rows
