"""Admin for influencers, their platform accounts, follower history and outreach log."""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from challenges.models import ChallengeParticipation
from opsportal.admin_mixins import (
    ReadOnlyHistoryAdmin,
    ReadOnlyHistoryInline,
    ScopedHistoryAdmin,
    ScopedTabularInline,
    SharedListAdmin,
    local_time,
    number,
    when_filter,
)
from opsportal.admin_writes import writes_through

from .models import Category, FollowerSnapshot, Influencer, InfluencerInteraction, PlatformAccount
from .services import (
    check_not_shared_home,
    influencer_delete,
    influencer_interaction_delete,
    influencer_interaction_save,
    influencer_save,
    platform_account_delete,
    platform_account_save,
)

SMALL_TEXT = {models.TextField: {"widget": forms.Textarea(attrs={"rows": 2, "cols": 40})}}


@admin.register(Category)
class CategoryAdmin(SharedListAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


class AccountInline(ScopedTabularInline):
    model = PlatformAccount
    fields = ["platform", "handle", "url", "followers", "followers_on"]
    readonly_fields = ["followers", "followers_on"]


class OutreachInline(ScopedTabularInline):
    model = InfluencerInteraction
    fields = ["occurred_at", "kind", "summary", "next_follow_up_on", "follow_up_done", "owner"]
    formfield_overrides = SMALL_TEXT
    ordering = ["-occurred_at"]


class ParticipationInline(ScopedTabularInline):
    model = ChallengeParticipation
    fields = ["challenge", "role", "video_url", "video_views", "posted_at"]
    autocomplete_fields = ["challenge"]


@admin.register(Influencer)
class InfluencerAdmin(ScopedHistoryAdmin):
    list_display = [
        "name",
        "local_name",
        "country",
        "kind",
        "tier",
        "stage",
        "is_core",
        "followers",
        "crossed_over_on",
        "relationship_owner",
        "joined_platform_on",
    ]
    list_filter = [
        ("country", admin.RelatedOnlyFieldListFilter),
        "stage",
        "kind",
        "tier",
        "is_core",
        "home_platform",
        "categories",
        ("crossed_over_on", admin.EmptyFieldListFilter),
        ("joined_platform_on", admin.DateFieldListFilter),
        ("relationship_owner", admin.RelatedOnlyFieldListFilter),
    ]
    search_fields = ["name", "local_name", "accounts__handle", "email", "phone", "city"]
    autocomplete_fields = ["country", "categories", "profile"]
    list_select_related = ["country", "relationship_owner"]
    date_hierarchy = "joined_platform_on"
    readonly_fields = ["total_followers", "crossed_over_on", "stage_changed_at", "erased_at"]
    inlines = [AccountInline, OutreachInline, ParticipationInline]
    fieldsets = [
        (None, {"fields": ["country", "name", "local_name", "kind", "categories", "city"]}),
        (
            _("Relationship"),
            {"fields": ["stage", "stage_changed_at", "is_core", "core_since", "tier", "relationship_owner"]},
        ),
        (
            _("On the platforms"),
            {"fields": ["profile", "home_platform", "joined_platform_on", "total_followers", "crossed_over_on"]},
        ),
        (_("Contact"), {"fields": ["email", "phone", "notes", "erased_at"]}),
    ]

    def get_readonly_fields(self, request, obj=None):
        # A shared profile is chosen when the relationship is created (as in the API); the
        # figures it shares follow the home record.
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None:
            fields.append("profile")
            if obj.profile_id:
                fields += ["home_platform", "joined_platform_on"]
        return fields

    @admin.display(description=_("followers"), ordering="total_followers")
    def followers(self, obj):
        return number(obj.total_followers)

    def get_deleted_objects(self, objs, request):
        # The confirmation page answers with influencer_delete's own refusal, before Django's
        # collector finds the shared relationships (it would say "no permission" instead).
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        refusals = []
        for influencer in objs:
            try:
                check_not_shared_home(influencer)
            except ValidationError as error:
                refusals += [f"{influencer}: {message}" for message in error.messages]
        if refusals:
            return deleted, counts, set(), refusals
        return deleted, counts, perms_needed, protected


class FollowerHistoryInline(ReadOnlyHistoryInline):
    model = FollowerSnapshot
    fields = ["date", "followers", "source"]
    ordering = ["-date"]
    verbose_name_plural = _("follower history (newest 30)")


@admin.register(PlatformAccount)
class PlatformAccountAdmin(ScopedHistoryAdmin):
    list_display = ["handle", "platform", "influencer", "country", "follower_count", "followers_on", "profile"]
    list_filter = ["platform", ("influencer__country", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["handle", "influencer__name", "influencer__local_name"]
    autocomplete_fields = ["influencer"]
    list_select_related = ["influencer__country"]
    fields = ["influencer", "platform", "handle", "url", "followers", "followers_on", "history_link"]
    readonly_fields = ["followers", "followers_on", "history_link"]
    inlines = [FollowerHistoryInline]

    @admin.display(description=_("country"), ordering="influencer__country__name")
    def country(self, obj):
        return obj.influencer.country

    @admin.display(description=_("followers"), ordering="followers")
    def follower_count(self, obj):
        return number(obj.followers)

    @admin.display(description=_("profile"))
    def profile(self, obj):
        return format_html('<a href="{}" rel="noopener noreferrer">{}</a>', obj.url, _("open")) if obj.url else "–"

    @admin.display(description=_("all snapshots"))
    def history_link(self, obj):
        if obj.pk is None:
            return "–"
        url = reverse("admin:influencers_followersnapshot_changelist") + f"?account__id__exact={obj.pk}"
        return format_html('<a href="{}">{}</a>', url, _("Full follower history"))


@admin.register(FollowerSnapshot)
class FollowerSnapshotAdmin(ReadOnlyHistoryAdmin):
    list_display = ["account", "influencer", "date", "follower_count", "source", "recorded_at"]
    list_filter = [
        "account__platform",
        ("account__influencer__country", admin.RelatedOnlyFieldListFilter),
        "source",
    ]
    search_fields = ["account__handle", "account__influencer__name", "account__influencer__local_name"]
    list_select_related = ["account__influencer"]
    date_hierarchy = "date"
    ordering = ["-date", "account"]

    @admin.display(description=_("influencer"), ordering="account__influencer__name")
    def influencer(self, obj):
        return obj.account.influencer

    @admin.display(description=_("followers"), ordering="followers")
    def follower_count(self, obj):
        return number(obj.followers)


@admin.register(InfluencerInteraction)
class InfluencerInteractionAdmin(ScopedHistoryAdmin):
    list_display = ["occurred", "influencer", "kind", "short_summary", "next_follow_up_on", "follow_up_done", "owner"]
    list_filter = [
        ("influencer__country", admin.RelatedOnlyFieldListFilter),
        "kind",
        "follow_up_done",
        when_filter("next_follow_up_on", _("next follow-up")),
        ("occurred_at", admin.DateFieldListFilter),
        ("owner", admin.RelatedOnlyFieldListFilter),
    ]
    search_fields = ["summary", "influencer__name", "influencer__local_name"]
    autocomplete_fields = ["influencer"]
    list_select_related = ["influencer__country", "owner"]
    date_hierarchy = "occurred_at"
    formfield_overrides = SMALL_TEXT

    @admin.display(description=_("when"), ordering="occurred_at")
    def occurred(self, obj):
        return local_time(obj.occurred_at, obj.influencer.country.timezone)

    @admin.display(description=_("summary"))
    def short_summary(self, obj):
        return obj.summary if len(obj.summary) <= 80 else obj.summary[:79] + "…"


# The admin saves through the same services as the portal, the API and imports.
writes_through(Influencer, influencer_save, influencer_delete)
writes_through(PlatformAccount, platform_account_save, platform_account_delete)
writes_through(InfluencerInteraction, influencer_interaction_save, influencer_interaction_delete)
