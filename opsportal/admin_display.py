"""What the admin pages show beside the records: local times, numbers, links, and the date filter.

Split from ``opsportal.admin_mixins`` (which re-exports every name here, so apps keep importing
them from there).
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.contrib import admin
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _


def local_time(value: dt.datetime | None, tzname: str | None) -> str:
    """A UTC moment as the country's clock shows it, with the zone's abbreviation, in the
    reader's language: the same path as the portal's pages (``l10n.local_dt``)."""
    from opsportal import l10n

    if value is None:
        return l10n.DASH
    return l10n.local_dt(value, _zone(tzname) if tzname else dt.UTC)


def _zone(tzname: str) -> ZoneInfo:
    return ZoneInfo(tzname)


def number(value) -> str:
    return "–" if value is None else f"{value:,}"


def admin_link(obj, text=None) -> str:
    """A link to a related record's admin page."""
    from django.urls import reverse

    if obj is None:
        return "–"
    url = reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])
    return format_html('<a href="{}">{}</a>', url, text or str(obj))


def when_filter(field_name: str, title):
    """A list filter for dates that matter ahead as much as behind: overdue, today, next 7/30 days.

    Works for date and datetime fields; days are counted in UTC, close enough for triage.
    """

    class WhenFilter(admin.SimpleListFilter):
        parameter_name = f"{field_name}_when"

        def lookups(self, request, model_admin):
            return [
                ("past", _("Before today")),
                ("today", _("Today")),
                ("week", _("Next 7 days")),
                ("month", _("Next 30 days")),
                ("later", _("Later")),
                ("none", _("No date")),
            ]

        def queryset(self, request, queryset):
            today = timezone.now().date()
            days = {"week": 7, "month": 30}
            value = self.value()
            if value is None:
                return queryset
            if value == "none":
                return queryset.filter(**{f"{field_name}__isnull": True})
            is_datetime = _is_datetime(queryset.model, field_name)
            start = _day_start(today) if is_datetime else today
            end = _day_start(today + dt.timedelta(days=1)) if is_datetime else today
            if value == "past":
                return queryset.filter(**{f"{field_name}__lt": start})
            if value == "today":
                if is_datetime:
                    return queryset.filter(**{f"{field_name}__gte": start, f"{field_name}__lt": end})
                return queryset.filter(**{field_name: today})
            if value in days:
                horizon = today + dt.timedelta(days=days[value] + 1)
                upper = _day_start(horizon) if is_datetime else horizon
                return queryset.filter(**{f"{field_name}__gte": start, f"{field_name}__lt": upper})
            if value == "later":
                horizon = today + dt.timedelta(days=31)
                return queryset.filter(**{f"{field_name}__gte": _day_start(horizon) if is_datetime else horizon})
            return queryset

    WhenFilter.title = title
    return WhenFilter


def _is_datetime(model, path: str) -> bool:
    from django.db import models

    field = None
    for part in path.split("__"):
        field = model._meta.get_field(part)
        model = field.related_model or model
    return isinstance(field, models.DateTimeField)


def _day_start(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=dt.UTC)
