"""Keyset ("cursor") pagination: no COUNT(*) on million-row tables, stable under inserts.

The order is one field chosen with ``?ordering=`` (from the list's filterset) plus the primary
key as tie-break, NULLs last both ways, so a page never repeats or skips a row. The cursor is
an opaque token of the last row's (value, id); ``?page_size=`` is capped.
"""

from __future__ import annotations

import base64
import datetime as dt
from decimal import Decimal

import orjson
from django.core.exceptions import FieldDoesNotExist
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import DateTimeField, F, Q
from django.utils.translation import gettext_lazy as _
from rest_framework import pagination
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param

from opsportal.db import pg_storable

from . import compiled, keyset


def _encode(value, pk) -> str:
    if isinstance(value, dt.datetime | dt.date):
        value = value.isoformat()
    elif isinstance(value, Decimal):
        value = str(value)
    raw = orjson.dumps([value, pk])
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode(token: str):
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        value, pk = orjson.loads(raw)
    except (ValueError, TypeError, orjson.JSONDecodeError):
        raise ValidationError({"cursor": [_("Invalid cursor.")]})
    if isinstance(pk, bool) or not isinstance(pk, int) or not (pg_storable(pk) and pg_storable(value)):
        raise ValidationError({"cursor": [_("Invalid cursor.")]})
    return value, pk


def _typed(model, field: str, value):
    """A cursor's value as its field holds it. A time carries its UTC offset (every cursor this
    class writes does): a forged one without it is refused, not read in the server's zone."""
    if field == "pk" or value is None:
        return value
    try:
        if not isinstance(model._meta.get_field(field), DateTimeField):
            return value
        moment = dt.datetime.fromisoformat(value)
    except (FieldDoesNotExist, AttributeError):
        return value
    except (TypeError, ValueError):
        moment = None
    if moment is None or moment.tzinfo is None:
        raise ValidationError({"cursor": [_("Invalid cursor.")]})
    return moment


