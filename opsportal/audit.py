"""Who is acting, through which door: read by the audit trail wherever a record changes."""

from __future__ import annotations

import contextvars
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from opsportal.db import Door


@dataclass(frozen=True)
class Actor:
    door: str = Door.COMMAND
    user: Any = None
    token: Any = None


_actor: contextvars.ContextVar[Actor] = contextvars.ContextVar("opsportal_actor", default=Actor())


def current_actor() -> Actor:
    return _actor.get()


@contextmanager
def audit_context(door: str, user=None, token=None):
    """Run a block as a given actor; tasks, commands and imports wrap their work in this."""
    reset = _actor.set(Actor(door=door, user=user, token=token))
    try:
        yield
    finally:
        _actor.reset(reset)


def set_actor(door: str, user=None, token=None) -> None:
    """Set the actor for the rest of this request (the middleware resets it per request)."""
    _actor.set(Actor(door=door, user=user, token=token))


def record_batch(action: str, model, *, summary: str, country=None, details: dict | None = None):
    """One audit entry for a change that touched many rows at once (bulk ingestion, an import)."""
    from opsportal.models import AuditEntry

    actor = current_actor()
    user = actor.user if getattr(actor.user, "pk", None) and not getattr(actor.user, "is_token", False) else None
    return AuditEntry.objects.create(
        user=user,
        token=actor.token,
        door=actor.door,
        action=action,
        model=model._meta.label_lower,
        country=country,
        summary=summary[:300],
        details=details or {},
    )
