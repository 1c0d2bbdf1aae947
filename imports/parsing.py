"""Reading the values people actually type in spreadsheets.

Every parser takes the raw cell (a string from CSV, or a number/date from XLSX) and returns a
clean Python value, or raises ``CellError`` with a message a person can act on. Empty cells are
handled by the caller (an empty cell never erases a stored value).
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import lru_cache
from urllib.parse import parse_qs, urlsplit

from django.utils.translation import get_language
from django.utils.translation import gettext as _


class CellError(ValueError):
    """A cell that cannot be read; the message names what was expected."""


def is_blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def clean_text(value, *, max_length: int | None = None) -> str:
    """Text as typed, trimmed; normalised to NFC so Thai/Japanese names compare equal."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = unicodedata.normalize("NFC", str(value)).strip()
    if text[:1] == "'" and text[1:2] in ("=", "+", "-", "@"):
        text = text[1:]  # our exports' formula neutralisation, undone on the way back in
    if max_length and len(text) > max_length:
        raise CellError(_("Too long: at most %(n)d characters.") % {"n": max_length})
    return text


# --- numbers -------------------------------------------------------------------------------

# Suffixes teams write after counts: English, Indonesian (juta = million, ribu = thousand,
# miliar = billion), Thai and Japanese units. Longest first so "jt" wins over "j".
MULTIPLIERS: dict[str, int] = {
    "k": 1_000,
    "rb": 1_000,
    "ribu": 1_000,
    "thousand": 1_000,
    "m": 1_000_000,
    "mn": 1_000_000,
    "mio": 1_000_000,
    "mil": 1_000_000,
    "million": 1_000_000,
    "millions": 1_000_000,
    "jt": 1_000_000,
    "juta": 1_000_000,
    "b": 1_000_000_000,
    "bn": 1_000_000_000,
    "billion": 1_000_000_000,
    "miliar": 1_000_000_000,
    "milyar": 1_000_000_000,
    "พัน": 1_000,
    "หมื่น": 10_000,
    "แสน": 100_000,
    "ล้าน": 1_000_000,
    "千": 1_000,
    "万": 10_000,
    "萬": 10_000,
    "億": 100_000_000,
    "亿": 100_000_000,
}
_NUMBER = re.compile(r"^(?P<sign>[-+]?)(?P<digits>[0-9][0-9.,' \u00a0\u202f]*)(?P<suffix>[^\d]*)$")
_CURRENCY_PREFIX = re.compile(r"^(?:rp\.?|idr|thb|฿|usd|us\$|\$|¥|jpy|vnd|₫|rm|myr|khr|€|eur)\s*", re.IGNORECASE)


def _decimal_from(digits: str, *, has_multiplier: bool) -> Decimal:
    """Decide which of ``,`` and ``.`` is the decimal mark.

    Both present: the last one is decimal (1,234.5 / 1.234,5). One kind, repeated: thousands
    (5,700,000 / 5.700.000). One kind, once: decimal after a multiplier (5,7 jt, 5.7M) or
    when not followed by exactly three digits (5,7); thousands otherwise (5,700 / 5.700).
    """
    digits = re.sub(r"[ '\u00a0\u202f]", "", digits)
    commas, dots = digits.count(","), digits.count(".")
    if commas and dots:
        decimal_mark = "," if digits.rfind(",") > digits.rfind(".") else "."
        thousands = "." if decimal_mark == "," else ","
        digits = digits.replace(thousands, "").replace(decimal_mark, ".")
    elif commas or dots:
        mark = "," if commas else "."
        count = commas or dots
        tail = digits.rsplit(mark, 1)[1]
        if count > 1:
            if not all(len(g) == 3 for g in digits.split(mark)[1:]):
                raise CellError(_("Not a number."))
            digits = digits.replace(mark, "")
        elif has_multiplier or len(tail) != 3:
            digits = digits.replace(mark, ".")
        else:
            digits = digits.replace(mark, "")
    try:
        return Decimal(digits)
    except InvalidOperation:
        raise CellError(_("Not a number."))


