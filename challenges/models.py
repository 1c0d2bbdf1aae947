from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from opsportal.db import ConstraintsOnFields, Source, TimeStamped, audit_history
from opsportal.scope import CountryScopedManager


class Format(models.TextChoices):
    DANCE = "dance", _("Dance")
    DANCE_MACHINE = "dance_machine", _("Dance machine")
    CAMERA_MOVEMENT = "camera_movement", _("Camera movement")
    STICKER_EFFECT = "sticker_effect", _("Sticker / effect")
    LIP_SYNC = "lip_sync", _("Dubbing (lip-sync)")
    SCENE = "scene", _("Scene interpretation")
    IMITATION = "imitation", _("Imitation")
    COMEDY = "comedy", _("Comedy")
    PETS = "pets", _("Cute pets")
    TRAVEL = "travel", _("Travel")
    COOKING = "cooking", _("Cooking")
    FOOD = "food", _("Food")
    OTHER = "other", _("Other")


class Status(models.TextChoices):
    IDEA = "idea", _("Idea")
    PLANNED = "planned", _("Planned")
    LIVE = "live", _("Live")
    ENDED = "ended", _("Ended")


class Challenge(ConstraintsOnFields, TimeStamped):
    """A hashtag challenge: the main lever of "operating the game"."""

    country = models.ForeignKey(
        "opsportal.Country", verbose_name=_("country"), on_delete=models.PROTECT, related_name="challenges"
    )
    hashtag = models.CharField(_("hashtag"), max_length=100, help_text=_("Without the leading #."))
    title = models.CharField(_("title"), max_length=200)
    format = models.CharField(_("format"), max_length=20, choices=Format.choices, db_index=True)
    how_to_play = models.TextField(_("how to play"), blank=True)
    music = models.CharField(_("music"), max_length=200, blank=True)
    sticker_effect = models.CharField(_("sticker or effect"), max_length=200, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.IDEA, db_index=True)
    starts_at = models.DateTimeField(_("starts"), null=True, blank=True, db_index=True)
    ends_at = models.DateTimeField(_("ends"), null=True, blank=True)
    target_views = models.PositiveBigIntegerField(_("target views"), null=True, blank=True)
    target_videos = models.PositiveBigIntegerField(_("target videos"), null=True, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="challenges",
    )
    cultural_moment = models.ForeignKey(
        "locales.CulturalMoment",
        verbose_name=_("cultural moment"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="challenges",
    )
    # Latest totals, kept by the metric ingestion service so lists need no subquery.
    # Neither these nor updated_at are indexed: hourly ingestion rewrites them for every live
    # challenge, and unindexed columns let PostgreSQL update the row in place (HOT).
    views = models.PositiveBigIntegerField(_("views"), default=0)
    videos = models.PositiveBigIntegerField(_("videos"), default=0)
    likes = models.PositiveBigIntegerField(_("likes"), default=0)
    comments = models.PositiveBigIntegerField(_("comments"), default=0)
    shares = models.PositiveBigIntegerField(_("shares"), default=0)
    metrics_at = models.DateTimeField(_("metrics as of"), null=True, blank=True)
    # No snapshot of the challenge was captured before this moment (None: not known). Set to its
    # earliest snapshot with the totals and lowered by every write of an earlier one; deleting
    # snapshots leaves it, still a true bound. A quarter's views gained (goals) read the cached
    # totals instead of two snapshot probes per challenge when the bounds allow it.
    metrics_since = models.DateTimeField(_("metrics since"), null=True, blank=True, editable=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = audit_history(
        excluded_fields=["views", "videos", "likes", "comments", "shares", "metrics_at", "metrics_since", "updated_at"]
    )

    objects = CountryScopedManager()
    constraint_fields = {"hashtag_taken": "hashtag"}

    class Meta:
        ordering = ["-starts_at", "hashtag"]
        verbose_name = _("challenge")
        verbose_name_plural = _("challenges")
        constraints = [
            models.UniqueConstraint(
                "country",
                Lower("hashtag"),
                name="challenge_hashtag_unique_per_country",
                violation_error_code="hashtag_taken",
                violation_error_message=_("This hashtag is already used by a challenge in this country."),
            ),
            models.CheckConstraint(
                condition=Q(ends_at__isnull=True) | Q(starts_at__isnull=True) | Q(ends_at__gte=F("starts_at")),
                name="challenge_ends_after_start",
                violation_error_message=_("The end cannot be before the start."),
            ),
            models.CheckConstraint(condition=~Q(hashtag=""), name="challenge_hashtag_not_empty"),
        ]
        indexes = [
            # The calendar ranks a country's challenges starting (ending) in the month per day and
            # counts each day's: read from these alone on PostgreSQL (an index-only scan, no heap
            # visit per challenge; 64 ms → 18 ms for 20,000 challenges in one month).
            # The id is a key column: a day's first four by (moment, id) are read in order, not
            # sorted out of a day that holds 20,000 (the month's per-day query, 20 → 0.1 ms).
            models.Index(
                fields=["country", "starts_at", "id"], include=["hashtag", "ends_at"], name="challenge_calendar_starts"
            ),
            models.Index(
                fields=["country", "ends_at", "id"], include=["hashtag", "starts_at"], name="challenge_calendar_ends"
            ),
            # Lists and counts by status and start (a quarter's launches: an index-only count).
            # No cached total is indexed: the hourly rewrite of the totals stays on the page (HOT).
            models.Index(fields=["country", "status", "starts_at"], name="challenge_country_status_start"),
            # The portal's list in its default order: a page's ids are read in order, not sorted
            # out of the country's 20,000 (13 ms → 0.1 ms at 10x; page 100 38 → 1 ms).
            models.Index(fields=["country", "-starts_at", "hashtag", "id"], name="challenge_list_order"),
            # A past quarter's views gained skip the challenges whose snapshots all came after it.
            # The hourly rewrite keeps ``metrics_since`` as it was, so it stays HOT.
            models.Index(fields=["country", "metrics_since"], name="challenge_metrics_since"),
        ]

    def __str__(self) -> str:
        return f"#{self.hashtag}"

    def clean(self):
        from opsportal.references import validate_references

        self._clean_hashtag()
        # Same rule as the check constraint, but the error lands on the field in every form.
        if self.starts_at and self.ends_at and self.ends_at < self.starts_at:
            raise ValidationError({"ends_at": _("The end cannot be before the start.")})
        # The owner is on this country's team; the cultural moment is of this country.
        validate_references(self)

    def _clean_hashtag(self) -> None:
        """Every door sends the hashtag with or without its #: it is stored without, one word.
        Normalised here, before the constraints run, so that "#summer" beside "summer" is the
        same hashtag to the unique constraint on (country, lower(hashtag))."""
        self.hashtag = (self.hashtag or "").strip().lstrip("#").strip()
        if not self.hashtag:
            raise ValidationError({"hashtag": _("Enter a hashtag.")})
        if any(character.isspace() for character in self.hashtag):
            raise ValidationError({"hashtag": _("Not a valid hashtag: %(value)s.") % {"value": self.hashtag[:80]}})

    def save(self, *args, **kwargs):
        self.hashtag = self.hashtag.strip().lstrip("#")
        super().save(*args, **kwargs)


class ParticipationRole(models.TextChoices):
    SEED = "seed", _("Seeded")
    JOINED = "joined", _("Joined")


class ChallengeParticipation(TimeStamped):
    challenge = models.ForeignKey(
        Challenge, verbose_name=_("challenge"), on_delete=models.CASCADE, related_name="participations"
    )
    influencer = models.ForeignKey(
        "influencers.Influencer",
        verbose_name=_("influencer"),
        on_delete=models.PROTECT,
        related_name="participations",
    )
    role = models.CharField(_("role"), max_length=8, choices=ParticipationRole.choices, default=ParticipationRole.SEED)
    video_url = models.URLField(_("video"), blank=True)
    video_views = models.PositiveBigIntegerField(_("video views"), null=True, blank=True)
    posted_at = models.DateTimeField(_("posted at"), null=True, blank=True)

    history = audit_history()

    objects = CountryScopedManager()

    class Meta:
        ordering = ["challenge", "-video_views"]
        verbose_name = _("participation")
        verbose_name_plural = _("participations")
        constraints = [
            models.UniqueConstraint(fields=["challenge", "influencer"], name="participation_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.influencer} in {self.challenge}"

    def clean(self):
        from opsportal.references import validate_references

        # Only an influencer of the challenge's country takes part in it.
        validate_references(self)


class ChallengeMetricSnapshot(models.Model):
    """Views, videos, likes, comments and shares at a moment: the source of every trend."""

    # No index of its own: the unique (challenge, captured_at) index serves lookups by challenge,
    # and each hourly batch then updates one index fewer.
    challenge = models.ForeignKey(
        Challenge, verbose_name=_("challenge"), on_delete=models.PROTECT, related_name="snapshots", db_index=False
    )
    captured_at = models.DateTimeField(_("captured at"))
    views = models.PositiveBigIntegerField(_("views"), default=0)
    videos = models.PositiveBigIntegerField(_("videos"), default=0)
    likes = models.PositiveBigIntegerField(_("likes"), default=0)
    comments = models.PositiveBigIntegerField(_("comments"), default=0)
    shares = models.PositiveBigIntegerField(_("shares"), default=0)
    source = models.CharField(_("source"), max_length=8, choices=Source.choices, default=Source.API)
    recorded_at = models.DateTimeField(_("recorded at"), auto_now=True)

    objects = CountryScopedManager()

    class Meta:
        ordering = ["challenge", "captured_at"]
        verbose_name = _("metric snapshot")
        verbose_name_plural = _("metric snapshots")
        constraints = [
            models.UniqueConstraint(fields=["challenge", "captured_at"], name="metric_snapshot_one_per_moment"),
        ]
        indexes = [models.Index(fields=["captured_at"])]

    def __str__(self) -> str:
        return f"{self.challenge} @ {self.captured_at:%Y-%m-%d %H:%M}"
