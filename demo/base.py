"""Idempotent writing for the demo story: a second run finds everything in place and writes nothing.

``update_or_create`` would save (and add a history row) on every run; ``Seeder.ensure`` compares
first and saves only what differs. Snapshot series are compared in bulk and written with
``bulk_create``/``bulk_update``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import Counter
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.db import models
from django.utils import timezone

from opsportal.audit import record_batch


@dataclass
class Seeder:
    """Carries "today" (so every relative date is reproducible) and counts what changed."""

    today: dt.date
    created: Counter = field(default_factory=Counter)
    updated: Counter = field(default_factory=Counter)
    deleted: Counter = field(default_factory=Counter)
    # Every row of a model, indexed by natural key, read once: a run that changes nothing
    # costs a few dozen queries instead of one per record.
    _indexes: dict = field(default_factory=dict, repr=False)
    _series: dict = field(default_factory=dict, repr=False)
    # When each record created in this run was "born" in the story, by (model label, pk).
    _born: dict = field(default_factory=dict, repr=False)

    @property
    def midnight(self) -> dt.datetime:
        """Today 00:00 UTC: the newest moment "current" snapshots are taken at."""
        return dt.datetime.combine(self.today, dt.time.min, tzinfo=dt.UTC)

    def day(self, offset: int) -> dt.date:
        return self.today + dt.timedelta(days=offset)

    def local(self, zone: str, day: dt.date, hour: int = 0, minute: int = 0) -> dt.datetime:
        """A wall-clock time in a country, as an aware datetime (stored in UTC)."""
        return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=ZoneInfo(zone))

    @property
    def changes(self) -> int:
        return sum(self.created.values()) + sum(self.updated.values()) + sum(self.deleted.values())

    # --- records -------------------------------------------------------------------------
    def ensure(
        self,
        model,
        lookup: dict,
        values: dict | None = None,
        *,
        m2m: dict | None = None,
        at: dt.datetime | None = None,
    ):
        """The record matching ``lookup``, created or brought up to ``values``; saved only if different.

        A lookup may use ``field__iexact``; the record is then created with ``field``.

        A record is created at its moment in the story, not at the moment the demo is loaded:
        ``at`` when given (a commitment made at the 4 July 2018 meeting), else the earliest past
        date among its values (a 2018 challenge's start, an interaction's time). Its history's
        "created" row and its created/updated stamps carry that moment, so the 2018 ban reads
        "created 3 Jul 2018", not the day of the install. A change in the same run to a record
        created in it is dated no earlier than its birth.
        """
        values = values or {}
        names = tuple(sorted(lookup))
        index = self._index(model, names, tuple(m2m or ()))
        key = tuple(_normal(name, lookup[name]) for name in names)
        obj = index.get(key)
        label = model._meta.label
        if obj is None:
            create = {name.removesuffix("__iexact"): value for name, value in lookup.items()}
            obj = model(**{**create, **values})
            moment = at or self.story_moment({**create, **values})
            self._save_at(obj, moment)
            if moment is not None:
                self._born[label, obj.pk] = moment
                _stamp(obj, moment)
            index[key] = obj
            self.created[label] += 1
            created = True
        else:
            created = False
            changed = [name for name, value in values.items() if not _same(obj, name, value)]
            if changed:
                for name in changed:
                    setattr(obj, name, values[name])
                born = self._born.get((label, obj.pk))
                moment = None
                if born is not None:  # created in this run: the change belongs to the story too
                    moment = max(born, at or self.story_moment({n: values[n] for n in changed}) or born)
                self._save_at(obj, moment)
                self.updated[label] += 1
        for name, wanted in (m2m or {}).items():
            manager = getattr(obj, name)
            want = {o.pk for o in wanted}
            if {o.pk for o in manager.all()} != want:
                manager.set(want)
                self.updated[label] += 0 if created else 1
        return obj

    def story_moment(self, values: dict) -> dt.datetime | None:
        """The earliest date or time among ``values`` that has already happened, or None.

        A date alone counts as 03:00 UTC: mid-morning to noon in every Asian market, the same
        calendar day wherever the reader is. A record with no date of its own (an account, a
        guest, a contact) is born with the latest-born of the records it belongs to: an
        influencer's account when the influencer appears, a guest once both event and person exist.
        """
        cutoff = min(timezone.now(), self.midnight + dt.timedelta(days=1))
        moments = []
        parents = [
            self._born[type(value)._meta.label, value.pk]
            for value in values.values()
            if isinstance(value, models.Model) and (type(value)._meta.label, value.pk) in self._born
        ]
        dated = False
        for value in values.values():
            if isinstance(value, dt.datetime):
                moment = value if timezone.is_aware(value) else value.replace(tzinfo=dt.UTC)
            elif isinstance(value, dt.date):
                moment = dt.datetime.combine(value, dt.time(3), tzinfo=dt.UTC)
            else:
                continue
            dated = True
            if moment <= cutoff:
                moments.append(moment)
        if moments:
            return max(min(moments), *parents) if parents else min(moments)
        if dated:  # only future dates: something planned now, for later; created today
            return None
        return max(parents) if parents else None

    @staticmethod
    def _save_at(obj, moment: dt.datetime | None) -> None:
        """Save, with simple-history's row dated ``moment`` (None: now)."""
        if moment is not None:
            obj._history_date = moment  # simple-history reads this instead of now()
        try:
            obj.save()
        finally:
            obj.__dict__.pop("_history_date", None)

    def _index(self, model, names: tuple, prefetch: tuple) -> dict:
        if (model, names) not in self._indexes:
            index = {}
            for obj in model._default_manager.prefetch_related(*prefetch).order_by("pk"):
                index.setdefault(tuple(_normal(name, _value(obj, name)) for name in names), obj)
            self._indexes[model, names] = index
        return self._indexes[model, names]

    def refresh(self, obj, values: dict) -> None:
        """Bring cached columns (totals kept by services) up to date without a history row."""
        changed = {name: value for name, value in values.items() if not _same(obj, name, value)}
        if changed:
            type(obj)._default_manager.filter(pk=obj.pk).update(**changed)
            for name, value in changed.items():
                setattr(obj, name, value)
            self.updated[type(obj)._meta.label] += 1

    # --- snapshot series -----------------------------------------------------------------------
    def sync_series(self, model, parent_field: str, parent, key: str, rows: list[dict], *, prune: bool = False):
        """Make ``parent``'s rows of ``model`` equal ``rows`` (keyed by ``key``), in bulk.

        ``prune`` deletes rows that are no longer wanted: used for the "current" scenario,
        which moves with today's date. Returns how many rows were written or removed.
        """
        series = self._existing_series(model, parent_field)
        existing = {values[key]: values for values in series.get(parent.pk, [])}
        to_create, to_update, fields = [], [], set()
        for row in rows:
            current = existing.pop(row[key], None)
            if current is None:
                to_create.append(model(**{parent_field: parent}, **row))
                continue
            changed = [name for name, value in row.items() if current[name] != value]
            if changed:
                fields.update(changed)
                to_update.append(model(pk=current["pk"], **{parent_field: parent}, **row))
        if to_create:
            model._default_manager.bulk_create(to_create, batch_size=2000)
        if to_update:
            model._default_manager.bulk_update(to_update, sorted(fields), batch_size=1000)
        stale = [values["pk"] for values in existing.values()] if prune else []
        if stale:
            model._default_manager.filter(pk__in=stale).delete()
        label = model._meta.label
        self.created[label] += len(to_create)
        self.updated[label] += len(to_update)
        self.deleted[label] += len(stale)
        return len(to_create) + len(to_update) + len(stale)

    def _existing_series(self, model, parent_field: str) -> dict:
        """Every row of ``model`` grouped by parent, read in one query the first time."""
        if model not in self._series:
            column = model._meta.get_field(parent_field).attname
            names = [f.attname for f in model._meta.concrete_fields if f.attname not in {"id", column}]
            grouped: dict = {}
            for values in model._default_manager.values("pk", column, *names).order_by():
                grouped.setdefault(values[column], []).append(values)
            self._series[model] = grouped
        return self._series[model]

    def audit_series(self, model, country, count: int, what: str) -> None:
        """One audit entry for a batch of snapshots written (simple-history does not see them)."""
        if count:
            record_batch(
                "demo.seed",
                model,
                summary=f"seed_demo: {count} {model._meta.verbose_name_plural} written for {what}",
                country=country,
                details={"rows": count, "for": what},
            )


