from django.contrib import admin
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .models import Notification


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["title", "recipient", "kind", "country", "created_at", "read_at"]
    list_filter = ["kind", ("read_at", admin.EmptyFieldListFilter), ("country", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["title", "body", "recipient__username", "recipient__email"]
    list_select_related = ["recipient", "country"]
    date_hierarchy = "created_at"
    readonly_fields = ["recipient", "country", "kind", "title", "body", "url", "created_at"]
    actions = ["mark_read"]

    # Notifications are made by the reminder services, not typed by hand.
    def has_add_permission(self, request):
        return False

    @admin.action(description=_("Mark the selected notifications as read"))
    def mark_read(self, request, queryset):
        count = queryset.filter(read_at__isnull=True).update(read_at=timezone.now())
        self.message_user(
            request,
            ngettext("%(count)d notification marked as read.", "%(count)d notifications marked as read.", count)
            % {"count": count},
        )