def _parse_number(value) -> tuple[Decimal, int]:
    """(number, multiplier used) from a typed count or amount."""
    if isinstance(value, bool):
        raise CellError(_("Not a number."))
    if isinstance(value, int | float | Decimal):
        return Decimal(str(value)), 1
    text = unicodedata.normalize("NFKC", str(value)).strip().lower()
    text = _CURRENCY_PREFIX.sub("", text)
    match = _NUMBER.match(text)
    if not match:
        raise CellError(_("Not a number: %(value)s.") % {"value": str(value)[:40]})
    suffix = match["suffix"].strip().rstrip(".").strip()
    multiplier = 1
    if suffix:
        if suffix not in MULTIPLIERS:
            raise CellError(_("Unknown unit %(unit)s in %(value)s.") % {"unit": suffix, "value": str(value)[:40]})
        multiplier = MULTIPLIERS[suffix]
    number = _decimal_from(match["digits"].strip(" ,."), has_multiplier=bool(suffix)) * multiplier
    return (-number if match["sign"] == "-" else number), multiplier


def parse_decimal(value, *, allow_negative: bool = False) -> Decimal:
    """``5,700,000``, ``5.7M``, ``5,7 jt``, ``570K``, ``57万``, ``Rp 150.000.000`` → Decimal."""
    number, _multiplier = _parse_number(value)
    if number < 0 and not allow_negative:
        raise CellError(_("Cannot be negative."))
    return number


