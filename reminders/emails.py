"""A reminder's words, written at send time in the recipient's language, for email and the inbox."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from locales.models import StaffProfile
from opsportal import l10n
from opsportal.links import absolute
from opsportal.mail import Rendered, language_for
from opsportal.models import ReminderDelivery
from opsportal.references import may_receive

from .kinds import ReminderKind, perm_for_kind


@dataclass
class Message:
    subject: str
    lines: list[str]
    items: list[str] = field(default_factory=list)
    path: str = "/"


def _date(value: str | None) -> str:
    """A stored day as the reader writes it (the portal's format, the reader's calendar)."""
    return l10n.local_date(dt.date.fromisoformat(value)) if value else l10n.DASH


def _when(value: str | None, tz: str) -> str:
    """A stored moment in the country's zone, named ("4 Jul 2018 10:00 WIB"), as on the pages."""
    if not value:
        return l10n.DASH
    return l10n.local_dt(dt.datetime.fromisoformat(value), ZoneInfo(tz))


def compose(kind: str, p: dict) -> Message:
    """Subject and lines of one reminder, in the active language."""
    tz = p.get("timezone", "UTC")
    path = p.get("path", "/")
    if kind == ReminderKind.TASK_DUE:
        args = {"task": p["task"], "event": p["event"], "date": _date(p["due_on"])}
        subject = _("Task due today: %(task)s") if p["days"] == 0 else _("Task due in 2 days: %(task)s")
        return Message(subject % args, [_("“%(task)s” for %(event)s is due on %(date)s.") % args], path=path)
    if kind == ReminderKind.TASK_OVERDUE:
        count = p["count"]
        subject = ngettext("%(count)s overdue event task", "%(count)s overdue event tasks", count) % {"count": count}
        items = [
            _("%(task)s — %(event)s — due %(date)s")
            % {"task": i["task"], "event": i["event"], "date": _date(i["due_on"])}
            for i in p["items"]
        ]
        return Message(subject, [_("These tasks are past their due date:")], items, path)
    if kind == ReminderKind.EVENT_STARTING:
        args = {"event": p["event"], "city": p["city"], "when": _when(p["starts_at"], tz), "timezone": tz}
        subject = _("%(event)s starts tomorrow") if p["days"] == 1 else _("%(event)s starts in a week")
        return Message(
            subject % args, [_("%(event)s in %(city)s starts on %(when)s (%(timezone)s).") % args], path=path
        )
    if kind == ReminderKind.CHALLENGE_LAUNCH:
        args = {"hashtag": p["hashtag"], "title": p["title"], "when": _when(p["starts_at"], tz)}
        return Message(
            _("#%(hashtag)s launches tomorrow") % args,
            [_("%(title)s goes live on %(when)s. Check the music, the effect and the seeding creators.") % args],
            path=path,
        )
    if kind == ReminderKind.CHALLENGE_ENDING:
        args = {"hashtag": p["hashtag"], "title": p["title"], "when": _when(p["ends_at"], tz)}
        return Message(_("#%(hashtag)s ends in 2 days") % args, [_("%(title)s ends on %(when)s.") % args], path=path)
    if kind == ReminderKind.CHALLENGE_STALE:
        args = {"hashtag": p["hashtag"], "when": _when(p["last_snapshot"], tz)}
        line = (
            _("The last metric snapshot was captured on %(when)s; its numbers are stale.") % args
            if p["last_snapshot"]
            else _("No metric snapshot has been recorded for it yet.")
        )
        return Message(_("#%(hashtag)s: no new numbers for 48 hours") % args, [line], path=path)
    if kind == ReminderKind.FOLLOW_UP:
        args = {"influencer": p["influencer"], "date": _date(p["due_on"]), "summary": p["summary"]}
        return Message(
            _("Follow up with %(influencer)s") % args,
            [_("A follow-up with %(influencer)s was planned for %(date)s.") % args, p["summary"]],
            path=path,
        )
    if kind == ReminderKind.GOVERNMENT_CONTACT:
        args = {
            "contact": p["contact"],
            "organization": p["organization"],
            "days": p["days"],
            "date": _date(p["last_touch"][:10]),
        }
        return Message(
            _("Not contacted for over %(days)s days: %(contact)s") % args,
            [_("%(contact)s (%(organization)s) was last contacted on %(date)s.") % args],
            path=path,
        )
    if kind == ReminderKind.INCIDENT_STALE:
        args = {"incident": p["incident"], "when": _when(p["last_activity"], tz)}
        return Message(
            _("Open incident with no update for 24 hours: %(incident)s") % args,
            [_("Nothing has been logged on “%(incident)s” since %(when)s.") % args],
            path=path,
        )
    if kind == ReminderKind.MOMENT_UNPLANNED:
        args = {"moment": p["moment"], "date": _date(p["starts_on"])}
        return Message(
            _("%(moment)s is 30 days away with nothing planned") % args,
            [_("%(moment)s starts on %(date)s and no challenge or event is linked to it yet.") % args],
            path=path,
        )
    if kind == ReminderKind.COLD_RELATIONSHIP:
        count = p["count"]
        subject = ngettext("%(count)s relationship going cold", "%(count)s relationships going cold", count) % {
            "count": count
        }
        items = [
            (
                _("%(name)s (influencer) — last contacted %(date)s")
                if i["kind"] == "influencer"
                else _("%(name)s (partner) — last worked with %(date)s")
            )
            % {"name": i["name"], "date": _date((i["last_touch"] or "")[:10] or None)}
            for i in p["items"]
        ]
        line = _("Not contacted for over %(days)s days:") % {"days": p["days"]}
        return Message(subject, [line], items, path)
    if kind == ReminderKind.CROSSOVER:
        args = {"influencer": p["influencer"], "date": _date(p["on"])}
        return Message(
            _("%(influencer)s crossed over") % args,
            [_("Since %(date)s, %(influencer)s has more followers here than on any other platform.") % args],
            path=path,
        )
    if kind == ReminderKind.TARGET_REACHED:
        args = {
            "hashtag": p["hashtag"],
            "title": p["title"],
            "views": l10n.format_number(p["views"]),
            "target": l10n.format_number(p["target"]),
        }
        return Message(
            _("#%(hashtag)s reached its view target") % args,
            [_("%(title)s has %(views)s views, past its target of %(target)s.") % args],
            path=path,
        )
    if kind == ReminderKind.COMMITMENT_DUE:
        args = {"commitment": p["commitment"], "incident": p["incident"], "date": _date(p["due_on"])}
        subject = (
            _("Commitment due today: %(commitment)s")
            if p["days"] == 0
            else _("Commitment due on %(date)s: %(commitment)s")
        )
        lines = [_("You promised: “%(commitment)s”, due on %(date)s.") % args]
        if p["incident"]:
            lines.append(_("Incident: %(incident)s") % args)
        return Message(subject % args, lines, path=path)
    if kind == ReminderKind.GOVERNMENT_FOLLOW_UP:
        args = {"contact": p["contact"], "organization": p["organization"], "date": _date(p["due_on"])}
        return Message(
            _("Follow up with %(contact)s") % args,
            [_("A follow-up with %(contact)s (%(organization)s) was planned for %(date)s.") % args, p["summary"]],
            path=path,
        )
    if kind == ReminderKind.DELIVERABLE_DUE:
        args = {"deliverable": p["deliverable"], "influencer": p["influencer"], "date": _date(p["due_on"])}
        subject = (
            _("Deliverable due today: %(deliverable)s (%(influencer)s)")
            if p["days"] == 0
            else _("Deliverable due on %(date)s: %(deliverable)s (%(influencer)s)")
        )
        return Message(
            subject % args,
            [_("%(influencer)s owes “%(deliverable)s” by %(date)s.") % args, p["agreement"]],
            path=path,
        )
    if kind == ReminderKind.PAYMENT_DUE:
        # The amount is formatted here, in the reader's language (a number format is a locale's).
        args = {
            "amount": l10n.money(Decimal(p["amount"]), p["currency"]),
            "influencer": p["influencer"],
            "date": _date(p["due_on"]),
        }
        subject = (
            _("Payment due today: %(amount)s to %(influencer)s")
            if p["days"] == 0
            else _("Payment due on %(date)s: %(amount)s to %(influencer)s")
        )
        return Message(subject % args, [_("Agreement: %(agreement)s") % {"agreement": p["agreement"]}], path=path)
    if kind in (ReminderKind.REQUEST_DUE, ReminderKind.REQUEST_OVERDUE):
        args = {
            "authority": p["authority"],
            "reference": p["reference"] or p["authority"],
            "deadline": _when(p["deadline"], tz),
            "hours": p.get("hours", 0),
        }
        if kind == ReminderKind.REQUEST_OVERDUE:
            subject = _("Deadline missed: request %(reference)s from %(authority)s") % args
            lines = [_("The request from %(authority)s was due %(deadline)s and has no answer yet.") % args]
            if not p.get("handler"):
                lines.append(_("You receive this as a lead or government-relations member of the country."))
        else:
            subject = (
                _("Due within 4 hours: request %(reference)s from %(authority)s")
                if p.get("stage") == "4h"
                else _("Due within 24 hours: request %(reference)s from %(authority)s")
            ) % args
            lines = [_("The request from %(authority)s is due %(deadline)s.") % args]
        return Message(subject, lines, path=path)
    return Message(str(kind), [], path=path)


