"""Admin for markets, teams and government relations; the rules are in opsportal.admin_mixins."""

from django import forms
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Min, Q
from django.utils.translation import gettext_lazy as _

from opsportal.access import Perm
from opsportal.admin_mixins import (
    ScopedHistoryAdmin,
    ScopedModelAdmin,
    ScopedTabularInline,
    get_access,
    local_time,
    when_filter,
)
from opsportal.admin_writes import ServiceRefused, writes_through
from opsportal.models.markets import local_date

from .models import (
    Country,
    CulturalMoment,
    CulturalMomentOccurrence,
    GovernmentCommitment,
    GovernmentContact,
    GovernmentInteraction,
    RegulatorRequest,
    RegulatoryIncident,
    RequestItem,
    StaffProfile,
    TeamMembership,
)
from .requests import request_item_delete, request_item_save, request_save
from .services import (
    commitment_save,
    cultural_moment_save,
    cultural_moment_set_dates,
    government_contact_save,
    government_interaction_delete,
    government_interaction_save,
    incident_save,
)

User = get_user_model()
CountryFilter = ("country", admin.RelatedOnlyFieldListFilter)
SMALL_TEXT = {models.TextField: {"widget": forms.Textarea(attrs={"rows": 2, "cols": 40})}}


# --- markets -------------------------------------------------------------------------
@admin.register(Country)
class CountryAdmin(ScopedHistoryAdmin):
    ordering = ["name", "id"]  # GROUP BY drops Meta.ordering: pages stay stable
    list_display = ["code", "name", "local_name", "timezone", "currency", "launch_date", "local_office", "teams"]
    list_display_links = ["code", "name"]
    search_fields = ["code", "name", "local_name", "local_office"]
    list_filter = ["currency", "launch_date"]
    date_hierarchy = "launch_date"
    fieldsets = [
        (None, {"fields": ["code", "name", "local_name", "local_office", "launch_date"]}),
        (_("Local settings"), {"fields": ["languages", "default_language", "timezone", "currency", "dates_day_first"]}),
        (
            _("Reminders and reports"),
            {
                "fields": [
                    "government_touch_days",
                    "request_deadline_hours",
                    "cold_after_days",
                    "extra_report_recipients",
                ]
            },
        ),
        (_("Record"), {"fields": ["created_at", "updated_at", "created_by"], "classes": ["collapse"]}),
    ]
    readonly_fields = ["created_at", "updated_at", "created_by"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(team_size=models.Count("memberships", distinct=True))

    @admin.display(description=_("team members"), ordering="team_size")
    def teams(self, obj):
        return obj.team_size

    # A market's own settings (timezone, report recipients, thresholds) are its lead's;
    # opening or closing a market is an administrator's.
    def has_add_permission(self, request):
        return get_access(request).is_superuser

    def has_delete_permission(self, request, obj=None):
        return get_access(request).is_superuser

    def has_change_permission(self, request, obj=None):
        return get_access(request).can(Perm.MANAGE_REPORTS, obj.pk if obj else None)

    def _may_write(self, request, obj=None):
        if obj is None or obj.pk is None:
            return get_access(request).is_superuser
        return self.has_change_permission(request, obj)

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None and not get_access(request).is_superuser:
            fields.append("code")
        return fields


class OccurrenceInline(ScopedTabularInline):
    model = CulturalMomentOccurrence
    fields = ["year", "starts_on", "ends_on"]
    ordering = ["-year"]
    show_change_link = False


@admin.register(CulturalMoment)
class CulturalMomentAdmin(ScopedHistoryAdmin):
    ordering = ["country__name", "name", "id"]  # GROUP BY drops Meta.ordering: pages stay stable
    list_display = ["name", "local_name", "country", "next_occurrence"]
    list_filter = [CountryFilter]
    search_fields = ["name", "local_name", "description", "content_ideas", "country__name"]
    autocomplete_fields = ["country"]
    list_select_related = ["country"]
    inlines = [OccurrenceInline]
    fields = ["country", "name", "local_name", "description", "content_ideas"]

    def get_queryset(self, request):
        # "Next" counts from today in the moment's own country, not in UTC.
        return (
            super()
            .get_queryset(request)
            .alias(local_today=local_date("country__timezone"))
            .annotate(
                next_starts_on=Min("occurrences__starts_on", filter=Q(occurrences__ends_on__gte=F("local_today")))
            )
        )

    def save_formset(self, request, form, formset, change):
        if formset.model is not CulturalMomentOccurrence:
            return super().save_formset(request, form, formset, change)
        # All the dates typed on the page are one change of dates (one audit entry), as in the portal.
        occurrences = formset.save(commit=False)
        try:
            cultural_moment_set_dates(
                form.instance, occurrences=occurrences, removed_occurrences=formset.deleted_objects, by=request.user
            )
        except ValidationError as error:
            raise ServiceRefused(error, inline=True) from error

    @admin.display(description=_("next occurrence"), ordering="next_starts_on")
    def next_occurrence(self, obj):
        return obj.next_starts_on or "–"


@admin.register(CulturalMomentOccurrence)
class CulturalMomentOccurrenceAdmin(ScopedModelAdmin):
    list_display = ["moment", "country", "year", "starts_on", "ends_on"]
    list_filter = [("moment__country", admin.RelatedOnlyFieldListFilter), when_filter("starts_on", _("starts")), "year"]
    search_fields = ["moment__name", "moment__local_name"]
    date_hierarchy = "starts_on"
    autocomplete_fields = ["moment"]
    list_select_related = ["moment__country"]

    @admin.display(description=_("country"), ordering="moment__country__name")
    def country(self, obj):
        return obj.moment.country


# --- team ------------------------------------------------------------------------------
@admin.register(TeamMembership)
class TeamMembershipAdmin(ScopedHistoryAdmin):
    # Seats on teams are given by administrators; everyone else in the country can read them.
    superuser_writes = True
    list_display = ["user", "full_name", "country", "role", "created_at"]
    list_filter = [CountryFilter, "role"]
    search_fields = ["user__username", "user__email", "user__first_name", "user__last_name"]
    autocomplete_fields = ["user", "country"]
    list_select_related = ["user", "country"]

    @admin.display(description=_("name"), ordering="user__last_name")
    def full_name(self, obj):
        return obj.user.get_full_name()


@admin.register(StaffProfile)
class StaffProfileAdmin(admin.ModelAdmin):
    """Administrators only (Django's model permissions): it holds HQ access."""

    list_display = ["user", "preferred_language", "languages", "background", "hq_access", "hq_finance", "timezone"]
    list_filter = ["background", "hq_access", "hq_finance", "preferred_language"]
    search_fields = ["user__username", "user__email", "user__first_name", "user__last_name"]
    autocomplete_fields = ["user"]
    list_select_related = ["user"]


class StaffProfileInline(admin.StackedInline):
    model = StaffProfile
    can_delete = False
    max_num = 1
    fields = ["preferred_language", "languages", "background", "timezone", "hq_access", "hq_finance", "buddhist_era"]


class MembershipInline(admin.TabularInline):
    model = TeamMembership
    fk_name = "user"
    extra = 0
    fields = ["country", "role"]
    autocomplete_fields = ["country"]


admin.site.unregister(User)


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    """People: their login, staff profile and seats on country teams, on one page."""

    list_display = [
        "username",
        "get_full_name",
        "email",
        "teams",
        "hq_access",
        "is_staff",
        "is_superuser",
        "last_login",
    ]
    list_filter = [
        "is_staff",
        "is_superuser",
        "is_active",
        ("memberships__country", admin.RelatedOnlyFieldListFilter),
        "memberships__role",
        "profile__hq_access",
        "profile__background",
    ]
    inlines = [StaffProfileInline, MembershipInline]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("profile").prefetch_related("memberships__country")

    @admin.display(description=_("teams"))
    def teams(self, obj):
        return ", ".join(f"{m.country.code} {m.get_role_display()}" for m in obj.memberships.all()) or "–"

    @admin.display(description=_("HQ access"), ordering="profile__hq_access")
    def hq_access(self, obj):
        profile = getattr(obj, "profile", None)
        return profile.get_hq_access_display() if profile and profile.hq_access else "–"

    def get_inline_instances(self, request, obj=None):
        # The add page asks only for a login first, like Django's own.
        return super().get_inline_instances(request, obj) if obj is not None else []


# --- government relations ----------------------------------------------------------------------
class GovernmentInlineMixin:
    """Interactions and commitments typed under a contact or incident take its country."""

    def prepare_inline(self, request, parent, obj):
        if isinstance(obj, GovernmentInteraction | GovernmentCommitment) and getattr(obj, "country_id", None) is None:
            obj.country_id = parent.country_id


class InteractionInline(ScopedTabularInline):
    model = GovernmentInteraction
    fields = ["occurred_at", "kind", "contact", "summary", "outcome", "follow_up_on", "owner"]
    autocomplete_fields = ["contact"]
    formfield_overrides = SMALL_TEXT
    ordering = ["-occurred_at"]


class ContactInteractionInline(InteractionInline):
    fields = ["occurred_at", "kind", "incident", "summary", "outcome", "follow_up_on", "owner"]
    autocomplete_fields = ["incident"]


class CommitmentInline(ScopedTabularInline):
    model = GovernmentCommitment
    fields = ["description", "due_on", "status", "contact", "owner"]
    autocomplete_fields = ["contact"]
    formfield_overrides = SMALL_TEXT


class ContactCommitmentInline(CommitmentInline):
    fields = ["description", "due_on", "status", "incident", "owner"]
    autocomplete_fields = ["incident"]


@admin.register(GovernmentContact)
class GovernmentContactAdmin(GovernmentInlineMixin, ScopedHistoryAdmin):
    list_display = [
        "person_name",
        "organization",
        "title",
        "country",
        "stance",
        "influence",
        "relationship_owner",
        "last_contacted",
    ]
    list_filter = [
        CountryFilter,
        "stance",
        "influence",
        ("last_contacted_at", admin.DateFieldListFilter),
        ("relationship_owner", admin.RelatedOnlyFieldListFilter),
    ]
    search_fields = ["person_name", "local_name", "organization", "title", "email", "channels"]
    autocomplete_fields = ["country"]
    list_select_related = ["country", "relationship_owner"]
    date_hierarchy = "last_contacted_at"
    inlines = [ContactInteractionInline, ContactCommitmentInline]
    fieldsets = [
        (None, {"fields": ["country", "organization", "person_name", "local_name", "title"]}),
        (_("Reaching them"), {"fields": ["email", "phone", "channels"]}),
        (_("Relationship"), {"fields": ["stance", "influence", "relationship_owner", "last_contacted_at", "notes"]}),
    ]
    # The latest logged interaction decides it (locales.services.contact_touch), as everywhere else.
    readonly_fields = ["last_contacted_at"]
    history_list_display = ["history_door", "stance", "influence"]

    @admin.display(description=_("last contact"), ordering="last_contacted_at")
    def last_contacted(self, obj):
        return local_time(obj.last_contacted_at, obj.country.timezone)


@admin.register(RegulatoryIncident)
class RegulatoryIncidentAdmin(GovernmentInlineMixin, ScopedHistoryAdmin):
    list_display = ["title", "country", "kind", "status", "opened", "resolved", "days_restricted", "owner"]
    list_filter = [CountryFilter, "kind", "status", ("opened_at", admin.DateFieldListFilter)]
    search_fields = ["title", "summary"]
    autocomplete_fields = ["country"]
    list_select_related = ["country", "owner"]
    date_hierarchy = "opened_at"
    inlines = [InteractionInline, CommitmentInline]
    fields = ["country", "title", "kind", "status", "opened_at", "resolved_at", "days_restricted", "summary", "owner"]

    @admin.display(description=_("opened"), ordering="opened_at")
    def opened(self, obj):
        return local_time(obj.opened_at, obj.country.timezone)

    @admin.display(description=_("resolved"), ordering="resolved_at")
    def resolved(self, obj):
        return local_time(obj.resolved_at, obj.country.timezone)


@admin.register(GovernmentInteraction)
class GovernmentInteractionAdmin(ScopedHistoryAdmin):
    # A new interaction takes its contact's country (see save_model).
    fields = ["contact", "incident", "kind", "occurred_at", "summary", "outcome", "follow_up_on", "owner"]
    list_display = ["occurred", "kind", "contact", "incident", "country", "follow_up_on", "owner"]
    list_filter = [
        CountryFilter,
        "kind",
        when_filter("follow_up_on", _("follow-up")),
        ("occurred_at", admin.DateFieldListFilter),
    ]
    search_fields = ["summary", "outcome", "contact__person_name", "contact__organization", "incident__title"]
    autocomplete_fields = ["contact", "incident"]
    list_select_related = ["country", "contact", "incident", "owner"]
    date_hierarchy = "occurred_at"
    formfield_overrides = SMALL_TEXT

    @admin.display(description=_("when"), ordering="occurred_at")
    def occurred(self, obj):
        return local_time(obj.occurred_at, obj.country.timezone)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        # The contact decides the interaction's country, so it must be one they may write to.
        if db_field.name == "contact" and field is not None:
            field.queryset = get_access(request).scope(field.queryset, Perm.GOVERNMENT_EDIT)
        return field

    def save_model(self, request, obj, form, change):
        # A new interaction is logged in its contact's country; a logged one stays in its own
        # (government_interaction_save refuses a contact of another country).
        if not change:
            obj.country_id = obj.contact.country_id
        super().save_model(request, obj, form, change)


@admin.register(GovernmentCommitment)
class GovernmentCommitmentAdmin(ScopedHistoryAdmin):
    fields = ["country", "incident", "contact", "description", "due_on", "status", "owner"]
    list_display = ["short_description", "country", "status", "due_on", "incident", "contact", "owner"]
    list_filter = [CountryFilter, "status", when_filter("due_on", _("due"))]
    search_fields = ["description", "contact__person_name", "contact__organization", "incident__title"]
    autocomplete_fields = ["country", "contact", "incident"]
    list_select_related = ["country", "contact", "incident", "owner"]
    date_hierarchy = "due_on"
    formfield_overrides = SMALL_TEXT

    @admin.display(description=_("what was promised"), ordering="description")
    def short_description(self, obj):
        return str(obj)


class RequestItemInline(ScopedTabularInline):
    model = RequestItem
    fields = ["target", "action", "note"]
    extra = 1


@admin.register(RegulatorRequest)
class RegulatorRequestAdmin(ScopedHistoryAdmin):
    list_display = ["__str__", "country", "kind", "status", "received", "due", "answered", "handler"]
    list_filter = [CountryFilter, "kind", "status", "channel", ("deadline", admin.DateFieldListFilter)]
    search_fields = ["authority", "reference", "summary", "items__target"]
    autocomplete_fields = ["country", "contact", "incident", "commitment"]
    list_select_related = ["country", "handler"]
    date_hierarchy = "received_at"
    inlines = [RequestItemInline]
    formfield_overrides = SMALL_TEXT
    fieldsets = [
        (None, {"fields": ["country", "kind", "authority", "contact", "channel", "reference", "summary"]}),
        (_("Clock"), {"fields": ["received_at", "deadline", "status", "answered_at"]}),
        (_("Handling"), {"fields": ["handler", "incident", "commitment", "outcome"]}),
    ]

    @admin.display(description=_("received"), ordering="received_at")
    def received(self, obj):
        return local_time(obj.received_at, obj.country.timezone)

    @admin.display(description=_("deadline"), ordering="deadline")
    def due(self, obj):
        return local_time(obj.deadline, obj.country.timezone)

    @admin.display(description=_("answered"), ordering="answered_at")
    def answered(self, obj):
        return local_time(obj.answered_at, obj.country.timezone)


@admin.register(RequestItem)
class RequestItemAdmin(ScopedHistoryAdmin):
    list_display = ["target", "action", "request"]
    list_filter = ["action"]
    search_fields = ["target", "note", "request__authority", "request__reference"]
    autocomplete_fields = ["request"]
    list_select_related = ["request", "request__country"]


# The admin saves through the same services as the portal, the API and imports.
writes_through(CulturalMoment, cultural_moment_save)
writes_through(
    CulturalMomentOccurrence,
    lambda occurrence, by: cultural_moment_set_dates(occurrence.moment, occurrences=[occurrence], by=by),
    lambda occurrence, by: cultural_moment_set_dates(occurrence.moment, removed_occurrences=[occurrence], by=by),
)
writes_through(GovernmentContact, government_contact_save)
writes_through(GovernmentInteraction, government_interaction_save, government_interaction_delete)
writes_through(RegulatoryIncident, incident_save)
writes_through(GovernmentCommitment, commitment_save)
writes_through(RegulatorRequest, request_save)
writes_through(RequestItem, request_item_save, request_item_delete)