def parse_count(value) -> int:
    """A whole, non-negative count (followers, views): 5.7M → 5,700,000.

    A fraction is fine with a unit (1.55K → 1,550, rounded to one) but not without one:
    "5,7" followers is a typo, not 6.
    """
    if type(value) is str and value.isascii() and value.isdigit():
        return int(value)  # most counts in a file: the long way below gives the same number
    number, multiplier = _parse_number(value)
    if number < 0:
        raise CellError(_("Cannot be negative."))
    if multiplier == 1 and number != number.to_integral_value():
        raise CellError(_("Not a whole number: %(value)s.") % {"value": str(value)[:40]})
    return int(number.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def parse_money(value) -> Decimal:
    return parse_decimal(value).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


# --- booleans and choices ----------------------------------------------------------------

TRUE_WORDS = {"1", "y", "yes", "true", "t", "x", "✓", "✔", "ya", "iya", "benar", "ใช่", "はい", "có", "oui", "ja"}
FALSE_WORDS = {"0", "n", "no", "false", "f", "-", "tidak", "bukan", "ไม่", "いいえ", "không", "non", "nein"}


def parse_bool(value) -> bool:
    if isinstance(value, bool):
        return value
    text = clean_text(value).lower()
    if text in TRUE_WORDS:
        return True
    if text in FALSE_WORDS:
        return False
    raise CellError(_("Expected yes or no, got %(value)s.") % {"value": text[:40]})


@lru_cache(maxsize=8192)
def simplify(text: str) -> str:
    """Lower case, accents and punctuation dropped: "Lip-sync" → "lipsync"."""
    text = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode() or str(text)
    return re.sub(r"[^0-9a-z\u0e00-\u0e7f\u3040-\u9fff]+", "", text.lower())


_CHOICE_LOOKUPS: dict[tuple, dict[str, str]] = {}


def _choice_lookup(choices, aliases: dict[str, str] | None) -> dict[str, str]:
    """Every spelling of every choice → its value; built once per choice set and language."""
    key = (tuple(k for k, _label in choices), tuple(sorted((aliases or {}).items())), get_language())
    lookup = _CHOICE_LOOKUPS.get(key)
    if lookup is None:
        lookup = {}
        for alias, value in (aliases or {}).items():
            lookup[simplify(alias)] = value
        for value, label in choices:
            lookup[simplify(str(label))] = value
            lookup[simplify(value)] = value
        _CHOICE_LOOKUPS[key] = lookup
    return lookup


def parse_choice(value, choices, aliases: dict[str, str] | None = None) -> str:
    """A choice by its value or label in any case and punctuation ("Meet-up" → ``meet_up``)."""
    return _read_choice(value, _choice_lookup(choices, aliases), choices)


def choice_reader(choices, aliases: dict[str, str] | None = None):
    """``parse_choice`` for one choice set, its spellings looked up once (in the language active
    now): a file reads the same column on every row."""
    lookup = _choice_lookup(choices, aliases)
    return lambda value: _read_choice(value, lookup, choices)


def _read_choice(value, lookup: dict[str, str], choices) -> str:
    found = lookup.get(simplify(clean_text(value)))
    if found is None:
        allowed = ", ".join(str(key) for key, _label in choices)
        raise CellError(_("Unknown value %(value)s; use one of: %(allowed)s.") % {"value": value, "allowed": allowed})
    return found


# --- dates -----------------------------------------------------------------------------

EXCEL_EPOCH = dt.datetime(1899, 12, 30)  # serial 1 = 1900-01-01, with Excel's 1900 leap-year bug
MONTHS = {
    name: i
    for i, names in enumerate(
        [
            ("jan", "january", "januari"),
            ("feb", "february", "februari", "peb"),
            ("mar", "march", "maret"),
            ("apr", "april"),
            ("may", "mei"),
            ("jun", "june", "juni"),
            ("jul", "july", "juli"),
            ("aug", "august", "agu", "agt", "agustus", "ags"),
            ("sep", "sept", "september"),
            ("oct", "october", "okt", "oktober"),
            ("nov", "november", "nop", "nopember"),
            ("dec", "december", "des", "desember"),
        ],
        start=1,
    )
    for name in names
}
_ISO = re.compile(
    r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ t](\d{1,2}):(\d{2})(?::(\d{2}))?(?:\.\d+)?)?(z|[+-]\d{2}:?\d{2})?$"
)
_NUMERIC = re.compile(
    r"^(\d{1,4})[/.\-](\d{1,2})[/.\-](\d{2,4})(?:[ ,t]+(\d{1,2})[:.](\d{2})(?::(\d{2}))?\s*(am|pm)?)?$"
)
_NAMED = re.compile(r"^(\d{1,2})\s*[ \-/]\s*([a-z]+)\.?\s*[ \-/,]\s*(\d{4})$|^([a-z]+)\.?\s+(\d{1,2}),?\s+(\d{4})$")
_TIME = re.compile(r"^(\d{1,2})[:.](\d{2})(?::(\d{2}))?$")


def _year(y: int) -> int:
    if y < 100:
        return 2000 + y if y < 70 else 1900 + y
    if y > 2400:  # Thai Buddhist Era (2561 = 2018), common in Thai spreadsheets
        return y - 543
    return y


def _excel_serial(number: float) -> dt.datetime:
    if not 1 <= number < 2958466:
        raise CellError(_("Not a date: %(value)s.") % {"value": number})
    return EXCEL_EPOCH + dt.timedelta(days=float(number))


