"""Reads for event pages: lists, the checklist, guests, partners, what is coming up."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, F, IntegerField, Max, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from opsportal.access import in_country

from .models import Event, EventGuest, EventTask, GuestStatus, Partner, Status


def open_task_count(*, due_before: dt.date | OuterRef | None = None) -> Coalesce:
    """An event's open tasks (those due before ``due_before``, a date or the event's own, when given), as an expression
    to annotate events with. A subquery, not a GROUP BY over the tasks: a list's page ids are
    then read without touching a task (10,000 of them at 10x), and the count is computed for the
    page's rows only."""
    tasks = EventTask.objects.filter(event=OuterRef("pk"), done_at__isnull=True)
    if due_before is not None:
        tasks = tasks.filter(due_on__lt=due_before)
    counted = tasks.order_by().values("event").annotate(n=Count("pk")).values("n")[:1]
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def event_list(queryset: QuerySet) -> QuerySet:
    """Events with their owner and open tasks."""
    return queryset.select_related("owner").annotate(open_tasks=open_task_count()).order_by("-starts_at", "-pk")


def event_detail_queryset() -> QuerySet:
    return Event.objects.select_related("country", "owner", "cultural_moment", "challenge", "copied_from")


def event_tasks(event: Event) -> QuerySet:
    return EventTask.objects.filter(event=event).select_related("assignee", "done_by").order_by("due_on", "id")


def event_guests(event: Event) -> QuerySet:
    return EventGuest.objects.filter(event=event).select_related("influencer").order_by("influencer__name")


def guest_counts(event: Event) -> dict[str, int]:
    counts = dict(event.guests.order_by().values_list("status").annotate(n=Count("pk")))
    return {status: counts.get(status, 0) for status in GuestStatus.values}


def upcoming_events(country, *, days: int = 14, now: dt.datetime | None = None) -> QuerySet:
    now = now or timezone.now()
    return (
        in_country(Event.objects.filter(starts_at__gte=now, starts_at__lt=now + dt.timedelta(days=days)), country)
        .exclude(status=Status.CANCELLED)
        .order_by("starts_at")
    )


def overdue(tasks: QuerySet, *, today: dt.date | F) -> QuerySet:
    """The rule of an overdue task, wherever one is counted: open, due before its country's
    ``today`` (a date, or an expression of each row's own), its event not cancelled."""
    return tasks.filter(done_at__isnull=True, due_on__lt=today).exclude(event__status=Status.CANCELLED)


def overdue_tasks(country, *, today: dt.date | None = None) -> QuerySet:
    today = today or timezone.localdate(timezone=country.zone)
    return (
        overdue(in_country(EventTask.objects.all(), country), today=today)
        .select_related("event", "assignee")
        .order_by("due_on", "id")
    )


def cold_partners(country, *, now: dt.datetime, queryset: QuerySet | None = None) -> QuerySet:
    """Partners not worked with for longer than the country's cold threshold: the start of their
    latest event that has begun (an event that began since ``last_contacted_at`` was written
    counts at once), else when they were added; the coldest first. ``last_touch`` is set."""
    cutoff = now - dt.timedelta(days=country.cold_after_days)
    begun = (
        Event.objects.filter(event_partners__partner=OuterRef("pk"), starts_at__lte=now)
        .exclude(status=Status.CANCELLED)
        .order_by()
        .values("event_partners__partner")
        .annotate(m=Max("starts_at"))
        .values("m")[:1]
    )
    return (
        in_country(Partner.objects.all() if queryset is None else queryset, country)
        .annotate(last_touch=Coalesce(Subquery(begun), "created_at"))
        .filter(last_touch__lt=cutoff)
        .order_by("last_touch", "pk")
    )


def recent_guests(event: Event, *, limit: int = 20) -> QuerySet:
    """The guests last added or updated: what the quick-capture screen shows under its forms."""
    return EventGuest.objects.filter(event=event).select_related("influencer").order_by("-updated_at", "-pk")[:limit]
