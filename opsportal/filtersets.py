"""Filters for lists, shared by the portal and the API: the building blocks every app's filtersets use.

Country, owner, search, incremental sync, stable ordering: every record reaches a country. Names
are the ones integrations and the portal's query strings use: ``country``, ``status``, ``owner``,
``start_after``, ``followers_min``, ``updated_since``, ``q``, ``ordering``...
"""

from __future__ import annotations

import datetime as dt

import django_filters as filters
from django import forms
from django.core.exceptions import FieldDoesNotExist
from django.db.models import Q, QuerySet
from django.forms.utils import pretty_name
from django.utils.text import capfirst, format_lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_filters.fields import IsoDateTimeField
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from opsportal.access import access_for_user, country_path
from opsportal.models import Country
from opsportal.search import filter_text

# --- building blocks ---------------------------------------------------------------


def _split(values) -> list[str]:
    """``?x=a,b&x=c`` → ["a", "b", "c"]: integrations send lists either way."""
    if values is None:
        return []
    if isinstance(values, str):
        values = [values]
    return [part.strip() for value in values for part in str(value).split(",") if part.strip()]


class CountryField(forms.ModelMultipleChoiceField):
    """Countries by ISO code (``ID``, ``id``, ``ID,TH``) or by id; unknown or hidden ones are errors."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("to_field_name", "code")
        super().__init__(*args, **kwargs)

    def clean(self, value):
        values = _split(value)
        if not values:
            if self.required:
                raise forms.ValidationError(self.error_messages["required"], code="required")
            return []
        codes = {v.upper() for v in values if not v.isdecimal()}
        ids = {int(v) for v in values if v.isdecimal()}
        found = list(self.queryset.filter(Q(code__in=codes) | Q(pk__in=ids)).only("pk", "code"))
        known = {c.code for c in found} | {str(c.pk) for c in found}
        missing = [v for v in values if v.upper() not in known and v not in known]
        if missing:
            raise forms.ValidationError(
                _("Unknown country: %(codes)s."), code="invalid_choice", params={"codes": ", ".join(missing)}
            )
        return found


def _visible_countries(request):
    """The countries the person or token may read: the filter never confirms others exist."""
    if request is None:
        return Country.objects.all()
    return access_for_user(getattr(request, "user", None)).countries()


@extend_schema_field(OpenApiTypes.STR)
class CountryFilter(filters.ModelMultipleChoiceFilter):
    field_class = CountryField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("queryset", _visible_countries)
        kwargs.setdefault("label", _("Country"))
        kwargs.setdefault("help_text", _("ISO 3166-1 codes (or ids), repeated or comma-separated: ID,TH."))
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        if not value:
            return qs
        return qs.filter(**{f"{self.field_name}__in": [c.pk for c in value]})


class OwnerFilter(filters.CharFilter):
    """A person by username or id; ``me`` is whoever is asking."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label", _("Owner"))
        kwargs.setdefault("help_text", _("Username or id; 'me' for yourself."))
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        if value in (None, ""):
            return qs
        values = _split(value)
        condition = Q()
        for v in values:
            if v.lower() == "me":
                request = getattr(self.parent, "request", None)
                pk = getattr(getattr(request, "user", None), "pk", None)
                condition |= Q(**{f"{self.field_name}__pk": pk}) if pk else Q(pk__in=[])
            elif v.isdecimal():
                condition |= Q(**{f"{self.field_name}__pk": int(v)})
            else:
                condition |= Q(**{f"{self.field_name}__username__iexact": v})
        return qs.filter(condition)


class CSVMultipleChoiceField(forms.MultipleChoiceField):
    def to_python(self, value):
        return super().to_python(_split(value))


class ChoicesFilter(filters.MultipleChoiceFilter):
    """One or several values of a choice field: ``?status=live`` or ``?status=live,planned``."""

    field_class = CSVMultipleChoiceField

    def filter(self, qs, value):
        values = _split(value)
        if not values:
            return qs
        return qs.filter(**{f"{self.field_name}__in": values})


class MarkedKeyFilter(filters.CharFilter):
    """A natural key as people type it: case-insensitive, with or without its mark (# or @)."""

    mark = ""

    def filter(self, qs, value):
        value = (value or "").strip().lstrip(self.mark)
        if not value:
            return qs
        return qs.filter(**{f"{self.field_name}__iexact": value})


class _TranslatedOrderingChoices:
    """A callable for the form field's choices; forms deep-copy their fields, and this must not
    drag the filter's request along."""

    def __init__(self, ordering_filter):
        self.ordering_filter = ordering_filter

    def __call__(self):
        return self.ordering_filter.translated_choices()

    def __iter__(self):
        return iter(self())

    def __deepcopy__(self, memo):
        # A filterset deep-copies its filters: follow the copy, which knows its filterset (and model).
        return _TranslatedOrderingChoices(memo.get(id(self.ordering_filter), self.ordering_filter))


