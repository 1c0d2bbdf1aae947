"""Regulator requests of the story: the takedown requests around the July 2018 block in
Indonesia (answered on time, one late), the age check promised at the 4 July meeting, and
today's open ones (a court's data request due tomorrow, an NBTC takedown past its deadline).

The references and the video addresses are invented for the demo.
"""

from __future__ import annotations

import datetime as dt

from locales.models import RegulatorRequest, RequestItem
from locales.models.requests import ItemAction, RequestChannel, RequestKind, RequestStatus

from .base import Seeder

D = dt.date
KOMINFO = "Kominfo: Directorate of Informatics Application Control"


def seed_regulator_requests(seeder: Seeder, countries: dict, users: dict, *, ban, contacts, commitments) -> None:
    jakarta, bangkok = countries["ID"].timezone, countries["TH"].timezone

    def hours(country, received, n=None):
        return received + dt.timedelta(hours=n or countries[country].request_deadline_hours)

    takedown_received = seeder.local(jakarta, D(2018, 7, 3), 12)
    kpai_received = seeder.local(jakarta, D(2018, 7, 5), 9)
    age_received = seeder.local(jakarta, D(2018, 7, 4), 10)
    court_received = seeder.local(jakarta, seeder.day(-1), 10)
    nbtc_received = seeder.local(bangkok, seeder.day(-3), 15)
    requests = [
        # country, reference, values, items (target, action, note)
        (
            "ID",
            "KOMINFO/TD/2018-07-03",
            {
                "kind": RequestKind.TAKEDOWN,
                "authority": KOMINFO,
                "contact": contacts["aptika"],
                "channel": RequestChannel.LETTER,
                "summary": "Remove the videos and accounts on the ministry's list of negative content.",
                "received_at": takedown_received,
                "deadline": hours("ID", takedown_received),
                "status": RequestStatus.COMPLIED,
                "answered_at": seeder.local(jakarta, D(2018, 7, 4), 20),
                "handler": users.get("id-gr"),
                "incident": ban,
                "commitment": commitments.get("Remove the negative content flagged by the ministry"),
                "outcome": "Every listed video removed or restricted; the clean-up report went to the directorate.",
            },
            [
                ("https://www.example.com/@prank.id/video/6574000000000000001", ItemAction.REMOVED, ""),
                ("https://www.example.com/@prank.id/video/6574000000000000002", ItemAction.REMOVED, ""),
                ("@prank.id", ItemAction.RESTRICTED, "Account hidden from search for minors."),
                (
                    "https://www.example.com/@dance.jkt/video/6574000000000000003",
                    ItemAction.KEPT,
                    "A school dance: no breach.",
                ),
                ("#challengejorok", ItemAction.RESTRICTED, "Hashtag page hidden."),
            ],
        ),
        (
            "ID",
            "KPAI/2018/07/112",
            {
                "kind": RequestKind.TAKEDOWN,
                "authority": "Indonesian Child Protection Commission (KPAI)",
                "contact": contacts["kpai"],
                "channel": RequestChannel.EMAIL,
                "summary": "Videos showing minors in unsafe stunts.",
                "received_at": kpai_received,
                "deadline": hours("ID", kpai_received),
                "status": RequestStatus.ANSWERED,
                "answered_at": seeder.local(jakarta, D(2018, 7, 8), 10),
                "handler": users.get("id-gr"),
                "incident": ban,
                "outcome": "Answered a day late: the moderation team was busy with the ministry's list.",
            },
            [
                ("https://www.example.com/@stunt.kid/video/6575000000000000001", ItemAction.REMOVED, ""),
                ("https://www.example.com/@stunt.kid/video/6575000000000000002", ItemAction.REMOVED, ""),
            ],
        ),
        (
            "ID",
            "KOMINFO/AGE/2018-07-04",
            {
                "kind": RequestKind.AGE,
                "authority": KOMINFO,
                "contact": contacts["minister"],
                "channel": RequestChannel.MEETING,
                "summary": "Add an age check to sign-up before the block is reviewed again.",
                "received_at": age_received,
                "deadline": seeder.local(jakarta, D(2018, 8, 31), 17),
                "status": RequestStatus.COMPLIED,
                "answered_at": seeder.local(jakarta, D(2018, 8, 28), 15),
                "handler": users.get("id-gr"),
                "incident": ban,
                "commitment": commitments.get("Add an age check to sign-up"),
                "outcome": "Age check live in the Indonesian app on 28 August 2018.",
            },
            [],
        ),
        (
            "ID",
            "PN-JKT.SEL/2026/PDT/88",
            {
                "kind": RequestKind.DATA,
                "authority": "South Jakarta District Court",
                "channel": RequestChannel.COURT_ORDER,
                "summary": "Account data of a user named in a defamation case.",
                "received_at": court_received,
                "deadline": hours("ID", court_received),
                "status": RequestStatus.IN_PROGRESS,
                "answered_at": None,
                "handler": users.get("id-gr"),
            },
            [("@gosip.jaksel", ItemAction.PENDING, "Legal is checking the order.")],
        ),
        (
            "TH",
            "NBTC/LIVE/0415",
            {
                "kind": RequestKind.TAKEDOWN,
                "authority": "Office of the NBTC",
                "contact": contacts["nbtc"],
                "channel": RequestChannel.PORTAL,
                "summary": "A live stream replay with gambling promotion.",
                "received_at": nbtc_received,
                "deadline": hours("TH", nbtc_received),
                "status": RequestStatus.RECEIVED,
                "answered_at": None,
                "handler": users.get("th-lead"),
            },
            [("https://www.example.com/@luckyspin.th/live/0415", ItemAction.PENDING, "")],
        ),
    ]
    for code, reference, values, items in requests:
        record = seeder.ensure(
            RegulatorRequest, {"country": countries[code], "reference": reference}, values, at=values["received_at"]
        )
        for target, action, note in items:
            seeder.ensure(
                RequestItem,
                {"request": record, "target": target},
                {"action": action, "note": note},
                at=values["received_at"],
            )
