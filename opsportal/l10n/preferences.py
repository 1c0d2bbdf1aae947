"""How a recipient reads (language, zone, era), and rendering as they read: emails and reports."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone, translation

from .dates import resolve_zone
from .languages import reset_buddhist_era, set_buddhist_era, supported_language, team_language


@dataclass(frozen=True)
class Preferences:
    language: str
    timezone: str
    buddhist_era: bool = False


def preferences_for(user, country=None) -> Preferences:
    """How a recipient reads: their language, else their team's; the country's zone, else theirs.

    Emails and reports about a country show that country's time; personal ones pass no country.
    """
    profile = getattr(user, "profile", None) if user is not None else None
    language = supported_language(getattr(profile, "preferred_language", ""))
    if not language and country is not None:
        language = supported_language(getattr(country, "default_language", ""))
    if not language and user is not None and getattr(user, "pk", None):
        language = team_language(user)
    zone = getattr(country, "timezone", "") or getattr(profile, "timezone", "") or settings.TIME_ZONE
    return Preferences(
        language=language or settings.LANGUAGE_CODE,
        timezone=zone,
        buddhist_era=bool(getattr(profile, "buddhist_era", False)),
    )


@contextlib.contextmanager
def override(language: str | None = None, tz=None, buddhist_era: bool | None = None) -> Iterator[None]:
    """Render as someone else reads: an email or report in the recipient's language, zone and era."""
    with contextlib.ExitStack() as stack:
        if language:
            stack.enter_context(translation.override(language))
        if tz:
            stack.enter_context(timezone.override(resolve_zone(tz)))
        if buddhist_era is not None:
            token = set_buddhist_era(buddhist_era)
            stack.callback(reset_buddhist_era, token)
        yield


def override_for(user, country=None):
    """``with override_for(recipient, country): render(...)``."""
    prefs = preferences_for(user, country)
    return override(prefs.language, prefs.timezone, prefs.buddhist_era)
