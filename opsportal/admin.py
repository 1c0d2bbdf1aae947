"""Admin for the project's own records: API tokens, the audit trail, inboxes, deliveries, reports.

These records have no single country, so they keep Django's model permissions (administrators);
the audit trail is the exception: country leads read their countries' entries (``Perm.AUDIT_VIEW``).
See ``opsportal.admin_mixins`` for the country records.
"""

import json

from django import forms
from django.contrib import admin, messages
from django.db.models import Q
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from opsportal.access import Perm
from opsportal.admin_mixins import ReadOnlyAdmin, get_access, limit_related
from opsportal.models import ApiToken, AuditEntry, ReminderDelivery, SavedView, Scope
from opsportal.tokens import api_token_changed, api_token_create, api_tokens_revoke


class ApiTokenForm(forms.ModelForm):
    scopes = forms.MultipleChoiceField(
        label=_("scopes"),
        choices=Scope.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Write includes read. Government relations data needs its own scope."),
    )

    class Meta:
        model = ApiToken
        fields = ["name", "countries", "scopes", "expires_at"]


class TokenStateFilter(admin.SimpleListFilter):
    title = _("state")
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [("active", _("Active")), ("revoked", _("Revoked")), ("expired", _("Expired"))]

    def queryset(self, request, queryset):
        now = timezone.now()
        if self.value() == "active":
            return queryset.filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now), revoked_at__isnull=True)
        if self.value() == "revoked":
            return queryset.filter(revoked_at__isnull=False)
        if self.value() == "expired":
            return queryset.filter(revoked_at__isnull=True, expires_at__lte=now)
        return queryset


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Only the key's hash is stored: the key itself is shown once, right after creation."""

    form = ApiTokenForm
    list_display = ["name", "prefix", "scope_list", "country_list", "state", "expires_at", "last_used_at", "created_at"]
    list_filter = [TokenStateFilter, "countries"]
    search_fields = ["name", "prefix"]
    filter_horizontal = ["countries"]
    readonly_fields = ["prefix", "created_at", "created_by", "last_used_at", "revoked_at"]
    actions = ["revoke"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("countries")

    def get_fieldsets(self, request, obj=None):
        main = ["name", "countries", "scopes", "expires_at"]
        if obj is None:
            return [(None, {"fields": main})]
        return [(None, {"fields": main}), (_("Record"), {"fields": self.readonly_fields})]

    # Tokens are revoked, never deleted: the audit trail keeps pointing at them.
    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("scopes"))
    def scope_list(self, obj):
        return ", ".join(str(Scope(s).label) for s in obj.scopes if s in Scope.values) or "–"

    @admin.display(description=_("countries"))
    def country_list(self, obj):
        return ", ".join(c.code for c in obj.countries.all()) or "–"

    @admin.display(description=_("state"))
    def state(self, obj):
        if obj.revoked_at:
            return _("Revoked")
        return _("Active") if obj.is_active else _("Expired")

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        field = super().formfield_for_manytomany(db_field, request, **kwargs)
        if field is not None and db_field.name == "countries":
            field.queryset = limit_related(get_access(request), ApiToken, "countries", field.queryset)
        return field

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        # The same service as ``create_api_token``: the key, who made it, the audit entry.
        countries = form.cleaned_data["countries"]
        request._opsportal_new_token_key = api_token_create(obj, countries=countries, by=request.user)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if change:
            api_token_changed(form.instance)

    def response_add(self, request, obj, post_url_continue=None):
        key = getattr(request, "_opsportal_new_token_key", None)
        if key:
            self.message_user(
                request,
                format_html(
                    "{} <code>{}</code><br>{}",
                    _("The new API token's key is:"),
                    key,
                    _("Copy it now: it is not stored and will not be shown again."),
                ),
                level=messages.WARNING,
            )
        return super().response_add(request, obj, post_url_continue)

    @admin.action(description=_("Revoke the selected tokens"))
    def revoke(self, request, queryset):
        count = api_tokens_revoke(queryset)
        message = ngettext("%(count)d token revoked.", "%(count)d tokens revoked.", count) % {"count": count}
        self.message_user(request, message, level=messages.SUCCESS)


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    """The audit trail: nobody adds, changes or deletes entries. Leads read their countries'."""

    list_display = ["at", "door", "action", "model", "object_id", "country", "user", "token", "summary"]
    list_filter = ["door", "action", "model", ("country", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["summary", "object_id", "user__username", "token__name"]
    list_select_related = ["country", "user", "token"]
    date_hierarchy = "at"
    fields = ["at", "door", "action", "model", "object_id", "country", "user", "token", "summary", "details_pretty"]
    readonly_fields = fields

    def get_queryset(self, request):
        return get_access(request).scope_audit_entries(super().get_queryset(request))

    def has_module_permission(self, request):
        return get_access(request).can(Perm.AUDIT_VIEW)

    def has_view_permission(self, request, obj=None):
        access = get_access(request)
        if obj is None:
            return access.can(Perm.AUDIT_VIEW)
        return access.scope_audit_entries(AuditEntry.objects.filter(pk=obj.pk)).exists()

    @admin.display(description=_("details"))
    def details_pretty(self, obj):
        return format_html("<pre>{}</pre>", json.dumps(obj.details, indent=2, ensure_ascii=False, default=str))


@admin.register(ReminderDelivery)
class ReminderDeliveryAdmin(ReadOnlyAdmin):
    list_display = ["key", "recipient", "kind", "status", "attempts", "created_at", "sent_at"]
    list_filter = ["status", "kind"]
    search_fields = ["key", "recipient__username", "recipient__email", "last_error"]
    list_select_related = ["recipient"]
    date_hierarchy = "created_at"


@admin.register(SavedView)
class SavedViewAdmin(admin.ModelAdmin):
    list_display = ["name", "list_name", "user", "is_last_used"]
    list_filter = ["list_name", "is_last_used"]
    search_fields = ["name", "query", "user__username"]
    list_select_related = ["user"]
    autocomplete_fields = ["user"]
