"""What every import kind shares: columns, one run's bookkeeping, and row-by-row matching."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from imports import parsing
from imports.parsing import CellError
from opsportal.access import Access, Perm
from opsportal.l10n import country_name
from opsportal.references import possible_holders

MAX_ERRORS = 10_000  # kept for the preview; beyond that only counted
MAX_SAMPLES = 200  # rows listed per outcome in the preview and result


class Outcome:
    CREATE = "create"
    UPDATE = "update"
    UNCHANGED = "unchanged"
    SKIP = "skip"
    ERROR = "error"
    ALL = (CREATE, UPDATE, UNCHANGED, SKIP, ERROR)


@dataclass(frozen=True)
class Column:
    """A column a kind understands: its canonical header and the other spellings accepted."""

    field: str
    label: Any
    aliases: tuple[str, ...] = ()
    required: bool = False
    help: Any = ""
    example: str = ""


class RowError(Exception):
    """A row that cannot be imported; ``field`` names the column at fault (None: the whole row)."""

    def __init__(self, field: str | None, message: str):
        super().__init__(message)
        self.field = field
        self.message = str(message)


@dataclass
class Run:
    """One pass over a file, preview or import: counts, errors and what each row did."""

    kind: Any
    access: Access
    user: Any = None
    default_country: Any = None
    dry_run: bool = True
    skip_errors: bool = False
    headers: dict[str, str] = field(default_factory=dict)  # field → header as written in the file
    counts: Counter = field(default_factory=Counter)
    records: Counter = field(default_factory=Counter)  # "influencer.create" → n
    errors: list[dict] = field(default_factory=list)
    error_count: int = 0
    samples: dict[str, list] = field(default_factory=lambda: {o: [] for o in Outcome.ALL})
    seen: dict = field(default_factory=dict)  # natural key → first row number in this file
    countries_used: set = field(default_factory=set)
    state: dict = field(default_factory=dict)  # the kind's own per-run caches
    _countries: dict | None = None
    _users: dict = field(default_factory=dict)

    # --- reporting -------------------------------------------------------------------------
    def column_name(self, field_name: str | None) -> str:
        """The column as the file spells it (``owner_id`` is reported on the ``owner`` column)."""
        if not field_name:
            return ""
        if field_name not in self.headers and field_name.endswith("_id"):
            field_name = field_name[:-3]
        return self.headers.get(field_name, field_name)

    def error(self, row: int, field_name: str | None, message: str) -> None:
        self.error_count += 1
        if len(self.errors) < MAX_ERRORS:
            self.errors.append(
                {"row": row, "column": self.column_name(field_name), "field": field_name or "", "message": str(message)}
            )

    def row_failed(self, row: int, problems: list[tuple[str | None, str]]) -> None:
        for field_name, message in problems:
            self.error(row, field_name, message)
        self.outcome(row, Outcome.ERROR, problems[0][1] if problems else "")

    def listing(self, what: str) -> bool:
        """Whether a row with this outcome is still listed (its text is wanted)."""
        return len(self.samples[what]) < MAX_SAMPLES

    def outcome(self, row: int, what: str, text: str = "") -> None:
        self.counts[what] += 1
        if self.listing(what):
            self.samples[what].append({"row": row, "text": str(text)[:300]})

    def record(self, model_name: str, action: str, n: int = 1) -> None:
        if n:
            self.records[f"{model_name}.{action}"] += n

    @property
    def error_rows(self) -> int:
        return self.counts[Outcome.ERROR]

    # --- lookups shared by the kinds -------------------------------------------------------------
    def _load_countries(self) -> dict:
        from locales.models import Country

        if self._countries is None:
            self._countries = {}
            for country in Country.objects.all():
                # As typed by a person of any of the portal's languages: "タイ" and "Thái Lan" too.
                named = [country_name(country, lang) for lang, _label in settings.LANGUAGES]
                for key in (country.code, country.name, country.local_name, str(country.pk), *named):
                    if key:
                        self._countries.setdefault(parsing.simplify(key) or key.lower(), country)
        return self._countries

    def country_for(self, values: dict, *, perm: str | None = None):
        """The row's country: its ``country`` cell, or the import's; must be editable."""
        perm = perm or self.kind.perm
        raw = values.get("country")
        country = self.default_country
        if raw is not None:
            text = parsing.clean_text(raw)
            named = self._load_countries().get(parsing.simplify(text) or text.lower())
            if named is None:
                raise RowError("country", _("Unknown country: %(value)s.") % {"value": text})
            if self.default_country is not None and named.pk != self.default_country.pk:
                raise RowError(
                    "country",
                    _("This import is for %(country)s; the row names %(other)s.")
                    % {"country": country_name(self.default_country), "other": country_name(named)},
                )
            country = named
        if country is None:
            raise RowError("country", _("No country: fill the country column or choose one for the whole file."))
        if not self.access.can(perm, country.pk):
            raise RowError("country", _("You may not import into %(country)s.") % {"country": country_name(country)})
        self.countries_used.add(country.pk)
        return country

    def user_for(self, field_name: str, raw, country, model):
        """A person by username or email (case-insensitive), among those who may hold a record of
        ``model`` in ``country`` (``opsportal.references.possible_holders``).

        Only that team is searched, so an unknown address and a stranger's (another country's
        staff, someone without the role) get the same answer: the file cannot probe who exists.
        """
        text = parsing.clean_text(raw).lstrip("@")
        key = (text.lower(), country.pk, model._meta.label_lower)
        if key not in self._users:
            self._users[key] = (
                possible_holders(country, model)
                .filter(Q(username__iexact=text) | Q(email__iexact=text))
                .order_by("pk")
                .first()
            )
        if self._users[key] is None:
            raise RowError(
                field_name,
                _("No one on the %(country)s team with the username or email %(value)s may hold this.")
                % {"country": country_name(country), "value": text},
            )
        return self._users[key]


# --- cleaning helpers: a CellError becomes a RowError on that column ---------------------------


def cell(field_name: str, parser, raw, *args, **kwargs):
    try:
        return parser(raw, *args, **kwargs)
    except CellError as exc:
        raise RowError(field_name, str(exc))


def text(values: dict, field_name: str, max_length: int) -> str | None:
    if field_name not in values:
        return None
    return cell(field_name, parsing.clean_text, values[field_name], max_length=max_length)


def local_today(country) -> dt.date:
    return timezone.now().astimezone(country.zone).date()


def collect(values: dict, cleaners: dict) -> tuple[dict, list[tuple[str, str]]]:
    """Run each present column's cleaner; every problem of the row is reported, not only the first."""
    clean: dict = {}
    problems: list[tuple[str, str]] = []
    for field_name, cleaner in cleaners.items():
        if field_name not in values:
            continue
        try:
            clean[field_name] = cleaner(values[field_name])
        except CellError as exc:
            problems.append((field_name, str(exc)))
        except RowError as exc:
            problems.append((exc.field or field_name, exc.message))
    return clean, problems


