"""Challenge endpoints: challenges, participations, metric snapshots and their bulk ingestion."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from challenges.filtersets import ChallengeFilterSet, MetricSnapshotFilterSet, ParticipationFilterSet
from challenges.metrics import (
    GAIN_DAYS,
    challenge_trend,
    ingest_metric_rows,
    metric_snapshot_delete,
    metric_snapshot_save,
)
from challenges.models import Challenge, ChallengeMetricSnapshot, ChallengeParticipation
from challenges.services import challenge_save, participation_save
from opsportal.api import compiled
from opsportal.api.bulk import BulkResultSerializer, bulk_response
from opsportal.api.schema import errors
from opsportal.api.viewsets import OpsModelViewSet, acting_user, rows_in_order

from .serializers import (
    ChallengeSerializer,
    MetricBatchSerializer,
    MetricSnapshotSerializer,
    ParticipationSerializer,
    TrendSerializer,
    challenge_rows,
    challenge_values,
)

CHALLENGE_ROWS = compiled.CompiledQuery(
    lambda stand: challenge_values(compiled.by_ids(Challenge.objects.all(), stand.ids), since=stand.moment)
)


class ChallengeViewSet(OpsModelViewSet):
    """Hashtag challenges, with their latest totals and 7-day gain."""

    queryset = Challenge.objects.select_related("country")
    serializer_class = ChallengeSerializer
    filterset_class = ChallengeFilterSet
    lookup_description = "The challenge's id, or its natural key `<country>:<hashtag>` such as `ID:goyang`."

    def fetch_rows(self, ids: list[int]) -> list[dict]:
        since = timezone.now() - dt.timedelta(days=GAIN_DAYS)
        if compiled.available():
            return rows_in_order(CHALLENGE_ROWS.rows(ids=ids, moment=since), ids)
        return rows_in_order(list(challenge_values(Challenge.objects.filter(pk__in=ids), since=since)), ids)

    def rows(self, rows):
        return challenge_rows(rows, self.list_url())

    def save_instance(self, instance, *, created, changes, m2m):
        return challenge_save(instance, by=acting_user(self.request))

    @extend_schema(
        summary="A challenge's daily trend",
        parameters=[OpenApiParameter("days", OpenApiTypes.INT, description="How many days back (1–366, default 30).")],
        responses={200: TrendSerializer, **errors(400, 401, 403, 404, 429)},
    )
    @action(detail=True, methods=["get"], filterset_class=None, pagination_class=None)
    def trend(self, request, pk=None):
        challenge = self.get_object()
        raw = request.query_params.get("days", "30")
        if not raw.isdecimal() or not 1 <= int(raw) <= 366:
            raise serializers.ValidationError({"days": [_("A whole number of days from 1 to 366.")]})
        row = self.represent(challenge)
        return Response(
            {
                "challenge": challenge.pk,
                "hashtag": challenge.hashtag,
                "days": int(raw),
                "latest": row["latest"],
                "gain_7d": row["gain_7d"],
                "points": challenge_trend(challenge, days=int(raw)),
            }
        )


class ParticipationViewSet(OpsModelViewSet):
    """Which influencers seeded or joined a challenge, with their video."""

    queryset = ChallengeParticipation.objects.select_related("challenge", "influencer")
    serializer_class = ParticipationSerializer
    filterset_class = ParticipationFilterSet

    def save_instance(self, instance, *, created, changes, m2m):
        return participation_save(instance, by=acting_user(self.request))


METRIC_EXAMPLE = {
    "rows": [
        {
            "country": "ID",
            "hashtag": "goyangjempol",
            "captured_at": "2026-07-04T10:00:00+07:00",
            "views": 53000000,
            "videos": 120000,
            "likes": 4100000,
            "comments": 88000,
            "shares": 51000,
        }
    ]
}


class MetricSnapshotViewSet(OpsModelViewSet):
    """Views, videos, likes, comments and shares of a challenge at a moment."""

    queryset = ChallengeMetricSnapshot.objects.select_related("challenge")
    serializer_class = MetricSnapshotSerializer
    filterset_class = MetricSnapshotFilterSet

    def save_instance(self, instance, *, created, changes, m2m):
        return metric_snapshot_save(instance)

    def perform_destroy(self, instance):
        metric_snapshot_delete(instance)

    @extend_schema(
        summary="Upsert up to 10,000 metric snapshots",
        description=(
            "Rows are addressed by natural key (`country` + `hashtag`, `captured_at`) and upserted: a "
            "replayed batch changes nothing. All or nothing: a bad row answers 400 naming `rows[i].field` "
            "and nothing is written. Each challenge's latest totals follow its latest snapshot."
        ),
        request=MetricBatchSerializer,
        responses={200: BulkResultSerializer, **errors(400, 401, 403, 413, 429)},
        examples=[OpenApiExample("A day's metrics", value=METRIC_EXAMPLE, request_only=True)],
    )
    @action(detail=False, methods=["post"], filterset_class=None, pagination_class=None)
    def bulk(self, request):
        return bulk_response(request, ingest_metric_rows, self.access)
