"""How numbers, money, dates and times read in each team's language.

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

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import re
from collections.abc import Iterator
from contextvars import ContextVar, Token
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.utils import dateformat, formats, numberformat, timezone, translation

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
    from locales.models import TeamMembership

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


# --- numbers --------------------------------------------------------------------------------

# (unit, suffix) from the largest down, and what joins number and suffix, per language.
# Thai counts in ten-thousands and hundred-thousands too (หมื่น, แสน); Japanese in 万 and 億.
COMPACT_UNITS: dict[str, tuple[tuple[tuple[int, str], ...], str]] = {
    "en": (((10**12, "T"), (10**9, "B"), (10**6, "M"), (10**3, "K")), ""),
    "id": (((10**12, "T"), (10**9, "M"), (10**6, "jt"), (10**3, "rb")), NBSP),
    "th": (
        (
            (10**12, "ล้านล้าน"),
            (10**9, "พันล้าน"),
            (10**6, "ล้าน"),
            (10**5, "แสน"),
            (10**4, "หมื่น"),
            (10**3, "พัน"),
        ),
        NBSP,
    ),
    "vi": (((10**12, "NT"), (10**9, "T"), (10**6, "Tr"), (10**3, "N")), NBSP),
    "ja": (((10**12, "兆"), (10**8, "億"), (10**4, "万")), ""),
    "ms": (((10**12, "T"), (10**9, "B"), (10**6, "J"), (10**3, "K")), ""),
    "km": (((10**12, "ទ្រីលាន"), (10**9, "ប៊ីលាន"), (10**6, "លាន"), (10**3, "ពាន់")), ""),
}


def _separators(lang: str) -> tuple[str, str]:
    decimal = formats.get_format("DECIMAL_SEPARATOR", lang, use_l10n=True)
    thousand = formats.get_format("THOUSAND_SEPARATOR", lang, use_l10n=True)
    return decimal, thousand


def _decimal(value) -> Decimal:
    if isinstance(value, bool):
        raise TypeError("not a number")
    number = value if isinstance(value, Decimal) else Decimal(str(value).strip())
    if not number.is_finite():
        raise ValueError("not a finite number")
    return number


def format_number(value, places: int = 0, lang: str | None = None, grouping: bool = True) -> str:
    """A number with the language's separators, rounded half up to ``places`` decimals.

    Grouped whatever USE_THOUSAND_SEPARATOR says (Django's vi and km formats do not group at all).
    """
    lang = lang or translation.get_language() or settings.LANGUAGE_CODE
    number = _decimal(value).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    decimal_sep, thousand_sep = _separators(lang)
    return numberformat.format(
        number,
        decimal_sep,
        decimal_pos=places,
        grouping=3 if grouping else 0,
        thousand_sep=thousand_sep,
        force_grouping=grouping,
    )


def _round(value: Decimal, unit: int) -> tuple[Decimal, int]:
    scaled = value / unit
    places = 1 if scaled < 100 else 0
    return scaled.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP), places


def compact(value, lang: str | None = None) -> str:
    """A large count the way the language abbreviates it: 5.7M, 5,7 jt, 5.7 ล้าน, 570万.

    One decimal below 100 of a unit, none above; a count rounding up to the next unit moves
    there (999,999 → 1M). Numbers below the smallest unit are written in full.
    """
    if value is None or value == "":
        return DASH
    lang = lang or translation.get_language() or settings.LANGUAGE_CODE
    units, joiner = COMPACT_UNITS.get(base_language(lang), COMPACT_UNITS["en"])
    number = _decimal(value)
    sign = "-" if number < 0 else ""
    number = abs(number)
    for index, (unit, suffix) in enumerate(units):
        if number < unit:
            continue
        rounded, places = _round(number, unit)
        if index and rounded * unit >= units[index - 1][0]:
            unit, suffix = units[index - 1]
            rounded, places = _round(number, unit)
        if rounded == rounded.to_integral_value():
            places = 0
        return f"{sign}{format_number(rounded, places, lang, grouping=False)}{joiner}{suffix}"
    places = 0 if number == number.to_integral_value() else 1
    return sign + format_number(number, places, lang)


# --- money ----------------------------------------------------------------------------------

# ISO 4217 code → (decimals shown, symbol). IDR and KHR are written without decimals in
# practice although ISO lists two (no sen or riel coins are in use); VND, JPY and KRW have none.
CURRENCIES: dict[str, tuple[int, str]] = {
    "IDR": (0, "Rp"),
    "VND": (0, "₫"),
    "JPY": (0, "¥"),
    "KRW": (0, "₩"),
    "KHR": (0, "៛"),
    "LAK": (0, "₭"),
    "THB": (2, "฿"),
    "MYR": (2, "RM"),
    "SGD": (2, "S$"),
    "PHP": (2, "₱"),
    "BND": (2, "B$"),
    "MMK": (0, "K"),
    "USD": (2, "US$"),
    "EUR": (2, "€"),
    "GBP": (2, "£"),
    "CNY": (2, "CN¥"),
    "HKD": (2, "HK$"),
    "TWD": (2, "NT$"),
    "AUD": (2, "A$"),
    "INR": (2, "₹"),
}
# Where a language writes a currency its own way.
LOCAL_SYMBOLS: dict[str, dict[str, str]] = {
    "en": {"USD": "$"},
    "ja": {"JPY": "￥", "CNY": "元"},
    "km": {"USD": "$"},
}
# Languages that put the symbol after the amount, and what goes between.
SYMBOL_AFTER: dict[str, str] = {"vi": NBSP, "km": ""}


def minor_units(currency: str) -> int:
    return CURRENCIES.get((currency or "").upper(), (2, ""))[0]


def currency_symbol(currency: str, lang: str | None = None) -> str:
    code = (currency or "").upper()
    local = LOCAL_SYMBOLS.get(base_language(lang), {})
    return local.get(code) or CURRENCIES.get(code, (2, code))[1] or code


def money(amount, currency: str, lang: str | None = None, places: int | None = None) -> str:
    """An amount in its currency: Rp 1.500.000 (id), ฿1,500.00, 1.500.000 ₫ (vi), ￥1,500 (ja).

    A letter symbol (Rp, RM) is kept apart from the digits by a space, as CLDR does.
    """
    if amount is None or amount == "":
        return DASH
    lang = lang or translation.get_language() or settings.LANGUAGE_CODE
    code = (currency or "").upper()
    number = _decimal(amount)
    places = minor_units(code) if places is None else places
    digits = format_number(abs(number), places, lang)
    sign = "-" if number < 0 and digits.strip("0.,\u00a0 ") else ""
    symbol = currency_symbol(code, lang)
    after = SYMBOL_AFTER.get(base_language(lang))
    if not symbol:
        return sign + digits
    if after is not None:
        return f"{sign}{digits}{NBSP if symbol[0].isalpha() else after}{symbol}"
    joiner = NBSP if symbol[-1].isalpha() else ""
    return f"{sign}{symbol}{joiner}{digits}"


# --- dates and times ------------------------------------------------------------------------

# Django date-format strings; month names come from Django's own catalogues.
DATE_FORMATS = {
    "en": "j M Y",
    "id": "j M Y",
    "th": "j M Y",
    "vi": "d/m/Y",
    "ja": "Y年n月j日",
    "ms": "j M Y",
    "km": "j M Y",
}
DATETIME_FORMATS = {
    "en": "j M Y H:i",
    "id": "j M Y H.i",  # Indonesian writes 10.00
    "th": "j M Y H:i",
    "vi": "H:i d/m/Y",  # Vietnamese puts the time first
    "ja": "Y年n月j日 H:i",
    "ms": "j M Y H:i",
    "km": "j M Y H:i",
}
# Zones whose tz database abbreviation is only an offset ("+07") but which people name.
ZONE_ABBREVIATIONS = {
    "Asia/Bangkok": "ICT",
    "Asia/Ho_Chi_Minh": "ICT",
    "Asia/Saigon": "ICT",
    "Asia/Phnom_Penh": "ICT",
    "Asia/Vientiane": "ICT",
    "Asia/Kuala_Lumpur": "MYT",
    "Asia/Kuching": "MYT",
    "Asia/Singapore": "SGT",
    "Asia/Manila": "PHT",  # the tz database says "PST", which reads as US Pacific
    "Asia/Yangon": "MMT",
    "Asia/Brunei": "BNT",
}
BUDDHIST_ERA_OFFSET = 543


class _BuddhistDateFormat(dateformat.DateFormat):
    """Years of the Buddhist Era (2018 → 2561), as Thai calendars print them."""

    def Y(self):  # Django names these methods after the format characters
        return f"{self.data.year + BUDDHIST_ERA_OFFSET:04d}"

    def y(self):
        return f"{(self.data.year + BUDDHIST_ERA_OFFSET) % 100:02d}"

    def o(self):
        return self.data.isocalendar().year + BUDDHIST_ERA_OFFSET


def resolve_zone(zone=None) -> dt.tzinfo:
    """A tzinfo from a zone name, a tzinfo, or a record with ``timezone`` (country, profile).

    None or a blank name: the active timezone (the page's country). Unknown names raise ValueError.
    """
    if zone is None or zone == "":
        return timezone.get_current_timezone()
    if isinstance(zone, dt.tzinfo):
        return zone
    name = zone if isinstance(zone, str) else getattr(zone, "timezone", None)
    if isinstance(name, dt.tzinfo):
        return name
    if not name:
        return timezone.get_current_timezone()
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(f"unknown timezone {name!r}") from exc


def zone_name(zone=None) -> str:
    """The IANA name ("Asia/Jakarta") of a zone, a country or the active zone."""
    tz = resolve_zone(zone)
    return getattr(tz, "key", None) or str(tz)


def zone_label(zone=None, at: dt.datetime | None = None) -> str:
    """A short name of the zone at that moment: WIB, ICT, JST, CET/CEST, else UTC+7."""
    tz = resolve_zone(zone)
    moment = (at or timezone.now()).astimezone(tz)
    known = ZONE_ABBREVIATIONS.get(getattr(tz, "key", ""))
    if known:
        return known
    abbreviation = moment.tzname() or ""
    if abbreviation.isalpha():
        return abbreviation
    offset = moment.utcoffset() or dt.timedelta(0)
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    hours, rest = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours}" + (f":{rest:02d}" if rest else "")


def _use_buddhist_era(lang: str, buddhist_era: bool | None) -> bool:
    wanted = buddhist_era_preferred() if buddhist_era is None else buddhist_era
    return wanted and base_language(lang) == "th"


def _format(value, fmt: str, lang: str, buddhist_era: bool) -> str:
    formatter = _BuddhistDateFormat if buddhist_era else dateformat.DateFormat
    with translation.override(lang):
        return formatter(value).format(fmt)


def _aware(value: dt.datetime) -> dt.datetime:
    # Stored times are UTC; a naive one can only have come from there.
    return value if timezone.is_aware(value) else value.replace(tzinfo=dt.UTC)


def local_date(value, zone=None, lang: str | None = None, buddhist_era: bool | None = None) -> str:
    """A date as the language writes it; a datetime is first moved into ``zone``."""
    if value is None or value == "":
        return DASH
    lang = lang or translation.get_language() or settings.LANGUAGE_CODE
    if isinstance(value, dt.datetime):
        value = _aware(value).astimezone(resolve_zone(zone)).date()
    fmt = DATE_FORMATS.get(base_language(lang), DATE_FORMATS["en"])
    return _format(value, fmt, lang, _use_buddhist_era(lang, buddhist_era))


def local_dt(
    value,
    zone=None,
    lang: str | None = None,
    buddhist_era: bool | None = None,
    show_zone: str = "abbr",
) -> str:
    """A moment in a zone, with the zone named: "4 Jul 2018 10:00 WIB".

    ``show_zone``: "abbr" (WIB), "name" ("(Asia/Jakarta)"), "both" or "none". Thai readers
    who asked for it (profile, or ``buddhist_era=True``) get Buddhist Era years.
    """
    if value is None or value == "":
        return DASH
    if not isinstance(value, dt.datetime):
        return local_date(value, zone, lang, buddhist_era)
    lang = lang or translation.get_language() or settings.LANGUAGE_CODE
    tz = resolve_zone(zone)
    moment = _aware(value).astimezone(tz)
    fmt = DATETIME_FORMATS.get(base_language(lang), DATETIME_FORMATS["en"])
    text = _format(moment, fmt, lang, _use_buddhist_era(lang, buddhist_era))
    labels = []
    if show_zone in ("abbr", "both"):
        labels.append(zone_label(tz, moment))
    if show_zone in ("name", "both"):
        labels.append(f"({zone_name(tz)})")
    return " ".join([text, *labels])


# --- short dates on chart axes ----------------------------------------------------------------

# Day and month without the year, and month with the year, for axis ticks.
DAY_MONTH_FORMATS = {"en": "j M", "id": "j M", "th": "j M", "vi": "d/m", "ja": "n月j日", "ms": "j M", "km": "j M"}
MONTH_YEAR_FORMATS = {"en": "M Y", "id": "M Y", "th": "M Y", "vi": "m/Y", "ja": "Y年n月", "ms": "M Y", "km": "M Y"}


# Shorter and longer forms for lists, agendas and calendars, per language (Django format strings).
# Japanese puts the weekday after the date in brackets, Vietnamese its time first.
LOCAL_FORMATS: dict[str, dict[str, str]] = {
    "day_month": DAY_MONTH_FORMATS,
    "month_year": {"en": "F Y", "id": "F Y", "th": "F Y", "vi": "F, Y", "ja": "Y年n月", "ms": "F Y", "km": "F Y"},
    "weekday_day_month": {
        "en": "D j M",
        "id": "D j M",
        "th": "D j M",
        "vi": "D, d/m",
        "ja": "n月j日(D)",
        "ms": "D j M",
        "km": "D j M",
    },
    "weekday_day_month_time": {
        "en": "D j M H:i",
        "id": "D j M H.i",
        "th": "D j M H:i",
        "vi": "H:i D, d/m",
        "ja": "n月j日(D) H:i",
        "ms": "D j M H:i",
        "km": "D j M H:i",
    },
    "weekday_long": {
        "en": "l j F",
        "id": "l, j F",
        "th": "l j F",
        "vi": "l, d/m",
        "ja": "n月j日 l",
        "ms": "l, j F",
        "km": "l j F",
    },
    "time": {"en": "H:i", "id": "H.i", "th": "H:i", "vi": "H:i", "ja": "H:i", "ms": "H:i", "km": "H:i"},
}


def local_format(value, kind: str, zone=None, lang: str | None = None) -> str:
    """A date or moment in one of the named shorter forms (``LOCAL_FORMATS``), in the reader's
    language and calendar; a moment is first moved into ``zone`` (None: the page's zone)."""
    if value is None or value == "":
        return DASH
    lang = lang or translation.get_language() or settings.LANGUAGE_CODE
    if isinstance(value, dt.datetime):
        value = _aware(value).astimezone(resolve_zone(zone))
    table = LOCAL_FORMATS[kind]
    fmt = table.get(base_language(lang), table["en"])
    return _format(value, fmt, lang, _use_buddhist_era(lang, None))


def axis_date(value: dt.date, *, with_year: bool = False, monthly: bool = False, lang: str | None = None) -> str:
    """A tick label on a time axis: "3 Dec", "3 ธ.ค." + the year where the reader needs it.

    ``monthly`` ticks name the month and year ("Dec 2026", "2026年12月"); daily ticks name the day
    and month, with the year on a second line when asked (the first tick, a new year). Thai
    readers who chose the Buddhist Era read its years here too.
    """
    lang = lang or translation.get_language() or settings.LANGUAGE_CODE
    base = base_language(lang)
    era = _use_buddhist_era(lang, None)
    if monthly:
        return _format(value, MONTH_YEAR_FORMATS.get(base, MONTH_YEAR_FORMATS["en"]), lang, era)
    text = _format(value, DAY_MONTH_FORMATS.get(base, DAY_MONTH_FORMATS["en"]), lang, era)
    if with_year:
        text += "\n" + _format(value, "Y", lang, era)
    return text


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


@functools.lru_cache(maxsize=2048)
def _territory(code: str, lang: str) -> str | None:
    from babel import Locale, UnknownLocaleError

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