def parse_datetime_parts(value, *, day_first: bool) -> tuple[dt.datetime, bool, dt.tzinfo | None]:
    """Any date or date-time a spreadsheet holds → (naive datetime, has_time, tz or None).

    ISO ``2018-07-04`` (optionally with time and offset), ``04/07/2018`` read day-first or
    month-first as the country says, ``4 Jul 2018`` / ``July 4, 2018`` (English and Indonesian
    month names), Excel serial numbers (``43285``) and real XLSX dates.
    """
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=None), bool(value.time() != dt.time()), value.tzinfo
    if isinstance(value, dt.date):
        return dt.datetime.combine(value, dt.time()), False, None
    if isinstance(value, int | float) and not isinstance(value, bool):
        moment = _excel_serial(value)
        return moment, bool(moment.time() != dt.time()), None
    text = unicodedata.normalize("NFKC", str(value)).strip().lower()
    try:
        if re.fullmatch(r"\d{5}(\.\d+)?", text):
            moment = _excel_serial(float(text))
            return moment, bool(moment.time() != dt.time()), None
        if m := _ISO.match(text):
            y, mo, d, hh, mi, ss, tz = m.groups()
            moment = dt.datetime(_year(int(y)), int(mo), int(d), int(hh or 0), int(mi or 0), int(ss or 0))
            zone = None
            if tz:
                zone = dt.UTC if tz == "z" else dt.datetime.strptime(tz.replace(":", ""), "%z").tzinfo
            return moment, hh is not None, zone
        if m := _NUMERIC.match(text):
            a, b, c, hh, mi, ss, ampm = m.groups()
            if len(a) == 4:  # 2018/07/04
                y, mo, d = int(a), int(b), int(c)
            elif day_first:
                d, mo, y = int(a), int(b), int(c)
            else:
                mo, d, y = int(a), int(b), int(c)
            hour = int(hh or 0)
            if ampm == "pm" and hour < 12:
                hour += 12
            if ampm == "am" and hour == 12:
                hour = 0
            moment = dt.datetime(_year(y), mo, d, hour, int(mi or 0), int(ss or 0))
            return moment, hh is not None, None
        if m := _NAMED.match(text):
            if m.group(1):
                d, month, y = int(m.group(1)), m.group(2), int(m.group(3))
            else:
                month, d, y = m.group(4), int(m.group(5)), int(m.group(6))
            if month not in MONTHS:
                raise CellError(_("Unknown month %(month)s.") % {"month": month})
            return dt.datetime(_year(y), MONTHS[month], d), False, None
    except ValueError as exc:
        if isinstance(exc, CellError):
            raise
        raise CellError(_("Not a valid date: %(value)s.") % {"value": str(value)[:40]})
    raise CellError(
        _("Not a date: %(value)s. Use 2018-07-04, %(local)s or an Excel date.")
        % {"value": str(value)[:40], "local": "04/07/2018" if day_first else "07/04/2018"}
    )


def parse_date(value, *, day_first: bool) -> dt.date:
    return parse_datetime_parts(value, day_first=day_first)[0].date()


def parse_datetime(value, *, day_first: bool, zone: dt.tzinfo, end_of_day: bool = False) -> dt.datetime:
    """An aware datetime; a time without an offset is local to the country (``zone``).

    A bare date means the start of that local day, or its last minute when ``end_of_day``.
    """
    moment, has_time, tz = parse_datetime_parts(value, day_first=day_first)
    if not has_time and end_of_day:
        moment = moment.replace(hour=23, minute=59)
    if tz is not None:
        return moment.replace(tzinfo=tz)
    return moment.replace(tzinfo=zone)


def parse_time(value) -> dt.time:
    if isinstance(value, dt.time):
        return value
    if isinstance(value, dt.datetime):
        return value.time()
    m = _TIME.match(clean_text(value))
    if not m:
        raise CellError(_("Not a time: %(value)s. Use 14:30.") % {"value": value})
    return dt.time(int(m.group(1)), int(m.group(2)), int(m.group(3) or 0))


# --- handles and profile URLs -------------------------------------------------------------

PLATFORM_HOSTS = {
    "tiktok.com": "tiktok",
    "vm.tiktok.com": "tiktok",
    "vt.tiktok.com": "tiktok",
    "youtube.com": "youtube",
    "youtu.be": "youtube",
    "instagram.com": "instagram",
    "instagr.am": "instagram",
    "facebook.com": "facebook",
    "fb.com": "facebook",
    "fb.me": "facebook",
    "twitter.com": "x",
    "x.com": "x",
}
PLATFORM_NAMES = {"tiktok": "TikTok", "youtube": "YouTube", "instagram": "Instagram", "facebook": "Facebook", "x": "X"}
_HANDLE = re.compile(r"^[\w.\-]{1,100}$")
_SHORT_LINK_HOSTS = {"vm.tiktok.com", "vt.tiktok.com", "youtu.be", "fb.me"}
_PROFILE_URL = {
    "tiktok": "https://www.tiktok.com/@{}",
    "youtube": "https://www.youtube.com/@{}",
    "instagram": "https://www.instagram.com/{}/",
    "facebook": "https://www.facebook.com/{}",
    "x": "https://x.com/{}",
}


