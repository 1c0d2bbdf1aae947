"""Batch plumbing shared by every bulk ingestion (metric and follower snapshots): row limits,
``rows[i].field`` errors, the counts a batch answers with. Apps import it from here, not from
each other."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

MAX_ROWS = 10_000
BIGINT_MAX = 2**63 - 1


class TooManyRows(ValueError):
    """More rows than one batch may carry."""


@dataclass(frozen=True)
class IngestResult:
    created: int
    updated: int
    unchanged: int

    @property
    def rows(self) -> int:
        return self.created + self.updated + self.unchanged

    def as_dict(self) -> dict[str, int]:
        return {"rows": self.rows, "created": self.created, "updated": self.updated, "unchanged": self.unchanged}


def parse_count(value) -> int | None:
    """A non-negative whole number from JSON (int, integral float, or digit string)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    elif isinstance(value, str) and value.strip().isdecimal():
        value = int(value.strip())
    if isinstance(value, int) and 0 <= value <= BIGINT_MAX:
        return value
    return None


class RowErrors:
    """Collects ``rows[i].field`` errors; raises them together (capped, so a bad file stays readable)."""

    LIMIT = 100

    def __init__(self):
        self.errors: dict[str, list[str]] = {}

    def add(self, index: int, field: str | None, message: str) -> None:
        if len(self.errors) < self.LIMIT:
            key = f"rows[{index}].{field}" if field else f"rows[{index}]"
            self.errors.setdefault(key, []).append(message)

    def raise_if_any(self) -> None:
        if self.errors:
            raise ValidationError(self.errors)


def check_batch(rows) -> None:
    if not isinstance(rows, list):
        raise ValidationError({"rows": [_("Send the rows as a JSON list.")]})
    if len(rows) > MAX_ROWS:
        raise TooManyRows(
            _("A batch carries at most %(max)d rows; this one has %(n)d.") % {"max": MAX_ROWS, "n": len(rows)}
        )
