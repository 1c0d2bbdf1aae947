"""Build a person's or a country's iCalendar (RFC 5545) feed.

What goes in is decided at every read by the person's *current* rights
(``access_for_user``): losing a team seat removes that country's entries on the next refresh,
and government follow-ups appear only where the person holds the government permission.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from icalendar import Alarm, Calendar
from icalendar import Event as VEvent

from challenges.models import Challenge
from challenges.models import Status as ChallengeStatus
from events.models import Event, EventTask
from events.models import Status as EventStatus
from influencers.models import InfluencerInteraction
from locales.models import CulturalMomentOccurrence, GovernmentCommitment, GovernmentInteraction
from locales.models.government import CommitmentStatus
from opsportal.access import Access, Perm, access_for_user, in_country
from opsportal.l10n import country_name
from opsportal.links import record_url as portal_url
from opsportal.scope import scope_of

from .models import CalendarFeedToken

PAST_DAYS = 60  # what a calendar still shows behind today
FUTURE_DAYS = 400  # and ahead: a year of festivals plus planning lead time
MAX_PER_KIND = 1000  # a feed stays small enough for calendar apps that poll it hourly
ALLDAY_ALARM = dt.timedelta(hours=9)  # all-day items ring at 09:00 on the day


@dataclass
class FeedScope:
    """Whose rights (the feed is built in their scope), which country (None: all of theirs, only
    their own items) and which dates."""

    user: object
    access: Access
    country_id: int | None
    start: dt.date
    end: dt.date

    @property
    def personal(self) -> bool:
        return self.country_id is None


def feed_scope(token: CalendarFeedToken, *, today: dt.date | None = None) -> FeedScope | None:
    """The scope of a feed right now, or None when its owner may no longer read it."""
    user = token.user
    if not user.is_active:
        return None
    access = access_for_user(user)
    today = today or timezone.now().date()
    start, end = today - dt.timedelta(days=PAST_DAYS), today + dt.timedelta(days=FUTURE_DAYS)
    if token.country_id is not None and not access.can(Perm.VIEW, token.country_id):
        return None
    return FeedScope(user, access, token.country_id, start, end)


def _here(scope: FeedScope, queryset):
    """A country feed's rows of its country; a personal feed's of all the person's (their scope)."""
    return queryset if scope.country_id is None else in_country(queryset, scope.country_id)


def _everywhere(scope: FeedScope) -> bool:
    """A personal feed of someone who sees every country: only their own events and challenges."""
    return scope.personal and scope.access.country_ids(Perm.VIEW) is None


def _mine(scope: FeedScope, *paths: str) -> Q:
    """In a personal feed, whose items count as mine; in a country feed, everyone's."""
    if not scope.personal:
        return Q()
    q = Q()
    for path in paths:
        q |= Q(**{path: scope.user})
    return q


# --- building blocks ------------------------------------------------------------------
def _uid(kind: str, pk) -> str:
    host = urlsplit(settings.OPSPORTAL_BASE_URL).hostname or "opsportal"
    return f"{kind}-{pk}@{host}"


def _vevent(kind: str, pk, summary: str, description: str, url: str, *, now: dt.datetime, modified=None) -> VEvent:
    ev = VEvent()
    ev.add("uid", _uid(kind, pk))
    ev.add("dtstamp", now)
    if modified:
        ev.add("last-modified", modified)
    ev.add("summary", summary)
    ev.add("description", f"{description}\n\n{url}".strip())
    ev.add("url", url)
    ev.add("categories", [kind])
    return ev


def _alarm(ev: VEvent, trigger: dt.timedelta, text: str) -> None:
    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("description", text)
    alarm.add("trigger", trigger)
    ev.add_component(alarm)


def _all_day(ev: VEvent, first: dt.date, last: dt.date | None = None) -> None:
    ev.add("dtstart", first)
    ev.add("dtend", (last or first) + dt.timedelta(days=1))  # DTEND of a date is exclusive
    ev.add("transp", "TRANSPARENT")  # a due date does not make the person busy


