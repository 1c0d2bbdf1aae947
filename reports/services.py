"""Weekly reports: when they are due, who receives them, and dispatching each exactly once.

``weekly_report_dispatch`` stores the report and queues one outbox row per recipient in one
transaction, with the report row locked: run it twice (a replayed tick, two workers, the command
after the beat) and the second run finds ``sent_at`` set and sends nothing, unless asked to resend.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from dataclasses import asdict, dataclass, field
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from locales.models import Country, HQAccess, StaffProfile, TeamMembership
from opsportal import charts, mail
from opsportal.access import HQ_PERMISSIONS, ROLE_PERMISSIONS, Perm, in_country
from opsportal.db_router import Reads, heavy_reads
from opsportal.models import ReminderDelivery
from reports.models import WeeklyReport

from .figures import country_figures
from .hq import hq_figures
from .weeks import catchup_window, due_week, last_due_week, week_of

log = logging.getLogger(__name__)

REPORT_KIND = "weekly_report"
HQ_KIND = "hq_report"


def hq_timezone() -> ZoneInfo:
    return ZoneInfo(getattr(settings, "OPSPORTAL_HQ_TIMEZONE", "UTC"))


# --- Recipients -------------------------------------------------------------------------
@dataclass
class Recipient:
    email: str
    language: str
    government: bool
    user_id: int | None = None
    name: str = ""
    buddhist_era: bool = False  # a Thai reader's choice of calendar, for dates and chart years


def _extra_addresses(country: Country) -> list[str]:
    addresses = []
    for entry in country.extra_report_recipients or []:
        address = (entry.get("email", "") if isinstance(entry, dict) else str(entry)).strip()
        try:
            validate_email(address)
        except ValidationError:
            log.warning("reports: %s has an invalid extra recipient %r, skipped", country.code, address)
            continue
        addresses.append(address)
    return addresses


def country_recipients(country: Country) -> list[Recipient]:
    """The country team (by role: government figures only for those who may see them) and extras."""
    members = (
        in_country(TeamMembership.objects.filter(user__is_active=True), country)
        .exclude(user__email="")
        .select_related("user", "user__profile")
        .order_by("user__email")
    )
    recipients: dict[str, Recipient] = {}
    for m in members:
        profile = getattr(m.user, "profile", None)
        recipients[m.user.email.lower()] = Recipient(
            email=m.user.email,
            language=mail.language_for(getattr(profile, "preferred_language", ""), country.default_language),
            government=Perm.GOVERNMENT_VIEW in ROLE_PERMISSIONS.get(m.role, frozenset()),
            user_id=m.user_id,
            name=m.user.get_full_name() or m.user.username,
            buddhist_era=bool(getattr(profile, "buddhist_era", False)),
        )
    for address in _extra_addresses(country):
        recipients.setdefault(
            address.lower(),
            Recipient(email=address, language=mail.language_for(None, country.default_language), government=False),
        )
    return list(recipients.values())


def hq_recipients() -> list[Recipient]:
    profiles = (
        StaffProfile.objects.filter(user__is_active=True, hq_access__in=[HQAccess.VIEWER, HQAccess.VIEWER_GOVERNMENT])
        .exclude(user__email="")
        .select_related("user")
        .order_by("user__email")
    )
    return [
        Recipient(
            email=p.user.email,
            language=mail.language_for(p.preferred_language),
            government=Perm.GOVERNMENT_VIEW in HQ_PERMISSIONS.get(p.hq_access, frozenset()),
            user_id=p.user_id,
            name=p.user.get_full_name() or p.user.username,
            buddhist_era=bool(p.buddhist_era),
        )
        for p in profiles
    ]


# --- Building ---------------------------------------------------------------------------
def country_chart(figures: dict) -> bytes | None:
    """Daily views of the top challenges, as the PNG the email shows inline."""
    series = {
        name: [(dt.date.fromisoformat(day), value) for day, value in points]
        for name, points in figures["challenges"]["daily_views"].items()
    }
    if not series:
        return None
    return charts.line_chart(series, fmt="png", width=7.2, height=3.0)


def hq_chart(figures: dict) -> bytes | None:
    from opsportal import l10n

    # Bars named in the reader's language (the chart is drawn once per reader language).
    values = {l10n.country_name(row): row["views_gained"] for row in figures["countries"][:15] if row["views_gained"]}
    if not values:
        return None
    return charts.bar_chart(values, fmt="png", width=7.2, height=max(2.0, 0.28 * len(values) + 0.8))


def build_country_report(country: Country, week: str) -> dict:
    """The week's figures, from the read replica when one is configured and holds every write
    made before (opsportal.db_router). The chart is not stored: it is drawn in each reader's
    language (``render.chart_png``), as a picture drawn once would speak only the first reader's."""
    with heavy_reads(Reads.REPORT):
        return country_figures(country, week)


