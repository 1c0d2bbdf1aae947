"""Admin for budget lines and exchange rates: finance records, written through their services."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from opsportal.admin_mixins import ScopedHistoryAdmin
from opsportal.admin_writes import writes_through

from .models import BudgetLine, ExchangeRate
from .services import budget_line_delete, budget_line_save, exchange_rate_delete, exchange_rate_save

writes_through(BudgetLine, budget_line_save, budget_line_delete)
writes_through(ExchangeRate, exchange_rate_save, exchange_rate_delete)


@admin.register(BudgetLine)
class BudgetLineAdmin(ScopedHistoryAdmin):
    list_display = ["category", "description", "record", "country", "planned_amount", "actual_amount"]
    list_filter = [("country", admin.RelatedOnlyFieldListFilter), "category", "currency"]
    search_fields = ["description", "note", "event__name", "challenge__hashtag"]
    autocomplete_fields = ["event", "challenge"]
    list_select_related = ["country", "event", "challenge"]
    readonly_fields = ["country"]
    fields = [
        "event",
        "challenge",
        "country",
        "category",
        "description",
        "planned",
        "actual",
        "currency",
        "spent_on",
        "note",
    ]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name == "currency" and field is not None:
            field.required = False  # blank: the service takes the event's (the challenge's country's)
            field.help_text = _("Blank: the event's currency (the challenge's country's).")
        return field

    @admin.display(description=_("event or challenge"))
    def record(self, obj):
        return obj.event or obj.challenge

    @admin.display(description=_("planned"), ordering="planned")
    def planned_amount(self, obj):
        return f"{obj.planned:,.2f} {obj.currency}"

    @admin.display(description=_("actual"), ordering="actual")
    def actual_amount(self, obj):
        return "–" if obj.actual is None else f"{obj.actual:,.2f} {obj.currency}"


@admin.register(ExchangeRate)
class ExchangeRateAdmin(ScopedHistoryAdmin):
    list_display = ["currency", "reporting_currency", "rate", "valid_on", "source", "created_by"]
    list_filter = ["currency", "reporting_currency"]
    search_fields = ["currency", "source"]
    list_select_related = ["created_by"]
    date_hierarchy = "valid_on"
    fields = ["currency", "reporting_currency", "rate", "valid_on", "source"]
