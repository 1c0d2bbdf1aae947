from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import services
from .models import EventType, WebhookDelivery, WebhookSubscription


class SubscriptionForm(forms.ModelForm):
    url = forms.URLField(label=_("URL"), max_length=500, assume_scheme="https")
    event_types = forms.MultipleChoiceField(
        label=_("event types"), choices=EventType.choices, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = WebhookSubscription
        fields = ["name", "url", "event_types", "countries", "allow_government", "allow_finance", "active"]

    request = None  # set by the admin (get_form): whose rights the subscription may not exceed

    def clean(self):
        from django.core.exceptions import ValidationError

        from opsportal.admin_mixins import get_access
        from opsportal.portal.mixins import form_error

        data = super().clean()
        if self.errors:
            return data
        # The API's rules, the same service: https, no private addresses, government and finance
        # events only when allowed and only for countries the person may read that way.
        try:
            services.subscription_validate(
                get_access(self.request),
                url=data["url"],
                event_types=sorted(data["event_types"]),
                countries=data.get("countries") or [],
                allow_government=data.get("allow_government", False),
                allow_finance=data.get("allow_finance", False),
            )
        except ValidationError as error:
            form_error(self, error)
        return data


@admin.register(WebhookSubscription)
class WebhookSubscriptionAdmin(admin.ModelAdmin):
    form = SubscriptionForm
    list_display = [
        "name",
        "url",
        "active",
        "disabled_at",
        "consecutive_failures",
        "allow_government",
        "allow_finance",
    ]
    list_filter = ["active", "allow_government", "allow_finance"]
    search_fields = ["name", "url"]
    filter_horizontal = ["countries"]
    readonly_fields = ["secret", "consecutive_failures", "disabled_at", "disabled_reason", "owner", "owner_token"]
    actions = ["enable", "rotate_secret"]

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        form.request = request
        return form

    def get_fields(self, request, obj=None):
        fields = ["name", "url", "event_types", "countries", "allow_government", "allow_finance", "active"]
        return fields + (self.readonly_fields if obj is not None else [])

    @admin.action(description=_("Enable again (clears the failure count)"))
    def enable(self, request, queryset):
        for sub in queryset:
            services.subscription_enable(sub)
        self.message_user(request, _("Enabled."), messages.SUCCESS)

    @admin.action(description=_("Rotate the signing secret"))
    def rotate_secret(self, request, queryset):
        count = 0
        for sub in queryset:
            services.subscription_rotate_secret(sub)
            count += 1
        self.message_user(
            request,
            ngettext("%(n)d secret rotated.", "%(n)d secrets rotated.", count) % {"n": count},
            messages.SUCCESS,
        )


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin):
    """The delivery log: read-only, for finding out why an integration missed an event."""

    list_display = [
        "created_at",
        "subscription",
        "event_type",
        "country",
        "status",
        "attempts",
        "response_code",
        "last_attempt_at",
    ]
    list_filter = ["status", "event_type", "subscription"]
    list_select_related = ["subscription", "country"]
    search_fields = ["uuid", "subscription__name", "last_error"]
    date_hierarchy = "created_at"
    readonly_fields = [f.name for f in WebhookDelivery._meta.fields]

    # Which deliveries a person sees is the scope's rule (opsportal.access: their countries'
    # deliveries, government ones only where they hold the government permission).

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
