"""Filters for challenge lists, shared by the portal and the API."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from opsportal.filtersets import (
    ChoicesFilter,
    MarkedKeyFilter,
    OpsFilterSet,
    OwnerFilter,
    StableOrderingFilter,
    TimeFilter,
    WholeNumberFilter,
    country_filter,
    date_range,
    number_range,
)

from .models import Challenge, ChallengeMetricSnapshot, ChallengeParticipation, Format, ParticipationRole, Status


class HashtagFilter(MarkedKeyFilter):
    """A challenge's natural key with ``country``."""

    mark = "#"


class ChallengeFilterSet(OpsFilterSet):
    country = country_filter(Challenge)
    hashtag = HashtagFilter(field_name="hashtag", label=_("Hashtag"))
    status = ChoicesFilter(choices=Status.choices, label=_("Status"))
    format = ChoicesFilter(choices=Format.choices, label=_("Format"))
    owner = OwnerFilter(field_name="owner")
    cultural_moment = WholeNumberFilter(field_name="cultural_moment_id", label=_("Cultural moment id"))
    start_after, start_before = date_range(
        "starts_at", label_after=_("Starts on or after"), label_before=_("Starts on or before")
    )
    end_after, end_before = date_range(
        "ends_at", label_after=_("Ends on or after"), label_before=_("Ends on or before")
    )
    views_min, views_max = number_range("views", label_min=_("Views at least"), label_max=_("Views at most"))
    videos_min, videos_max = number_range("videos", label_min=_("Videos at least"), label_max=_("Videos at most"))
    ordering = StableOrderingFilter(
        fields=["starts_at", "ends_at", "hashtag", "title", "views", "videos", "metrics_at", "updated_at"]
    )

    class Meta:
        model = Challenge
        fields = ["country"]


class ParticipationFilterSet(OpsFilterSet):
    country = country_filter(ChallengeParticipation)
    challenge = WholeNumberFilter(field_name="challenge_id", label=_("Challenge id"))
    hashtag = HashtagFilter(field_name="challenge__hashtag", label=_("Challenge hashtag"))
    influencer = WholeNumberFilter(field_name="influencer_id", label=_("Influencer id"))
    role = ChoicesFilter(choices=ParticipationRole.choices, label=_("Role"))
    views_min, views_max = number_range(
        "video_views", label_min=_("Video views at least"), label_max=_("Video views at most")
    )
    ordering = StableOrderingFilter(fields=["video_views", "posted_at", "updated_at"])

    class Meta:
        model = ChallengeParticipation
        fields = ["country"]


class MetricSnapshotFilterSet(OpsFilterSet):
    country = country_filter(ChallengeMetricSnapshot)
    challenge = WholeNumberFilter(field_name="challenge_id", label=_("Challenge id"))
    hashtag = HashtagFilter(field_name="challenge__hashtag", label=_("Challenge hashtag"))
    captured_after, captured_before = date_range(
        "captured_at", label_after=_("Captured at or after"), label_before=_("Captured at or before")
    )
    views_min, views_max = number_range("views", label_min=_("Views at least"), label_max=_("Views at most"))
    updated_since = TimeFilter(
        field_name="recorded_at",
        lookup_expr="gte",
        label=_("Recorded since"),
        help_text=_("ISO 8601 time with offset: snapshots written at or after it."),
    )
    ordering = StableOrderingFilter(fields=["captured_at", "views", "recorded_at"])

    class Meta:
        model = ChallengeMetricSnapshot
        fields = ["country"]
