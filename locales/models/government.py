"""Government relations: confidential, visible only to leads and government-relations officers."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from opsportal.db import TimeStamped, audit_history
from opsportal.models import Country
from opsportal.scope import CountryScopedManager


class Stance(models.TextChoices):
    SUPPORTIVE = "supportive", _("Supportive")
    NEUTRAL = "neutral", _("Neutral")
    CAUTIOUS = "cautious", _("Cautious")
    OPPOSED = "opposed", _("Opposed")


class Influence(models.TextChoices):
    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")


class GovernmentContact(TimeStamped):
    country = models.ForeignKey(
        Country, verbose_name=_("country"), on_delete=models.PROTECT, related_name="government_contacts"
    )
    organization = models.CharField(_("organization"), max_length=200, db_index=True)
    person_name = models.CharField(_("person"), max_length=200)
    local_name = models.CharField(_("name in local script"), max_length=200, blank=True)
    title = models.CharField(_("job title"), max_length=200, blank=True)
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    channels = models.TextField(_("channels"), blank=True, help_text=_("How to reach them: office, aide, chat."))
    stance = models.CharField(_("stance"), max_length=16, choices=Stance.choices, default=Stance.NEUTRAL)
    influence = models.CharField(_("influence"), max_length=8, choices=Influence.choices, default=Influence.MEDIUM)
    relationship_owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("relationship owner"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="government_contacts",
    )
    last_contacted_at = models.DateTimeField(_("last contacted"), null=True, blank=True, db_index=True)
    notes = models.TextField(_("notes"), blank=True)

    # Stance and influence change over time; the history keeps every value.
    history = audit_history()

    objects = CountryScopedManager()

    class Meta:
        ordering = ["organization", "person_name"]
        verbose_name = _("government contact")
        verbose_name_plural = _("government contacts")

    def __str__(self) -> str:
        return f"{self.person_name} ({self.organization})"

    def clean(self):
        from opsportal.references import validate_references

        # The relationship owner is on this country's team with a government-relations role.
        validate_references(self)


class IncidentKind(models.TextChoices):
    BAN = "ban", _("Ban")
    TAKEDOWN = "takedown", _("Takedown request")
    NEW_RULE = "new_rule", _("New rule")
    INQUIRY = "inquiry", _("Inquiry")


class IncidentStatus(models.TextChoices):
    # Contexts: "Open" is an incident still running here, a promise not kept yet below, a button
    # elsewhere; languages say these three differently (Thai: เปิดอยู่ / ยังไม่เสร็จ / เปิด).
    OPEN = "open", pgettext_lazy("status of a regulatory incident", "Open")
    MONITORING = "monitoring", _("Monitoring")
    RESOLVED = "resolved", _("Resolved")


class RegulatoryIncident(TimeStamped):
    country = models.ForeignKey(
        Country, verbose_name=_("country"), on_delete=models.PROTECT, related_name="regulatory_incidents"
    )
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=16, choices=IncidentKind.choices)
    status = models.CharField(
        _("status"), max_length=16, choices=IncidentStatus.choices, default=IncidentStatus.OPEN, db_index=True
    )
    opened_at = models.DateTimeField(_("opened at"), db_index=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    summary = models.TextField(_("summary"), blank=True)
    days_restricted = models.PositiveIntegerField(_("days restricted"), null=True, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="regulatory_incidents",
    )

    history = audit_history()

    objects = CountryScopedManager()

    class Meta:
        ordering = ["-opened_at"]
        verbose_name = _("regulatory incident")
        verbose_name_plural = _("regulatory incidents")
        constraints = [
            models.CheckConstraint(
                condition=Q(resolved_at__isnull=True) | Q(resolved_at__gte=F("opened_at")),
                name="incident_resolved_after_opened",
                violation_error_message=_("An incident cannot be resolved before it was opened."),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self):
        # Same rule as the check constraint, but the error lands on the field in every form.
        if self.opened_at and self.resolved_at and self.resolved_at < self.opened_at:
            raise ValidationError({"resolved_at": _("An incident cannot be resolved before it was opened.")})
        from opsportal.references import validate_references

        # The owner is on this country's team with a government-relations role.
        validate_references(self)


class InteractionKind(models.TextChoices):
    MEETING = "meeting", _("Meeting")
    CALL = "call", _("Call")
    LETTER = "letter", _("Letter")
    EMAIL = "email", _("Email")
    HEARING = "hearing", _("Hearing")


class GovernmentInteraction(TimeStamped):
    country = models.ForeignKey(
        Country, verbose_name=_("country"), on_delete=models.PROTECT, related_name="government_interactions"
    )
    contact = models.ForeignKey(
        GovernmentContact, verbose_name=_("contact"), on_delete=models.PROTECT, related_name="interactions"
    )
    incident = models.ForeignKey(
        RegulatoryIncident,
        verbose_name=_("incident"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="interactions",
    )
    kind = models.CharField(_("kind"), max_length=16, choices=InteractionKind.choices)
    occurred_at = models.DateTimeField(_("when"), db_index=True)
    summary = models.TextField(_("summary"))
    outcome = models.TextField(_("outcome"), blank=True)
    follow_up_on = models.DateField(_("follow up on"), null=True, blank=True, db_index=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("logged by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="government_interactions",
    )

    history = audit_history()

    objects = CountryScopedManager()

    class Meta:
        ordering = ["-occurred_at"]
        verbose_name = _("government interaction")
        verbose_name_plural = _("government interactions")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.contact} · {self.occurred_at:%Y-%m-%d}"


class CommitmentStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("status of a commitment to a government", "Open")
    DONE = "done", _("Done")
    DROPPED = "dropped", _("Dropped")


class GovernmentCommitment(TimeStamped):
    """What we promised a regulator, and by when."""

    country = models.ForeignKey(
        Country, verbose_name=_("country"), on_delete=models.PROTECT, related_name="government_commitments"
    )
    incident = models.ForeignKey(
        RegulatoryIncident,
        verbose_name=_("incident"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="commitments",
    )
    contact = models.ForeignKey(
        GovernmentContact,
        verbose_name=_("made to"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="commitments",
    )
    description = models.TextField(_("what was promised"))
    due_on = models.DateField(_("due on"), null=True, blank=True, db_index=True)
    status = models.CharField(
        _("status"), max_length=16, choices=CommitmentStatus.choices, default=CommitmentStatus.OPEN
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="government_commitments",
    )

    history = audit_history()

    objects = CountryScopedManager()

    class Meta:
        ordering = ["due_on"]
        verbose_name = _("government commitment")
        verbose_name_plural = _("government commitments")

    def __str__(self) -> str:
        return self.description[:60]

    def clean(self):
        from opsportal.references import validate_references

        # The owner is on this country's team with a government-relations role.
        validate_references(self)
