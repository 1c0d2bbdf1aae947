"""Influencer resources. Writes go through ModelSerializers; the influencer list (accounts
embedded, follower growth, crossover) is built by ``influencer_values``/``influencer_rows`` from
one ORM query on PostgreSQL (accounts and categories as JSON subqueries) — ``InfluencerSerializer``
documents that shape and is tested against it."""

from __future__ import annotations

from collections import defaultdict

import orjson
from django.contrib.postgres.expressions import ArraySubquery
from django.db import connection
from django.db.models import F, OuterRef, Subquery
from django.db.models.functions import Coalesce, JSONObject
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from influencers.followers import with_growth
from influencers.models import Category, FollowerSnapshot, Influencer, InfluencerInteraction, Platform, PlatformAccount
from influencers.selectors import profile_of_account
from opsportal.api.fields import CountryRefField, NaturalRefField, TextKeyField, UserRefField
from opsportal.api.serializers import OpsModelSerializer, self_link
from opsportal.scope import unscoped

# One answer whether the account does not exist or is malformed: handles are public, so saying
# that one exists is fine, and nothing else of the team that keeps it is ever said.
NO_SUCH_ACCOUNT = _("No such account.")


class EmbeddedAccountSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    platform = serializers.ChoiceField(choices=Platform.choices)
    handle = serializers.CharField(max_length=100)
    profile_url = serializers.URLField(required=False, allow_blank=True)
    followers = serializers.IntegerField(read_only=True, help_text=_("Latest follower count."))
    followers_on = serializers.DateField(read_only=True, allow_null=True, help_text=_("Date of that count."))
    growth_30d = serializers.IntegerField(read_only=True, help_text=_("Followers gained over the last 30 days."))


