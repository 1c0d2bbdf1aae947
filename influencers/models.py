from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Coalesce, Lower
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from opsportal.db import ConstraintsOnFields, Source, TimeStamped, audit_history
from opsportal.scope import CountryScopedManager


class Kind(models.TextChoices):
    CREATOR = "creator", _("Creator")
    CELEBRITY = "celebrity", _("Celebrity")
    ATHLETE = "athlete", _("Athlete")
    MUSICIAN = "musician", _("Musician")
    ACTOR = "actor", _("Actor")


class Tier(models.TextChoices):
    MEGA = "mega", _("Mega (1M+)")
    MACRO = "macro", _("Macro (100k–1M)")
    MID = "mid", _("Mid (10k–100k)")
    MICRO = "micro", _("Micro (<10k)")


class Stage(models.TextChoices):
    PROSPECT = "prospect", _("Prospect")
    CONTACTED = "contacted", _("Contacted")
    ONBOARDED = "onboarded", _("Onboarded")
    ACTIVE = "active", _("Active")
    DORMANT = "dormant", _("Dormant")


# Stages in which a relationship is being worked: a prospect has not been reached yet and a
# dormant creator was let go on purpose, so neither can go cold.
WORKED_STAGES = (Stage.CONTACTED, Stage.ONBOARDED, Stage.ACTIVE)


class Platform(models.TextChoices):
    # Our own platform comes first: crossovers are measured against it.
    TIKTOK = "tiktok", _("TikTok")
    YOUTUBE = "youtube", _("YouTube")
    INSTAGRAM = "instagram", _("Instagram")
    FACEBOOK = "facebook", _("Facebook")
    X = "x", _("X / Twitter")
    OTHER = "other", _("Other")


OWN_PLATFORM = Platform.TIKTOK


# The platform's standard content categories, named in each team's language. A category an
# administrator adds keeps the name they typed (a record's data, not the portal's words).
CATEGORY_NAMES = {
    "dance": pgettext_lazy("content category", "Dance"),
    "comedy": pgettext_lazy("content category", "Comedy"),
    "cooking": pgettext_lazy("content category", "Cooking"),
    "food": pgettext_lazy("content category", "Food"),
    "pets": pgettext_lazy("content category", "Cute pets"),
    "travel": pgettext_lazy("content category", "Travel"),
    "lip-sync": pgettext_lazy("content category", "Lip-sync"),
    "music": pgettext_lazy("content category", "Music"),
    "beauty": pgettext_lazy("content category", "Beauty"),
    "sports": pgettext_lazy("content category", "Sports"),
    "acting": pgettext_lazy("content category", "Acting"),
}


class Category(models.Model):
    """A content category: dance, comedy, cooking, pets..."""

    slug = models.SlugField(_("slug"), unique=True)
    name = models.CharField(_("name"), max_length=80)

    class Meta:
        ordering = ["name"]
        verbose_name = _("category")
        verbose_name_plural = _("categories")

    def __str__(self) -> str:
        return str(self.display_name)

    @property
    def display_name(self) -> str:
        """The name in the reader's language for a standard category, else the stored name."""
        return str(CATEGORY_NAMES.get(self.slug, self.name))


# Cached from the home record's accounts: a shared relationship (``Influencer.profile``) shows the
# same figures (``influencers.followers.sync_shared_profiles``).
PUBLIC_PROFILE_FIELDS = ("total_followers", "crossed_over_on", "home_platform", "joined_platform_on")


