"""Stored report figures turned into what a person reads: the email (HTML + text) and the portal page.

One set of templates serves both: the email shows the chart by Content-ID (an inline PNG part),
the portal as a data: URI. The government-relations section is rendered only when the reader
may see it; an operator's copy does not contain it at all.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
from zoneinfo import ZoneInfo

from django.core.cache import cache
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import translation
from django.utils.translation import gettext as _

from challenges.models import Status as ChallengeStatus
from events.models import Kind as EventKind
from events.models import Status as EventStatus
from influencers.models import Platform, Stage
from locales.models.government import IncidentKind, IncidentStatus, InteractionKind
from opsportal import l10n
from opsportal.access import Perm, access_for_user
from opsportal.links import absolute, record_path
from opsportal.mail import Rendered
from opsportal.models import ReminderDelivery
from reports.models import WeeklyReport

CHART_CID = "weekly-chart"
CHART_CACHE_SECONDS = 24 * 60 * 60


def _label(choices, value: str) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return value or ""


def _date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value[:10]) if value else None


def _moment(value: str | None, tz: ZoneInfo) -> dt.datetime | None:
    return dt.datetime.fromisoformat(value).astimezone(tz) if value else None


def _change(current: int, previous: int, pct: float | None) -> dict:
    """A figure and how it moved, through the one growth rule (``l10n.growth``)."""
    moved = l10n.growth(current, previous)
    return {
        "value": current,
        "previous": previous,
        "pct": pct,
        "direction": moved.direction,
        "change": moved.text,
        "change_kind": moved.kind,
    }


def _mover_change(row: dict) -> str:
    """A row's views change by the growth rule; reports stored before the rule kept only the
    percentage, from which last week's figure is recovered."""
    current = row.get("views_gained") or 0
    previous = row.get("views_prev_gained")
    if previous is None:
        pct = row.get("views_change_pct")
        previous = 0 if pct is None or pct <= -100 else round(current / (1 + pct / 100))
    return l10n.growth(current, previous).text


def _goals(goals: dict | None) -> dict | None:
    if not goals:
        return None
    return {**goals, "metrics": [{**m, "measured_on": _date(m.get("measured_on"))} for m in goals["metrics"]]}