class StableOrderingFilter(filters.OrderingFilter):
    """``?ordering=-views``; the primary key breaks ties so pages never repeat or skip a row."""

    def __init__(self, *args, **kwargs):
        # django-filter's own "Ordering" comes from its catalogue, which lacks Thai, Khmer and
        # Malay: our label is in our catalogues, in words a team member uses.
        kwargs.setdefault("label", pgettext_lazy("label of the sort menu of a list", "Sort by"))
        # The menu's first choice is the list's own order: words, not django-filter's "---------".
        first = pgettext_lazy("the sort menu's first choice: the list's own order", "Default order")
        kwargs.setdefault("empty_label", first)
        super().__init__(*args, **kwargs)
        # django-filter builds its labels once, in English, at import; ours are built per form,
        # from the model's translated verbose names, in the language of the request.
        self.extra["choices"] = _TranslatedOrderingChoices(self)

    def _field_label(self, field: str):
        model = getattr(getattr(self, "parent", None), "_meta", None)
        model = getattr(model, "model", None) or getattr(self, "model", None)
        try:
            return capfirst(model._meta.get_field(field).verbose_name)
        except (AttributeError, FieldDoesNotExist):
            return pretty_name(field.replace("__", " "))

    def translated_choices(self):
        ascending = [(param, self._field_label(field)) for param, field in self.param_map.items()]
        descending = [(f"-{param}", format_lazy("{} ({})", label, _("descending"))) for param, label in ascending]
        return [choice for pair in zip(ascending, descending, strict=True) for choice in pair]

    def filter(self, qs, value):
        if value in ([], (), {}, "", None):
            return qs
        ordering = [self.get_ordering_value(p) for p in value if p]
        if not ordering:
            return qs
        tiebreak = "-pk" if ordering[0].startswith("-") else "pk"
        return qs.order_by(*ordering, tiebreak)

    def ordering_for(self, value) -> list[str]:
        """The model ordering a request's ``ordering`` parameter stands for (used by the API's cursor)."""
        return [self.get_ordering_value(p) for p in _split(value)]


class UtcIsoDateTimeField(IsoDateTimeField):
    """An ISO 8601 time, in UTC: PostgreSQL refuses offsets beyond ±15:59 that Python accepts."""

    def to_python(self, value):
        value = super().to_python(value)
        if value is not None and value.tzinfo is not None:
            try:
                value = value.astimezone(dt.UTC)
            except OverflowError:  # year 1 east of UTC, or 9999 west of it
                raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None
        return value


class TimeFilter(filters.IsoDateTimeFilter):
    """A time filter (``updated_since``, ``start_after``...): ISO 8601, compared in UTC."""

    field_class = UtcIsoDateTimeField


class OpsFilterSet(filters.FilterSet):
    """``q`` (search on names, handles, hashtags) and ``updated_since`` (incremental sync)."""

    q = filters.CharFilter(
        method="filter_q", label=_("Search"), help_text=_("Words to find in names, handles, hashtags.")
    )

    # Models with ``updated_at`` get this; snapshots map it to ``recorded_at``.
    updated_since = TimeFilter(
        field_name="updated_at",
        lookup_expr="gte",
        label=_("Changed since"),
        help_text=_("ISO 8601 time with offset: rows created or changed at or after it."),
    )

    # The API's keyset page (order, cursor, rows), set by its filter backend on lists: the text
    # search is then applied last, over every other filter, and cut to that page's candidates.
    first_rows = None

    def filter_q(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        if self.first_rows is not None:
            return queryset  # see filter_queryset
        return filter_text(queryset, value)

    def filter_queryset(self, queryset: QuerySet) -> QuerySet:
        queryset = super().filter_queryset(queryset)
        q = self.form.cleaned_data.get("q")
        if self.first_rows is not None and q:
            queryset = filter_text(queryset, q, first=self.first_rows)
        return queryset


def country_filter(model) -> CountryFilter:
    return CountryFilter(field_name=country_path(model) or "pk")


def date_range(field_name: str, *, label_after, label_before, dates: bool = False):
    """An ``..._after`` / ``..._before`` pair (both inclusive) on a date or time field."""
    cls = filters.DateFilter if dates else TimeFilter
    return (
        cls(field_name=field_name, lookup_expr="gte", label=label_after),
        cls(field_name=field_name, lookup_expr="lte", label=label_before),
    )


class WholeNumberField(forms.IntegerField):
    """A count: ``0.5`` or ``1e3`` is refused (the schema says integer), and so is a number
    PostgreSQL's bigint cannot hold (it would fail in SQL)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", -(2**63))
        kwargs.setdefault("max_value", 2**63 - 1)
        super().__init__(*args, **kwargs)


@extend_schema_field(OpenApiTypes.INT)
class WholeNumberFilter(filters.NumberFilter):
    """A count or a record id: documented as an integer, and 400 for anything else (a float id
    like 3e43 was a 500 on SQLite, which cannot hold it)."""

    field_class = WholeNumberField


def number_range(field_name: str, *, label_min, label_max):
    """A ``..._min`` / ``..._max`` pair (both inclusive) on a count (views, followers)."""
    return (
        WholeNumberFilter(field_name=field_name, lookup_expr="gte", label=label_min),
        WholeNumberFilter(field_name=field_name, lookup_expr="lte", label=label_max),
    )


# --- locales --------------------------------------------------------------------------