def _label(scope: FeedScope, country, text: str) -> str:
    # A personal feed mixes countries: say which one an entry belongs to.
    return f"[{country.code}] {text}" if scope.personal else text


def _lines(*pairs: tuple[str, object]) -> str:
    """``Label: value`` lines, skipping empty values; an empty label gives the bare value."""
    return "\n".join(f"{label}: {value}" if label else str(value) for label, value in pairs if value not in (None, ""))


# --- what a feed contains ---------------------------------------------------------------
def _events(scope: FeedScope, now: dt.datetime):
    start = dt.datetime.combine(scope.start, dt.time.min, tzinfo=dt.UTC)
    end = dt.datetime.combine(scope.end, dt.time.min, tzinfo=dt.UTC)
    rows = (
        _here(scope, Event.objects.filter(starts_at__lt=end, ends_at__gte=start))
        .filter(_mine(scope, "owner") if _everywhere(scope) else Q())
        .select_related("country")
        .order_by("starts_at")[:MAX_PER_KIND]
    )
    for event in rows:
        zone = ZoneInfo(event.country.timezone)
        url = portal_url("event", event.pk)
        ev = _vevent(
            "event",
            event.pk,
            _label(scope, event.country, event.name),
            _lines(
                (_("Kind"), event.get_kind_display()),
                (_("Status"), event.get_status_display()),
                (_("Our role"), event.our_role),
                (_("City"), event.city),
                (_("Venue"), event.venue),
                ("", event.description),
            ),
            url,
            now=now,
            modified=event.updated_at,
        )
        ev.add("dtstart", event.starts_at.astimezone(zone))
        ev.add("dtend", event.ends_at.astimezone(zone))
        ev.add("location", ", ".join(p for p in (event.venue, event.city) if p))
        ev.add("status", "CANCELLED" if event.status == EventStatus.CANCELLED else "CONFIRMED")
        if event.status != EventStatus.CANCELLED:
            _alarm(ev, -dt.timedelta(days=1), _("Tomorrow: %(name)s") % {"name": event.name})
            _alarm(ev, -dt.timedelta(hours=1), _("In one hour: %(name)s") % {"name": event.name})
        yield ev


def _challenges(scope: FeedScope, now: dt.datetime):
    start = dt.datetime.combine(scope.start, dt.time.min, tzinfo=dt.UTC)
    end = dt.datetime.combine(scope.end, dt.time.min, tzinfo=dt.UTC)
    rows = (
        _here(scope, Challenge.objects.filter(starts_at__isnull=False))
        .filter(starts_at__lt=end)
        .filter(Q(ends_at__isnull=True) | Q(ends_at__gte=start))
        .filter(_mine(scope, "owner") if _everywhere(scope) else Q())
        .select_related("country")
        .order_by("starts_at")[:MAX_PER_KIND]
    )
    for challenge in rows:
        zone = ZoneInfo(challenge.country.timezone)
        starts = challenge.starts_at.astimezone(zone)
        # A live challenge without an end shows as its launch day.
        ends = challenge.ends_at.astimezone(zone) if challenge.ends_at else starts + dt.timedelta(hours=1)
        ev = _vevent(
            "challenge",
            challenge.pk,
            _label(scope, challenge.country, f"#{challenge.hashtag} · {challenge.title}"),
            _lines(
                (_("Status"), challenge.get_status_display()),
                (_("Format"), challenge.get_format_display()),
                (_("How to play"), challenge.how_to_play),
                (_("Music"), challenge.music),
                (_("Target views"), challenge.target_views),
            ),
            portal_url("challenge", challenge.pk),
            now=now,
            modified=challenge.updated_at,
        )
        ev.add("dtstart", starts)
        ev.add("dtend", ends)
        ev.add("transp", "TRANSPARENT")  # a challenge window runs for days; nobody is busy
        confirmed = challenge.status in (ChallengeStatus.LIVE, ChallengeStatus.ENDED)
        ev.add("status", "CONFIRMED" if confirmed else "TENTATIVE")
        if challenge.status in (ChallengeStatus.PLANNED, ChallengeStatus.IDEA):
            _alarm(ev, -dt.timedelta(days=1), _("Launching tomorrow: #%(tag)s") % {"tag": challenge.hashtag})
        yield ev