def _stamp(obj, moment: dt.datetime) -> None:
    """Set the record's automatic created/updated stamps to its story moment (no history row)."""
    stamps = {
        f.attname: moment
        for f in obj._meta.concrete_fields
        if isinstance(f, models.DateTimeField) and (f.auto_now_add or f.auto_now)
    }
    if stamps:
        type(obj)._default_manager.filter(pk=obj.pk).update(**stamps)
        for name, value in stamps.items():
            setattr(obj, name, value)


def _value(obj, lookup: str):
    name = lookup.removesuffix("__iexact")
    if name == "pk":
        return obj.pk
    field_ = obj._meta.get_field(name)
    return getattr(obj, field_.attname)


def _normal(lookup: str, value):
    """A lookup value as the index keys it: related records by pk, ``__iexact`` in lower case."""
    if isinstance(value, models.Model):
        value = value.pk
    if lookup.endswith("__iexact") and isinstance(value, str):
        value = value.lower()
    return value


def _same(obj, name: str, value) -> bool:
    field_ = obj._meta.get_field(name)
    if isinstance(field_, models.ForeignKey):
        return getattr(obj, field_.attname) == (value.pk if isinstance(value, models.Model) else value)
    return getattr(obj, name) == value


def jitter(*key, spread: float = 0.01) -> float:
    """A reproducible factor around 1.0 (±spread) for a key: demo numbers that look organic."""
    digest = hashlib.sha256(repr(key).encode()).digest()
    unit = int.from_bytes(digest[:4], "big") / 2**32  # 0..1
    return 1 + (unit * 2 - 1) * spread