def build_hq_report(week: str) -> dict:
    """HQ's figures from the stored country reports; on the replica like a country's, except
    when refreshed under its row lock (``hq_report_refresh``), which reads the primary."""
    with heavy_reads(Reads.REPORT):
        return hq_figures(week)


# --- Dispatching --------------------------------------------------------------------------
@dataclass
class Dispatch:
    report: WeeklyReport | None
    delivery_ids: list[int] = field(default_factory=list)
    recipients: list[Recipient] = field(default_factory=list)
    already_sent: bool = False
    nothing_to_report: bool = False  # HQ: no country report of the week exists to compare


def _key(report: WeeklyReport, generation: str, email: str) -> str:
    key = f"report:{report.pk}{generation}:{email.lower()}"
    if len(key) > 200:
        key = f"report:{report.pk}{generation}:{hashlib.sha256(email.lower().encode()).hexdigest()}"
    return key


def _dispatch(
    *, country: Country | None, week: str, kind: str, build, recipients, resend: bool, now: dt.datetime | None
) -> Dispatch:
    now = now or timezone.now()
    existing = in_country(WeeklyReport.objects.filter(week=week), country).only("pk", "sent_at").first()
    if existing and existing.sent_at and not resend:
        return Dispatch(existing, already_sent=True)
    # Figures and chart are computed before the transaction: no lock is held while matplotlib draws.
    data = None if (existing and existing.sent_at) else build()
    people = recipients()
    with transaction.atomic():
        report, _created = WeeklyReport.objects.get_or_create(country=country, week=week, defaults={"data": data})
        report = WeeklyReport.objects.select_for_update().get(pk=report.pk)
        if report.sent_at and not resend:
            return Dispatch(report, already_sent=True)
        if data is not None and not report.sent_at:
            report.data = data  # an unsent report (an earlier attempt died) gets fresh figures
        generation = f":resend-{now:%Y%m%dT%H%M%S}" if report.sent_at else ""
        rows = [
            ReminderDelivery(
                key=_key(report, generation, r.email),
                recipient_id=r.user_id,
                to_email="" if r.user_id else r.email,
                kind=kind,
                payload={
                    "report_id": report.pk,
                    "language": r.language,
                    "government": r.government,
                    "buddhist_era": r.buddhist_era,
                },
            )
            for r in people
        ]
        report.recipients = [asdict(r) for r in people]
        report.sent_at = now
        report.save(update_fields=["data", "recipients", "sent_at"])
        ids = mail.queue(rows)
    log.info("reports: %s %s dispatched to %s recipients", country or "HQ", week, len(people))
    return Dispatch(report, ids, people)


def weekly_report_dispatch(
    country: Country, week: str, *, resend: bool = False, now: dt.datetime | None = None
) -> Dispatch:
    """Store a country's report of ``week`` and queue it for every recipient, once.

    With ``resend`` an already sent report goes again (same stored figures) to today's recipients.
    A country reported after HQ's report of the same week went out updates what HQ reads of it.
    """
    dispatch = _dispatch(
        country=country,
        week=week,
        kind=REPORT_KIND,
        build=lambda: build_country_report(country, week),
        recipients=lambda: country_recipients(country),
        resend=resend,
        now=now,
    )
    if not dispatch.already_sent:
        hq_report_refresh(week)
    return dispatch


