"""Events with their checklist: one row per event, or one row per task repeating the event."""

from __future__ import annotations

import datetime as dt

from django.db.models.functions import Lower
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from challenges.models import Challenge
from events.models import Event, EventTask, Kind, Status
from events.services import event_save, event_task_save, event_task_set_done
from imports import parsing
from imports.kinds.base import Column, Outcome, RowByRowKind, RowError, RowProblems, Run, collect, differences
from imports.kinds.challenges import COUNTRY, _moment
from opsportal.l10n import country_name

KIND_ALIASES = {
    "festival": "festival",
    "partnership": "festival",
    "concert": "festival",
    "konser": "festival",
    "talent": "talent_exchange",
    "creator exchange": "talent_exchange",
    "meetup": "meet_up",
    "gathering": "meet_up",
    "kopdar": "meet_up",
    "training": "workshop",
    "pelatihan": "workshop",
    "class": "workshop",
    "media": "press",
    "press conference": "press",
    "konferensi pers": "press",
}
STATUS_ALIASES = {
    "draft": "planning",
    "planned": "planning",
    "tentative": "planning",
    "rencana": "planning",
    "confirmed": "confirmed",
    "fixed": "confirmed",
    "pasti": "confirmed",
    "done": "held",
    "finished": "held",
    "completed": "held",
    "selesai": "held",
    "canceled": "cancelled",
    "batal": "cancelled",
    "dibatalkan": "cancelled",
}
EVENT_FIELDS = (
    "kind",
    "status",
    "city",
    "venue",
    "our_role",
    "ends_at",
    "budget",
    "currency",
    "expected_attendance",
    "attendance",
    "owner_id",
    "cultural_moment_id",
    "challenge_id",
    "videos_produced",
    "description",
)


def _challenge(country, value) -> int:
    tag = parsing.parse_hashtag(value)
    found = (
        Challenge.objects.annotate(hashtag_lower=Lower("hashtag"))
        .filter(country=country, hashtag_lower=tag.lower())
        .values_list("pk", flat=True)
        .first()
    )
    if found is None:
        raise parsing.CellError(
            _("No challenge #%(tag)s in %(country)s.") % {"tag": tag, "country": country_name(country)}
        )
    return found


