"""Government relations: the July 2018 Indonesian ban, the 4 July meeting, and today's open threads.

The officials are named by office; the other people are invented for the demo.
"""

from __future__ import annotations

import datetime as dt

from locales.models import GovernmentCommitment, GovernmentContact, GovernmentInteraction, RegulatoryIncident
from locales.models.government import CommitmentStatus, IncidentKind, IncidentStatus, Influence, Stance

from .base import Seeder
from .requests import seed_regulator_requests

D = dt.date
KOMINFO = "Ministry of Communication and Information Technology (Kominfo)"

CONTACTS = [
    # key, country, organization, person, local name, title, stance, influence, owner, channels
    (
        "minister",
        "ID",
        KOMINFO,
        "The Minister",
        "Menteri Komunikasi dan Informatika",
        "Minister of Communications and Information Technology",
        Stance.NEUTRAL,
        Influence.HIGH,
        "id-lead",
        "Through the minister's office; formal letters to the secretariat.",
    ),
    (
        "aptika",
        "ID",
        KOMINFO,
        "Hendra Kusuma",
        "",
        "Director, Informatics Application Control",
        Stance.CAUTIOUS,
        Influence.HIGH,
        "id-gr",
        "Office line; WhatsApp through his aide for urgent takedowns.",
    ),
    (
        "kpai",
        "ID",
        "Indonesian Child Protection Commission (KPAI)",
        "Ratna Sari",
        "",
        "Commissioner",
        Stance.CAUTIOUS,
        Influence.MEDIUM,
        "id-gr",
        "Email the commission secretariat.",
    ),
    (
        "nbtc",
        "TH",
        "Office of the National Broadcasting and Telecommunications Commission (NBTC)",
        "Prasert Wongsa",
        "ประเสริฐ วงศา",
        "Deputy Secretary-General",
        Stance.NEUTRAL,
        Influence.HIGH,
        "th-lead",
        "Formal letters; monthly platform briefing.",
    ),
]


