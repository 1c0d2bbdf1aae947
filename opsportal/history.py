"""Reading the audit trail: who changed what, when, through which door.

Two sources make up the trail: simple-history's tables (one row per create, update and
delete of an audited record) and ``AuditEntry`` (one row per batch: bulk ingestion, imports,
erasures). Both are read here and only here, always through ``Access``:

* ``record_history(obj, access)`` — one record's trail for its portal page (and the admin).
* ``audit_log(access, ...)`` — the cross-record trail behind ``/api/v1/audit/``, filtered and
  cursor-paginated, with a number of queries that does not grow with the page's rows.

Nothing here writes: the trail cannot be changed through any door.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.apps import apps
from django.db import connection
from django.db.models import CharField, DateField, DateTimeField, F, Model, OuterRef, Q, Subquery, Value
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from opsportal import l10n
from opsportal.access import COUNTRY_PATHS, Access, Perm

# Bookkeeping that changes on every save and tells a reader nothing.
SKIPPED_FIELDS = frozenset({"id", "created_at", "updated_at"})
BATCH_SOURCE = "~batch"  # sorts after every "app.model" label

ACTIONS = {"+": "created", "~": "changed", "-": "deleted"}
ACTION_LABELS = {"created": _("created"), "changed": _("changed"), "deleted": _("deleted")}
# How an entry says where its change came in: a whole phrase per door, so that each language
# words it its own way (a door's name alone read "through the Command line").
DOOR_PHRASES = {
    "portal": pgettext_lazy("history: where a change came in", "in the portal"),
    "api": pgettext_lazy("history: where a change came in", "through the API"),
    "admin": pgettext_lazy("history: where a change came in", "in the admin panel"),
    "task": pgettext_lazy("history: where a change came in", "by a background task"),
    "command": pgettext_lazy("history: where a change came in", "from the command line"),
    "import": pgettext_lazy("history: where a change came in", "by an import"),
}


@dataclass(frozen=True)
class FieldChange:
    field: str
    label: str
    old: Any
    new: Any
    old_display: str = ""
    new_display: str = ""


@dataclass
class Entry:
    """One line of the trail, from either source."""

    id: str
    at: dt.datetime
    model: str
    object_id: str
    action: str
    door: str
    user_id: int | None
    username: str
    token_id: int | None
    token_name: str
    summary: str = ""
    changes: list[FieldChange] = field(default_factory=list)
    details: dict = field(default_factory=dict)
    user_name: str = ""  # the person's display name; the API keeps ``username``

    @property
    def who(self) -> str:
        """Who made the change as colleagues know them: a name, not a login."""
        if self.token_name:
            return f"{_('API token')} {self.token_name}"
        return self.user_name or self.username or str(_("system"))

    @property
    def created(self) -> bool:
        """The record's first entry: its values have no "before"."""
        return self.action == "created"

    @property
    def action_label(self) -> str:
        return str(ACTION_LABELS.get(self.action, self.action))

    @property
    def door_phrase(self) -> str:
        """The phrase naming its door ("in the portal"...); empty when no door was noted."""
        return str(DOOR_PHRASES.get(self.door, ""))

    def as_dict(self) -> dict:
        return {
            "id": self.id,
            "at": self.at,
            "model": self.model,
            "object_id": self.object_id,
            "action": self.action,
            "door": self.door,
            "user": {"id": self.user_id, "username": self.username} if self.user_id else None,
            "token": {"id": self.token_id, "name": self.token_name} if self.token_id else None,
            "summary": self.summary,
            "changes": [{"field": c.field, "old": c.old, "new": c.new} for c in self.changes],
            "details": self.details,
        }


# --- which models are audited --------------------------------------------------------
def audited_models() -> dict[str, type[Model]]:
    """Every record with a simple-history trail, by label (``"influencers.influencer"``)."""
    found = {}
    for model in apps.get_models():
        attr = getattr(model._meta, "simple_history_manager_attribute", None)
        if attr and model._meta.label_lower in COUNTRY_PATHS:
            found[model._meta.label_lower] = model
    return dict(sorted(found.items()))


