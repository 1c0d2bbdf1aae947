"""Who is acting, through which door: read by the audit trail wherever a record changes."""

from __future__ import annotations

import contextvars
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.db import models
from django.utils.translation import gettext_lazy as _


class Door(models.TextChoices):
    """Through which door a change came in: the audit trail names it."""

    PORTAL = "portal", _("Portal")
    API = "api", _("API")
    ADMIN = "admin", _("Admin")
    TASK = "task", _("Background task")
    COMMAND = "command", _("Command line")
    IMPORT = "import", _("Import")


@dataclass(frozen=True)
class Actor:
    door: str = Door.COMMAND
    user: Any = None
    token: Any = None


NOBODY = Actor()  # a command run by hand, until something says otherwise
_actor: contextvars.ContextVar[Actor | None] = contextvars.ContextVar("opsportal_actor", default=None)


def current_actor() -> Actor:
    return _actor.get() or NOBODY


@contextmanager
def audit_context(door: str, user=None, token=None):
    """Run a block as a given actor; tasks, commands and imports wrap their work in this."""
    reset = _actor.set(Actor(door=door, user=user, token=token))
    try:
        yield
    finally:
        _actor.reset(reset)


def set_actor(door: str, user=None, token=None) -> contextvars.Token:
    """Set the actor for the rest of this request; the middleware resets it after the response."""
    return _actor.set(Actor(door=door, user=user, token=token))


def reset_actor(token: contextvars.Token) -> None:
    _actor.reset(token)


def batch_country(country_ids) -> int | None:
    """The id of the one country a batch touched, or None when it touched several (or none)."""
    ids = set(country_ids)
    return next(iter(ids)) if len(ids) == 1 else None


def record_batch(
    action: str,
    model,
    *,
    summary: str,
    country=None,
    object_id: str | int = "",
    details: dict | None = None,
):
    """One audit entry for a change that touched many rows at once (bulk ingestion, an import),
    or that simple-history does not see (an erasure, a personal-data export, sessions ended).

    ``model`` is a model class, an instance or a ``"app.model"`` label; ``country`` a Country
    or its id (see ``batch_country``). The entry names the current actor (user or token) and
    door; it is written in the caller's transaction, so a batch that rolls back leaves no entry
    behind.
    """
    # By the app registry: the audit context sits below the models that record it.
    AuditEntry = apps.get_model("opsportal", "AuditEntry")
    actor = current_actor()
    user = actor.user if getattr(actor.user, "pk", None) and not getattr(actor.user, "is_token", False) else None
    label = model if isinstance(model, str) else model._meta.label_lower
    return AuditEntry.objects.create(
        user=user,
        token=actor.token,
        door=actor.door,
        action=action[:40],
        model=label,
        object_id=str(object_id),
        **({"country_id": country} if isinstance(country, int) else {"country": country}),
        summary=summary[:300],
        details=details or {},
    )
