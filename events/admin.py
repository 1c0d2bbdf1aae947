"""Admin for offline events: the event, its partners, task checklist and guests."""

from django.contrib import admin
from django.db.models import Count, F, OuterRef
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from opsportal.admin_mixins import ScopedHistoryAdmin, ScopedTabularInline, local_time, number, when_filter
from opsportal.admin_writes import writes_through
from opsportal.models.markets import local_date

from .models import Event, EventGuest, EventPartner, EventTask, Partner
from .selectors import open_task_count
from .services import (
    event_delete,
    event_guest_save,
    event_partner_remove,
    event_partner_save,
    event_save,
    event_task_save,
    partner_save,
)


class TaskInline(ScopedTabularInline):
    model = EventTask
    fields = ["title", "assignee", "due_on", "done_at", "done_by"]


class EventPartnerInline(ScopedTabularInline):
    model = EventPartner
    fields = ["partner", "role"]
    autocomplete_fields = ["partner"]


class GuestInline(ScopedTabularInline):
    model = EventGuest
    fields = ["influencer", "status", "notes"]
    autocomplete_fields = ["influencer"]


@admin.register(Event)
class EventAdmin(ScopedHistoryAdmin):
    ordering = ["-starts_at", "id"]  # GROUP BY drops Meta.ordering: pages stay stable
    list_display = [
        "name",
        "country",
        "kind",
        "status",
        "city",
        "starts",
        "ends",
        "our_role",
        "money",
        "attendance",
        "open_tasks",
    ]
    list_filter = [
        ("country", admin.RelatedOnlyFieldListFilter),
        "kind",
        "status",
        when_filter("starts_at", _("starts")),
        ("starts_at", admin.DateFieldListFilter),
        ("owner", admin.RelatedOnlyFieldListFilter),
    ]
    search_fields = ["name", "city", "venue", "our_role", "description", "event_partners__partner__name"]
    autocomplete_fields = ["country", "cultural_moment", "challenge", "copied_from"]
    list_select_related = ["country"]
    date_hierarchy = "starts_at"
    inlines = [EventPartnerInline, TaskInline, GuestInline]
    fieldsets = [
        (None, {"fields": ["country", "name", "kind", "status", "owner", "our_role"]}),
        (_("Where and when"), {"fields": ["city", "venue", "starts_at", "ends_at"]}),
        (_("Budget and attendance"), {"fields": ["budget", "currency", "expected_attendance", "attendance"]}),
        (
            _("Outcomes"),
            {"fields": ["challenge", "videos_produced", "cultural_moment", "description", "copied_from"]},
        ),
    ]

    def get_queryset(self, request):
        # Overdue as the portal counts it: before today in the event's own country, not in UTC.
        return (
            super()
            .get_queryset(request)
            .annotate(local_today=local_date("country__timezone"))
            .annotate(
                open_task_count=open_task_count(),
                overdue_task_count=open_task_count(due_before=OuterRef("local_today")),
            )
        )

    @admin.display(description=_("starts"), ordering="starts_at")
    def starts(self, obj):
        return local_time(obj.starts_at, obj.country.timezone)

    @admin.display(description=_("ends"), ordering="ends_at")
    def ends(self, obj):
        return local_time(obj.ends_at, obj.country.timezone)

    @admin.display(description=_("budget"), ordering="budget")
    def money(self, obj):
        return "–" if obj.budget is None else f"{obj.budget:,.2f} {obj.currency}"

    @admin.display(description=_("open tasks (overdue)"), ordering="open_task_count")
    def open_tasks(self, obj):
        return f"{obj.open_task_count} ({obj.overdue_task_count})"


@admin.register(Partner)
class PartnerAdmin(ScopedHistoryAdmin):
    ordering = ["name", "id"]  # GROUP BY drops Meta.ordering: pages stay stable
    list_display = ["name", "country", "kind", "contact_name", "contact_email", "events"]
    list_filter = [("country", admin.RelatedOnlyFieldListFilter), "kind"]
    search_fields = ["name", "contact_name", "contact_email", "website"]
    autocomplete_fields = ["country"]
    list_select_related = ["country"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(event_count=Count("event_partners", distinct=True))

    @admin.display(description=_("events"), ordering="event_count")
    def events(self, obj):
        return number(obj.event_count)


@admin.register(EventPartner)
class EventPartnerAdmin(ScopedHistoryAdmin):
    list_display = ["partner", "role", "event", "country"]
    list_filter = [("event__country", admin.RelatedOnlyFieldListFilter), "partner__kind"]
    search_fields = ["partner__name", "event__name", "role"]
    autocomplete_fields = ["event", "partner"]
    list_select_related = ["partner", "event__country"]

    @admin.display(description=_("country"), ordering="event__country__name")
    def country(self, obj):
        return obj.event.country


class TaskStateFilter(admin.SimpleListFilter):
    title = _("state")
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [
            ("open", pgettext_lazy("state of an event task", "Open")),
            ("overdue", _("Overdue")),
            ("done", _("Done")),
        ]

    def queryset(self, request, queryset):
        if self.value() == "open":
            return queryset.filter(done_at__isnull=True)
        if self.value() == "overdue":
            local_today = local_date("event__country__timezone")
            return queryset.alias(local_today=local_today).filter(done_at__isnull=True, due_on__lt=F("local_today"))
        if self.value() == "done":
            return queryset.filter(done_at__isnull=False)
        return queryset


@admin.register(EventTask)
class EventTaskAdmin(ScopedHistoryAdmin):
    list_display = ["title", "event", "country", "assignee", "due_on", "state", "done_at"]
    list_filter = [
        ("event__country", admin.RelatedOnlyFieldListFilter),
        TaskStateFilter,
        when_filter("due_on", _("due")),
        ("assignee", admin.RelatedOnlyFieldListFilter),
    ]
    search_fields = ["title", "event__name"]
    autocomplete_fields = ["event"]
    list_select_related = ["event__country", "assignee"]
    date_hierarchy = "due_on"

    @admin.display(description=_("country"), ordering="event__country__name")
    def country(self, obj):
        return obj.event.country

    @admin.display(description=_("state"))
    def state(self, obj):
        if obj.done_at:
            return _("Done")
        if obj.due_on and obj.due_on < timezone.localdate(timezone=obj.event.country.zone):
            return _("Overdue")
        return pgettext_lazy("state of an event task", "Open")


@admin.register(EventGuest)
class EventGuestAdmin(ScopedHistoryAdmin):
    list_display = ["influencer", "event", "country", "status", "notes"]
    list_filter = [("event__country", admin.RelatedOnlyFieldListFilter), "status", "event__kind"]
    search_fields = ["influencer__name", "influencer__local_name", "event__name"]
    autocomplete_fields = ["event", "influencer"]
    list_select_related = ["influencer", "event__country"]

    @admin.display(description=_("country"), ordering="event__country__name")
    def country(self, obj):
        return obj.event.country


# The admin saves through the same services as the portal, the API and imports.
writes_through(Event, event_save, event_delete)
writes_through(Partner, partner_save)
writes_through(EventPartner, event_partner_save, event_partner_remove)
writes_through(EventTask, event_task_save)
writes_through(EventGuest, event_guest_save)
