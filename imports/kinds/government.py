"""Government contacts and regulator requests: confidential, so importing them needs the
government-edit permission."""

from __future__ import annotations

from django.db.models.functions import Lower
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from django.utils.translation import pgettext_lazy

from imports import parsing
from imports.kinds.base import Column, Outcome, RowByRowKind, RowProblems, Run, collect, differences
from imports.kinds.challenges import COUNTRY
from imports.kinds.influencers import _email
from locales.models import GovernmentContact, RegulatorRequest
from locales.models.government import Influence, Stance
from locales.models.requests import RequestChannel, RequestKind, RequestStatus
from locales.requests import request_save
from locales.services import government_contact_save
from opsportal.access import Perm

STANCE_ALIASES = {
    "positive": "supportive",
    "friendly": "supportive",
    "mendukung": "supportive",
    "netral": "neutral",
    "careful": "cautious",
    "hati-hati": "cautious",
    "hostile": "opposed",
    "against": "opposed",
    "menentang": "opposed",
}
INFLUENCE_ALIASES = {"rendah": "low", "sedang": "medium", "tinggi": "high", "med": "medium"}


class GovernmentContactKind(RowByRowKind):
    name = "government_contacts"
    label = _l("Government contacts")
    model = GovernmentContact
    perm = Perm.GOVERNMENT_EDIT
    natural_key = _l("country + organization + person (both case-insensitive)")
    columns = [
        COUNTRY,
        Column(
            "organization",
            _l("Organization"),
            aliases=("organisation", "org", "ministry", "agency", "instansi", "lembaga", "kementerian", "office"),
            required=True,
            example="Ministry of Communications and Information Technology",
        ),
        Column(
            "person_name",
            _l("Person"),
            aliases=("person", "name", "contact", "contact_name", "nama", "full_name"),
            required=True,
            example="Budi Santoso",
        ),
        Column("local_name", _l("Name in local script"), aliases=("name_local", "native_name", "nama_lokal")),
        # A person's position ("Director General"), not a record's title: Thai says ตำแหน่ง there.
        Column(
            "title",
            pgettext_lazy("job title of a government contact", "Title"),
            aliases=("position", "jabatan", "role", "job_title"),
            example="Director General",
        ),
        Column("email", _l("Email"), aliases=("e_mail", "mail")),
        Column("phone", _l("Phone"), aliases=("tel", "telephone", "mobile", "hp", "no_hp", "whatsapp", "telepon")),
        Column("channels", _l("Channels"), aliases=("channel", "how_to_reach", "contact_via", "aide")),
        Column(
            "stance",
            _l("Stance"),
            aliases=("attitude", "sikap", "position_on_us"),
            help=_l("supportive, neutral, cautious or opposed."),
        ),
        Column("influence", _l("Influence"), aliases=("pengaruh", "importance"), help=_l("low, medium or high.")),
        Column("relationship_owner", _l("Relationship owner"), aliases=("owner", "pic", "managed_by")),
        Column(
            "last_contacted_at",
            _l("Last contacted"),
            aliases=("last_contact", "last_contacted", "last_met", "kontak_terakhir"),
            example="04/07/2018",
        ),
        Column("notes", _l("Notes"), aliases=("note", "catatan", "remarks", "comments")),
    ]

    def import_row(self, run: Run, number: int, values: dict) -> tuple[str, str]:
        country = run.country_for(values)
        clean, problems = collect(
            values,
            {
                "organization": lambda v: parsing.clean_text(v, max_length=200),
                "person_name": lambda v: parsing.clean_text(v, max_length=200),
                "local_name": lambda v: parsing.clean_text(v, max_length=200),
                "title": lambda v: parsing.clean_text(v, max_length=200),
                "email": _email,
                "phone": lambda v: parsing.clean_text(v, max_length=50),
                "channels": parsing.clean_text,
                "stance": lambda v: parsing.parse_choice(v, Stance.choices, STANCE_ALIASES),
                "influence": lambda v: parsing.parse_choice(v, Influence.choices, INFLUENCE_ALIASES),
                "relationship_owner": lambda v: run.user_for("relationship_owner", v, country, GovernmentContact).pk,
                "last_contacted_at": lambda v: parsing.parse_datetime(
                    v, day_first=country.dates_day_first, zone=country.zone
                ),
                "notes": parsing.clean_text,
            },
        )
        for name in ("organization", "person_name"):
            if name not in clean and not any(p[0] == name for p in problems):
                problems.append((name, _("Required.")))
        if problems:
            raise RowProblems(problems)
        if "relationship_owner" in clean:
            clean["relationship_owner_id"] = clean.pop("relationship_owner")
        organization, person = clean.pop("organization"), clean.pop("person_name")
        key = (country.pk, organization.lower(), person.lower())
        label = f"{person} ({organization})"
        contact = (
            GovernmentContact.objects.annotate(org_lower=Lower("organization"), person_lower=Lower("person_name"))
            .filter(country=country, org_lower=key[1], person_lower=key[2])
            .order_by("pk")
            .first()
        )
        contacted_at = clean.pop("last_contacted_at", None)
        if contact is None:
            contact = GovernmentContact(country=country, organization=organization, person_name=person, **clean)
            government_contact_save(contact, by=run.user, contacted_at=contacted_at)
            run.seen[key] = number
            run.record("government_contact", "create")
            return Outcome.CREATE, label
        changes = differences(contact, clean)
        if contacted_at and (contact.last_contacted_at is None or contacted_at > contact.last_contacted_at):
            changes["last_contacted_at"] = (contact.last_contacted_at, contacted_at)
        duplicate = self.check_duplicate(run, key, number, contact, changes, label)
        if duplicate:
            return duplicate
        if not changes:
            return Outcome.UNCHANGED, label
        for name, (_old, new) in changes.items():
            if name != "last_contacted_at":
                setattr(contact, name, new)
        government_contact_save(contact, by=run.user, contacted_at=contacted_at)
        run.record("government_contact", "update")
        return Outcome.UPDATE, f"{label}: " + ", ".join(sorted(changes))


