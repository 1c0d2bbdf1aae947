"""The country handover pack: one ZIP for staff who rotate, with what the next person needs.

Influencers with their outreach log and the follow-ups still open, challenges, events (their
tasks and partners), partners, the team roster, upcoming cultural moments; government contacts,
the interaction history, open incidents and commitments only for someone who may see government
relations in that country; the quarter's goals for everyone; creator agreements still open, what
their creators still owe and the payments still to make only for someone who may see money
(``finance.view``) there. Each list as CSV, and all of them in one workbook.
"""

from __future__ import annotations

import datetime as dt
import tempfile
import zipfile
from collections.abc import Iterable

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _

from agreements.models import Deliverable
from agreements.models import Status as AgreementStatus
from locales.models import CulturalMoment, CulturalMomentOccurrence
from locales.models.government import IncidentStatus
from locales.models.requests import RequestStatus
from opsportal import l10n
from opsportal.access import Access, Perm, in_country

from .registry import LISTS
from .writers import csv_stream, xlsx_file

PLAIN_LISTS = ["influencers", "outreach", "challenges", "events", "event-tasks", "event-partners", "partners"]
GOVERNMENT_LISTS = [
    "government-contacts",
    "government-interactions",
    "incidents",
    "commitments",
    "regulator-requests",
    "regulator-request-items",
]
# Agreements still running: a draft to sign, a signed one whose creator owes videos, a delivered
# one waiting to be paid.
OPEN_AGREEMENTS = [AgreementStatus.DRAFT, AgreementStatus.SIGNED, AgreementStatus.DELIVERED]


def _list_rows(access: Access, name: str, country, extra_filter: dict | None = None):
    spec = LISTS[name]
    columns = spec.columns()
    queryset = in_country(access.scope(spec.queryset(columns)), country)
    queryset = queryset.filter(**(extra_filter or {})).order_by("pk")
    return [c.header for c in columns], spec.rows(queryset, columns)


def _moments(access: Access, country, today: dt.date):
    """Cultural moments coming up (from today on), one row per occurrence."""
    headers = ["name", "local_name", "year", "starts_on", "ends_on", "description", "content_ideas"]
    occurrences = CulturalMomentOccurrence.objects.filter(ends_on__gte=today).order_by("starts_on")
    moments = in_country(access.scope(CulturalMoment.objects.all()), country).prefetch_related(
        Prefetch("occurrences", queryset=occurrences, to_attr="upcoming")
    )
    rows = sorted(
        (
            [m.name, m.local_name, o.year, o.starts_on, o.ends_on, m.description, m.content_ideas]
            for m in moments
            for o in m.upcoming
        ),
        key=lambda row: row[3],
    )
    return headers, rows


def _open_deliverables(access: Access, country):
    """What creators still owe on open agreements, soonest first (no export list of its own)."""
    headers = ["agreement", "influencer", "description", "hashtag", "videos_required", "due_on"]
    deliverables = in_country(access.scope(Deliverable.objects.all()), country).filter(
        delivered_at__isnull=True, agreement__status__in=OPEN_AGREEMENTS
    )
    rows = (
        [d.agreement.title, d.agreement.influencer.name, d.description, d.hashtag, d.videos_required, d.due_on]
        for d in deliverables.select_related("agreement__influencer").order_by("due_on", "pk")
    )
    return headers, rows


