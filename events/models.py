from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from opsportal.db import TimeStamped, audit_history, validate_currency
from opsportal.scope import CountryScopedManager


class Kind(models.TextChoices):
    FESTIVAL = "festival", _("Festival partnership")
    TALENT_EXCHANGE = "talent_exchange", _("Talent exchange")
    MEET_UP = "meet_up", _("Meet-up")
    WORKSHOP = "workshop", _("Workshop")
    PRESS = "press", _("Press")


class Status(models.TextChoices):
    PLANNING = "planning", _("Planning")
    CONFIRMED = "confirmed", _("Confirmed")
    HELD = "held", _("Held")
    CANCELLED = "cancelled", _("Cancelled")


class Event(TimeStamped):
    """Taking the product offline: festivals, talent exchanges, meet-ups."""

    country = models.ForeignKey(
        "opsportal.Country", verbose_name=_("country"), on_delete=models.PROTECT, related_name="events"
    )
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, db_index=True)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.PLANNING, db_index=True
    )
    city = models.CharField(_("city"), max_length=100)
    venue = models.CharField(_("venue"), max_length=200, blank=True)
    our_role = models.CharField(
        _("our role"), max_length=200, blank=True, help_text=_("e.g. official video media platform")
    )
    starts_at = models.DateTimeField(_("starts"), db_index=True)
    ends_at = models.DateTimeField(_("ends"))
    budget = models.DecimalField(_("budget"), max_digits=16, decimal_places=2, null=True, blank=True)
    currency = models.CharField(_("currency"), max_length=3, validators=[validate_currency])
    expected_attendance = models.PositiveIntegerField(_("expected attendance"), null=True, blank=True)
    attendance = models.PositiveIntegerField(_("attendance"), null=True, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="events",
    )
    cultural_moment = models.ForeignKey(
        "locales.CulturalMoment",
        verbose_name=_("cultural moment"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="events",
    )
    challenge = models.ForeignKey(
        "challenges.Challenge",
        verbose_name=_("event challenge"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="events",
    )
    videos_produced = models.PositiveIntegerField(_("videos produced"), null=True, blank=True)
    description = models.TextField(_("description"), blank=True)
    copied_from = models.ForeignKey(
        "self", verbose_name=_("copied from"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    history = audit_history()

    objects = CountryScopedManager()

    class Meta:
        ordering = ["-starts_at"]
        verbose_name = _("event")
        verbose_name_plural = _("events")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gte=F("starts_at")),
                name="event_ends_after_start",
                violation_error_message=_("The end cannot be before the start."),
            ),
            models.CheckConstraint(
                condition=Q(budget__isnull=True) | Q(budget__gte=0),
                name="event_budget_not_negative",
                violation_error_message=_("The budget cannot be negative."),
            ),
        ]
        indexes = [models.Index(fields=["country", "starts_at"])]

    def __str__(self) -> str:
        return self.name

    def clean(self):
        # Same rules as the check constraints, but each error lands on its field in every form.
        errors = {}
        if self.starts_at and self.ends_at and self.ends_at < self.starts_at:
            errors["ends_at"] = _("The end cannot be before the start.")
        if self.budget is not None and self.budget < 0:
            errors["budget"] = _("The budget cannot be negative.")
        if errors:
            raise ValidationError(errors)
        from opsportal.references import validate_references

        # The owner is on this country's team; the moment and the challenge are of this country.
        validate_references(self)


class PartnerKind(models.TextChoices):
    ORGANIZER = "organizer", _("Organizer")
    BRAND = "brand", _("Brand")
    MEDIA = "media", _("Media")
    VENUE = "venue", _("Venue")
    COMMUNITY = "community", _("Community")
    GOVERNMENT = "government", _("Government body")


class Partner(TimeStamped):
    country = models.ForeignKey(
        "opsportal.Country", verbose_name=_("country"), on_delete=models.PROTECT, related_name="partners"
    )
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=16, choices=PartnerKind.choices, default=PartnerKind.ORGANIZER)
    website = models.URLField(_("website"), blank=True)
    contact_name = models.CharField(_("contact person"), max_length=200, blank=True)
    contact_email = models.EmailField(_("contact email"), blank=True)
    notes = models.TextField(_("notes"), blank=True)
    # Kept by the services: the start of the latest event worked together that has begun.
    last_contacted_at = models.DateTimeField(_("last worked with"), null=True, blank=True, editable=False)

    history = audit_history(excluded_fields=["last_contacted_at"])

    objects = CountryScopedManager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("partner")
        verbose_name_plural = _("partners")
        constraints = [
            models.UniqueConstraint(fields=["country", "name"], name="partner_unique_per_country"),
        ]

    def __str__(self) -> str:
        return self.name