class EventKind(RowByRowKind):
    name = "events"
    label = _l("Events with tasks")
    model = Event
    natural_key = _l("country + name (case-insensitive) + start day; a task by its event + title")
    columns = [
        COUNTRY,
        Column(
            "name",
            _l("Event name"),
            aliases=("event", "event_name", "nama_acara", "acara", "title"),
            required=True,
            example="Djakarta Warehouse Project",
        ),
        Column(
            "kind",
            _l("Kind"),
            aliases=("type", "jenis", "event_type"),
            help=_l("festival, talent_exchange, meet_up, workshop or press."),
            example="festival",
        ),
        Column("status", _l("Status"), aliases=("state",), help=_l("planning, confirmed, held or cancelled.")),
        Column("city", _l("City"), aliases=("kota", "location", "lokasi"), example="Jakarta"),
        Column("venue", _l("Venue"), aliases=("place", "tempat", "gedung"), example="JIExpo Kemayoran"),
        Column(
            "our_role",
            _l("Our role"),
            aliases=("role", "peran", "partnership_role"),
            example="Official video media platform",
        ),
        Column(
            "starts_at",
            _l("Starts"),
            aliases=("start", "start_date", "starts", "date", "tanggal", "mulai", "tanggal_mulai", "from"),
            required=True,
            help=_l("Local time of the country."),
            example="15/12/2017",
        ),
        Column(
            "ends_at",
            _l("Ends"),
            aliases=("end", "end_date", "ends", "selesai", "tanggal_selesai", "until", "to"),
            help=_l("Empty: the end of the start day."),
            example="16/12/2017",
        ),
        Column("budget", _l("Budget"), aliases=("cost", "biaya", "anggaran"), example="Rp 150.000.000"),
        Column("currency", _l("Currency"), aliases=("mata_uang", "ccy"), help=_l("Empty: the country's currency.")),
        Column(
            "expected_attendance",
            _l("Expected attendance"),
            aliases=("expected", "expected_guests", "target_attendance", "capacity"),
        ),
        Column("attendance", _l("Attendance"), aliases=("attendees", "visitors", "pengunjung", "actual_attendance")),
        Column("owner", _l("Owner"), aliases=("pic", "person_in_charge", "organizer")),
        Column("cultural_moment", _l("Cultural moment"), aliases=("moment", "festival_moment", "occasion")),
        Column("challenge", _l("Event challenge"), aliases=("hashtag", "event_hashtag", "challenge_hashtag")),
        Column("videos_produced", _l("Videos produced"), aliases=("videos", "video_count")),
        Column("description", _l("Description"), aliases=("notes", "deskripsi", "catatan", "details")),
        Column(
            "task",
            _l("Task"),
            aliases=("task_title", "todo", "to_do", "checklist", "tugas"),
            help=_l("One task per row; repeat the event's name and start on each."),
        ),
        Column("task_due_on", _l("Task due on"), aliases=("due", "due_on", "due_date", "deadline", "tenggat")),
        Column("task_assignee", _l("Task assignee"), aliases=("assignee", "assigned_to", "pic_task")),
        Column("task_done", _l("Task done"), aliases=("done", "completed", "selesai_tugas"), help=_l("yes / no")),
    ]

    def import_row(self, run: Run, number: int, values: dict) -> tuple[str, str]:
        country = run.country_for(values)
        day_first, zone = country.dates_day_first, country.zone
        clean, problems = collect(
            values,
            {
                "name": lambda v: parsing.clean_text(v, max_length=200),
                "kind": lambda v: parsing.parse_choice(v, Kind.choices, KIND_ALIASES),
                "status": lambda v: parsing.parse_choice(v, Status.choices, STATUS_ALIASES),
                "city": lambda v: parsing.clean_text(v, max_length=100),
                "venue": lambda v: parsing.clean_text(v, max_length=200),
                "our_role": lambda v: parsing.clean_text(v, max_length=200),
                "starts_at": lambda v: parsing.parse_datetime(v, day_first=day_first, zone=zone),
                "ends_at": lambda v: parsing.parse_datetime(v, day_first=day_first, zone=zone, end_of_day=True),
                "budget": parsing.parse_money,
                "currency": lambda v: parsing.clean_text(v, max_length=3).upper(),
                "expected_attendance": parsing.parse_count,
                "attendance": parsing.parse_count,
                "owner": lambda v: run.user_for("owner", v, country, Event).pk,
                "cultural_moment": lambda v: _moment(country, v).pk,
                "challenge": lambda v: _challenge(country, v),
                "videos_produced": parsing.parse_count,
                "description": parsing.clean_text,
                "task": lambda v: parsing.clean_text(v, max_length=200),
                "task_due_on": lambda v: parsing.parse_date(v, day_first=day_first),
                "task_assignee": lambda v: run.user_for("task_assignee", v, country, EventTask).pk,
                "task_done": parsing.parse_bool,
            },
        )
        for name in ("name", "starts_at"):
            if name not in clean and not any(p[0] == name for p in problems):
                problems.append((name, _("Required.")))
        if any(n in clean for n in ("task_due_on", "task_assignee", "task_done")) and "task" not in clean:
            problems.append(("task", _("Task details without a task title.")))
        if problems:
            raise RowProblems(problems)
        for name in ("owner", "cultural_moment", "challenge"):
            if name in clean:
                clean[f"{name}_id"] = clean.pop(name)
        name, starts_at = clean.pop("name"), clean.pop("starts_at")
        task = {k: clean.pop(k) for k in ("task", "task_due_on", "task_assignee", "task_done") if k in clean}

        event, event_outcome = self._event(run, number, country, name, starts_at, clean)
        label = f"{event.name} · {starts_at.astimezone(zone):%Y-%m-%d}"
        if not task:
            return event_outcome, label
        task_outcome = self._task(run, number, event, task)
        label = f"{label} · {task['task']}"
        for outcome in (Outcome.CREATE, Outcome.UPDATE, Outcome.UNCHANGED):
            if outcome in (event_outcome, task_outcome):
                return outcome, label
        return Outcome.SKIP, _("Same as an earlier row: %(label)s") % {"label": label}

    def _event(self, run: Run, number: int, country, name: str, starts_at: dt.datetime, clean: dict):
        local_day = starts_at.astimezone(country.zone).date()
        day_start = dt.datetime.combine(local_day, dt.time(), tzinfo=country.zone)
        key = ("event", country.pk, name.lower(), local_day)
        event = (
            Event.objects.annotate(name_lower=Lower("name"))
            .filter(
                country=country,
                name_lower=name.lower(),
                starts_at__gte=day_start,
                starts_at__lt=day_start + dt.timedelta(days=1),
            )
            .order_by("pk")
            .first()
        )
        if event is None:
            if "kind" not in clean or "city" not in clean:
                raise RowProblems([(n, _("Required for a new event.")) for n in ("kind", "city") if n not in clean])
            clean.setdefault(
                "ends_at",
                dt.datetime.combine(local_day, dt.time(23, 59), tzinfo=country.zone)
                if starts_at == day_start
                else starts_at,
            )
            event = event_save(Event(country=country, name=name, starts_at=starts_at, **clean), by=run.user)
            run.seen[key] = number
            run.record("event", "create")
            return event, Outcome.CREATE
        clean["starts_at"] = starts_at
        changes = differences(event, clean)
        duplicate = self.check_duplicate(run, key, number, event, changes, name)
        if duplicate:
            return event, Outcome.SKIP
        if not changes:
            return event, Outcome.UNCHANGED
        for field_name, (_old, new) in changes.items():
            setattr(event, field_name, new)
        event_save(event, by=run.user)
        run.record("event", "update")
        return event, Outcome.UPDATE

    def _task(self, run: Run, number: int, event: Event, task: dict) -> str:
        title = task["task"]
        key = ("task", event.pk, title.lower())
        done = task.get("task_done")
        wanted = {
            k: v
            for k, v in (("due_on", task.get("task_due_on")), ("assignee_id", task.get("task_assignee")))
            if v is not None
        }
        existing = (
            EventTask.objects.annotate(title_lower=Lower("title"))
            .filter(event=event, title_lower=title.lower())
            .order_by("pk")
            .first()
        )
        if existing is None:
            existing = event_task_save(EventTask(event=event, title=title, **wanted), by=run.user)
            if done:
                event_task_set_done(existing, True, by=run.user)
            run.seen[key] = number
            run.record("event_task", "create")
            return Outcome.CREATE
        changes = differences(existing, wanted)
        if done is not None and done != existing.is_done:
            changes["done"] = (existing.is_done, done)
        earlier = run.seen.get(key)
        if earlier is not None:
            if changes:
                field_name = {"due_on": "task_due_on", "assignee_id": "task_assignee", "done": "task_done"}[
                    next(iter(changes))
                ]
                raise RowError(field_name, _("Row %(row)d has the same task with another value.") % {"row": earlier})
            return Outcome.SKIP
        run.seen[key] = number
        if not changes:
            return Outcome.UNCHANGED
        for field_name, (_old, new) in changes.items():
            if field_name != "done":
                setattr(existing, field_name, new)
        event_task_save(existing, by=run.user)
        if "done" in changes:
            event_task_set_done(existing, done, by=run.user)
        run.record("event_task", "update")
        return Outcome.UPDATE
