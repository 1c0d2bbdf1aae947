"""References between records: an id, a link to the record, or its natural key, all scoped.

An integration needs no internal ids: a country is its code (``"ID"``), a challenge its country
and hashtag (``{"country": "ID", "hashtag": "goyang"}`` or ``"ID:goyang"``), an account its
platform and handle (``{"platform": "youtube", "handle": "kaykai"}`` or ``"youtube:kaykai"``).
A reference to a record the caller may not see reads as "does not exist", never as forbidden.
"""

from __future__ import annotations

from urllib.parse import urlparse

from django.contrib.auth import get_user_model
from django.db.models import Model, QuerySet
from django.urls import Resolver404, resolve
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from opsportal.access import COUNTRY_PATHS, access_for_user
from opsportal.references import NO_SUCH_PERSON, on_teams_of


def _text(value) -> str | None:
    # A NUL byte names nothing (PostgreSQL text cannot hold one): not found, rather than an error.
    if not isinstance(value, str) or "\x00" in value:
        return None
    return value.strip() or None


def natural_key_filter(model: type[Model], value) -> dict | None:
    """The lookup a natural key stands for, or None when ``value`` is not one for this model."""
    label = model._meta.label_lower
    if isinstance(value, str) and ":" in value:
        left, _sep, right = value.partition(":")
        if label == "challenges.challenge":
            value = {"country": left, "hashtag": right}
        elif label == "influencers.platformaccount":
            value = {"platform": left, "handle": right}
    if label == "opsportal.country":
        code = _text(value)
        return {"code": code.upper()} if code and not code.isdecimal() else None
    if not isinstance(value, dict):
        if label == "influencers.category" and _text(value):
            return {"slug": value.strip()}
        if label == "auth.user" and _text(value):
            return {"username": value.strip()}
        return None
    if label == "challenges.challenge":
        country, hashtag = _text(value.get("country")), _text(value.get("hashtag"))
        if country and hashtag:
            return {"country__code": country.upper(), "hashtag__iexact": hashtag.lstrip("#")}
    elif label == "influencers.platformaccount":
        platform, handle = _text(value.get("platform")), _text(value.get("handle"))
        if platform and handle:
            return {"platform": platform.lower(), "handle__iexact": handle.lstrip("@")}
    elif label in {"events.partner", "locales.culturalmoment"}:
        country, name = _text(value.get("country")), _text(value.get("name"))
        if country and name:
            return {"country__code": country.upper(), "name__iexact": name}
    return None


def scoped(queryset: QuerySet, context: dict) -> QuerySet:
    """What the caller behind ``context['request']`` may see of ``queryset``."""
    request = context.get("request")
    if queryset.model._meta.label_lower not in COUNTRY_PATHS:
        return queryset
    return access_for_user(getattr(request, "user", None)).scope(queryset)


class TextKeyField(serializers.SlugRelatedField):
    """A related record named by a text key (a country's code, a category's slug).

    A NUL byte names nothing (PostgreSQL text cannot hold one): "does not exist", not an error.
    """

    def to_internal_value(self, data):
        if isinstance(data, str) and "\x00" in data:
            self.fail("does_not_exist", slug_name=self.slug_field, value=data.replace("\x00", ""))
        return super().to_internal_value(data)


class RefField(serializers.RelatedField):
    """Writes accept an id, an API link or a natural key; reads give the id."""

    default_error_messages = {
        "does_not_exist": _("No such record (or not one you may see): {value}."),
        "invalid": _("Give an id, a link to the record, or its natural key."),
    }

    def use_pk_only_optimization(self):
        return True

    def get_queryset(self):
        return scoped(super().get_queryset(), self.context)

    def to_representation(self, value):
        return value.pk

    def to_internal_value(self, data):
        model = self.queryset.model
        lookup: dict | None = None
        if isinstance(data, bool):
            self.fail("invalid")
        if isinstance(data, int) or (isinstance(data, str) and data.strip().isdecimal()):
            lookup = {"pk": int(data)}
        elif isinstance(data, str) and "/" in data:
            try:
                match = resolve(urlparse(data).path)
            except Resolver404:
                self.fail("does_not_exist", value=data)
            pk = match.kwargs.get("pk")
            if pk is None or getattr(match.func, "cls", None) is None:
                self.fail("does_not_exist", value=data)
            if getattr(match.func.cls, "queryset", None) is None or match.func.cls.queryset.model is not model:
                self.fail("does_not_exist", value=data)
            return self.to_internal_value(pk)
        else:
            lookup = natural_key_filter(model, data)
        if lookup is None:
            self.fail("invalid")
        try:
            return self.get_queryset().get(**lookup)
        except (model.DoesNotExist, ValueError, TypeError):
            self.fail(
                "does_not_exist", value=data if not isinstance(data, dict) else ", ".join(map(str, data.values()))
            )
        except model.MultipleObjectsReturned:
            self.fail("invalid")


@extend_schema_field(
    {
        "oneOf": [{"type": "string", "pattern": "^[A-Za-z]{2}$"}, {"type": "integer"}],
        "description": "ISO 3166-1 alpha-2 code (e.g. ID) or id.",
    }
)
class CountryRefField(RefField):
    """A country by its code (``"ID"``) or id; reads give the code."""

    def __init__(self, **kwargs):
        from opsportal.models import Country

        if not kwargs.get("read_only"):
            kwargs.setdefault("queryset", Country.objects.all())
        super().__init__(**kwargs)

    def use_pk_only_optimization(self):
        return False

    def to_representation(self, value):
        return value.code


@extend_schema_field(
    {"oneOf": [{"type": "integer"}, {"type": "string"}], "description": "Username or id.", "nullable": True}
)
class UserRefField(RefField):
    """A person by username or id; reads give the username.

    An unknown person gets the very answer the services give a person off the record's country
    team (``NO_SUCH_PERSON``), so the field cannot tell whether a username or id exists.
    """

    default_error_messages = {**RefField.default_error_messages, "does_not_exist": NO_SUCH_PERSON}

    def get_queryset(self):
        # Only people on the teams the caller may see: someone of another country is "unknown"
        # here already, so even a payload with other errors (when the services never run)
        # cannot tell a stranger's username from a made-up one.
        queryset = super().get_queryset()
        request = self.context.get("request")
        return on_teams_of(access_for_user(getattr(request, "user", None)), queryset)

    def __init__(self, **kwargs):
        if not kwargs.get("read_only"):
            kwargs.setdefault("queryset", get_user_model().objects.filter(is_active=True))
        super().__init__(**kwargs)

    def use_pk_only_optimization(self):
        return False

    def to_representation(self, value):
        return value.get_username()


@extend_schema_field(
    {
        "oneOf": [{"type": "integer"}, {"type": "string"}, {"type": "object"}],
        "description": "An id, the record's API URL, or its natural key.",
    }
)
class NaturalRefField(RefField):
    """Documented as id/link/natural key; reads give the id."""


__all__ = ["CountryRefField", "NaturalRefField", "RefField", "UserRefField", "natural_key_filter", "scoped"]
