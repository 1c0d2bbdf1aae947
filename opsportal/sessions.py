"""Ending a person's sessions on every device ("sign out everywhere")."""

from __future__ import annotations

from importlib import import_module

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone

from opsportal.audit import record_batch


def end_all_sessions(user, *, except_key: str | None = None) -> int:
    """Delete every live session of ``user`` (but ``except_key``); returns how many ended.

    Needs a database-backed session engine (the default): other engines cannot be listed.
    Password changes and resets already end other sessions, as Django ties each session to
    the password hash; this is for a lost phone or a shared computer.
    """
    store = import_module(settings.SESSION_ENGINE).SessionStore
    if not hasattr(store, "get_model_class"):
        raise ImproperlyConfigured("Signing out everywhere needs database-backed sessions.")
    model = store.get_model_class()
    mine = []
    rows = model.objects.filter(expire_date__gt=timezone.now()).values_list("session_key", "session_data")
    for key, data in rows.iterator(chunk_size=2000):
        if key != except_key and store().decode(data).get(SESSION_KEY) == str(user.pk):
            mine.append(key)
    for key in mine:
        store(session_key=key).delete()  # the store's own delete: cached_db drops its cache copy too
    record_batch(
        "sessions.ended",
        user,
        object_id=user.pk,
        summary=f"Signed out everywhere ({len(mine)} session(s))",
        details={"count": len(mine)},
    )
    return len(mine)