def reader_language(row: ReminderDelivery) -> str:
    preferred = StaffProfile.objects.filter(user_id=row.recipient_id).values_list("preferred_language", flat=True)
    return language_for(preferred.first(), row.payload.get("country_language"))


def _preferences_url() -> str:
    try:
        return absolute(reverse("notifications:preferences"))
    except NoReverseMatch:
        return ""


def _buddhist_era(row: ReminderDelivery) -> bool:
    profile = StaffProfile.objects.filter(user_id=row.recipient_id).values_list("buddhist_era", flat=True)
    return bool(profile.first())


def _country(payload: dict) -> str:
    """The country in the reader's language; a payload queued before it carried the code keeps
    the name it stored."""
    if not payload.get("country"):
        return "OpsPortal"
    return l10n.country_name({"code": payload.get("country_code", ""), "name": payload["country"]})


def delivery_email(row: ReminderDelivery) -> tuple[Rendered, str]:
    language = reader_language(row)
    # The recipient's calendar too: a Thai reader who chose the Buddhist Era reads 2561, not 2018.
    with l10n.override(language, buddhist_era=_buddhist_era(row)):
        message = compose(row.kind, row.payload)
        subject = f"[{_country(row.payload)}] {message.subject}"
        context = {
            "message": message,
            "subject": subject,
            "url": absolute(message.path),
            "kind_label": ReminderKind(row.kind).label if row.kind in ReminderKind.values else row.kind,
            "preferences_url": _preferences_url(),
            "language": language,
        }
        return (
            Rendered(
                subject=subject,
                text=render_to_string("emails/reminder.txt", context),
                html=render_to_string("emails/reminder.html", context),
            ),
            language,
        )


def may_still_receive(row: ReminderDelivery) -> bool:
    """Does the recipient still have the access the reminder needs, at the moment of sending?

    A reminder is queued for whoever owns the record then; by the time it goes out they may have
    moved country, lost the government role or been switched off. A stale owner gets nothing:
    neither the email nor the inbox entry (both call this).
    """
    if not row.recipient_id:
        return True  # an address given by hand, not a person's access
    perm = perm_for_kind(row.kind)
    return may_receive(row.recipient_id, row.payload.get("country_id"), perm)
