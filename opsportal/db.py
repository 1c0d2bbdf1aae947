"""Building blocks shared by every app's models."""

from contextlib import contextmanager
from zoneinfo import available_timezones

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, models, transaction
from django.utils.translation import gettext_lazy as _

# Door lives with the audit context (who acts, through which door); every app imports it from here.
from opsportal.audit import Door, current_actor

__all__ = ["Door"]  # re-exported for the models and services that name a door


class TimeStamped(models.Model):
    """Created/updated timestamps and who created the record."""

    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True, db_index=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        abstract = True


class ConstraintsOnFields(models.Model):
    """Reports each unique constraint on an expression (``lower(name)``) on its field.

    Django puts such a constraint's error on no field; a model lists the constraints'
    ``violation_error_code`` → field in ``constraint_fields``, so that every door (form, API,
    admin, import row) shows "already taken" on the field it is about."""

    constraint_fields: dict[str, str] = {}

    class Meta:
        abstract = True

    def validate_constraints(self, exclude=None):
        try:
            super().validate_constraints(exclude)
        except ValidationError as error:
            errors = error.update_error_dict({})
            general = []
            for e in errors.pop(NON_FIELD_ERRORS, []):
                if field := self.constraint_fields.get(e.code):
                    errors.setdefault(field, []).append(e)
                else:
                    general.append(e)
            if general:
                errors[NON_FIELD_ERRORS] = general
            raise ValidationError(errors) from None


def save_validated(instance: models.Model) -> None:
    """Save a record its caller has just ``full_clean``-ed.

    Between that check and the insert another writer may take the same name; the unique index
    then refuses, and the constraints are asked again so the loser hears the same field error
    as anyone else (a form error, a 400), not a 500. Any other refusal is re-raised."""
    try:
        with transaction.atomic():
            instance.save()
    except IntegrityError:
        instance.validate_constraints()
        raise


def validate_timezone(value: str) -> None:
    if value not in available_timezones():
        raise ValidationError(_("%(value)s is not a known IANA timezone."), params={"value": value})


def validate_currency(value: str) -> None:
    if len(value) != 3 or not value.isalpha() or not value.isupper():
        raise ValidationError(_("Use a three-letter ISO 4217 code such as IDR."))


class Source(models.TextChoices):
    """Where a number came from: the app no longer shows view counts, so people type some."""

    API = "api", _("API")
    IMPORT = "import", _("Import")
    MANUAL = "manual", _("Typed by hand")


class AuditedHistory(models.Model):
    """Extra columns on every historical table: the door and the API token behind a change."""

    history_door = models.CharField(_("door"), max_length=8, choices=Door.choices, blank=True)
    history_token = models.ForeignKey(
        "opsportal.ApiToken",
        verbose_name=_("API token"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        db_constraint=False,
        related_name="+",
    )

    class Meta:
        abstract = True


def audit_history(**kwargs):
    """simple-history records for a model, with door and token columns."""
    from simple_history.models import HistoricalRecords

    return HistoricalRecords(bases=[AuditedHistory], get_user=_history_user, **kwargs)


def _history_user(instance=None, request=None, **kwargs):
    """The person behind a change: the signed-in user, or the one set by audit_context()."""
    from django.contrib.auth import get_user_model

    user = getattr(request, "user", None)
    if isinstance(user, get_user_model()):
        return user
    return current_actor().user


@contextmanager
def bulk_cursor():
    """A server-binding psycopg cursor on Django's connection (same transaction), for bulk SQL.

    Django binds parameters client-side: 80,000 values would be rendered into SQL text first,
    which costs more than the insert itself. Pass each column as one ``pg_array()`` string.
    PostgreSQL only; these statements bypass Django's query log.
    """
    import psycopg
    from django.db import connection

    connection.ensure_connection()
    with psycopg.Cursor(connection.connection) as cursor:
        yield cursor


def pg_array(values) -> str:
    """A column of a bulk batch as one PostgreSQL array literal, cast in SQL: ``%s::bigint[]``.

    psycopg adapts a list element by element (about 10 µs per datetime), which made binding a
    10,000-row batch cost as much as writing it; the server parses one literal per column in a
    fraction of that. Batches repeat their values (one moment, one source), so each distinct
    non-integer value is rendered once.
    """
    if all(type(value) is int for value in values):
        return "{" + ",".join(map(str, values)) + "}"
    rendered = {value: _array_element(value) for value in set(values)}
    return "{" + ",".join(map(rendered.__getitem__, values)) + "}"


def pg_storable(value) -> bool:
    """Whether a value decoded from a client (JSON) is one PostgreSQL can compare with:
    a number within bigint, a float, text without NUL, or null; not a list or an object."""
    if isinstance(value, dict | list):
        return False
    if isinstance(value, int):
        return -(2**63) <= value < 2**63
    return not (isinstance(value, str) and "\x00" in value)


def _array_element(value) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, int):
        return str(value)
    text = value.isoformat() if hasattr(value, "isoformat") else str(value)
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
