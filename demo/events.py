"""Offline events: DWP 2017 with the platform as official video media platform, and events around today."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from events.models import Event, EventGuest, EventPartner, EventTask, Kind, Partner, PartnerKind, Status
from events.services import partner_touch

from .base import Seeder

D = dt.date

PARTNERS = [
    # country, name, kind, website, contact
    ("ID", "Ismaya Live", PartnerKind.ORGANIZER, "https://www.djakartawarehouse.com", "Festival partnerships desk"),
    ("ID", "JIExpo Kemayoran", PartnerKind.VENUE, "https://www.jiexpo.com", "Venue events office"),
    ("ID", "Ruang Kreatif Jakarta", PartnerKind.COMMUNITY, "", "Community manager"),
    ("TH", "Siam Creators Hub", PartnerKind.COMMUNITY, "", "Programme lead"),
]


@dataclass
class Happening:
    country: str
    name: str
    kind: str
    status: str
    city: str
    venue: str
    starts: tuple  # (day, local hour): a date for the story, days from today for the current scenario
    ends: tuple
    relative: bool = False
    our_role: str = ""
    budget: Decimal | None = None
    expected: int | None = None
    attendance: int | None = None
    owner: str = ""
    challenge: str = ""
    moment: str = ""
    videos: int | None = None
    description: str = ""
    partners: list[tuple[str, str]] = field(default_factory=list)
    # (title, assignee, due: date or days from today, done: days from today or a date, or None)
    tasks: list[tuple] = field(default_factory=list)
    guests: list[tuple[str, str]] = field(default_factory=list)


HAPPENINGS = [
    Happening(
        "ID",
        "DWP 2017 (Djakarta Warehouse Project)",
        Kind.FESTIVAL,
        Status.HELD,
        "Jakarta",
        "JIExpo Kemayoran",
        (D(2017, 12, 8), 16),
        (D(2017, 12, 10), 3),
        our_role="Official video media platform (the only one)",
        budget=Decimal("1500000000"),
        expected=90_000,
        attendance=90_000,
        owner="id-lead",
        challenge="DWP17",
        videos=12_000,
        description="Asia's largest electronic music festival; creators filmed from the crowd and backstage.",
        partners=[("Ismaya Live", "Organizer"), ("JIExpo Kemayoran", "Venue")],
        tasks=[
            ("Sign the official video media platform agreement", "id-lead", D(2017, 11, 1), D(2017, 10, 27)),
            ("Design the DWP sticker and effects", "id-operator", D(2017, 11, 24), D(2017, 11, 22)),
            ("Brief creators on shooting in the crowd", "id-operator", D(2017, 12, 5), D(2017, 12, 4)),
            ("Set up the booth and creator lounge", "id-operator", D(2017, 12, 8), D(2017, 12, 8)),
            ("Launch #DWP17", "id-operator", D(2017, 12, 7), D(2017, 12, 7)),
        ],
        guests=[("Rina Maharani", "attended"), ("Dimas Pratama", "attended"), ("Sari Ayu", "declined")],
    ),
    Happening(
        "ID",
        "Talent exchange meeting",
        Kind.TALENT_EXCHANGE,
        Status.HELD,
        "Jakarta",
        "Jakarta office",
        (D(2018, 2, 24), 14),
        (D(2018, 2, 24), 18),
        budget=Decimal("25000000"),
        expected=40,
        attendance=46,
        owner="id-operator",
        description="Creators taught each other how to shoot the multi-person frame.",
        guests=[("Rina Maharani", "attended"), ("Dimas Pratama", "attended"), ("Sari Ayu", "attended")],
    ),
    Happening(
        "ID",
        "Jakarta office creator meet-up",
        Kind.MEET_UP,
        Status.HELD,
        "Jakarta",
        "Jakarta office",
        (D(2018, 5, 19), 15),
        (D(2018, 5, 19), 19),
        budget=Decimal("18000000"),
        expected=60,
        attendance=72,
        owner="id-operator",
        guests=[("Rina Maharani", "attended"), ("Sari Ayu", "attended")],
    ),
    Happening(
        "TH",
        "Songkran creator splash",
        Kind.MEET_UP,
        Status.HELD,
        "Bangkok",
        "Silom Road",
        (D(2018, 4, 13), 13),
        (D(2018, 4, 13), 20),
        budget=Decimal("350000"),
        expected=80,
        attendance=95,
        owner="th-operator",
        challenge="SongkranSplash",
        moment="Songkran",
        videos=640,
        guests=[
            ("Kaykai Salaider", "attended"),
            ("Nate & Mee", "attended"),
            ("Tor (Thanapob Leeratanakajorn)", "attended"),
        ],
    ),
    # Around today: held last week, starting soon, and later this month.
    Happening(
        "ID",
        "Surabaya creator meet-up",
        Kind.MEET_UP,
        Status.HELD,
        "Surabaya",
        "Ruang Kreatif Surabaya",
        (-9, 15),
        (-9, 19),
        True,
        budget=Decimal("15000000"),
        expected=120,
        attendance=140,
        owner="id-operator",
        videos=310,
        guests=[("Sari Ayu", "attended")],
        tasks=[("Book the venue", "id-operator", -20, -21)],
    ),
    Happening(
        "ID",
        "Bandung shooting workshop",
        Kind.WORKSHOP,
        Status.CONFIRMED,
        "Bandung",
        "Ruang Kreatif Bandung",
        (2, 10),
        (2, 16),
        True,
        budget=Decimal("12000000"),
        expected=35,
        owner="id-operator",
        tasks=[
            ("Confirm the trainer", "id-operator", -1, None),
            ("Print the shot-list handouts", "id-viewer", 1, None),
        ],
        guests=[("Dimas Pratama", "confirmed")],
    ),
    Happening(
        "ID",
        "Jakarta creator meet-up",
        Kind.MEET_UP,
        Status.CONFIRMED,
        "Jakarta",
        "Ruang Kreatif Jakarta",
        (5, 15),
        (5, 20),
        True,
        budget=Decimal("30000000"),
        expected=150,
        owner="id-operator",
        challenge="JogetBareng",
        partners=[("Ruang Kreatif Jakarta", "Venue and community partner")],
        tasks=[
            ("Book the venue", "id-operator", -7, -8),
            ("Send invitations to 30 core creators", "id-operator", -2, None),
            ("Order snacks and merchandise", "id-viewer", 0, None),
            ("Prepare the workshop deck", "id-lead", 3, None),
        ],
        guests=[
            ("Rina Maharani", "confirmed"),
            ("Dimas Pratama", "invited"),
            ("Adi Saputra", "invited"),
            ("Citra Nugroho", "confirmed"),
        ],
    ),
    Happening(
        "TH",
        "Bangkok talent exchange",
        Kind.TALENT_EXCHANGE,
        Status.PLANNING,
        "Bangkok",
        "Siam Creators Hub",
        (12, 14),
        (12, 18),
        True,
        budget=Decimal("120000"),
        expected=50,
        owner="th-operator",
        partners=[("Siam Creators Hub", "Host")],
        tasks=[("Shortlist creators", "th-operator", 5, None), ("Book the hall", "th-lead", 8, None)],
        guests=[("Kaykai Salaider", "invited"), ("Nate & Mee", "confirmed")],
    ),
    Happening(
        "MY",
        "Kuala Lumpur creator meet-up",
        Kind.MEET_UP,
        Status.PLANNING,
        "Kuala Lumpur",
        "",
        (9, 15),
        (9, 19),
        True,
        budget=Decimal("8000"),
        expected=60,
        guests=[("Aina Rahman", "invited")],
    ),
]


def _day(seeder: Seeder, value, relative: bool) -> dt.date | None:
    if value is None:
        return None
    return seeder.day(value) if relative else value


def seed_events(seeder: Seeder, countries: dict, users: dict, influencers: dict, challenges: dict, moments: dict):
    partners = {
        name: seeder.ensure(
            Partner,
            {"country": countries[code], "name": name},
            {"kind": kind, "website": website, "contact_name": contact},
        )
        for code, name, kind, website, contact in PARTNERS
    }
    for item in HAPPENINGS:
        country = countries[item.country]
        zone = country.timezone
        event = seeder.ensure(
            Event,
            {"country": country, "name": item.name},
            {
                "kind": item.kind,
                "status": item.status,
                "city": item.city,
                "venue": item.venue,
                "our_role": item.our_role,
                "starts_at": seeder.local(zone, _day(seeder, item.starts[0], item.relative), item.starts[1]),
                "ends_at": seeder.local(zone, _day(seeder, item.ends[0], item.relative), item.ends[1]),
                "budget": item.budget,
                "currency": country.currency,
                "expected_attendance": item.expected,
                "attendance": item.attendance,
                "owner": users.get(item.owner),
                "challenge": challenges.get(item.challenge),
                "cultural_moment": moments.get(item.moment),
                "videos_produced": item.videos,
                "description": item.description,
            },
        )
        for partner_name, role in item.partners:
            seeder.ensure(EventPartner, {"event": event, "partner": partners[partner_name]}, {"role": role})
            partner_touch(partners[partner_name])  # last worked with, as the services keep it
        for title, assignee, due, done in item.tasks:
            done_on = _day(seeder, done, item.relative)
            seeder.ensure(
                EventTask,
                {"event": event, "title": title},
                {
                    "assignee": users.get(assignee),
                    "due_on": _day(seeder, due, item.relative),
                    "done_at": seeder.local(zone, done_on, 17) if done_on else None,
                    "done_by": users.get(assignee) if done_on else None,
                },
            )
        for name, status in item.guests:
            seeder.ensure(EventGuest, {"event": event, "influencer": influencers[name]}, {"status": status})
