"""How numbers, money, dates and times read in each team's language (``from opsportal import l10n``).

Plain functions, so templates (``l10n_extras``), emails, reports and charts all format alike.
Each takes an optional ``lang``; without it the active language is used. Django already ships
each language's separators and month names; what it lacks is kept here in small tables:
compact number units (5.7M, 5,7 jt, 570万), currency symbols and decimals, zone abbreviations.
Numbers and money do not go through Babel: its CLDR data gives IDR two decimals where our teams
write none, and the few tables below are all they need. Country names do (``country_name``):
150+ territories in seven languages is CLDR's job, not a table of ours.

``readable`` is the one path for any stored value a person reads (pages, emails, exports'
human columns, the history view); ``growth`` is the one rule for week-over-week change.

Non-breaking spaces (U+00A0) join a number to its unit or symbol ("5,7 jt", "Rp 1.500.000"),
as CLDR does, so a narrow column never splits them.
"""

# One namespace for every door (``l10n.money``, ``l10n.local_dt``); each concept has its module.

from .dates import (
    BUDDHIST_ERA_OFFSET,
    DATE_FORMATS,
    DATETIME_FORMATS,
    DAY_MONTH_FORMATS,
    LOCAL_FORMATS,
    MONTH_YEAR_FORMATS,
    ZONE_ABBREVIATIONS,
    axis_date,
    local_date,
    local_dt,
    local_format,
    resolve_zone,
    zone_label,
    zone_name,
)
from .languages import (
    AUTONYMS,
    DASH,
    NBSP,
    TEAM_LANGUAGE_SESSION_KEY,
    base_language,
    browser_language,
    buddhist_era_preferred,
    request_preferences,
    reset_buddhist_era,
    set_buddhist_era,
    supported_language,
    team_language,
)
from .numbers import (
    COMPACT_UNITS,
    CURRENCIES,
    LOCAL_SYMBOLS,
    SYMBOL_AFTER,
    compact,
    currency_symbol,
    format_number,
    minor_units,
    money,
)
from .preferences import (
    Preferences,
    override,
    override_for,
    preferences_for,
)
from .values import (
    GROWTH_MIN_BASE_SHARE,
    Growth,
    country_name,
    growth,
    percent,
    person,
    readable,
)

__all__ = [
    "AUTONYMS",
    "BUDDHIST_ERA_OFFSET",
    "COMPACT_UNITS",
    "CURRENCIES",
    "DASH",
    "DATETIME_FORMATS",
    "DATE_FORMATS",
    "DAY_MONTH_FORMATS",
    "GROWTH_MIN_BASE_SHARE",
    "Growth",
    "LOCAL_FORMATS",
    "LOCAL_SYMBOLS",
    "MONTH_YEAR_FORMATS",
    "NBSP",
    "Preferences",
    "SYMBOL_AFTER",
    "TEAM_LANGUAGE_SESSION_KEY",
    "ZONE_ABBREVIATIONS",
    "axis_date",
    "base_language",
    "browser_language",
    "buddhist_era_preferred",
    "compact",
    "country_name",
    "currency_symbol",
    "format_number",
    "growth",
    "local_date",
    "local_dt",
    "local_format",
    "minor_units",
    "money",
    "override",
    "override_for",
    "percent",
    "person",
    "preferences_for",
    "readable",
    "request_preferences",
    "reset_buddhist_era",
    "resolve_zone",
    "set_buddhist_era",
    "supported_language",
    "team_language",
    "zone_label",
    "zone_name",
]