def _country_reports_sent(week: str) -> bool:
    return WeeklyReport.objects.filter(country__isnull=False, week=week, sent_at__isnull=False).exists()


def hq_report_dispatch(week: str, *, resend: bool = False, now: dt.datetime | None = None) -> Dispatch:
    """Store HQ's cross-country report of ``week`` and queue it for the HQ viewers, once.

    A week no country was reported for is not reported to HQ either (it would read as zeros):
    the dispatch comes back with ``nothing_to_report`` and nothing is stored or sent.
    """
    if not _country_reports_sent(week):
        return Dispatch(None, nothing_to_report=True)
    return _dispatch(
        country=None,
        week=week,
        kind=HQ_KIND,
        build=lambda: build_hq_report(week),
        recipients=hq_recipients,
        resend=resend,
        now=now,
    )


def hq_report_refresh(week: str) -> None:
    """Bring HQ's stored report of ``week`` (if any) up to the country reports now stored.

    The email that went out stays as it was; the portal's copy then shows the late country.
    """
    with transaction.atomic():
        # Locked by primary key: the model's ordering would join countries, which FOR UPDATE refuses.
        pk = WeeklyReport.objects.filter(country__isnull=True, week=week).values_list("pk", flat=True).first()
        if pk is None:
            return
        report = WeeklyReport.objects.select_for_update().get(pk=pk)
        report.data = build_hq_report(week)
        report.save(update_fields=["data"])


def weekly_report_resend(report: WeeklyReport, now: dt.datetime | None = None) -> Dispatch:
    if report.country_id:
        return weekly_report_dispatch(report.country, report.week, resend=True, now=now)
    return hq_report_dispatch(report.week, resend=True, now=now)


# --- What is due now ------------------------------------------------------------------------
def due_country_reports(now: dt.datetime | None = None) -> list[tuple[int, str]]:
    """(country id, week) of every report due now in its country's local time and not yet sent."""
    now = now or timezone.now()
    due = {}
    for pk, tz in Country.objects.order_by("pk").values_list("pk", "timezone"):
        week = due_week(now, tz)
        if week:
            due[pk] = week
    if not due:
        return []
    sent = set(
        WeeklyReport.objects.filter(
            country_id__in=list(due), week__in=set(due.values()), sent_at__isnull=False
        ).values_list("country_id", "week")
    )
    return [(pk, week) for pk, week in due.items() if (pk, week) not in sent]


HQ_WAIT = dt.timedelta(hours=24)  # HQ waits this long at most for the last country reports


def due_hq_report(now: dt.datetime | None = None) -> str | None:
    """The week of HQ's report if due: from Monday at the send hour in HQ's timezone, once every
    country's report of that week is out (or a day later at the latest, marking the missing ones).
    Never for a week with no country report at all."""
    now = now or timezone.now()
    week, at = last_due_week(now, hq_timezone())
    if now - at > catchup_window() + HQ_WAIT:
        return None
    if WeeklyReport.objects.filter(country__isnull=True, week=week, sent_at__isnull=False).exists():
        return None
    if not _country_reports_sent(week):
        return None  # nothing to compare yet (a fresh install, or every country still pending)
    if now >= at + HQ_WAIT:
        return week
    done = WeeklyReport.objects.filter(country__isnull=False, week=week, sent_at__isnull=False).count()
    return week if done >= Country.objects.count() else None


def default_week(country: Country | None = None, now: dt.datetime | None = None) -> str:
    """The week that just ended, in the country's (or HQ's) timezone: what ``--week`` defaults to."""
    tz = ZoneInfo(country.timezone) if country else hq_timezone()
    return week_of((now or timezone.now()).astimezone(tz).date() - dt.timedelta(days=7))


def describe_recipient(r: Recipient) -> str:
    parts = [r.email, r.language]
    if r.government:
        parts.append(_("with government relations"))
    return " · ".join(parts)