# --- regulator requests -------------------------------------------------------------------------

REQUEST_KIND_ALIASES = {
    "takedown_request": "takedown",
    "content_takedown": "takedown",
    "removal": "takedown",
    "penurunan_konten": "takedown",
    "data_request": "data",
    "permintaan_data": "data",
    "age_restriction": "age",
    "feature_restriction": "feature",
}
REQUEST_STATUS_ALIASES = {"open": "received", "new": "received", "done": "closed", "selesai": "closed"}


class RegulatorRequestKind(RowByRowKind):
    """A spreadsheet of requests kept before OpsPortal: one row per request (its items are added
    in the portal or the API). A row with a known country and reference corrects that request."""

    name = "regulator_requests"
    label = _l("Regulator requests")
    model = RegulatorRequest
    perm = Perm.GOVERNMENT_EDIT
    natural_key = _l("country + reference")
    columns = [
        COUNTRY,
        Column(
            "reference",
            _l("Reference"),
            aliases=("ref", "file_number", "nomor", "nomor_surat", "case"),
            required=True,
            example="KOMINFO/TD/2018-07-03",
        ),
        Column(
            "authority",
            _l("From"),
            aliases=("from", "regulator", "sender", "court", "pengirim", "instansi"),
            required=True,
            example="Kominfo",
        ),
        Column(
            "kind",
            _l("Kind"),
            aliases=("type", "jenis", "request_type"),
            help=_l("takedown, data, age, feature or other."),
        ),
        Column(
            "channel", _l("Channel"), aliases=("via", "media"), help=_l("letter, email, portal, phone, court_order.")
        ),
        Column(
            "received_at",
            _l("Received at"),
            aliases=("received", "date", "diterima", "tanggal"),
            required=True,
            example="03/07/2018 12:00",
        ),
        Column("deadline", _l("Deadline"), aliases=("due", "due_at", "batas_waktu", "tenggat")),
        Column("status", _l("Status"), aliases=("state",), help=_l("received, in_progress, answered, complied...")),
        Column("answered_at", _l("Answered at"), aliases=("answered", "dijawab", "replied_at")),
        Column("handler", _l("Handled by"), aliases=("owner", "pic", "handled_by")),
        Column("summary", _l("What they ask"), aliases=("request", "description", "isi")),
        Column("outcome", _l("What was done"), aliases=("result", "action_taken", "hasil")),
    ]

    def import_row(self, run: Run, number: int, values: dict) -> tuple[str, str]:
        country = run.country_for(values)

        def when(value):
            return parsing.parse_datetime(value, day_first=country.dates_day_first, zone=country.zone)

        clean, problems = collect(
            values,
            {
                "reference": lambda v: parsing.clean_text(v, max_length=100),
                "authority": lambda v: parsing.clean_text(v, max_length=200),
                "kind": lambda v: parsing.parse_choice(v, RequestKind.choices, REQUEST_KIND_ALIASES),
                "channel": lambda v: parsing.parse_choice(v, RequestChannel.choices),
                "received_at": when,
                "deadline": when,
                "status": lambda v: parsing.parse_choice(v, RequestStatus.choices, REQUEST_STATUS_ALIASES),
                "answered_at": when,
                "handler": lambda v: run.user_for("handler", v, country, RegulatorRequest).pk,
                "summary": parsing.clean_text,
                "outcome": parsing.clean_text,
            },
        )
        for name in ("reference", "authority", "received_at"):
            if not clean.get(name) and not any(p[0] == name for p in problems):
                problems.append((name, _("Required.")))
        if problems:
            raise RowProblems(problems)
        if "handler" in clean:
            clean["handler_id"] = clean.pop("handler")
        reference = clean.pop("reference")
        key = (country.pk, reference.lower())
        record = (
            RegulatorRequest.objects.annotate(reference_lower=Lower("reference"))
            .filter(country=country, reference_lower=key[1])
            .order_by("pk")
            .first()
        )
        if record is None:
            # request_save fills the deadline from the country's hours and stamps an answer.
            record = RegulatorRequest(country=country, reference=reference, **clean)
            request_save(record, by=run.user)
            run.seen[key] = number
            run.record("regulator_request", "create")
            return Outcome.CREATE, reference
        changes = differences(record, clean)
        duplicate = self.check_duplicate(run, key, number, record, changes, reference)
        if duplicate:
            return duplicate
        if not changes:
            return Outcome.UNCHANGED, reference
        for name, (_old, new) in changes.items():
            setattr(record, name, new)
        request_save(record, by=run.user)
        run.record("regulator_request", "update")
        return Outcome.UPDATE, f"{reference}: " + ", ".join(sorted(changes))