class EventPartner(models.Model):
    event = models.ForeignKey(Event, verbose_name=_("event"), on_delete=models.CASCADE, related_name="event_partners")
    partner = models.ForeignKey(
        Partner, verbose_name=_("partner"), on_delete=models.PROTECT, related_name="event_partners"
    )
    role = models.CharField(_("role"), max_length=200, help_text=_("e.g. organizer, official video media platform"))

    history = audit_history()

    objects = CountryScopedManager()

    class Meta:
        ordering = ["event", "partner__name"]
        verbose_name = _("event partner")
        verbose_name_plural = _("event partners")
        constraints = [
            models.UniqueConstraint(fields=["event", "partner"], name="event_partner_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.partner} · {self.role}"

    def clean(self):
        from opsportal.references import validate_references

        # Only a partner of the event's country.
        validate_references(self)


class EventTask(TimeStamped):
    event = models.ForeignKey(Event, verbose_name=_("event"), on_delete=models.CASCADE, related_name="tasks")
    title = models.CharField(_("task"), max_length=200)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assignee"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="event_tasks",
    )
    due_on = models.DateField(_("due on"), null=True, blank=True, db_index=True)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("done by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    history = audit_history()

    objects = CountryScopedManager()

    class Meta:
        ordering = ["due_on", "id"]
        verbose_name = _("event task")
        verbose_name_plural = _("event tasks")

    def __str__(self) -> str:
        return self.title

    @property
    def is_done(self) -> bool:
        return self.done_at is not None

    def clean(self):
        from opsportal.references import validate_references

        # The assignee is on the team of the event's country.
        validate_references(self)


class GuestStatus(models.TextChoices):
    INVITED = "invited", _("Invited")
    CONFIRMED = "confirmed", _("Confirmed")
    DECLINED = "declined", _("Declined")
    ATTENDED = "attended", _("Attended")


class EventGuest(TimeStamped):
    event = models.ForeignKey(Event, verbose_name=_("event"), on_delete=models.CASCADE, related_name="guests")
    influencer = models.ForeignKey(
        "influencers.Influencer", verbose_name=_("influencer"), on_delete=models.PROTECT, related_name="event_guests"
    )
    status = models.CharField(_("status"), max_length=12, choices=GuestStatus.choices, default=GuestStatus.INVITED)
    notes = models.CharField(_("notes"), max_length=200, blank=True)

    history = audit_history()

    objects = CountryScopedManager()

    class Meta:
        ordering = ["event", "influencer__name"]
        verbose_name = _("event guest")
        verbose_name_plural = _("event guests")
        constraints = [
            models.UniqueConstraint(fields=["event", "influencer"], name="event_guest_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.influencer} @ {self.event}"

    def clean(self):
        from opsportal.references import validate_references

        # Only an influencer of the event's country is its guest.
        validate_references(self)


class CaptureKind(models.TextChoices):
    WALK_IN = "walk_in", _("Walk-in creator")
    GUEST = "guest", _("Guest")


class QuickCapture(models.Model):
    """The receipt of one entry made on the quick-capture screen at an event.

    A phone that lost its network keeps the entry and sends it again when the network returns;
    the entry carries an id made in the browser, and this receipt makes the second sending
    answer "saved" without creating anything twice. The records themselves (influencer,
    account, guest) carry the audit trail; this row only remembers what an id produced.
    """

    event = models.ForeignKey(Event, verbose_name=_("event"), on_delete=models.CASCADE, related_name="captures")
    capture_id = models.UUIDField(_("capture id"))
    kind = models.CharField(_("kind"), max_length=8, choices=CaptureKind.choices)
    influencer = models.ForeignKey(
        "influencers.Influencer",
        verbose_name=_("influencer"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = CountryScopedManager()

    class Meta:
        verbose_name = _("quick capture")
        verbose_name_plural = _("quick captures")
        constraints = [
            models.UniqueConstraint(fields=["event", "capture_id"], name="quick_capture_once_per_event"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.capture_id}"