def _moments(scope: FeedScope, now: dt.datetime):
    if _everywhere(scope):
        return  # nobody "owns" a festival: an all-country person gets them in country feeds
    rows = (
        _here(scope, CulturalMomentOccurrence.objects.filter(starts_on__lt=scope.end, ends_on__gte=scope.start))
        .select_related("moment__country")
        .order_by("starts_on")[:MAX_PER_KIND]
    )
    for occ in rows:
        moment = occ.moment
        title = f"{moment.name} ({moment.local_name})" if moment.local_name else moment.name
        ev = _vevent(
            "moment",
            occ.pk,
            _label(scope, moment.country, title),
            _lines((_("Cultural moment"), moment.description), (_("Content ideas"), moment.content_ideas)),
            portal_url("moment", moment.pk),
            now=now,
            modified=moment.updated_at,
        )
        _all_day(ev, occ.starts_on, occ.ends_on)
        # Content needs lead time: remind two weeks ahead.
        _alarm(ev, -dt.timedelta(days=14), _("In two weeks: %(name)s") % {"name": moment.name})
        yield ev


def _tasks(scope: FeedScope, now: dt.datetime):
    rows = (
        _here(
            scope,
            EventTask.objects.filter(
                done_at__isnull=True,
                due_on__isnull=False,
                due_on__gte=scope.start,
                due_on__lt=scope.end,
            ),
        )
        .filter(_mine(scope, "assignee"))
        .select_related("event__country", "assignee")
        .order_by("due_on", "pk")[:MAX_PER_KIND]
    )
    for task in rows:
        who = task.assignee.get_full_name() or task.assignee.get_username() if task.assignee else _("nobody yet")
        ev = _vevent(
            "task",
            task.pk,
            _label(
                scope, task.event.country, _("Due: %(task)s (%(event)s)") % {"task": task.title, "event": task.event}
            ),
            _lines((_("Event"), task.event.name), (_("Assignee"), who)),
            portal_url("event", task.event_id),
            now=now,
            modified=task.updated_at,
        )
        _all_day(ev, task.due_on)
        _alarm(ev, ALLDAY_ALARM, _("Due today: %(task)s") % {"task": task.title})
        yield ev


def _follow_ups(scope: FeedScope, now: dt.datetime):
    rows = (
        _here(
            scope,
            InfluencerInteraction.objects.filter(
                follow_up_done=False,
                next_follow_up_on__isnull=False,
                next_follow_up_on__gte=scope.start,
                next_follow_up_on__lt=scope.end,
            ),
        )
        .filter(_mine(scope, "owner", "influencer__relationship_owner"))
        .select_related("influencer__country")
        .order_by("next_follow_up_on", "pk")[:MAX_PER_KIND]
    )
    for item in rows:
        influencer = item.influencer
        ev = _vevent(
            "follow-up",
            item.pk,
            _label(scope, influencer.country, _("Follow up: %(name)s") % {"name": influencer}),
            _lines((_("Last contact"), f"{item.get_kind_display()} {item.occurred_at:%Y-%m-%d}"), ("", item.summary)),
            portal_url("influencer", influencer.pk),
            now=now,
            modified=item.updated_at,
        )
        _all_day(ev, item.next_follow_up_on)
        _alarm(ev, ALLDAY_ALARM, _("Follow up today: %(name)s") % {"name": influencer})
        yield ev