def profile_url(platform: str, handle: str) -> str:
    """The canonical profile address of an account, for accounts created from a bare handle."""
    if platform == "youtube" and handle.startswith("UC") and len(handle) == 24:
        return f"https://www.youtube.com/channel/{handle}"
    template = _PROFILE_URL.get(platform)
    return template.format(handle) if template else ""


_HOST_AND_PATH = re.compile(r"^[a-z0-9.\-]+\.[a-z]{2,}/")


def _looks_like_url(text: str) -> bool:
    return "://" in text or text.startswith("www.") or bool(_HOST_AND_PATH.match(text.lower()))


def parse_handle(value, platform: str | None = None) -> tuple[str | None, str, str]:
    """A handle as typed (``@kaykai``, ``kaykai``) or a profile URL → (platform, handle, url).

    The platform comes from the URL's host when there is one (``None`` for a bare handle);
    a URL for a different platform than the column says is an error.
    """
    text = unicodedata.normalize("NFKC", clean_text(value))
    url = ""
    found = None
    if _looks_like_url(text):
        parts = urlsplit(text if "://" in text else "https://" + text)
        host = (parts.hostname or "").lower()
        for prefix in ("www.", "m.", "mobile.", "web."):
            host = host.removeprefix(prefix)
        if host in _SHORT_LINK_HOSTS:
            raise CellError(
                _("A short link (%(host)s) does not name the account; paste the profile URL.") % {"host": host}
            )
        found = PLATFORM_HOSTS.get(host)
        if found is None:
            raise CellError(_("Not a known profile URL: %(value)s.") % {"value": text[:80]})
        segments = [s for s in parts.path.split("/") if s]
        handle = ""
        if found == "youtube" and segments and segments[0] in ("channel", "c", "user"):
            handle = segments[1] if len(segments) > 1 else ""
        elif found == "facebook" and segments[:1] == ["profile.php"]:
            handle = (parse_qs(parts.query).get("id") or [""])[0]
        elif segments:
            handle = segments[0]
        if found == "tiktok" and segments[:1] == ["tag"]:
            raise CellError(_("This is a hashtag page, not a profile."))
        handle = handle.lstrip("@")
        url = f"https://{'www.' if found != 'x' else ''}{host}{parts.path.rstrip('/')}"
        if found == "facebook" and segments[:1] == ["profile.php"]:
            url = f"https://www.facebook.com/profile.php?id={handle}"
    else:
        handle = text.lstrip("@").strip()
    if platform and found and found != platform:
        raise CellError(
            _("This link is for %(found)s, not %(platform)s.")
            % {"found": PLATFORM_NAMES.get(found, found), "platform": PLATFORM_NAMES.get(platform, platform)}
        )
    if not handle or not _HANDLE.match(handle):
        raise CellError(_("Not a valid handle: %(value)s.") % {"value": text[:80]})
    return found, handle, url


def parse_hashtag(value) -> str:
    """``#JogetBareng``, ``JogetBareng`` or a TikTok tag URL → ``JogetBareng``."""
    text = unicodedata.normalize("NFC", clean_text(value))
    if _looks_like_url(text):
        parts = urlsplit(text if "://" in text else "https://" + text)
        segments = [s for s in parts.path.split("/") if s]
        if len(segments) >= 2 and segments[0] == "tag":
            text = segments[1]
        else:
            raise CellError(_("Not a hashtag page URL: %(value)s.") % {"value": text[:80]})
    text = text.strip().lstrip("#").strip()
    if not text or re.search(r"\s", text) or len(text) > 100:
        raise CellError(_("Not a valid hashtag: %(value)s.") % {"value": str(value)[:80]})
    return text