def history_model(model: type[Model]):
    return getattr(model, model._meta.simple_history_manager_attribute).model


# --- one record --------------------------------------------------------------------------
def record_history(obj: Model, access: Access, *, limit: int = 200) -> list[Entry]:
    """The trail of one record, newest first, or ``[]`` for anyone who may not read it.

    Each entry: when, who (person or API token), door, action and the changed fields with
    old and new values, displayed as the portal shows them (choice labels, related names).
    Batch entries naming this record (an erasure) are merged in. Saves that changed nothing
    visible are left out. Portal detail pages render it; the signature is stable.
    """
    if obj is None or obj.pk is None or not access.can_view(obj):
        return []
    label = obj._meta.label_lower
    entries: list[Entry] = []
    if label in audited_models():
        history = history_model(type(obj))
        rows = list(
            history.objects.filter(id=obj.pk)
            .select_related("history_user", "history_token")
            .order_by("-history_date", "-history_id")[: limit + 1]
        )
        fields = _tracked_fields(history)
        for index, row in enumerate(rows[:limit]):
            previous = rows[index + 1] if index + 1 < len(rows) else None
            entry = _history_entry(label, row, previous, fields)
            if entry.action == "changed" and not entry.changes:
                continue
            entries.append(entry)
        _add_displays(entries, access, fields)
    from opsportal.models import AuditEntry

    batches = AuditEntry.objects.filter(model=label, object_id=str(obj.pk)).select_related("user", "token")
    entries.extend(_batch_entry(batch) for batch in batches[:limit])
    entries.sort(key=lambda e: e.at, reverse=True)
    return entries[:limit]


# --- the whole trail -------------------------------------------------------------------
@dataclass(frozen=True)
class Cursor:
    """Where a page ended: the trail is ordered by (at, source, key), newest first."""

    at: dt.datetime
    source: str
    key: int


def audit_log(
    access: Access,
    *,
    model: str | None = None,
    object_id: str | None = None,
    user_id: int | None = None,
    token_id: int | None = None,
    door: str | None = None,
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
    after: Cursor | None = None,
    limit: int = 50,
) -> tuple[list[Entry], Cursor | None]:
    """A page of the trail across every audited record and every batch, newest first.

    Only what ``access`` may audit: leads of a country (``Perm.AUDIT_VIEW``) see its records,
    government records only with the government permission there; administrators see all.
    ``until`` is exclusive. Returns the entries and the cursor of the next page (or None).
    """
    sources = _sources(access, model=model, object_id=object_id, user_id=user_id, token_id=token_id, door=door)
    sources = [
        (source, qs.filter(**_time_filter(since, until)).filter(_after(source, after))) for source, qs in sources
    ]
    if not sources:
        return [], None
    page_size = limit + 1
    slicing = connection.features.supports_slicing_ordering_in_compound and len(sources) > 1
    parts = []
    for _source, qs in sources:
        # SQLite refuses ORDER BY inside a compound statement, and history models have a default
        # ordering: clear it unless each part is sliced (PostgreSQL), where it keeps the union small.
        part = qs.values_list("a_at", "a_source", "a_key").order_by()
        if slicing:  # each table gives at most a page: the union sorts little
            part = part.order_by("-a_at", "-a_key")[:page_size]
        parts.append(part)
    union = parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]
    keys = list(union.order_by("-a_at", "-a_source", "-a_key")[:page_size])
    more = len(keys) > limit
    keys = keys[:limit]
    entries = _load(keys)
    next_cursor = Cursor(*keys[-1]) if more and keys else None
    return entries, next_cursor


def audit_entry(access: Access, entry_id: str) -> Entry | None:
    """One entry by its id (as ``Entry.id`` gives it), or None when unknown or not visible."""
    source, _sep, key = entry_id.rpartition(":")
    if not key.isdecimal():
        return None
    for name, qs in _sources(access, model=None if source == BATCH_SOURCE else source):
        if name == source:
            found = qs.filter(a_key=int(key)).values_list("a_at", "a_source", "a_key").first()
            return _load([found])[0] if found else None
    return None


