"""The ModelSerializer every resource starts from: a self link, and references that accept
ids, links or natural keys (countries as codes, people as usernames)."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from rest_framework import serializers

from opsportal.models import Country

from .fields import CountryRefField, NaturalRefField, UserRefField


class SelfLinkField(serializers.HyperlinkedIdentityField):
    """The record's own API address."""

    def __init__(self, basename: str, **kwargs):
        super().__init__(view_name=f"{basename}-detail", **kwargs)


class OpsModelSerializer(serializers.ModelSerializer):
    serializer_related_field = NaturalRefField

    def build_relational_field(self, field_name, relation_info):
        field_class, kwargs = super().build_relational_field(field_name, relation_info)
        related = relation_info.related_model
        if related is Country:
            field_class = CountryRefField
        elif related is get_user_model():
            field_class = UserRefField
        if field_class in (CountryRefField, UserRefField) and "queryset" in kwargs:
            kwargs.pop("queryset")  # they bring their own
        return field_class, kwargs


def self_link(basename: str) -> SelfLinkField:
    return SelfLinkField(basename)