def differences(obj, clean: dict) -> dict[str, tuple]:
    """The model fields whose stored value differs from the row's."""
    changed = {}
    for name, value in clean.items():
        current = getattr(obj, name)
        if isinstance(current, dt.datetime) and isinstance(value, dt.datetime):
            same = current == value
        else:
            same = current == value or (current in (None, "") and value in (None, ""))
        if not same:
            changed[name] = (current, value)
    return changed


def validation_problems(exc: ValidationError, known: set[str]) -> list[tuple[str | None, str]]:
    """A model or service ValidationError as (column, message) pairs."""
    if hasattr(exc, "error_dict"):
        return [
            (name if name in known else None, str(message))
            for name, errors in exc.message_dict.items()
            for message in errors
        ]
    return [(None, str(message)) for message in exc.messages]


class ImportKind:
    """A kind of record that can be imported; subclasses declare columns and import rows."""

    name = ""
    label: Any = ""
    model: Any = None
    perm = Perm.EDIT
    columns: list[Column] = []
    natural_key: Any = ""  # how rows are matched, for people
    batch_size = 500

    def column_map(self) -> dict[str, Column]:
        return {c.field: c for c in self.columns}

    def start(self, run: Run) -> None:
        """Called once before the first batch."""

    def finish(self, run: Run) -> None:
        """Called once after the last batch (inside the transaction)."""

    def process(self, run: Run, batch: list[tuple[int, dict]]) -> None:
        raise NotImplementedError