def _sources(access: Access, *, model=None, object_id=None, user_id=None, token_id=None, door=None):
    """(source name, queryset annotated with a_at/a_source/a_key) for each visible table."""
    from opsportal.models import AuditEntry

    if not access.can_audit():
        return []
    audited = audited_models()
    labels = [model] if model else list(audited)
    sources = []
    for label in labels:
        if label not in audited:
            continue
        history = history_model(audited[label])
        qs = access.scope_history(history.objects.all(), Perm.AUDIT_VIEW)
        if object_id is not None:
            if not str(object_id).isdecimal():
                continue
            qs = qs.filter(id=int(object_id))
        if user_id is not None:
            qs = qs.filter(history_user_id=user_id)
        if token_id is not None:
            qs = qs.filter(history_token_id=token_id)
        if door:
            qs = qs.filter(history_door=door)
        qs = qs.annotate(a_at=F("history_date"), a_source=Value(label, CharField()), a_key=F("history_id"))
        sources.append((label, qs))
    batches = access.scope_audit_entries(AuditEntry.objects.all())
    if model:
        batches = batches.filter(model=model)
    if object_id is not None:
        batches = batches.filter(object_id=str(object_id))
    if user_id is not None:
        batches = batches.filter(user_id=user_id)
    if token_id is not None:
        batches = batches.filter(token_id=token_id)
    if door:
        batches = batches.filter(door=door)
    batches = batches.annotate(a_at=F("at"), a_source=Value(BATCH_SOURCE, CharField()), a_key=F("id"))
    sources.append((BATCH_SOURCE, batches))
    return sources


def _time_filter(since, until) -> dict:
    lookups = {}
    if since is not None:
        lookups["a_at__gte"] = since
    if until is not None:
        lookups["a_at__lt"] = until
    return lookups


def _after(source: str, cursor: Cursor | None) -> Q:
    """Rows strictly after ``cursor`` in (at, source, key) descending order, for one table."""
    if cursor is None:
        return Q()
    if source < cursor.source:
        return Q(a_at__lte=cursor.at)
    if source == cursor.source:
        return Q(a_at__lt=cursor.at) | Q(a_at=cursor.at, a_key__lt=cursor.key)
    return Q(a_at__lt=cursor.at)


def _load(keys: list[tuple]) -> list[Entry]:
    """The full entries for a page of (at, source, key): a few queries per table on the page."""
    from opsportal.models import AuditEntry

    by_source: dict[str, list[int]] = defaultdict(list)
    for _at, source, key in keys:
        by_source[source].append(key)
    loaded: dict[tuple[str, int], Entry] = {}
    audited = audited_models()
    for source, ids in by_source.items():
        if source == BATCH_SOURCE:
            for batch in AuditEntry.objects.filter(id__in=ids).select_related("user", "token"):
                loaded[(source, batch.pk)] = _batch_entry(batch)
            continue
        history = history_model(audited[source])
        earlier = history.objects.filter(id=OuterRef("id")).filter(
            Q(history_date__lt=OuterRef("history_date"))
            | Q(history_date=OuterRef("history_date"), history_id__lt=OuterRef("history_id"))
        )
        rows = list(
            history.objects.filter(history_id__in=ids)
            .select_related("history_user", "history_token")
            .annotate(previous_id=Subquery(earlier.order_by("-history_date", "-history_id").values("history_id")[:1]))
        )
        previous = history.objects.in_bulk([r.previous_id for r in rows if r.previous_id], field_name="history_id")
        fields = _tracked_fields(history)
        for row in rows:
            loaded[(source, row.history_id)] = _history_entry(source, row, previous.get(row.previous_id), fields)
    return [loaded[(source, key)] for _at, source, key in keys if (source, key) in loaded]


# --- building entries ----------------------------------------------------------------
def _tracked_fields(history) -> list:
    return [f for f in history.tracked_fields if f.name not in SKIPPED_FIELDS]