class Influencer(TimeStamped):
    # Every index here is written again whenever follower ingestion moves a total (the total and
    # updated_at are indexed for sorting and syncs, so the update cannot stay on the page):
    # none is kept that another one already serves. The (country, …) indexes serve lookups by
    # country, the unique (profile, country) those by profile; kind, tier and stage are compared
    # whole, never with LIKE, so they keep a plain index and no pattern-ops twin.
    country = models.ForeignKey(
        "opsportal.Country",
        verbose_name=_("country"),
        on_delete=models.PROTECT,
        related_name="influencers",
        db_index=False,
    )
    name = models.CharField(_("name"), max_length=200, help_text=_("Romanised name, as the team writes it."))
    local_name = models.CharField(_("name in local script"), max_length=200, blank=True)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.CREATOR)
    categories = models.ManyToManyField(Category, verbose_name=_("categories"), blank=True, related_name="influencers")
    tier = models.CharField(_("tier"), max_length=8, choices=Tier.choices, blank=True)
    # No index of its own: the partial index on core rows (Meta) serves "is_core = true" too.
    is_core = models.BooleanField(_("core influencer"), default=False)
    core_since = models.DateField(_("core since"), null=True, blank=True)
    stage = models.CharField(_("pipeline stage"), max_length=16, choices=Stage.choices, default=Stage.PROSPECT)
    stage_changed_at = models.DateTimeField(_("stage changed at"), null=True, blank=True)
    relationship_owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("relationship owner"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="influencers",
    )
    home_platform = models.CharField(_("home platform"), max_length=16, choices=Platform.choices, blank=True)
    joined_platform_on = models.DateField(_("joined our platform on"), null=True, blank=True)
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    # Kept by follower_snapshot services so lists need no aggregate per row.
    total_followers = models.PositiveBigIntegerField(_("total followers"), default=0, db_index=True)
    crossed_over_on = models.DateField(
        _("crossed over on"),
        null=True,
        blank=True,
        help_text=_("First day our platform's following passed their largest other platform."),
    )
    # The week's follower gain of a core influencer (None for the others), kept by
    # ``influencers.gains`` for the ``since`` date it was computed for: the dashboard shows it
    # only while that date is the country's today − 7, and computes stale rows live.
    week_gain = models.BigIntegerField(_("followers gained this week"), null=True, blank=True, editable=False)
    week_gain_since = models.DateField(_("week's gain counted since"), null=True, blank=True, editable=False)
    erased_at = models.DateTimeField(_("personal data erased at"), null=True, blank=True, editable=False)
    # Kept by the services from the outreach log (the latest entry), like a government contact's.
    last_contacted_at = models.DateTimeField(_("last contacted"), null=True, blank=True, editable=False, db_index=True)
    # A creator worked by several country teams: each team keeps its own relationship (this row:
    # stage, owner, outreach, notes, contact details); one of them, the "home" record, keeps the
    # platform accounts and their follower history, and the others point at it. Rules in
    # influencers.services (another country, no chains, no accounts of its own, one per country).
    profile = models.ForeignKey(
        "self",
        verbose_name=_("shares the public profile of"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="shared_with",
        help_text=_("The relationship of another country team that keeps this creator's accounts and followers."),
        db_index=False,
    )

    history = audit_history(
        excluded_fields=["total_followers", "updated_at", "last_contacted_at", "week_gain", "week_gain_since"]
    )

    objects = CountryScopedManager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("influencer")
        verbose_name_plural = _("influencers")
        indexes = [
            models.Index(fields=["country", "stage"]),
            models.Index(fields=["country", "name"]),
            models.Index(fields=["kind"], name="influencer_kind"),
            models.Index(fields=["tier"], name="influencer_tier"),
            models.Index(fields=["stage"], name="influencer_stage"),
            # Imports match rows without a known handle by name, case-insensitively, per country.
            models.Index(F("country"), Lower("name"), name="influencer_country_name_lower"),
            # The dashboard's top gains and its stale rows, per country: core rows only, so the
            # rewrites of everyone else's totals never touch it. It replaces a plain is_core index,
            # which the planner preferred for the stale rows (10,000 heap visits instead of none).
            models.Index(
                fields=["country", "week_gain_since", "-week_gain"],
                condition=Q(is_core=True),
                name="influencer_core_week_gain",
            ),
            # The event pages' guest and capture pickers: a country's first 50 creators, core
            # ones and the largest audiences first (``events.forms.short_influencer_picker``).
            # Without it PostgreSQL sorted all of a country's rows for them (140 ms at 200,000).
            models.Index(
                fields=["country", "-is_core", "-total_followers", "name"],
                condition=Q(erased_at=None),
                name="influencer_picker_order",
            ),
            # Counts of the dashboard and the goals, index-only whatever the country's size: core
            # rows (the dashboard's core count and new core), core active ones (the goal, by
            # ``core_since`` for a past quarter), crossovers (by day). Partial, so a rewrite of
            # anyone else's totals writes none of them.
            models.Index(fields=["country", "core_since"], condition=Q(is_core=True), name="influencer_core_since"),
            models.Index(
                fields=["country", "core_since"],
                condition=Q(is_core=True, stage=Stage.ACTIVE, erased_at=None),
                name="influencer_core_active",
            ),
            models.Index(
                fields=["country", "crossed_over_on"],
                condition=Q(erased_at=None, crossed_over_on__isnull=False),
                name="influencer_crossed_over",
            ),
            # Relationships going cold (``selectors.cold_influencers``): the coldest worked creators
            # in order, so the first five are read without sorting every worked row of the country.
            models.Index(
                F("country"),
                Coalesce("last_contacted_at", "created_at"),
                F("id"),
                condition=Q(erased_at=None, stage__in=WORKED_STAGES),
                name="influencer_cold",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["profile", "country"],
                name="influencer_one_relationship_per_country_per_profile",
                violation_error_message=_("This country team already works this creator."),
            ),
        ]

    @property
    def profile_holder_id(self) -> int | None:
        """The id of the record that keeps the accounts and follower history."""
        return self.profile_id or self.pk

    def __str__(self) -> str:
        if self.local_name and self.local_name != self.name:
            return f"{self.name} ({self.local_name})"
        return self.name

    def clean(self):
        from opsportal.references import validate_references

        # The relationship owner is on this country's team.
        validate_references(self)


# The one answer for a handle someone already registered, whoever holds it and in whichever
# country: the API, the admin and the import say this and nothing about the holder.
HANDLE_TAKEN = _("This handle is already registered on this platform.")


class PlatformAccount(ConstraintsOnFields, TimeStamped):
    influencer = models.ForeignKey(
        Influencer, verbose_name=_("influencer"), on_delete=models.CASCADE, related_name="accounts"
    )
    platform = models.CharField(_("platform"), max_length=16, choices=Platform.choices)
    handle = models.CharField(_("handle"), max_length=100, help_text=_("Without the leading @."))
    url = models.URLField(_("profile URL"), blank=True)
    # The latest count, kept by follower ingestion. Neither it nor updated_at is indexed: a daily
    # feed rewrites every account, and unindexed columns let PostgreSQL update the row in place
    # (HOT, no index writes; the table keeps half of each page free for it).
    followers = models.PositiveBigIntegerField(_("followers"), default=0)
    followers_on = models.DateField(_("followers counted on"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = audit_history(excluded_fields=["followers", "followers_on", "updated_at"])

    objects = CountryScopedManager()
    constraint_fields = {"handle_taken": "handle"}

    class Meta:
        ordering = ["platform", "handle"]
        verbose_name = _("platform account")
        verbose_name_plural = _("platform accounts")
        constraints = [
            models.UniqueConstraint(
                "platform",
                Lower("handle"),
                name="account_handle_unique_per_platform",
                violation_error_code="handle_taken",
                violation_error_message=HANDLE_TAKEN,
            ),
            models.CheckConstraint(condition=~Q(handle=""), name="account_handle_not_empty"),
        ]

    def __str__(self) -> str:
        return f"{self.get_platform_display()} @{self.handle}"

    def clean(self):
        # Every door sends the handle with or without its @: it is stored without, so "@NateMee"
        # is "natemee" to the unique constraint on (platform, lower(handle)).
        self.handle = (self.handle or "").strip().lstrip("@").strip()
        if not self.handle:
            raise ValidationError({"handle": _("Enter a handle.")})

    def save(self, *args, **kwargs):
        self.handle = self.handle.strip().lstrip("@")
        super().save(*args, **kwargs)


class FollowerSnapshot(models.Model):
    # No index of its own: the unique (account, date) index serves lookups by account.
    account = models.ForeignKey(
        PlatformAccount, verbose_name=_("account"), on_delete=models.PROTECT, related_name="snapshots", db_index=False
    )
    date = models.DateField(_("date"))
    followers = models.PositiveBigIntegerField(_("followers"))
    source = models.CharField(_("source"), max_length=8, choices=Source.choices, default=Source.API)
    recorded_at = models.DateTimeField(_("recorded at"), auto_now=True)

    objects = CountryScopedManager()

    class Meta:
        ordering = ["account", "date"]
        verbose_name = _("follower snapshot")
        verbose_name_plural = _("follower snapshots")
        constraints = [
            models.UniqueConstraint(fields=["account", "date"], name="follower_snapshot_one_per_day"),
        ]
        indexes = [models.Index(fields=["date"])]

    def __str__(self) -> str:
        return f"{self.account} {self.date}: {self.followers}"


class FollowerRefresh(models.Model):
    """An influencer whose figures derived from follower counts (total, crossover, week's gain)
    wait for a worker after a bulk batch wrote their accounts' counts: the batch's own
    transaction writes this row, so the work is never lost, and ``followers.drain_follower_refreshes``
    takes it (one row per influencer; ``since`` is the earliest date any waiting batch changed)."""

    influencer = models.OneToOneField(
        Influencer, verbose_name=_("influencer"), primary_key=True, on_delete=models.CASCADE, related_name="+"
    )
    since = models.DateField(_("changed since"))

    class Meta:
        verbose_name = _("follower figures waiting for a refresh")
        verbose_name_plural = _("follower figures waiting for a refresh")

    def __str__(self) -> str:
        return f"{self.influencer_id} since {self.since}"


class InteractionKind(models.TextChoices):
    MESSAGE = "message", _("Direct message")
    CALL = "call", _("Call")
    MEETING = "meeting", _("Meeting")
    EMAIL = "email", _("Email")
    EVENT = "event", _("At an event")


class InfluencerInteraction(TimeStamped):
    """The outreach log: every touch with a creator, and when to follow up."""

    influencer = models.ForeignKey(
        Influencer, verbose_name=_("influencer"), on_delete=models.CASCADE, related_name="interactions"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=InteractionKind.choices)
    occurred_at = models.DateTimeField(_("when"), db_index=True)
    summary = models.TextField(_("summary"))
    next_follow_up_on = models.DateField(_("next follow-up"), null=True, blank=True, db_index=True)
    follow_up_done = models.BooleanField(_("follow-up done"), default=False)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("logged by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="influencer_interactions",
    )

    history = audit_history()

    objects = CountryScopedManager()

    class Meta:
        ordering = ["-occurred_at"]
        verbose_name = _("outreach entry")
        verbose_name_plural = _("outreach log")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.influencer} · {self.occurred_at:%Y-%m-%d}"

    def clean(self):
        from django.utils import timezone

        # The contact's day in the creator's country: the follow-up date is a day there too.
        if self.occurred_at and self.next_follow_up_on and self.influencer_id:
            contacted_on = timezone.localtime(self.occurred_at, self.influencer.country.zone).date()
            if self.next_follow_up_on < contacted_on:
                raise ValidationError({"next_follow_up_on": _("The follow-up cannot be before the contact.")})