class RowByRowKind(ImportKind):
    """Kinds with hundreds of rows, not millions: each row goes through the app's service in a
    savepoint, so a row the service refuses leaves nothing behind and is reported with its reason.
    """

    def process(self, run: Run, batch: list[tuple[int, dict]]) -> None:
        known = set(self.column_map())
        for number, values in batch:
            try:
                with transaction.atomic():
                    outcome, description = self.import_row(run, number, values)
            except RowError as exc:
                run.row_failed(number, [(exc.field, exc.message)])
                continue
            except RowProblems as exc:
                run.row_failed(number, exc.problems)
                continue
            except ValidationError as exc:
                run.row_failed(number, validation_problems(exc, known))
                continue
            except IntegrityError as exc:
                # A rule only the database knows; the savepoint already undid the row.
                run.row_failed(number, [(None, _("The database refused this row: %(error)s") % {"error": exc})])
                continue
            run.outcome(number, outcome, description)

    def import_row(self, run: Run, number: int, values: dict) -> tuple[str, str]:
        raise NotImplementedError

    def create_or_update(
        self, run: Run, number: int, key, label: str, found, *, build, values: dict, save, counter: str
    ):
        """The row's record by its natural key: ``build()`` a new one when none was ``found``, else
        set the ``values`` that differ; both through the owning app's ``save`` service, with the
        file's own duplicates checked (``check_duplicate``). Returns the row's outcome."""
        if found is None:
            save(build(), by=run.user)
            run.seen[key] = number
            run.record(counter, "create")
            return Outcome.CREATE, label
        changes = differences(found, values)
        duplicate = self.check_duplicate(run, key, number, found, changes, label)
        if duplicate:
            return duplicate
        if not changes:
            return Outcome.UNCHANGED, label
        for name, (_old, new) in changes.items():
            setattr(found, name, new)
        save(found, by=run.user)
        run.record(counter, "update")
        return Outcome.UPDATE, f"{label}: " + ", ".join(sorted(changes))

    def check_duplicate(self, run: Run, key, number: int, obj, changes: dict, describe_key: str):
        """A natural key met earlier in the file: the same record, never a second one.

        Identical → skipped as a duplicate; filling only blanks → an update like any other;
        contradicting a value → an error naming the first row, because the file contradicts
        itself and nobody can tell which value is right. Returns None to go on with the row.
        """
        earlier = run.seen.get(key)
        if earlier is None:
            run.seen[key] = number
            return None
        contradictions = [(n, old, new) for n, (old, new) in changes.items() if old not in (None, "")]
        if contradictions:
            name, old, new = contradictions[0]
            raise RowError(
                name,
                _("Row %(row)d has the same %(key)s with another value (%(old)s, here %(new)s).")
                % {"row": earlier, "key": describe_key, "old": old, "new": new},
            )
        if changes:
            return None
        return Outcome.SKIP, _("Same as row %(row)d (%(key)s).") % {"row": earlier, "key": describe_key}


class RowProblems(Exception):
    """Several problems in one row, all reported."""

    def __init__(self, problems: list[tuple[str | None, str]]):
        super().__init__(problems[0][1] if problems else "")
        self.problems = problems
