import json

from django.contrib import admin
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from opsportal.admin_mixins import ReadOnlyAdmin

from .models import WeeklyReport


@admin.register(WeeklyReport)
class WeeklyReportAdmin(ReadOnlyAdmin):
    list_display = ["week", "market", "created_at", "sent_at", "recipient_count"]
    list_filter = [("country", admin.RelatedOnlyFieldListFilter), ("sent_at", admin.EmptyFieldListFilter)]
    search_fields = ["week", "country__name", "country__code"]
    list_select_related = ["country"]
    date_hierarchy = "created_at"
    fields = ["week", "country", "created_at", "sent_at", "recipients", "figures"]
    readonly_fields = fields

    @admin.display(description=_("market"), ordering="country__name")
    def market(self, obj):
        return obj.country or _("HQ")

    @admin.display(description=_("recipients"))
    def recipient_count(self, obj):
        return len(obj.recipients or [])

    @admin.display(description=_("figures"))
    def figures(self, obj):
        return format_html("<pre>{}</pre>", json.dumps(obj.data, indent=2, ensure_ascii=False, default=str))
