"""Admin for challenges, who takes part, and their metric history (read-only)."""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from opsportal.admin_mixins import (
    ReadOnlyHistoryAdmin,
    ReadOnlyHistoryInline,
    ScopedHistoryAdmin,
    ScopedTabularInline,
    local_time,
    number,
    when_filter,
)
from opsportal.admin_writes import writes_through

from .models import Challenge, ChallengeMetricSnapshot, ChallengeParticipation
from .services import challenge_save, participation_save

METRICS = ["views", "videos", "likes", "comments", "shares", "metrics_at"]


class ParticipationInline(ScopedTabularInline):
    model = ChallengeParticipation
    fields = ["influencer", "role", "video_url", "video_views", "posted_at"]
    autocomplete_fields = ["influencer"]


class MetricHistoryInline(ReadOnlyHistoryInline):
    model = ChallengeMetricSnapshot
    fields = ["captured_at", "views", "videos", "likes", "comments", "shares", "source"]
    ordering = ["-captured_at"]
    verbose_name_plural = _("metric history (newest 30)")


@admin.register(Challenge)
class ChallengeAdmin(ScopedHistoryAdmin):
    list_display = [
        "tag",
        "title",
        "country",
        "format",
        "status",
        "starts",
        "ends",
        "view_count",
        "video_count",
        "goal",
        "metrics_as_of",
        "owner",
    ]
    list_display_links = ["tag", "title"]
    list_filter = [
        ("country", admin.RelatedOnlyFieldListFilter),
        "status",
        "format",
        when_filter("starts_at", _("starts")),
        when_filter("ends_at", _("ends")),
        ("cultural_moment", admin.RelatedOnlyFieldListFilter),
        ("owner", admin.RelatedOnlyFieldListFilter),
    ]
    search_fields = ["hashtag", "title", "music", "sticker_effect", "how_to_play"]
    autocomplete_fields = ["country", "cultural_moment"]
    list_select_related = ["country", "owner"]
    date_hierarchy = "starts_at"
    readonly_fields = [*METRICS, "history_link"]
    inlines = [ParticipationInline, MetricHistoryInline]
    fieldsets = [
        (None, {"fields": ["country", "hashtag", "title", "format", "status", "owner", "cultural_moment"]}),
        (_("How it plays"), {"fields": ["how_to_play", "music", "sticker_effect"]}),
        (_("When and goals"), {"fields": ["starts_at", "ends_at", "target_views", "target_videos"]}),
        (_("Latest metrics"), {"fields": [*METRICS, "history_link"]}),
    ]

    @admin.display(description=_("hashtag"), ordering="hashtag")
    def tag(self, obj):
        return f"#{obj.hashtag}"

    @admin.display(description=_("starts"), ordering="starts_at")
    def starts(self, obj):
        return local_time(obj.starts_at, obj.country.timezone)

    @admin.display(description=_("ends"), ordering="ends_at")
    def ends(self, obj):
        return local_time(obj.ends_at, obj.country.timezone)

    @admin.display(description=_("views"), ordering="views")
    def view_count(self, obj):
        return number(obj.views)

    @admin.display(description=_("videos"), ordering="videos")
    def video_count(self, obj):
        return number(obj.videos)

    @admin.display(description=_("views vs target"))
    def goal(self, obj):
        if not obj.target_views:
            return "–"
        return f"{obj.views / obj.target_views:.0%}"

    @admin.display(description=_("metrics as of"), ordering="metrics_at")
    def metrics_as_of(self, obj):
        return local_time(obj.metrics_at, obj.country.timezone)

    @admin.display(description=_("all snapshots"))
    def history_link(self, obj):
        if obj.pk is None:
            return "–"
        url = reverse("admin:challenges_challengemetricsnapshot_changelist") + f"?challenge__id__exact={obj.pk}"
        return format_html('<a href="{}">{}</a>', url, _("Full metric history"))


@admin.register(ChallengeParticipation)
class ChallengeParticipationAdmin(ScopedHistoryAdmin):
    list_display = ["influencer", "challenge", "country", "role", "views", "posted"]
    list_filter = [("challenge__country", admin.RelatedOnlyFieldListFilter), "role", "challenge__status"]
    search_fields = ["challenge__hashtag", "challenge__title", "influencer__name", "influencer__local_name"]
    autocomplete_fields = ["challenge", "influencer"]
    list_select_related = ["challenge__country", "influencer"]
    date_hierarchy = "posted_at"

    @admin.display(description=_("country"), ordering="challenge__country__name")
    def country(self, obj):
        return obj.challenge.country

    @admin.display(description=_("video views"), ordering="video_views")
    def views(self, obj):
        return number(obj.video_views)

    @admin.display(description=_("posted at"), ordering="posted_at")
    def posted(self, obj):
        return local_time(obj.posted_at, obj.challenge.country.timezone)


@admin.register(ChallengeMetricSnapshot)
class ChallengeMetricSnapshotAdmin(ReadOnlyHistoryAdmin):
    list_display = ["challenge", "captured", "view_count", "video_count", "likes", "comments", "shares", "source"]
    list_filter = [("challenge__country", admin.RelatedOnlyFieldListFilter), "source", "challenge__status"]
    search_fields = ["challenge__hashtag", "challenge__title"]
    list_select_related = ["challenge__country"]
    date_hierarchy = "captured_at"
    ordering = ["-captured_at"]

    @admin.display(description=_("captured at"), ordering="captured_at")
    def captured(self, obj):
        return local_time(obj.captured_at, obj.challenge.country.timezone)

    @admin.display(description=_("views"), ordering="views")
    def view_count(self, obj):
        return number(obj.views)

    @admin.display(description=_("videos"), ordering="videos")
    def video_count(self, obj):
        return number(obj.videos)


# The admin saves through the same services as the portal, the API and imports.
writes_through(Challenge, challenge_save)
writes_through(ChallengeParticipation, participation_save)