def present_country(data: dict, *, government: bool) -> dict:
    """The stored figures with labels, links and real dates, for the templates."""
    tz = ZoneInfo(data["country"]["timezone"])
    ch = data["challenges"]
    challenges = {
        "live": ch["live"],
        "ended": ch["ended"],
        "metrics": [
            {"name": name, "label": label, **_change(ch["gained"][name], ch["previous"][name], ch["change_pct"][name])}
            for name, label in (
                ("views", _("Views")),
                ("videos", _("Videos")),
                ("likes", _("Likes")),
                ("shares", _("Shares")),
            )
        ],
        "top_movers": [
            {
                **row,
                "url": absolute(record_path("challenge", row["id"])),
                "status_label": _label(ChallengeStatus, row["status"]),
                "change": _mover_change(row),
            }
            for row in ch["top_movers"]
        ],
        "ended_list": [{**row, "url": absolute(record_path("challenge", row["id"]))} for row in ch["ended_list"]],
    }
    inf = data["influencers"]
    influencers = {
        **{k: inf[k] for k in ("core", "new_core", "total", "added")},
        "pipeline": [
            {
                "from": _label(Stage, row["from"]) if row["from"] else _("new"),
                "to": _label(Stage, row["to"]),
                "count": row["count"],
            }
            for row in inf["pipeline"]
        ],
        "top_gains": [
            {
                "platform": _label(Platform, platform),
                "rows": [{**r, "url": absolute(record_path("influencer", r["influencer_id"]))} for r in rows],
            }
            for platform, rows in inf["top_gains"].items()
        ],
        "crossovers": [
            {
                **row,
                "on": _date(row["on"]),
                "other_platform": _label(Platform, row["other_platform"]),
                "url": absolute(record_path("influencer", row["id"])),
            }
            for row in inf["crossovers"]
        ],
    }
    ev = data["events"]

    def event(row):
        return {
            **row,
            "starts_at": _moment(row["starts_at"], tz),
            "kind_label": _label(EventKind, row["kind"]),
            "status_label": _label(EventStatus, row["status"]),
            "url": absolute(record_path("event", row["id"])),
        }

    events = {
        **{k: ev[k] for k in ("held_count", "attendance", "upcoming_count", "overdue_tasks_count")},
        "held": [event(r) for r in ev["held"]],
        "upcoming": [event(r) for r in ev["upcoming"]],
        "overdue_tasks": [
            {**r, "due_on": _date(r["due_on"]), "url": absolute(record_path("event", r["event_id"]))}
            for r in ev["overdue_tasks"]
        ],
    }
    moments = [
        {
            **m,
            "starts_on": _date(m["starts_on"]),
            "ends_on": _date(m["ends_on"]),
            "unplanned": not (m["challenges"] or m["events"]),
        }
        for m in data["moments"]
    ]
    shaped = {
        "country": data["country"],
        "week": data["week"],
        "first_day": _date(data["first_day"]),
        "last_day": _date(data["last_day"]),
        "has_data": data["has_data"],
        "has_chart": _has_chart(data, False),
        "challenges": challenges,
        "influencers": influencers,
        "events": events,
        "moments": moments,
        "government": None,
        # Reports stored before relationships were counted have none: the section is left out.
        "relationships": None,
        # The quarter's goals (reports stored before goals existed, or without goals: none).
        "goals": _goals(data.get("goals")),
    }
    cold = data.get("relationships")
    if cold is not None:
        shaped["relationships"] = {
            **cold,
            "influencers": [
                {
                    **r,
                    "last_touch": _moment(r["last_touch"], tz),
                    "url": absolute(record_path("influencer", r["id"])),
                }
                for r in cold["influencers"]
            ],
            "partners": [{**r, "last_touch": _moment(r["last_touch"], tz)} for r in cold["partners"]],
        }
    if government:
        gov = data["government"]
        shaped["government"] = {
            **gov,
            "interactions_by_kind": [
                {"label": _label(InteractionKind, kind), "count": n} for kind, n in gov["interactions_by_kind"].items()
            ],
            "open_incidents": [
                {
                    **i,
                    "kind_label": _label(IncidentKind, i["kind"]),
                    "status_label": _label(IncidentStatus, i["status"]),
                    "opened_at": _moment(i["opened_at"], tz),
                    "last_interaction": _moment(i["last_interaction"], tz),
                    "url": absolute(record_path("incident", i["id"])),
                }
                for i in gov["open_incidents"]
            ],
            "overdue_contacts": [
                {
                    **c,
                    "last_touch": _moment(c["last_touch"], tz),
                    "url": absolute(record_path("government_contact", c["id"])),
                }
                for c in gov["overdue_contacts"]
            ],
            # Reports stored before commitments were counted have none: the section is left out.
            "has_commitments": "open_commitments" in gov,
            "open_commitments": [
                {
                    **c,
                    "due_on": _date(c["due_on"]),
                    "url": absolute(
                        record_path("incident", c["incident_id"])
                        if c["incident_id"]
                        else record_path("commitment", c["id"])
                    ),
                }
                for c in gov.get("open_commitments", [])
            ],
        }
    return shaped


def present_hq(data: dict, *, government: bool) -> dict:
    return {
        "week": data["week"],
        "countries": [
            {
                **row,
                "url": absolute(_reports_list(row["id"])),
                "change": _mover_change(row),
            }
            for row in data["countries"]
        ],
        "totals": data["totals"],
        "missing": [l10n.country_name(row) for row in data["countries"] if not row.get("available", True)],
        "has_data": data["has_data"],
        "has_chart": _has_chart(data, True),
        "government": government,
    }


def _reports_list(country_id: int) -> str:
    try:
        return f"{reverse('reports:list')}?country={country_id}"
    except NoReverseMatch:
        return "/"


def report_url(report: WeeklyReport) -> str:
    return absolute(record_path("weekly_report", report.pk))


def subject_for(data: dict, hq: bool) -> str:
    if hq:
        return _("OpsPortal HQ report: all countries, %(week)s") % {"week": data["week"]}
    return _("OpsPortal weekly report: %(country)s, %(week)s") % {
        "country": l10n.country_name(data["country"]),
        "week": data["week"],
    }


