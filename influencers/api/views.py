"""Influencer endpoints: influencers, platform accounts, follower snapshots (and their bulk
ingestion) and the outreach log."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils import timezone
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework.decorators import action

from influencers.filtersets import (
    FollowerSnapshotFilterSet,
    InfluencerFilterSet,
    InfluencerInteractionFilterSet,
    PlatformAccountFilterSet,
)
from influencers.followers import (
    follower_snapshot_delete,
    follower_snapshot_save,
    ingest_follower_rows,
    with_growth,
)
from influencers.models import FollowerSnapshot, Influencer, InfluencerInteraction, PlatformAccount
from influencers.services import (
    influencer_delete,
    influencer_interaction_delete,
    influencer_interaction_save,
    influencer_save,
    platform_account_delete,
    platform_account_save,
)
from opsportal.api import compiled
from opsportal.api.bulk import BulkResultSerializer, bulk_response
from opsportal.api.schema import errors
from opsportal.api.viewsets import OpsModelViewSet, acting_user, rows_in_order

from .serializers import (
    FollowerBatchSerializer,
    FollowerSnapshotSerializer,
    InfluencerInteractionSerializer,
    InfluencerSerializer,
    PlatformAccountSerializer,
    influencer_rows,
    influencer_values,
)

INFLUENCER_ROWS = compiled.CompiledQuery(
    lambda stand: influencer_values(compiled.by_ids(Influencer.objects.all(), stand.ids), now=stand.moment)
)


class InfluencerViewSet(OpsModelViewSet):
    """Creators, celebrities and athletes, with their accounts, follower growth and crossover."""

    queryset = Influencer.objects.all()
    serializer_class = InfluencerSerializer
    filterset_class = InfluencerFilterSet
    m2m_fields = ("categories", "accounts")

    def fetch_rows(self, ids: list[int]) -> list[dict]:
        # Growth counts from 30 days before today in each account's country (not the UTC day).
        self._now = timezone.now()
        if compiled.available():
            return rows_in_order(INFLUENCER_ROWS.rows(ids=ids, moment=self._now), ids)
        return rows_in_order(list(influencer_values(Influencer.objects.filter(pk__in=ids), self._now)), ids)

    def rows(self, rows):
        return influencer_rows(rows, self.list_url(), self._now)

    def save_instance(self, instance, *, created, changes, m2m):
        by = acting_user(self.request)
        accounts = [_account(index, data, by) for index, data in enumerate(m2m.pop("accounts", None) or [])]
        # The same service as the portal's form and the admin: the profile, its stage move and
        # its accounts, all or nothing.
        return influencer_save(instance, categories=m2m.get("categories"), accounts=accounts, by=by)

    def perform_destroy(self, instance):
        influencer_delete(instance, by=acting_user(self.request))


def _account(index: int, data: dict, by) -> PlatformAccount:
    """An account as sent inside an influencer, its errors named ``accounts[i].field``."""
    account = PlatformAccount(
        platform=data["platform"], handle=data["handle"], url=data.get("profile_url", ""), created_by=by
    )
    try:
        account.full_clean(exclude=["influencer"])
    except ValidationError as exc:
        raise ValidationError({f"accounts[{index}].{k}": v for k, v in exc.message_dict.items()})
    return account


class PlatformAccountViewSet(OpsModelViewSet):
    """An influencer's account on a platform; followers come from follower snapshots."""

    queryset = PlatformAccount.objects.all()
    serializer_class = PlatformAccountSerializer
    filterset_class = PlatformAccountFilterSet
    lookup_description = "The account's id, or its natural key `<platform>:<handle>` such as `youtube:kaykai`."

    def get_queryset(self):
        return with_growth(super().get_queryset())

    def save_instance(self, instance, *, created, changes, m2m):
        platform_account_save(instance, by=acting_user(self.request))
        return self.get_queryset().get(pk=instance.pk)

    def perform_destroy(self, instance):
        platform_account_delete(instance, by=acting_user(self.request))


FOLLOWER_EXAMPLE = {
    "rows": [
        {"platform": "youtube", "handle": "kaykaisalaider", "date": "2026-07-04", "followers": 5700000},
        {"platform": "tiktok", "handle": "kaykaisalaider", "date": "2026-07-04", "followers": 6100000},
    ]
}


class FollowerSnapshotViewSet(OpsModelViewSet):
    """An account's follower count on a date."""

    queryset = FollowerSnapshot.objects.select_related("account")
    serializer_class = FollowerSnapshotSerializer
    filterset_class = FollowerSnapshotFilterSet

    def save_instance(self, instance, *, created, changes, m2m):
        return follower_snapshot_save(instance)

    def perform_destroy(self, instance):
        follower_snapshot_delete(instance)

    @extend_schema(
        summary="Upsert up to 10,000 follower snapshots",
        description=(
            "Rows are addressed by natural key (`platform` + `handle`, `date`) and upserted: a replayed "
            "batch changes nothing. All or nothing: a bad row answers 400 naming `rows[i].field` and "
            "nothing is written. When it answers, each account's latest count is current; the "
            "influencers' totals, crossovers and week's gains are refreshed by a worker as soon as the "
            "batch commits (seconds)."
        ),
        request=FollowerBatchSerializer,
        responses={200: BulkResultSerializer, **errors(400, 401, 403, 413, 429)},
        examples=[OpenApiExample("A day's counts", value=FOLLOWER_EXAMPLE, request_only=True)],
    )
    @action(detail=False, methods=["post"], filterset_class=None, pagination_class=None)
    def bulk(self, request):
        return bulk_response(request, ingest_follower_rows, self.access)


class InfluencerInteractionViewSet(OpsModelViewSet):
    """The outreach log: every touch with a creator, and when to follow up."""

    queryset = InfluencerInteraction.objects.select_related("influencer", "owner")
    serializer_class = InfluencerInteractionSerializer
    filterset_class = InfluencerInteractionFilterSet

    def save_instance(self, instance, *, created, changes, m2m):
        return influencer_interaction_save(instance, by=acting_user(self.request))

    def perform_destroy(self, instance):
        influencer_interaction_delete(instance, by=acting_user(self.request))
