from django.contrib import admin

from .models import CalendarFeedToken


@admin.register(CalendarFeedToken)
class CalendarFeedTokenAdmin(admin.ModelAdmin):
    """Administrators can see who subscribes and delete a leaked feed; the secret never shows."""

    list_display = ["user", "country", "created_at", "reset_at", "last_used_at"]
    list_filter = ["country"]
    search_fields = ["user__username", "user__email"]
    list_select_related = ["user", "country"]
    readonly_fields = ["user", "country", "created_at", "reset_at", "last_used_at"]
    fields = readonly_fields

    def has_add_permission(self, request):
        return False  # a feed is made by its owner on the feeds page
