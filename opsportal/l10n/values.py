"""Values a person reads: people, percentages, week-over-week growth, any stored value
(``readable``), and country names (CLDR, through Babel)."""

from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.utils import translation

from .dates import local_date, local_dt
from .languages import DASH, base_language
from .numbers import _decimal, compact, format_number

# --- values a person reads ----------------------------------------------------------------------


def person(user) -> str:
    """A person as colleagues know them: their full name, the username only when no name is set."""
    if user is None or user == "":
        return DASH
    if not hasattr(user, "get_full_name"):  # an API token, a name already: as it names itself
        return str(user)
    return user.get_full_name() or user.get_username()


def percent(value, places: int = 0, lang: str | None = None) -> str:
    """A percentage with the language's separators, not capped: 177 % reads as 177 %."""
    if value is None or value == "":
        return DASH
    lang = lang or translation.get_language() or settings.LANGUAGE_CODE
    return format_number(value, places, lang) + "%"


# Below this share of the current value, last week's figure is too small for a percentage to
# mean anything (127,765 → 12,444,588 is "+9640 %"): the absolute gain is shown instead.
GROWTH_MIN_BASE_SHARE = Decimal("0.1")


@dataclass(frozen=True)
class Growth:
    """How a figure moved since the previous period, as the report shows it."""

    text: str
    direction: str  # "up", "down" or ""
    kind: str  # "percent", "gain" (absolute, the base was too small), "new" or "none"


def growth(current, previous, lang: str | None = None) -> Growth:
    """Week-over-week change that reads as growth.

    * Nothing now and nothing before: a dash.
    * Nothing before, something now: "new".
    * A base under a tenth of the current value: the absolute gain ("+12.3M"), not "+9640 %".
    * Otherwise a signed percentage with one decimal in the language's separators ("+45,8%").
    """
    current = _decimal(current or 0)
    previous = _decimal(previous or 0)
    direction = "up" if current > previous else "down" if current < previous else ""
    if not previous:
        if not current:
            return Growth(DASH, "", "none")
        return Growth(translation.pgettext("growth of a figure with nothing to compare with", "new"), "up", "new")
    if previous > 0 and current > 0 and previous < current * GROWTH_MIN_BASE_SHARE:
        return Growth("+" + compact(current - previous, lang), direction, "gain")
    pct = (current - previous) * 100 / abs(previous)
    sign = "+" if pct > 0 else "-" if pct < 0 else ""
    return Growth(sign + percent(abs(pct), 1, lang), direction, "percent")


_ISO_MOMENT = re.compile(r"^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?([+-]\d{2}:?\d{2}|Z)?)?$")


def readable(value, zone=None, lang: str | None = None) -> str:
    """Any stored value as a person reads it: the one path for pages, emails, exports, history.

    None and blanks become a dash; dates and times (objects or ISO strings, as the audit trail
    keeps them) move into ``zone`` and the reader's format; numbers get the language's
    separators; a user is named by their display name.
    """
    if value is None or value == "":
        return DASH
    if isinstance(value, bool):
        return str(translation.gettext("yes") if value else translation.gettext("no"))
    if isinstance(value, str) and _ISO_MOMENT.match(value.strip()):
        text = value.strip().replace("Z", "+00:00")
        try:
            value = dt.datetime.fromisoformat(text) if len(text) > 10 else dt.date.fromisoformat(text)
        except ValueError:
            return value
    if isinstance(value, dt.datetime):
        return local_dt(value, zone, lang)
    if isinstance(value, dt.date):
        return local_date(value, zone, lang)
    if isinstance(value, int | Decimal | float):
        number = _decimal(value)
        places = 0 if number == number.to_integral_value() else min(2, max(0, -number.as_tuple().exponent))
        return format_number(number, places, lang)
    if hasattr(value, "get_full_name"):
        return person(value)
    return str(value)


# --- names of countries ----------------------------------------------------------------------


def _user_assigned(code: str) -> bool:
    """ISO 3166's codes left for private use (AA, QM–QZ, XA–XZ, ZZ): CLDR names some of them
    ("XA" is "Pseudo-Accents"), but a team that gives one to a market means its own name. Kosovo's
    XK is the exception everyone uses."""
    code = code.upper()
    return code in ("AA", "ZZ") or "QM" <= code <= "QZ" or (code.startswith("X") and code != "XK")


@functools.lru_cache(maxsize=2048)
def _territory(code: str, lang: str) -> str | None:
    from babel import Locale, UnknownLocaleError

    if _user_assigned(code):
        return None
    try:
        return Locale.parse(base_language(lang)).territories.get(code.upper())
    except (UnknownLocaleError, ValueError):
        return None


def country_name(country, lang: str | None = None) -> str:
    """A country named in the reader's language, from CLDR (through Babel): "ประเทศไทย" is
    "Thailand" in English, "タイ" in Japanese. ``country`` is a Country, a dict with ``code``
    and ``name`` (stored report figures), or an ISO code. A code CLDR does not know keeps the
    name stored on the record.
    """
    if country is None or country == "":
        return DASH
    if isinstance(country, str):
        code, stored = country, country
    elif isinstance(country, dict):
        code, stored = country.get("code", ""), country.get("name", "")
    else:
        code, stored = getattr(country, "code", ""), getattr(country, "name", "")
    lang = lang or translation.get_language() or settings.LANGUAGE_CODE
    return (code and _territory(code, lang)) or stored or code
