"""Dates and times in the country's zone and the reader's language (Buddhist era for Thai readers
who ask for it), and the short dates of chart axes."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.utils import dateformat, timezone, translation

from .languages import DASH, base_language, buddhist_era_preferred

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