def seed_government(seeder: Seeder, countries: dict, users: dict) -> None:
    jakarta, bangkok = countries["ID"].timezone, countries["TH"].timezone
    contacts = {}
    for key, code, org, person, local, title, stance, influence, owner, channels in CONTACTS:
        contacts[key] = seeder.ensure(
            GovernmentContact,
            {"country": countries[code], "organization": org, "person_name": person},
            {
                "local_name": local,
                "title": title,
                "stance": stance,
                "influence": influence,
                "relationship_owner": users.get(owner),
                "channels": channels,
            },
        )

    ban = seeder.ensure(
        RegulatoryIncident,
        {"country": countries["ID"], "title": "Temporary block of the app by Kominfo"},
        {
            "kind": IncidentKind.BAN,
            "status": IncidentStatus.RESOLVED,
            "opened_at": seeder.local(jakarta, D(2018, 7, 3), 12),
            "resolved_at": seeder.local(jakarta, D(2018, 7, 10), 18),
            "days_restricted": 7,
            "summary": (
                "The ministry blocked the app over negative content reaching young users. Management met the "
                "Minister the next day; service fully resumed about a week later once a clean-up and local "
                "moderation plan were agreed. Lesson: keep the channels to the regulators open before a crisis."
            ),
            "owner": users.get("id-lead"),
        },
    )
    inquiry = seeder.ensure(
        RegulatoryIncident,
        {"country": countries["TH"], "title": "NBTC inquiry about live-stream content ratings"},
        {
            "kind": IncidentKind.INQUIRY,
            "status": IncidentStatus.OPEN,
            "opened_at": seeder.local(bangkok, seeder.day(-12), 10),
            "resolved_at": None,
            "days_restricted": None,
            "summary": "The NBTC asked how live streams are rated and moderated for minors.",
            "owner": users.get("th-lead"),
        },
    )

    interactions = [
        # contact, incident, kind, when, summary, outcome, follow-up, owner
        (
            "aptika",
            ban,
            "call",
            seeder.local(jakarta, D(2018, 7, 3), 14),
            "Notice of the block received; asked which content triggered it.",
            "List of flagged videos promised within the day.",
            D(2018, 7, 4),
            "id-gr",
        ),
        (
            "minister",
            ban,
            "meeting",
            seeder.local(jakarta, D(2018, 7, 4), 10),
            "Management met the Minister of Communications and Information Technology about the block.",
            "Agreed to remove negative content, grow the local moderation team and add an age check; "
            "the ministry would review the block once the clean-up was shown.",
            D(2018, 7, 6),
            "id-lead",
        ),
        (
            "aptika",
            ban,
            "letter",
            seeder.local(jakarta, D(2018, 7, 6), 16),
            "Sent the clean-up report and the moderation plan.",
            "Acknowledged.",
            D(2018, 7, 9),
            "id-gr",
        ),
        (
            "aptika",
            ban,
            "meeting",
            seeder.local(jakarta, D(2018, 7, 10), 11),
            "Review of the clean-up with the directorate.",
            "Block lifted; service fully resumed.",
            None,
            "id-gr",
        ),
        # Today's threads: a follow-up due yesterday, a contact untouched for four months.
        (
            "aptika",
            None,
            "meeting",
            seeder.local(jakarta, seeder.day(-20), 10),
            "Quarterly check-in on takedown response times.",
            "They asked for the next quarterly moderation report.",
            seeder.day(-1),
            "id-gr",
        ),
        (
            "kpai",
            None,
            "email",
            seeder.local(jakarta, seeder.day(-120), 9),
            "Shared the new teen safety settings.",
            "No reply yet.",
            None,
            "id-gr",
        ),
        (
            "nbtc",
            inquiry,
            "call",
            seeder.local(bangkok, seeder.day(-12), 14),
            "Inquiry received by phone; formal letter to follow.",
            "",
            seeder.day(2),
            "th-lead",
        ),
    ]
    latest = {}
    for key, incident, kind, when, summary, outcome, follow_up, owner in interactions:
        contact = contacts[key]
        seeder.ensure(
            GovernmentInteraction,
            {"contact": contact, "summary": summary},
            {
                "country": contact.country,
                "incident": incident,
                "kind": kind,
                "occurred_at": when,
                "outcome": outcome,
                "follow_up_on": follow_up,
                "owner": users.get(owner),
            },
        )
        latest[key] = max(latest.get(key, when), when)
    for key, contact in contacts.items():
        seeder.ensure(GovernmentContact, {"pk": contact.pk}, {"last_contacted_at": latest.get(key)})

    commitments = [
        (
            "ID",
            ban,
            "minister",
            "Remove the negative content flagged by the ministry",
            D(2018, 7, 10),
            CommitmentStatus.DONE,
            "id-lead",
        ),
        (
            "ID",
            ban,
            "minister",
            "Grow the local content moderation team in Jakarta",
            D(2018, 9, 30),
            CommitmentStatus.DONE,
            "id-lead",
        ),
        ("ID", ban, "aptika", "Add an age check to sign-up", D(2018, 8, 31), CommitmentStatus.DONE, "id-gr"),
        (
            "ID",
            None,
            "aptika",
            "Send the quarterly moderation report to the directorate",
            seeder.day(10),
            CommitmentStatus.OPEN,
            "id-gr",
        ),
        ("TH", inquiry, "nbtc", "Answer the NBTC inquiry in writing", seeder.day(5), CommitmentStatus.OPEN, "th-lead"),
    ]
    # Promises made at a meeting are dated by that meeting: the July 2018 ones at the 4 July
    # meeting with the minister (not at their due dates, and not on the day the demo loads).
    made_at = {ban.pk: seeder.local(jakarta, D(2018, 7, 4), 11)}
    promised = {}
    for code, incident, key, description, due, status, owner in commitments:
        promised[description] = seeder.ensure(
            GovernmentCommitment,
            {"country": countries[code], "description": description},
            {
                "incident": incident,
                "contact": contacts[key],
                "due_on": due,
                "status": status,
                "owner": users.get(owner),
            },
            at=made_at.get(getattr(incident, "pk", None)),
        )
    seed_regulator_requests(seeder, countries, users, ban=ban, contacts=contacts, commitments=promised)
