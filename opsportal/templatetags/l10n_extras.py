"""Template filters over ``opsportal.l10n``: ``{% load l10n_extras %}``.

    {{ challenge.views|compact }}            5.7M · 5,7 jt · 570万
    {{ event.budget|money:event.currency }}  Rp 150.000.000 (a Country works too: |money:country)
    {{ meeting.at|local_dt:country }}        4 Jul 2018 10:00 WIB (no argument: the page's zone)
    {{ meeting.at|local_date:country }}      4 Jul 2018
    {{ views|number }} · {{ 177|percent }}   30.000.000 · 177% (never capped)
    {{ entry.owner|person }}                 the person's display name, not their username
    {{ value|readable }}                     any stored value: dash, local time, number, name
    {% chart_query country %}                what a chart URL carries (language, era, country)
    {% language_choices as choices %}        the language switcher's options

A value the filters cannot read is shown as it is rather than breaking the page.
"""

from __future__ import annotations

from django import template
from django.conf import settings
from django.utils import translation

from opsportal import l10n

register = template.Library()

BAD_INPUT = (TypeError, ValueError, ArithmeticError)


@register.filter
def compact(value):
    try:
        return l10n.compact(value)
    except BAD_INPUT:
        return value


@register.filter
def number(value, places=0):
    """{{ views|number }}: grouped in the language's way (Django's vi and km formats do not group)."""
    if value is None or value == "":
        return l10n.DASH
    try:
        return l10n.format_number(value, int(places))
    except BAD_INPUT:
        return value


@register.filter
def percent(value, places=0):
    """{{ 177|percent }} → 177%: never capped, a dash when there is nothing to show."""
    try:
        return l10n.percent(value, int(places))
    except BAD_INPUT:
        return value


@register.filter
def growth(current, previous):
    """{% with g=now|growth:before %}{{ g.text }} ({{ g.direction }}): the report's growth rule."""
    try:
        return l10n.growth(current, previous)
    except BAD_INPUT:
        return l10n.Growth(l10n.DASH, "", "none")


@register.filter
def country_name(country):
    """{{ country|country_name }}: "Thailand", "ประเทศไทย", "タイ" as the reader says it (CLDR)."""
    return l10n.country_name(country)


@register.filter
def person(user):
    """{{ entry.owner|person }}: the person's name as colleagues know it, not their username."""
    return l10n.person(user)


@register.filter
def readable(value, zone=None):
    """Any stored value as people read it (dash, local time, grouped number, name)."""
    try:
        return l10n.readable(value, _zone(zone))
    except BAD_INPUT:
        return value


@register.filter
def money(amount, currency=""):
    code = getattr(currency, "currency", currency) or ""
    try:
        return l10n.money(amount, str(code))
    except BAD_INPUT:
        return amount


@register.filter
def currency_symbol(currency):
    return l10n.currency_symbol(str(getattr(currency, "currency", currency) or ""))


def _zone(zone):
    try:
        return l10n.resolve_zone(zone)
    except ValueError:  # a record with a mistyped zone still shows, in the page's zone
        return l10n.resolve_zone(None)


@register.filter
def local_dt(value, zone=None):
    try:
        return l10n.local_dt(value, _zone(zone))
    except BAD_INPUT:
        return value


@register.filter
def local_date(value, zone=None):
    try:
        return l10n.local_date(value, _zone(zone))
    except BAD_INPUT:
        return value


@register.filter
def local(value, kind):
    """{{ e.starts_at|local:"weekday_day_month_time" }}: a shorter or longer form in the
    reader's language (``l10n.LOCAL_FORMATS``), in the page's zone."""
    try:
        return l10n.local_format(value, kind, _zone(None))
    except (*BAD_INPUT, KeyError):
        return value


@register.filter
def zone_label(zone=None):
    return l10n.zone_label(_zone(zone))


@register.simple_tag
def chart_query(country=None, **extra):
    """The query string a chart URL carries: ``?{% chart_query country set="engagement" %}``."""
    from opsportal.portal.charts import chart_query as query

    return query(country, **extra)


@register.simple_tag
def language_choices():
    """[{code, name, current}] for every language of settings.LANGUAGES, named in itself."""
    current = translation.get_language()
    return [
        {"code": code, "name": l10n.AUTONYMS.get(code, code), "current": code == current}
        for code, _name in settings.LANGUAGES
    ]
