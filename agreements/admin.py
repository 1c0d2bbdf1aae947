"""Admin for creator agreements, their deliverables and payments (finance viewers only: the
admin asks the same Access rules, so an operator finds neither the models nor their pages)."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from opsportal.admin_mixins import ScopedHistoryAdmin, ScopedTabularInline, number
from opsportal.admin_writes import writes_through

from .models import Agreement, Deliverable, Payment
from .services import (
    agreement_delete,
    agreement_save,
    deliverable_delete,
    deliverable_save,
    payment_delete,
    payment_save,
)


class DeliverableInline(ScopedTabularInline):
    model = Deliverable
    fields = ["description", "hashtag", "videos_required", "due_on", "delivered_at"]
    readonly_fields = ["delivered_at"]


class PaymentInline(ScopedTabularInline):
    model = Payment
    fields = ["amount", "due_on", "paid_on", "reference"]


@admin.register(Agreement)
class AgreementAdmin(ScopedHistoryAdmin):
    list_display = ["title", "country", "influencer", "challenge", "status", "money", "signed_on"]
    list_filter = [("country", admin.RelatedOnlyFieldListFilter), "status"]
    search_fields = ["title", "influencer__name", "challenge__hashtag", "deliverables__hashtag"]
    autocomplete_fields = ["country", "influencer", "challenge", "event"]
    list_select_related = ["country", "influencer", "challenge"]
    inlines = [DeliverableInline, PaymentInline]
    fieldsets = [
        (None, {"fields": ["country", "title", "influencer", "status", "owner"]}),
        (_("For"), {"fields": ["challenge", "event", "starts_on", "ends_on"]}),
        (_("Terms"), {"fields": ["fee", "currency", "signed_on", "signed_file", "notes"]}),
    ]

    @admin.display(description=_("fee"), ordering="fee")
    def money(self, obj):
        return f"{number(obj.fee)} {obj.currency}"


@admin.register(Payment)
class PaymentAdmin(ScopedHistoryAdmin):
    list_display = ["agreement", "amount", "currency", "due_on", "paid_on", "reference"]
    list_filter = ["paid_on"]
    search_fields = ["agreement__title", "reference"]
    autocomplete_fields = ["agreement"]
    list_select_related = ["agreement"]


writes_through(Agreement, agreement_save, agreement_delete)
writes_through(Deliverable, deliverable_save, deliverable_delete)
writes_through(Payment, payment_save, payment_delete)
