"""Which language a person reads: supported languages, the browser's, the team's, and the
display preferences of the current request or rendering (Buddhist era, zone)."""

from __future__ import annotations

from contextvars import ContextVar, Token

from django.conf import settings
from django.utils import translation

NBSP = "\u00a0"
DASH = "–"

# Each language's own name, shown in the language switcher (Django calls Khmer "Khmer").
AUTONYMS = {
    "en": "English",
    "id": "Bahasa Indonesia",
    "th": "ไทย",
    "vi": "Tiếng Việt",
    "ja": "日本語",
    "ms": "Bahasa Melayu",
    "km": "ខ្មែរ",
}

# --- languages ------------------------------------------------------------------------------


def base_language(lang: str | None = None) -> str:
    """The language without its region ("id-ID" → "id"); no argument: the active language."""
    return (lang or translation.get_language() or settings.LANGUAGE_CODE).lower().replace("_", "-").split("-")[0]


def supported_language(code: str | None) -> str | None:
    """The code from settings.LANGUAGES that ``code`` ("th", "th-TH", "TH") means, or None."""
    if not code:
        return None
    available = {c for c, _name in settings.LANGUAGES}
    code = code.strip().lower().replace("_", "-")
    if code in available:
        return code
    base = code.split("-")[0]
    return base if base in available else None


def browser_language(accept_language: str | None) -> str | None:
    """The first language of an Accept-Language header that the portal speaks."""
    if not accept_language:
        return None
    weighted = []
    for position, part in enumerate(accept_language.split(",")[:20]):
        code, _sep, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                continue
        if code and code != "*" and quality > 0:
            weighted.append((-quality, position, code))
    for _q, _pos, code in sorted(weighted):
        found = supported_language(code)
        if found:
            return found
    return None


def team_language(user) -> str | None:
    """The default language of the first country team the person belongs to."""
    from opsportal.models import TeamMembership

    code = (
        TeamMembership.objects.filter(user=user)
        .order_by("pk")
        .values_list("country__default_language", flat=True)
        .first()
    )
    return supported_language(code)


TEAM_LANGUAGE_SESSION_KEY = "opsportal_team_language"


def request_preferences(request) -> tuple[str | None, bool]:
    """(language, Buddhist Era?) for a signed-in person's page; language None keeps LocaleMiddleware's.

    Their profile's choice wins (the switcher stores it there). Without one, LocaleMiddleware's
    guess stands: the switcher's cookie, else the browser's Accept-Language. When the browser
    asks only for languages the portal does not speak, their team's language is next (looked up
    once per session). No header at all (scripts, test clients) keeps the site default.
    """
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None, False
    profile = getattr(user, "profile", None)
    buddhist_era = bool(getattr(profile, "buddhist_era", False))
    chosen = supported_language(getattr(profile, "preferred_language", ""))
    if chosen:
        return chosen, buddhist_era
    header = request.META.get("HTTP_ACCEPT_LANGUAGE", "")
    if settings.LANGUAGE_COOKIE_NAME in request.COOKIES or not header or browser_language(header):
        return None, buddhist_era
    session = getattr(request, "session", None)
    if session is None:
        return team_language(user), buddhist_era
    if TEAM_LANGUAGE_SESSION_KEY not in session:
        session[TEAM_LANGUAGE_SESSION_KEY] = team_language(user) or ""
    return session[TEAM_LANGUAGE_SESSION_KEY] or None, buddhist_era


# --- display preferences of the current request or rendering ----------------------------------

_buddhist_era: ContextVar[bool] = ContextVar("opsportal_buddhist_era", default=False)


def buddhist_era_preferred() -> bool:
    return _buddhist_era.get()


def set_buddhist_era(flag: bool) -> Token:
    return _buddhist_era.set(bool(flag))


def reset_buddhist_era(token: Token) -> None:
    _buddhist_era.reset(token)
