"""Challenge resources. Writes go through ModelSerializers (validation, natural keys); the
challenge list, the API's busiest read, is built from one ORM ``values()`` query by
``challenge_rows`` — ``ChallengeSerializer`` documents that shape and is tested against it."""

from __future__ import annotations

import orjson
from django.db.models import F
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from challenges.metrics import METRICS, gain_baseline, gains
from challenges.models import Challenge, ChallengeMetricSnapshot, ChallengeParticipation
from opsportal.api.fields import CountryRefField, NaturalRefField, UserRefField
from opsportal.api.serializers import OpsModelSerializer, self_link


class MetricsSerializer(serializers.Serializer):
    views = serializers.IntegerField()
    videos = serializers.IntegerField()
    likes = serializers.IntegerField()
    comments = serializers.IntegerField()
    shares = serializers.IntegerField()


class LatestMetricsSerializer(MetricsSerializer):
    captured_at = serializers.DateTimeField(allow_null=True, help_text=_("When the latest snapshot was taken."))


class ChallengeSerializer(OpsModelSerializer):
    """A challenge: what it is, its latest totals and its gain over the last 7 days."""

    url = self_link("challenge")
    country = CountryRefField()
    owner = UserRefField(allow_null=True, required=False)
    cultural_moment = NaturalRefField(
        queryset=Challenge._meta.get_field("cultural_moment").related_model.objects.all(),
        allow_null=True,
        required=False,
    )
    latest = LatestMetricsSerializer(read_only=True, help_text=_("Totals of the latest snapshot."))
    gain_7d = MetricsSerializer(
        read_only=True,
        help_text=_(
            "Gained since the last snapshot at least 7 days old (or since the first snapshot, "
            "for a challenge measured for less than 7 days)."
        ),
    )

    class Meta:
        model = Challenge
        fields = [
            "id",
            "url",
            "country",
            "hashtag",
            "title",
            "format",
            "how_to_play",
            "music",
            "sticker_effect",
            "status",
            "starts_at",
            "ends_at",
            "target_views",
            "target_videos",
            "owner",
            "cultural_moment",
            "latest",
            "gain_7d",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["created_at", "updated_at"]

    # The owner and the cultural moment are checked by Challenge.clean (opsportal.access), at every door.


ROW_FIELDS = (
    "id",
    "hashtag",
    "title",
    "format",
    "how_to_play",
    "music",
    "sticker_effect",
    "status",
    "starts_at",
    "ends_at",
    "target_views",
    "target_videos",
    "cultural_moment_id",
    *METRICS,
    "metrics_at",
    "created_at",
    "updated_at",
)


def challenge_values(queryset, since=None):
    """The one query behind a page of challenges (joins country and owner, two index subqueries)."""
    return queryset.values(*ROW_FIELDS, country_code=F("country__code"), owner_name=F("owner__username")).annotate(
        baseline=gain_baseline(since=since)
    )


def _json(value):
    """JSON columns arrive decoded through the ORM and as text through a plain cursor."""
    return orjson.loads(value) if isinstance(value, str | bytes) else value


def challenge_rows(rows, base_url: str) -> list[dict]:
    """Rows of ``challenge_values`` → the documented JSON shape."""
    out = []
    for row in rows:
        latest = {m: row[m] for m in METRICS}
        out.append(
            {
                "id": row["id"],
                "url": f"{base_url}{row['id']}/",
                "country": row["country_code"],
                "hashtag": row["hashtag"],
                "title": row["title"],
                "format": row["format"],
                "how_to_play": row["how_to_play"],
                "music": row["music"],
                "sticker_effect": row["sticker_effect"],
                "status": row["status"],
                "starts_at": row["starts_at"],
                "ends_at": row["ends_at"],
                "target_views": row["target_views"],
                "target_videos": row["target_videos"],
                "owner": row["owner_name"],
                "cultural_moment": row["cultural_moment_id"],
                "latest": {**latest, "captured_at": row["metrics_at"]},
                "gain_7d": gains(latest, _json(row["baseline"])),
                "created_at": row["created_at"],
                "updated_at": row["updated_at"],
            }
        )
    return out


class TrendPointSerializer(serializers.Serializer):
    date = serializers.DateField(help_text=_("Day in the challenge's country time."))
    captured_at = serializers.DateTimeField()
    views = serializers.IntegerField()
    videos = serializers.IntegerField()
    likes = serializers.IntegerField()
    comments = serializers.IntegerField()
    shares = serializers.IntegerField()
    views_gained = serializers.IntegerField(allow_null=True, help_text=_("Since the previous day's point."))
    videos_gained = serializers.IntegerField(allow_null=True)


class TrendSerializer(serializers.Serializer):
    challenge = serializers.IntegerField()
    hashtag = serializers.CharField()
    days = serializers.IntegerField()
    latest = LatestMetricsSerializer()
    gain_7d = MetricsSerializer()
    points = TrendPointSerializer(many=True, help_text=_("The last snapshot of each day."))


class ParticipationSerializer(OpsModelSerializer):
    url = self_link("challenge-participation")

    class Meta:
        model = ChallengeParticipation
        fields = [
            "id",
            "url",
            "challenge",
            "influencer",
            "role",
            "video_url",
            "video_views",
            "posted_at",
            "created_at",
            "updated_at",
        ]


class MetricSnapshotSerializer(OpsModelSerializer):
    url = self_link("challenge-metric")

    class Meta:
        model = ChallengeMetricSnapshot
        fields = ["id", "url", "challenge", *(["captured_at"] + list(METRICS)), "source", "recorded_at"]
        read_only_fields = ["recorded_at"]


class MetricRowSerializer(serializers.Serializer):
    """One row of a bulk batch (documentation: rows are validated set-wise by the service)."""

    country = serializers.CharField(help_text=_("ISO 3166-1 alpha-2 code, e.g. ID."))
    hashtag = serializers.CharField(help_text=_("The challenge's hashtag, with or without #."))
    captured_at = serializers.DateTimeField(help_text=_("ISO 8601 with its UTC offset."))
    views = serializers.IntegerField(min_value=0)
    videos = serializers.IntegerField(min_value=0, required=False, default=0)
    likes = serializers.IntegerField(min_value=0, required=False, default=0)
    comments = serializers.IntegerField(min_value=0, required=False, default=0)
    shares = serializers.IntegerField(min_value=0, required=False, default=0)
    source = serializers.ChoiceField(choices=ChallengeMetricSnapshot._meta.get_field("source").choices, required=False)


class MetricBatchSerializer(serializers.Serializer):
    rows = MetricRowSerializer(many=True, help_text=_("Up to 10,000 rows; all are written or none."))
