"""Numbers and money as each team writes them: separators, compact units (5.7M, 5,7 jt, 570万),
currency symbols and decimals. Not through Babel: its CLDR data gives IDR two decimals where our
teams write none."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.utils import formats, numberformat, translation

from .languages import DASH, NBSP, base_language

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
