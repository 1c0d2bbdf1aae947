"""Labels of stored goal figures (a weekly report keeps keys, shown in the reader's language)."""

from django import template

from goals.models import Metric
from goals.selectors import Standing

register = template.Library()


@register.filter
def metric_label(value):
    try:
        return Metric(value).label
    except ValueError:
        return value


@register.filter
def standing_label(value):
    return Standing.LABELS.get(value, value or "")