class CursorPagination(pagination.BasePagination):
    page_size = 50
    max_page_size = 500
    cursor_query_param = "cursor"
    page_size_query_param = "page_size"
    default_ordering = "-pk"

    # --- ordering --------------------------------------------------------------------
    def get_ordering(self, request, view) -> tuple[str, bool]:
        """(model field, descending) from ``?ordering=``, validated by the view's filterset."""
        param = request.query_params.get("ordering", "").split(",")[0].strip()
        fs_class = getattr(view, "filterset_class", None)
        flt = fs_class.base_filters.get("ordering") if fs_class is not None else None
        if param and flt is not None:
            allowed = {value for value, _label in flt.extra["choices"]}
            if param in allowed:
                field = flt.get_ordering_value(param)
                return field.lstrip("-"), field.startswith("-")
        field = getattr(view, "cursor_ordering", self.default_ordering)
        return field.lstrip("-"), field.startswith("-")

    def get_page_size(self, request) -> int:
        try:
            size = int(request.query_params.get(self.page_size_query_param, self.page_size))
        except (TypeError, ValueError):
            return self.page_size
        return max(1, min(size, self.max_page_size))

    # --- paging ------------------------------------------------------------------------
    @staticmethod
    def _order(field: str, desc: bool) -> list:
        if field == "pk":
            return [F("pk").desc() if desc else F("pk").asc()]
        return [
            F(field).desc(nulls_last=True) if desc else F(field).asc(nulls_last=True),
            F("pk").desc() if desc else F("pk").asc(),
        ]

    def first_rows(self, request, view) -> tuple[list, Q | None, int] | None:
        """The page a request asks for as (order, rows after the cursor, rows to read), for a
        filter that can cut its own candidates to it (the text search); None for a cursor this
        class will refuse anyway."""
        field, desc = self.get_ordering(request, view)
        token = request.query_params.get(self.cursor_query_param)
        try:
            if token:
                value, pk = _decode(token)
                after = self._after(field, desc, _typed(view.get_queryset().model, field, value), pk)
            else:
                after = None
        except ValidationError:
            return None
        return self._order(field, desc), after, self.get_page_size(request) + 1

    def paginate_queryset(self, queryset, request, view=None):
        self.request = request
        field, desc = self.get_ordering(request, view)
        self.field, self.desc = field, desc
        size = self.get_page_size(request)
        fields = getattr(queryset, "_fields", None)
        if fields and field != "pk" and field not in fields:
            queryset = queryset.values(*fields, field)  # a keys-only page still needs its cursor value
        queryset = queryset.order_by(*self._order(field, desc))
        token = request.query_params.get(self.cursor_query_param)
        try:
            if token:
                value, pk = _decode(token)
                queryset = queryset.filter(self._after(field, desc, _typed(queryset.model, field, value), pk))
            rows = list(queryset[: size + 1])
        except (DjangoValidationError, ValueError, TypeError):
            raise ValidationError({"cursor": [_("Invalid cursor.")]})
        self.has_next = len(rows) > size
        rows = rows[:size]
        self.last = rows[-1] if rows else None
        return rows

    def page_ids(self, request, view, *, filtered: bool) -> list[int]:
        """Ids of the page, for lists that fetch their rows by id (``fetch_rows``). In the default
        id order and with no filter, its statement is compiled once per caller's rights
        (``opsportal.api.keyset``); otherwise it is built by the ORM from the filtered queryset."""
        field, desc = self.get_ordering(request, view)
        if filtered or field != "pk" or not compiled.available():
            keys = self.paginate_queryset(view.filter_queryset(view.get_queryset()).values("id"), request, view)
            return [key["id"] for key in keys]
        self.request, self.field, self.desc = request, field, desc
        size = self.get_page_size(request)
        token = request.query_params.get(self.cursor_query_param)
        after = _decode(token)[1] if token else None
        ids = keyset.page_ids(
            view,
            view.get_queryset,
            desc=desc,
            size=size,
            after=after,
            after_q=lambda pk: self._after("pk", desc, None, pk),
        )
        self.has_next = len(ids) > size
        ids = ids[:size]
        self.last = {"id": ids[-1]} if ids else None
        return ids

    @staticmethod
    def _after(field: str, desc: bool, value, pk: int) -> Q:
        """Rows strictly after (value, pk) in the page order, with NULLs sorted last."""
        gt = "lt" if desc else "gt"
        if field == "pk":
            return Q(**{f"pk__{gt}": pk})
        if value is None:
            return Q(**{f"{field}__isnull": True, f"pk__{gt}": pk})
        return Q(**{f"{field}__{gt}": value}) | Q(**{field: value, f"pk__{gt}": pk}) | Q(**{f"{field}__isnull": True})

    @staticmethod
    def _value(row, name: str):
        if isinstance(row, dict):
            return row["id"] if name == "pk" else row[name]
        return getattr(row, "pk" if name == "pk" else name)

    def get_next_link(self) -> str | None:
        if not self.has_next or self.last is None:
            return None
        token = _encode(self._value(self.last, self.field), self._value(self.last, "pk"))
        url = self.request.build_absolute_uri()
        return replace_query_param(url, self.cursor_query_param, token)

    def get_first_link(self) -> str:
        return remove_query_param(self.request.build_absolute_uri(), self.cursor_query_param)

    def get_paginated_response(self, data):
        return Response({"next": self.get_next_link(), "results": data})

    def get_paginated_response_schema(self, schema):
        return {
            "type": "object",
            "required": ["next", "results"],
            "properties": {
                "next": {
                    "type": "string",
                    "nullable": True,
                    "format": "uri",
                    "description": "The next page, or null on the last page.",
                },
                "results": schema,
            },
        }

    def get_schema_operation_parameters(self, view):
        return [
            {
                "name": self.cursor_query_param,
                "required": False,
                "in": "query",
                "description": "Opaque cursor from the previous page's `next` link.",
                "schema": {"type": "string"},
            },
            {
                "name": self.page_size_query_param,
                "required": False,
                "in": "query",
                "description": f"Rows per page (default {self.page_size}, at most {self.max_page_size}).",
                "schema": {"type": "integer", "minimum": 1, "maximum": self.max_page_size},
            },
        ]
