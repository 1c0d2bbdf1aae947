"""The base every API viewset builds on: scoped reads, checked writes, natural-key lookups.

Reads: ``get_queryset`` is always ``access_for_user(user).scope(...)``, so another country's
record is simply absent (404). Writes (NetBox-style): after the payload is applied, the record
must still lie in a country where the caller may edit — creating in, or moving a record to, a
country they may only read is refused with 403. Saving goes through the app's services where
one exists (``save_instance``), so the API, the portal and the admin agree.
"""

from __future__ import annotations

from django.db import transaction
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import status, viewsets
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.response import Response

from opsportal.access import access_for_user

from . import keyset
from .fields import natural_key_filter
from .pagination import CursorPagination
from .renderers import JSONOnlyNegotiation, JSONParser, JSONRenderer
from .schema import OpsAutoSchema


class OpsFilterBackend(DjangoFilterBackend):
    """django-filter, skipped when the request names no filter: building the filterset's form
    on every plain page fetch is a visible share of a list's time."""

    def filter_queryset(self, request, queryset, view):
        filterset_class = self.get_filterset_class(view, queryset)
        if filterset_class is None or not keyset.names_a_filter(request, view):
            return queryset
        return super().filter_queryset(request, queryset, view)

    def get_filterset(self, request, queryset, view):
        filterset = super().get_filterset(request, queryset, view)
        listing = getattr(view, "action", None) == "list" and isinstance(view.paginator, CursorPagination)
        if filterset is not None and listing:
            # A list reads one keyset page: the text search may stop at that page's rows.
            filterset.first_rows = view.paginator.first_rows(request, view)
        return filterset


def acting_user(request):
    """The signed-in person, or None for an API token (tokens are named by the audit trail)."""
    user = getattr(request, "user", None)
    return user if getattr(user, "pk", None) and not getattr(user, "is_token", False) else None


class OpsGenericViewSet(viewsets.GenericViewSet):
    schema = OpsAutoSchema()
    parser_classes = [JSONParser]
    renderer_classes = [JSONRenderer]
    content_negotiation_class = JSONOnlyNegotiation
    filter_backends = [OpsFilterBackend]
    pagination_class = CursorPagination
    lookup_value_regex = r"[^/]+"
    read_serializer_class = None
    # Default page order: newest first, by id (stable, index-only).
    cursor_ordering = "-pk"
    m2m_fields: tuple[str, ...] = ()

    def names_a_filter(self, request) -> bool:
        """Whether this request's rows depend on more than the caller's rights and the cursor."""
        if list(self.filter_backends) != [OpsFilterBackend]:
            return True
        return keyset.names_a_filter(request, self)

    @property
    def access(self):
        return access_for_user(self.request.user)

    def get_queryset(self):
        return self.access.scope(self.queryset.all())

    def get_object(self):
        value = str(self.kwargs.get(self.lookup_url_kwarg or self.lookup_field, ""))
        model = self.queryset.model
        lookup = {"pk": int(value)} if value.isdecimal() else natural_key_filter(model, value)
        if lookup is None:
            raise NotFound()
        obj = get_object_or_404(self.get_queryset(), **lookup)
        self.check_object_permissions(self.request, obj)
        return obj

    def get_read_serializer(self, *args, **kwargs):
        cls = self.read_serializer_class or self.get_serializer_class()
        kwargs.setdefault("context", self.get_serializer_context())
        return cls(*args, **kwargs)

    # --- writes ------------------------------------------------------------------------
    def authorize_write(self, instance) -> None:
        if not self.access.can_edit(instance):
            raise PermissionDenied(_("You may not change records of this country."))

    def save_instance(self, instance, *, created: bool, changes: dict, m2m: dict):
        """Validate and save; viewsets with a service for this record override it."""
        instance.full_clean()
        instance.save()
        for name, values in m2m.items():
            getattr(instance, name).set(values)
        return instance

    def _split_m2m(self, data: dict) -> tuple[dict, dict]:
        data = dict(data)
        return data, {name: data.pop(name) for name in self.m2m_fields if name in data}

    def perform_create(self, serializer):
        data, m2m = self._split_m2m(serializer.validated_data)
        instance = self.queryset.model(**data)
        self.authorize_write(instance)
        if hasattr(instance, "created_by_id"):
            instance.created_by = acting_user(self.request)
        with transaction.atomic():
            return self.save_instance(instance, created=True, changes=data, m2m=m2m)

    def perform_update(self, serializer):
        instance = serializer.instance
        data, m2m = self._split_m2m(serializer.validated_data)
        for name, value in data.items():
            setattr(instance, name, value)
        self.authorize_write(instance)
        with transaction.atomic():
            return self.save_instance(instance, created=False, changes=data, m2m=m2m)

    def perform_destroy(self, instance):
        with transaction.atomic():
            instance.delete()


class ReadMixin:
    """Lists and details. A viewset with ``rows``/``fetch_rows`` (the busiest lists) skips the
    serializer on reads: the page's ids come from the filtered, scoped queryset, then one
    precompiled query fetches those rows as plain dicts for orjson."""

    def list(self, request, *args, **kwargs):
        if hasattr(self, "fetch_rows"):
            ids = self.paginator.page_ids(request, self, filtered=self.names_a_filter(request))
            return self.get_paginated_response(self.rows(self.fetch_rows(ids)))
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(self.get_read_serializer(page, many=True).data)

    def retrieve(self, request, *args, **kwargs):
        return Response(self.represent(self.get_object()))

    def represent(self, instance) -> dict:
        if hasattr(self, "fetch_rows"):
            return self.rows(self.fetch_rows([instance.pk]))[0]
        return self.get_read_serializer(instance).data

    def list_url(self) -> str:
        """This resource's collection address; rows link to ``<list_url><id>/``."""
        return self.request.build_absolute_uri(reverse(f"{self.basename}-list"))


def rows_in_order(rows: list[dict], ids: list[int]) -> list[dict]:
    by_id = {row["id"]: row for row in rows}
    return [by_id[pk] for pk in ids if pk in by_id]


class CreateMixin:
    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        instance = self.perform_create(serializer)
        return Response(self.represent(instance), status=status.HTTP_201_CREATED)


class UpdateMixin:
    def update(self, request, *args, **kwargs):
        partial = kwargs.pop("partial", False)
        instance = self.get_object()
        serializer = self.get_serializer(instance, data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        instance = self.perform_update(serializer)
        return Response(self.represent(instance))

    def partial_update(self, request, *args, **kwargs):
        kwargs["partial"] = True
        return self.update(request, *args, **kwargs)


class DestroyMixin:
    def destroy(self, request, *args, **kwargs):
        self.perform_destroy(self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)


class OpsModelViewSet(ReadMixin, CreateMixin, UpdateMixin, DestroyMixin, OpsGenericViewSet):
    """Full CRUD on a country-scoped record."""


class OpsReadOnlyViewSet(ReadMixin, OpsGenericViewSet):
    """Lists and details only (records managed in the admin)."""