def pack_contents(access: Access, country) -> list[tuple[str, object]]:
    """(file name without extension, a function giving (headers, rows)) for everything this
    person may hand over. Rows are read lazily, so each list can be streamed twice (CSV, XLSX)."""
    today = timezone.localtime(timezone.now(), country.zone).date()
    parts = [(name, lambda n=name: _list_rows(access, n, country)) for name in PLAIN_LISTS]
    # What the next person must pick up first: follow-ups promised and not done yet.
    open_follow_ups = {"follow_up_done": False, "next_follow_up_on__isnull": False}
    parts.insert(2, ("follow-ups-open", lambda: _list_rows(access, "outreach", country, open_follow_ups)))
    parts.append(("team", lambda: _list_rows(access, "team", country)))
    parts.append(("cultural-moments-upcoming", lambda: _moments(access, country, today)))
    # The targets the team is judged on this quarter (the country's quarter), with attainment.
    this_quarter = {"year": today.year, "quarter": (today.month - 1) // 3 + 1}
    parts.append(("goals-this-quarter", lambda: _list_rows(access, "goals", country, this_quarter)))
    if access.can(Perm.FINANCE_VIEW, country.pk):
        running = {"status__in": OPEN_AGREEMENTS}
        parts.append(("open-agreements", lambda: _list_rows(access, "agreements", country, running)))
        parts.append(("deliverables-owed", lambda: _open_deliverables(access, country)))
        unpaid = {"paid_on__isnull": True, "agreement__status__in": OPEN_AGREEMENTS}
        parts.append(("payments-due", lambda: _list_rows(access, "payments", country, unpaid)))
    if access.can(Perm.GOVERNMENT_VIEW, country.pk):
        parts.append(("government-contacts", lambda: _list_rows(access, "government-contacts", country)))
        parts.append(("government-interactions", lambda: _list_rows(access, "government-interactions", country)))
        open_only = {"status__in": [IncidentStatus.OPEN, IncidentStatus.MONITORING]}
        parts.append(("open-incidents", lambda: _list_rows(access, "incidents", country, open_only)))
        parts.append(("commitments", lambda: _list_rows(access, "commitments", country)))
        # Requests still on a clock, with their items: who handles each (a leaver's first of all).
        waiting = {"status__in": list(RequestStatus.open_values())}
        parts.append(("open-regulator-requests", lambda: _list_rows(access, "regulator-requests", country, waiting)))
        waiting_items = {"request__status__in": list(RequestStatus.open_values())}
        parts.append(
            (
                "open-regulator-request-items",
                lambda: _list_rows(access, "regulator-request-items", country, waiting_items),
            )
        )
    return parts


def build_pack(access: Access, country, *, by: str = ""):
    """A temporary ZIP file (positioned at the start) and the names of the files inside."""
    parts = pack_contents(access, country)
    handle = tempfile.TemporaryFile()  # noqa: SIM115 - handed to the response, which closes it
    names, counts = [], []
    now = timezone.localtime(timezone.now(), country.zone)
    with zipfile.ZipFile(handle, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, make in parts:
            headers, rows = make()
            with archive.open(f"{name}.csv", "w") as out:
                for chunk in csv_stream(headers, _counted(rows, counts, name)):
                    out.write(chunk)
            names.append(f"{name}.csv")
        with (
            xlsx_file([(name, *make()) for name, make in parts]) as workbook,
            archive.open("handover.xlsx", "w") as out,
        ):
            while chunk := workbook.read(1024 * 1024):
                out.write(chunk)
        names.append("handover.xlsx")
        # The README is read by a person: their language's date and the country's name in it.
        lines = [
            _("Handover pack for %(country)s") % {"country": l10n.country_name(country)},
            _("Made %(when)s (%(zone)s) by %(who)s.")
            % {"when": l10n.local_dt(now, country.zone), "zone": country.timezone, "who": by or l10n.DASH},
            "",
            *[f"- {name}.csv: {n}" for name, n in counts],
            "- handover.xlsx",
            "",
            _(
                "Government contacts, interactions, open incidents, commitments and open regulator "
                "requests are included."
            )
            if access.can(Perm.GOVERNMENT_VIEW, country.pk)
            else _("Government relations are not included: they need the government-relations role."),
            _("Open creator agreements, the deliverables still owed and the payments still due are included.")
            if access.can(Perm.FINANCE_VIEW, country.pk)
            else _("Creator agreements and payments are not included: they need the right to see money."),
        ]
        archive.writestr("README.txt", "\n".join(str(line) for line in lines) + "\n")
        names.append("README.txt")
    handle.seek(0)
    return handle, names


def _counted(rows: Iterable[list], counts: list, name: str):
    n = 0
    for row in rows:
        n += 1
        yield row
    counts.append((name, n))