def _government(scope: FeedScope, now: dt.datetime):
    """Government follow-ups and commitments: only where the person holds the government permission."""
    if not scope.access.can(Perm.GOVERNMENT_VIEW, scope.country_id):
        return
    newer = GovernmentInteraction.objects.filter(
        contact_id=OuterRef("contact_id"), occurred_at__gt=OuterRef("occurred_at")
    )
    rows = (
        _here(
            scope,
            GovernmentInteraction.objects.filter(
                follow_up_on__isnull=False,
                follow_up_on__gte=scope.start,
                follow_up_on__lt=scope.end,
            ),
        )
        .filter(_mine(scope, "owner", "contact__relationship_owner"))
        .exclude(Exists(newer))  # a later touch with the same contact answers the follow-up
        .select_related("country", "contact")
        .order_by("follow_up_on", "pk")[:MAX_PER_KIND]
    )
    for item in rows:
        ev = _vevent(
            "government-follow-up",
            item.pk,
            _label(scope, item.country, _("Government follow-up: %(contact)s") % {"contact": item.contact}),
            _lines((_("Last contact"), f"{item.get_kind_display()} {item.occurred_at:%Y-%m-%d}"), ("", item.summary)),
            portal_url("government_contact", item.contact_id),
            now=now,
            modified=item.updated_at,
        )
        ev.add("class", "CONFIDENTIAL")
        _all_day(ev, item.follow_up_on)
        _alarm(ev, ALLDAY_ALARM, _("Government follow-up today: %(contact)s") % {"contact": item.contact})
        yield ev
    commitments = (
        _here(
            scope,
            GovernmentCommitment.objects.filter(
                status=CommitmentStatus.OPEN,
                due_on__isnull=False,
                due_on__gte=scope.start,
                due_on__lt=scope.end,
            ),
        )
        .filter(_mine(scope, "owner"))
        .select_related("country")
        .order_by("due_on", "pk")[:MAX_PER_KIND]
    )
    for item in commitments:
        ev = _vevent(
            "government-commitment",
            item.pk,
            _label(scope, item.country, _("Commitment due: %(what)s") % {"what": str(item)}),
            item.description,
            portal_url("incident", item.incident_id) if item.incident_id else settings.OPSPORTAL_BASE_URL + "/",
            now=now,
            modified=item.updated_at,
        )
        ev.add("class", "CONFIDENTIAL")
        _all_day(ev, item.due_on)
        _alarm(ev, -dt.timedelta(days=2), _("Commitment due in two days: %(what)s") % {"what": str(item)})
        yield ev


SECTIONS = (_events, _challenges, _moments, _tasks, _follow_ups, _government)


def _feed_language(user) -> str:
    profile = getattr(user, "profile", None)
    return (profile and profile.preferred_language) or settings.LANGUAGE_CODE


def _feed_timezone(token: CalendarFeedToken) -> str:
    if token.country_id:
        return token.country.timezone
    profile = getattr(token.user, "profile", None)
    return (profile and profile.timezone) or "UTC"


def build_calendar(token: CalendarFeedToken, scope: FeedScope, *, now: dt.datetime | None = None) -> bytes:
    """The feed as iCalendar bytes, with a VTIMEZONE for every TZID it uses."""
    now = now or timezone.now()
    # The owner's scope: the feed's URL is its only credential, so the request itself has none.
    with translation.override(_feed_language(token.user)), scope_of(scope.access):
        cal = Calendar()
        cal.add("prodid", "-//OpsPortal//Calendar feed//EN")
        cal.add("version", "2.0")
        cal.add("calscale", "GREGORIAN")
        cal.add("method", "PUBLISH")
        name = country_name(token.country) if token.country_id else _("My OpsPortal")
        cal.add("x-wr-calname", f"OpsPortal · {name}")
        cal.add("x-wr-timezone", _feed_timezone(token))
        # Calendar apps poll: ask them for hourly refreshes, not every minute.
        cal.add("refresh-interval", dt.timedelta(hours=1), parameters={"VALUE": "DURATION"})
        cal.add("x-published-ttl", "PT1H")
        for section in SECTIONS:
            for ev in section(scope, now):
                cal.add_component(ev)
        first = (now - dt.timedelta(days=PAST_DAYS + 366)).date()
        cal.add_missing_timezones(first_date=first, last_date=(now + dt.timedelta(days=FUTURE_DAYS + 366)).date())
        return cal.to_ical()