def context_for(data: dict, *, hq: bool, government: bool, chart_src: str, url: str = "") -> dict:
    return {
        "r": present_hq(data, government=government) if hq else present_country(data, government=government),
        "subject": subject_for(data, hq),
        "chart_src": chart_src,
        "report_url": url,
    }


def _has_chart(data: dict, hq: bool) -> bool:
    if hq:
        return any(row.get("views_gained") for row in data.get("countries", []))
    return bool(data.get("challenges", {}).get("daily_views"))


def chart_png(data: dict, *, hq: bool) -> bytes | None:
    """The report's chart in the active language and calendar, drawn once per reader language.

    Axis dates and compact numbers follow the reader ("15 jt", "1,5万"); the picture is kept in
    the cache for a day under the figures' digest, the language and the era, so a team of twenty
    reading in two languages costs two drawings, not twenty.
    """
    from . import services

    if not _has_chart(data, hq):
        return None
    figures = {k: data.get(k) for k in ("countries", "challenges", "week", "country")}
    digest = hashlib.sha1(json.dumps(figures, sort_keys=True, default=str).encode()).hexdigest()
    era = "be" if l10n.buddhist_era_preferred() else "ce"
    key = f"report-chart:{digest}:{translation.get_language()}:{era}"
    png = cache.get(key)
    if png is None:
        png = (services.hq_chart if hq else services.country_chart)(data) or b""
        cache.set(key, png, CHART_CACHE_SECONDS)
    return png or None


def data_uri(data: dict, *, hq: bool = False) -> str:
    """The chart for a portal page, as a data: URI (the page's CSP allows data: images)."""
    png = chart_png(data, hq=hq)
    return f"data:image/png;base64,{base64.b64encode(png).decode('ascii')}" if png else ""


def render_email(
    data: dict, *, hq: bool, government: bool, language: str, url: str = "", buddhist_era: bool = False
) -> Rendered:
    """The report as an email in ``language`` (and the reader's calendar): HTML with the chart
    inline by Content-ID, and text. Dates, numbers and the chart's labels all follow the reader."""
    tz = "UTC" if hq else data["country"]["timezone"]
    with l10n.override(language, tz, buddhist_era):
        context = context_for(data, hq=hq, government=government, chart_src=f"cid:{CHART_CID}", url=url)
        context["language"] = language
        name = "hq_report" if hq else "weekly_report"
        png = chart_png(data, hq=hq)
        return Rendered(
            subject=context["subject"],
            text=render_to_string(f"emails/{name}.txt", context),
            html=render_to_string(f"emails/{name}.html", context),
            images=((CHART_CID, png),) if png else (),
        )


def may_see_government(user, report: WeeklyReport) -> bool:
    """Checked again at send time and on every page view: a role lost since dispatch counts."""
    access = access_for_user(user)
    if report.country_id is None:
        return access.country_ids(Perm.GOVERNMENT_VIEW) is None
    return access.can(Perm.GOVERNMENT_VIEW, report.country_id)


def delivery_email(row: ReminderDelivery) -> tuple[Rendered, str]:
    report = WeeklyReport.objects.get(pk=row.payload["report_id"])
    government = bool(row.payload.get("government")) and row.recipient_id is not None
    if government:
        government = may_see_government(row.recipient, report)
    language = row.payload.get("language") or "en"
    rendered = render_email(
        report.data,
        hq=report.country_id is None,
        government=government,
        language=language,
        url=report_url(report),
        buddhist_era=bool(row.payload.get("buddhist_era")),
    )
    return rendered, language


REPORT_KINDS = frozenset({"weekly_report", "hq_report"})


def may_still_receive(row: ReminderDelivery) -> bool:
    """Asked by the outbox at sending time: may the recipient still read this report? A country
    report needs that country, the HQ report every country (their team may have changed since)."""
    if not row.recipient_id:
        return True  # an extra address configured for the country, not a person's access
    access = access_for_user(row.recipient)
    country_id = (
        WeeklyReport.objects.filter(pk=row.payload.get("report_id")).values_list("country_id", flat=True).first()
    )
    if country_id is None:
        return access.country_ids(Perm.VIEW) is None
    return access.can(Perm.VIEW, country_id)
