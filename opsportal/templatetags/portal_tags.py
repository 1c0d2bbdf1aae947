"""Small display helpers for portal templates: compact numbers, money, changes."""

from __future__ import annotations

from decimal import Decimal

from django import template
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from opsportal.charts import compact_number

register = template.Library()

# ISO 4217 currencies written without decimals.
ZERO_DECIMAL_CURRENCIES = {"IDR", "VND", "JPY", "KRW", "KHR", "CLP", "ISK", "UGX"}


@register.filter
def compact(value):
    """5,700,000 → 5.7M: big follower and view counts read at a glance."""
    if value in (None, ""):
        return "–"
    try:
        return compact_number(float(value))
    except (TypeError, ValueError):
        return value


@register.filter
def money(amount, currency):
    """An amount in the record's currency, with the currency's decimals (IDR has none)."""
    if amount in (None, ""):
        return "–"
    places = 0 if str(currency).upper() in ZERO_DECIMAL_CURRENCIES else 2
    return f"{currency} {number_format(Decimal(amount), places, use_l10n=True, force_grouping=True)}"


@register.filter
def change_pct(current, previous):
    """Week-over-week change as a signed percentage, or a dash when there is no base."""
    if not previous:
        return "–"
    pct = (float(current or 0) - float(previous)) / float(previous) * 100
    return f"{pct:+.0f}%"


@register.filter
def percent_of(value, target):
    if not target:
        return None
    return min(100, round(float(value or 0) / float(target) * 100))


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if mapping else None


@register.simple_tag
def yes_no(value):
    return _("yes") if value else _("no")
