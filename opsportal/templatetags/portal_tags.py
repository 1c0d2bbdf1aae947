"""Small display helpers for portal templates: compact numbers, money, changes."""

from __future__ import annotations

from django import template
from django.utils.translation import gettext as _

from opsportal import l10n

register = template.Library()


@register.filter
def compact(value):
    """5,700,000 → 5.7M (5,7 jt in Indonesian): big counts read at a glance, in the page's language."""
    if value in (None, ""):
        return "–"
    try:
        return l10n.compact(value)
    except (TypeError, ValueError, ArithmeticError):
        return value


@register.filter
def money(amount, currency):
    """An amount in the record's currency, with its symbol and decimals (IDR has none)."""
    if amount in (None, ""):
        return "–"
    return l10n.money(amount, str(currency))


@register.filter
def change_pct(current, previous):
    """Week-over-week change by the report's growth rule (``l10n.growth``): "new" or the
    absolute gain when last week's base is too small for a percentage to mean anything."""
    return l10n.growth(current, previous).text


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
