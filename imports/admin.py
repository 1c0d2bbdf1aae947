"""Imports in the admin: the jobs (read-only) and an "Import" page that hands over to the portal's
column-mapping and preview steps, so both doors share one flow and one set of rules."""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from opsportal.access import access_for_user

from .forms import UploadForm, importable_kinds
from .models import ImportJob, ImportMapping
from .services import job_create


@admin.register(ImportJob)
class ImportJobAdmin(admin.ModelAdmin):
    list_display = ["original_name", "kind", "country", "user", "status", "counts_summary", "created_at"]
    list_filter = ["kind", "status", "country"]
    search_fields = ["original_name", "user__username"]
    date_hierarchy = "created_at"
    readonly_fields = [f.name for f in ImportJob._meta.fields] + ["portal_link"]
    exclude = ["file"]
    change_list_template = "admin/imports/importjob/change_list.html"

    def get_queryset(self, request):
        queryset = super().get_queryset(request).select_related("country", "user")
        if request.user.is_superuser:
            return queryset
        return queryset.filter(user=request.user)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=_("rows"))
    def counts_summary(self, obj):
        counts = obj.counts or {}
        return " · ".join(f"{k} {v}" for k, v in counts.items() if v)

    @admin.display(description=_("in the portal"))
    def portal_link(self, obj):
        label = pgettext_lazy("verb", "Open")
        return format_html('<a href="{}">{}</a>', reverse("imports:job", args=[obj.token]), label)

    def get_urls(self):
        return [
            path("upload/", self.admin_site.admin_view(self.upload_view), name="imports_importjob_upload"),
            *super().get_urls(),
        ]

    def upload_view(self, request):
        """Upload a file from the admin; the column mapping and preview continue in the portal."""
        access = access_for_user(request.user)
        if not importable_kinds(access):
            raise PermissionDenied
        form = UploadForm(
            request.POST or None, request.FILES or None, access=access, initial={"kind": request.GET.get("kind")}
        )
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                job = job_create(
                    user=request.user,
                    kind=form.cleaned_data["kind"],
                    country=form.cleaned_data["country"],
                    upload=upload,
                    name=upload.name,
                )
            except ValidationError as exc:
                form.add_error("file", exc)
            else:
                messages.info(request, _("Choose the columns, then check the preview before importing."))
                return redirect("imports:mapping", token=job.token)
        context = {
            **self.admin_site.each_context(request),
            "title": _("Import from a spreadsheet"),
            "form": form,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/imports/upload.html", context)


@admin.register(ImportMapping)
class ImportMappingAdmin(admin.ModelAdmin):
    list_display = ["user", "kind", "updated_at"]
    list_filter = ["kind"]

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        return queryset if request.user.is_superuser else queryset.filter(user=request.user)