def _history_entry(label: str, row, previous, fields) -> Entry:
    action = ACTIONS.get(row.history_type, row.history_type)
    changes = []
    if action != "deleted":
        for f in fields:
            new = getattr(row, f.attname)
            old = getattr(previous, f.attname) if previous is not None and action == "changed" else None
            if action == "created" and new in (None, ""):
                continue
            if action == "changed" and old == new:
                continue
            changes.append(FieldChange(f.name, str(f.verbose_name), _plain(old), _plain(new)))
    user = row.history_user
    token = row.history_token
    return Entry(
        id=f"{label}:{row.history_id}",
        at=row.history_date,
        model=label,
        object_id=str(row.id),
        action=action,
        door=row.history_door or "",
        user_id=user.pk if user else None,
        username=user.get_username() if user else "",
        token_id=token.pk if token else None,
        token_name=token.name if token else "",
        changes=changes,
        user_name=l10n.person(user) if user else "",
    )


def _batch_entry(batch) -> Entry:
    return Entry(
        id=f"{BATCH_SOURCE}:{batch.pk}",
        at=batch.at,
        model=batch.model,
        object_id=batch.object_id,
        action=batch.action,
        door=batch.door,
        user_id=batch.user_id,
        username=batch.user.get_username() if batch.user else "",
        user_name=l10n.person(batch.user) if batch.user else "",
        token_id=batch.token_id,
        token_name=batch.token.name if batch.token else "",
        summary=batch.summary,
        details=batch.details,
        changes=_batch_changes(batch.details),
    )


def _batch_changes(details) -> list[FieldChange]:
    """A single-record correction (a snapshot's numbers) keeps what it replaced under
    ``details["before"]``: shown as before/after like a history row."""
    before = details.get("before") if isinstance(details, dict) else None
    if not isinstance(before, dict):
        return []
    return [
        FieldChange(field=name, label=name.replace("_", " "), old=old, new=details.get(name))
        for name, old in before.items()
        if name in details and details.get(name) != old
    ]


def _plain(value):
    """A value as JSON carries it."""
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def _add_displays(entries: list[Entry], access: Access, fields) -> None:
    """Human values for one record's page: choice labels and related records' names.

    A related record the reader may not see shows as its number only.
    """
    by_name = {f.name: f for f in fields}
    wanted: dict[Any, set] = defaultdict(set)
    for entry in entries:
        for change in entry.changes:
            f = by_name[change.field]
            if f.is_relation and f.many_to_one:
                wanted[f.related_model].update(v for v in (change.old, change.new) if v is not None)
    names = {}
    for related, pks in wanted.items():
        rows = related._default_manager.filter(pk__in=pks)
        if related._meta.label_lower in COUNTRY_PATHS:
            rows = access.scope(rows)
        # A person by their name, a country in the reader's language, anything else as it reads.
        name = l10n.country_name if related._meta.label_lower == "opsportal.country" else l10n.readable
        names[related] = {obj.pk: name(obj) for obj in rows}
    for entry in entries:
        shown = []
        for change in entry.changes:
            f = by_name[change.field]
            shown.append(
                FieldChange(
                    change.field,
                    change.label,
                    change.old,
                    change.new,
                    _display(f, change.old, names),
                    _display(f, change.new, names),
                )
            )
        entry.changes = shown


def _display(f, value, names) -> str:
    """A stored value as the page shows it, through the one formatting path (``l10n.readable``):
    ISO stamps in the page's zone and the reader's format, numbers grouped, a dash for nothing."""
    if value is None or value == "":
        return l10n.DASH
    if f.is_relation and f.many_to_one:
        return names.get(f.related_model, {}).get(value, f"#{value}")
    if f.choices:
        return str(dict(f.flatchoices).get(value, value))
    if isinstance(f, DateTimeField | DateField) or isinstance(value, bool | int | float | Decimal):
        return l10n.readable(_typed(f, value))
    return str(value)


def _typed(f, value):
    """The audit trail keeps JSON values (ISO strings); read them back as the field's type."""
    if isinstance(value, str):
        try:
            if isinstance(f, DateTimeField):
                return dt.datetime.fromisoformat(value)
            if isinstance(f, DateField):
                return dt.date.fromisoformat(value)
        except ValueError:
            return value
    return value
