"""List filters for portal pages, built on the apps' FilterSets (the API uses the same ones), and
the date widgets every app's forms share.

The portal shows a handful of each FilterSet's filters with friendlier widgets: single
selects with "any", date pickers that mean whole local days.
"""

from __future__ import annotations

import django_filters as filters
from django import forms
from django.utils.translation import gettext_lazy as _

from opsportal.filtersets import ChoicesFilter


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class DateTimeInput(forms.DateTimeInput):
    """A native date-and-time picker; the value is local time in the country's timezone."""

    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


def portal_filterset(filterset_class, data, queryset, request, fields: list[str]):
    """A FilterSet restricted to ``fields``, in that order, with portal widgets."""
    filterset = filterset_class(data=data, queryset=queryset, request=request)
    for name in list(filterset.filters):
        if name not in fields:
            del filterset.filters[name]
    for name in fields:
        flt = filterset.filters[name]
        if isinstance(flt, filters.IsoDateTimeFilter):
            # A date in the filter means the whole local day ("starts on or before 30 Nov").
            flt.field_class = forms.DateField
            flt.lookup_expr = f"date__{flt.lookup_expr}"
            flt.extra["widget"] = DateInput()
        elif isinstance(flt, filters.DateFilter):
            flt.extra["widget"] = DateInput()
        elif isinstance(flt, ChoicesFilter):
            flt.extra["choices"] = [("", _("Any"))] + list(flt.extra.get("choices", []))
            flt.extra["widget"] = forms.Select
        elif isinstance(flt, filters.BooleanFilter):
            flt.extra["widget"] = forms.Select(choices=[("", _("Any")), ("true", _("Yes")), ("false", _("No"))])
        elif isinstance(flt, filters.OrderingFilter):
            flt.extra["widget"] = forms.Select
    filterset.filters = {name: filterset.filters[name] for name in fields}
    return filterset