class InfluencerSerializer(OpsModelSerializer):
    """An influencer with their platform accounts, follower totals, growth and crossover."""

    url = self_link("influencer")
    country = CountryRefField()
    relationship_owner = UserRefField(allow_null=True, required=False)
    categories = TextKeyField(
        many=True, slug_field="slug", queryset=Category.objects.all(), required=False, help_text=_("Category slugs.")
    )
    accounts = EmbeddedAccountSerializer(
        many=True,
        required=False,
        help_text=_("On create, accounts to open with the influencer; afterwards use /platform-accounts/."),
    )
    followers_by_platform = serializers.DictField(
        child=serializers.IntegerField(), read_only=True, help_text=_("Platform → latest followers.")
    )
    growth_30d = serializers.IntegerField(read_only=True, help_text=_("Followers gained over 30 days, all accounts."))
    crossed_over = serializers.BooleanField(
        read_only=True, help_text=_("Has our platform's account overtaken their largest other one?")
    )
    profile = NaturalRefField(
        queryset=Influencer.objects.all(),
        allow_null=True,
        required=False,
        help_text=_(
            "Shared creator: the other country team's record that keeps the accounts and follower history "
            "(its id or link; on create only). Its accounts and totals are shown here, nothing else of it."
        ),
    )
    profile_account = serializers.CharField(
        write_only=True,
        required=False,
        max_length=120,
        help_text=_(
            "Shared creator, when that team's record is not one you can see: one of its accounts as "
            "`<platform>:<handle>` (on create only)."
        ),
    )
    profile_country = serializers.CharField(
        read_only=True, allow_null=True, help_text=_("Code of the country whose team keeps the shared profile.")
    )
    shared_in = serializers.ListField(
        child=serializers.CharField(), read_only=True, help_text=_("Countries whose teams also work this creator.")
    )

    class Meta:
        model = Influencer
        fields = [
            "id",
            "url",
            "country",
            "name",
            "local_name",
            "kind",
            "categories",
            "tier",
            "is_core",
            "core_since",
            "stage",
            "stage_changed_at",
            "relationship_owner",
            "home_platform",
            "joined_platform_on",
            "email",
            "phone",
            "city",
            "notes",
            "accounts",
            "total_followers",
            "followers_by_platform",
            "growth_30d",
            "crossed_over",
            "crossed_over_on",
            "profile",
            "profile_account",
            "profile_country",
            "shared_in",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["stage_changed_at", "total_followers", "crossed_over_on", "created_at", "updated_at"]
        # One relationship per country and shared profile is the service's rule (a field error
        # on ``profile``); DRF's validator from the constraint would make ``profile`` required.
        validators = []

    def validate_profile(self, value):
        if self.instance is not None and getattr(value, "pk", None) != self.instance.profile_id:
            raise serializers.ValidationError(_("A shared profile is chosen when the relationship is created."))
        return value

    def validate_profile_account(self, value: str) -> int:
        if self.instance is not None:
            raise serializers.ValidationError(_("A shared profile is chosen when the relationship is created."))
        platform, _sep, handle = value.partition(":")
        home_id = profile_of_account(platform.strip().lower(), handle)
        if home_id is None:
            raise serializers.ValidationError(NO_SUCH_ACCOUNT)
        return home_id

    def validate(self, attrs):
        attrs = super().validate(attrs)
        home_id = attrs.pop("profile_account", None)
        if home_id is not None:
            if attrs.get("profile") is not None:
                raise serializers.ValidationError({"profile_account": _("Give the profile or one of its accounts.")})
            # The service checks the rules across the scope; nothing of that record is read here.
            attrs["profile_id"] = home_id
            attrs.pop("profile", None)
        return attrs

    def validate_accounts(self, value):
        if self.instance is not None:
            raise serializers.ValidationError(_("Change accounts through /api/v1/platform-accounts/."))
        seen = set()
        for account in value:
            account["handle"] = account["handle"].strip().lstrip("@")
            key = (account["platform"], account["handle"].lower())
            if key in seen:
                raise serializers.ValidationError(_("The same account is listed twice."))
            seen.add(key)
        return value


INFLUENCER_FIELDS = (
    "id",
    "name",
    "local_name",
    "kind",
    "tier",
    "is_core",
    "core_since",
    "stage",
    "stage_changed_at",
    "home_platform",
    "joined_platform_on",
    "email",
    "phone",
    "city",
    "notes",
    "total_followers",
    "crossed_over_on",
    "profile",
    "created_at",
    "updated_at",
)


# Embedded account key → account column.
ACCOUNT_KEYS = {
    "id": "id",
    "platform": "platform",
    "handle": "handle",
    "profile_url": "url",
    "followers": "followers",
    "followers_on": "followers_on",
    "baseline": "baseline",
}


def _accounts_json():
    return JSONObject(**{key: F(column) for key, column in ACCOUNT_KEYS.items()})


def account_values(queryset, now=None):
    return with_growth(queryset, now=now).order_by("platform", "handle")


def influencer_values(queryset, now=None):
    """The one query behind a page of influencers (PostgreSQL); elsewhere accounts and
    categories come from two more queries in ``influencer_rows``."""
    values = queryset.values(
        *INFLUENCER_FIELDS, country_code=F("country__code"), owner_name=F("relationship_owner__username")
    )
    # A shared relationship shows its public profile: the accounts of the record that keeps them
    # (another country's, out of the reader's scope: read unscoped, only the accounts of the
    # profile of a row the caller's scoped query found, and only their public columns) and that
    # record's country; a home record lists the countries that share it.
    # Only the subqueries are built unscoped: the page's own rows keep the caller's scope.
    with unscoped():
        profile_country = Subquery(Influencer.objects.filter(pk=OuterRef("profile_id")).values("country__code")[:1])
    values = values.annotate(profile_country=profile_country)
    if connection.vendor != "postgresql":
        return values
    with unscoped():
        holder = Coalesce(OuterRef("profile_id"), OuterRef("pk"))
        accounts = account_values(PlatformAccount.objects.filter(influencer_id=holder), now).values(
            json=_accounts_json()
        )
        shared = Influencer.objects.filter(profile_id=OuterRef("pk")).order_by("country__code").values("country__code")
    slugs = Category.objects.filter(influencers=OuterRef("pk")).order_by("slug").values("slug")
    return values.annotate(
        account_list=ArraySubquery(accounts), category_list=ArraySubquery(slugs), shared_list=ArraySubquery(shared)
    )


def _attach_related(rows: list[dict], now=None) -> None:
    """Portable path: accounts and categories of a page in two queries."""
    ids = [row["id"] for row in rows]
    holders = {row["id"]: row["profile"] or row["id"] for row in rows}
    accounts: dict[int, list] = defaultdict(list)
    shared: dict[int, list] = defaultdict(list)
    with unscoped():  # the public profiles of the rows found (see influencer_values)
        for account in (
            account_values(PlatformAccount.objects.filter(influencer_id__in=set(holders.values())), now)
            .values("influencer_id", *ACCOUNT_KEYS.values())
            .order_by("platform", "handle")
        ):
            accounts[account["influencer_id"]].append({key: account[column] for key, column in ACCOUNT_KEYS.items()})
        sharing = Influencer.objects.filter(profile_id__in=ids).order_by("country__code")
        for home_id, code in sharing.values_list("profile_id", "country__code"):
            shared[home_id].append(code)
    categories: dict[int, list] = defaultdict(list)
    through = Influencer.categories.through
    for influencer_id, slug in (
        through.objects.filter(influencer_id__in=ids)
        .order_by("category__slug")
        .values_list("influencer_id", "category__slug")
    ):
        categories[influencer_id].append(slug)
    for row in rows:
        row["account_list"] = accounts.get(holders[row["id"]], [])
        row["category_list"] = categories.get(row["id"], [])
        row["shared_list"] = shared.get(row["id"], [])


def influencer_rows(rows, base_url: str, now=None) -> list[dict]:
    """Rows of ``influencer_values`` → the documented JSON shape."""
    rows = list(rows)
    if rows and "account_list" not in rows[0]:
        _attach_related(rows, now)
    out = []
    for row in rows:
        accounts, by_platform, growth = [], {}, 0
        for a in row["account_list"]:
            if isinstance(a, str | bytes):  # JSON arrives as text through a plain cursor
                a = orjson.loads(a)
            baseline = a["baseline"]
            gained = a["followers"] - baseline if baseline is not None else 0
            growth += gained
            by_platform[a["platform"]] = by_platform.get(a["platform"], 0) + a["followers"]
            # Written out in a fixed order: jsonb returns keys in its own order.
            accounts.append(
                {
                    "id": a["id"],
                    "platform": a["platform"],
                    "handle": a["handle"],
                    "profile_url": a["profile_url"],
                    "followers": a["followers"],
                    "followers_on": a["followers_on"],
                    "growth_30d": gained,
                }
            )
        out.append(
            {
                "id": row["id"],
                "url": f"{base_url}{row['id']}/",
                "country": row["country_code"],
                "name": row["name"],
                "local_name": row["local_name"],
                "kind": row["kind"],
                "categories": row["category_list"],
                "tier": row["tier"],
                "is_core": row["is_core"],
                "core_since": row["core_since"],
                "stage": row["stage"],
                "stage_changed_at": row["stage_changed_at"],
                "relationship_owner": row["owner_name"],
                "home_platform": row["home_platform"],
                "joined_platform_on": row["joined_platform_on"],
                "email": row["email"],
                "phone": row["phone"],
                "city": row["city"],
                "notes": row["notes"],
                "accounts": accounts,
                "total_followers": row["total_followers"],
                "followers_by_platform": by_platform,
                "growth_30d": growth,
                "crossed_over": row["crossed_over_on"] is not None,
                "crossed_over_on": row["crossed_over_on"],
                "profile": row["profile"],
                "profile_country": row["profile_country"],
                "shared_in": row["shared_list"],
                "created_at": row["created_at"],
                "updated_at": row["updated_at"],
            }
        )
    return out


class PlatformAccountSerializer(OpsModelSerializer):
    url = self_link("platform-account")
    profile_url = serializers.URLField(source="url", required=False, allow_blank=True, max_length=200)
    growth_30d = serializers.SerializerMethodField(help_text=_("Followers gained over the last 30 days."))

    class Meta:
        model = PlatformAccount
        fields = [
            "id",
            "url",
            "influencer",
            "platform",
            "handle",
            "profile_url",
            "followers",
            "followers_on",
            "growth_30d",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["followers", "followers_on", "created_at", "updated_at"]

    def get_growth_30d(self, obj) -> int:
        baseline = getattr(obj, "baseline", None)
        return obj.followers - baseline if baseline is not None else 0


class FollowerSnapshotSerializer(OpsModelSerializer):
    url = self_link("follower-snapshot")

    class Meta:
        model = FollowerSnapshot
        fields = ["id", "url", "account", "date", "followers", "source", "recorded_at"]
        read_only_fields = ["recorded_at"]


class FollowerRowSerializer(serializers.Serializer):
    """One row of a bulk batch (documentation: rows are validated set-wise by the service)."""

    platform = serializers.ChoiceField(choices=Platform.choices)
    handle = serializers.CharField(help_text=_("With or without @."))
    date = serializers.DateField()
    followers = serializers.IntegerField(min_value=0)
    source = serializers.ChoiceField(choices=FollowerSnapshot._meta.get_field("source").choices, required=False)


class FollowerBatchSerializer(serializers.Serializer):
    rows = FollowerRowSerializer(many=True, help_text=_("Up to 10,000 rows; all are written or none."))


class InfluencerInteractionSerializer(OpsModelSerializer):
    url = self_link("influencer-interaction")
    owner = UserRefField(read_only=True, help_text=_("Who logged it."))

    class Meta:
        model = InfluencerInteraction
        fields = [
            "id",
            "url",
            "influencer",
            "kind",
            "occurred_at",
            "summary",
            "next_follow_up_on",
            "follow_up_done",
            "owner",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["created_at", "updated_at"]
        extra_kwargs = {"occurred_at": {"required": False}}
