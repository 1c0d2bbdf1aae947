"""Filters for influencer lists, shared by the portal and the API."""

from __future__ import annotations

import django_filters as filters
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from opsportal.filtersets import (
    ChoicesFilter,
    MarkedKeyFilter,
    OpsFilterSet,
    OwnerFilter,
    StableOrderingFilter,
    TimeFilter,
    WholeNumberFilter,
    _split,
    country_filter,
    date_range,
    number_range,
)

from .models import (
    Category,
    FollowerSnapshot,
    Influencer,
    InfluencerInteraction,
    InteractionKind,
    Kind,
    Platform,
    PlatformAccount,
    Stage,
    Tier,
)


class HandleFilter(MarkedKeyFilter):
    """An account's natural key with ``platform``."""

    mark = "@"


@extend_schema_field(OpenApiTypes.STR)
class CategoryFilter(filters.ModelMultipleChoiceFilter):
    """Categories by slug; an influencer in any of them matches (no duplicate rows)."""

    def filter(self, qs, value):
        if not value:
            return qs
        through = Influencer.categories.through
        return qs.filter(
            Exists(through.objects.filter(influencer_id=OuterRef("pk"), category__in=[c.pk for c in value]))
        )


class InfluencerFilterSet(OpsFilterSet):
    country = country_filter(Influencer)
    stage = ChoicesFilter(choices=Stage.choices, label=_("Pipeline stage"))
    kind = ChoicesFilter(choices=Kind.choices, label=_("Kind"))
    tier = ChoicesFilter(choices=Tier.choices, label=_("Tier"))
    category = CategoryFilter(
        queryset=Category.objects.all(), to_field_name="slug", label=_("Category"), help_text=_("Category slugs.")
    )
    platform = ChoicesFilter(choices=Platform.choices, method="filter_platform", label=_("Has an account on"))
    handle = filters.CharFilter(method="filter_handle", label=_("Has the handle"))
    owner = OwnerFilter(field_name="relationship_owner")
    is_core = filters.BooleanFilter(label=_("Core influencer"))
    crossed_over = filters.BooleanFilter(
        field_name="crossed_over_on", lookup_expr="isnull", exclude=True, label=_("Crossed over to our platform")
    )
    followers_min, followers_max = number_range(
        "total_followers", label_min=_("Total followers at least"), label_max=_("Total followers at most")
    )
    ordering = StableOrderingFilter(
        fields=["name", "total_followers", "stage_changed_at", "crossed_over_on", "updated_at", "created_at"]
    )

    class Meta:
        model = Influencer
        fields = ["country"]

    def filter_platform(self, qs, name, value):
        values = _split(value)
        if not values:
            return qs
        return qs.filter(Exists(PlatformAccount.objects.filter(influencer_id=OuterRef("pk"), platform__in=values)))

    def filter_handle(self, qs, name, value):
        value = (value or "").strip().lstrip("@")
        if not value:
            return qs
        return qs.filter(Exists(PlatformAccount.objects.filter(influencer_id=OuterRef("pk"), handle__iexact=value)))


class PlatformAccountFilterSet(OpsFilterSet):
    country = country_filter(PlatformAccount)
    platform = ChoicesFilter(choices=Platform.choices, label=_("Platform"))
    handle = HandleFilter(field_name="handle", label=_("Handle"))
    influencer = WholeNumberFilter(field_name="influencer_id", label=_("Influencer id"))
    followers_min, followers_max = number_range(
        "followers", label_min=_("Followers at least"), label_max=_("Followers at most")
    )
    ordering = StableOrderingFilter(fields=["platform", "handle", "followers", "followers_on", "updated_at"])

    class Meta:
        model = PlatformAccount
        fields = ["country"]


class FollowerSnapshotFilterSet(OpsFilterSet):
    country = country_filter(FollowerSnapshot)
    account = WholeNumberFilter(field_name="account_id", label=_("Account id"))
    influencer = WholeNumberFilter(field_name="account__influencer_id", label=_("Influencer id"))
    platform = ChoicesFilter(field_name="account__platform", choices=Platform.choices, label=_("Platform"))
    handle = HandleFilter(field_name="account__handle", label=_("Handle"))
    date_after, date_before = date_range(
        "date", label_after=_("On or after"), label_before=_("On or before"), dates=True
    )
    followers_min, followers_max = number_range(
        "followers", label_min=_("Followers at least"), label_max=_("Followers at most")
    )
    updated_since = TimeFilter(
        field_name="recorded_at",
        lookup_expr="gte",
        label=_("Recorded since"),
        help_text=_("ISO 8601 time with offset: snapshots written at or after it."),
    )
    ordering = StableOrderingFilter(fields=["date", "followers", "recorded_at"])

    class Meta:
        model = FollowerSnapshot
        fields = ["country"]


class InfluencerInteractionFilterSet(OpsFilterSet):
    country = country_filter(InfluencerInteraction)
    influencer = WholeNumberFilter(field_name="influencer_id", label=_("Influencer id"))
    kind = ChoicesFilter(choices=InteractionKind.choices, label=_("Kind"))
    owner = OwnerFilter(field_name="owner")
    start_after, start_before = date_range(
        "occurred_at", label_after=_("Happened after"), label_before=_("Happened before")
    )
    follow_up_before = filters.DateFilter(
        field_name="next_follow_up_on", lookup_expr="lte", label=_("Follow-up due by")
    )
    follow_up_done = filters.BooleanFilter(label=_("Follow-up done"))
    ordering = StableOrderingFilter(fields=["occurred_at", "next_follow_up_on", "updated_at"])

    class Meta:
        model = InfluencerInteraction
        fields = ["country"]
