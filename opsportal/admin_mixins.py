"""What every app's admin shares: country scoping, permissions from our Access rules, local times.

Who may do what in the admin
----------------------------
The admin is one more door, so it asks ``opsportal.access`` like the portal and the API do:

* **Country records** (everything listed in ``access.COUNTRY_PATHS``) are scoped by the person's
  team memberships, HQ access or superuser status. Django's per-model permissions
  (``view_challenge``, ...) are *not* consulted for them: a membership alone, with ``is_staff``
  set, opens the admin for that person's countries. Keeping two permission systems in step
  by hand is how records leak; the Access rules are the single source.

  - see the list and a record: ``Perm.VIEW`` (government records: ``Perm.GOVERNMENT_VIEW``)
    in the record's country. Other countries' records are not in the queryset, so their pages
    answer 404, the same as a record that does not exist.
  - add, change, delete: ``Perm.EDIT`` (``Perm.GOVERNMENT_EDIT``) in the record's country,
    checked again on save, so a form can never move a record into a country the person
    cannot write to. Viewers and HQ viewers get read-only pages.
  - government records are hidden from the index of anyone without the government permission
    and every one of their admin pages answers 404 for them.
  - foreign-key choices and autocompletes show only what the person may read; the relation
    that decides a record's country (``country``, ``challenge``, ``influencer``, ...) offers
    only what they may write to.
  - metric and follower snapshots are read-only history for everybody: they come in through
    the API, imports and the portal, whose services keep the cached totals right.
  - saving, inline rows and deleting go through the app's services (``opsportal.admin_writes``):
    the admin cannot skip a rule the portal keeps, and a refusal is a form error, not a 500.

* **Records without a country** (users, groups, staff profiles, API tokens, notifications,
  reminder deliveries, weekly reports, saved views) keep Django's model permissions: in
  practice only administrators (superusers) use them. The audit trail is read-only for all.
"""

from __future__ import annotations

from zoneinfo import ZoneInfoNotFoundError

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms.models import BaseInlineFormSet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from opsportal.access import COUNTRY_PATHS, Access, Perm, access_for_user, read_perm, write_perm
from opsportal.admin_display import _zone, admin_link, local_time, number, when_filter
from opsportal.admin_writes import WritesThroughServices
from opsportal.references import colleagues


def get_access(request) -> Access:
    return access_for_user(request.user)


def owning_field(model) -> str | None:
    """The relation that decides a record's country (``country``, ``challenge``, ...)."""
    label = model._meta.label_lower
    if label not in COUNTRY_PATHS or not COUNTRY_PATHS[label]:
        return None
    return COUNTRY_PATHS[label].split("__")[0]


def limit_related(access: Access, source_model, field_name: str, queryset):
    """The choices a person may pick for ``source_model.field_name``.

    Country records are narrowed to what the person may read; the owning relation to where
    they may write ``source_model``. People (owners, assignees) are their teams' members.
    """
    target = queryset.model
    if target is get_user_model():
        return colleagues(access, queryset)
    if target._meta.label_lower not in COUNTRY_PATHS:
        return queryset
    if field_name == owning_field(source_model):
        return access.scope(queryset, write_perm(source_model))
    return access.scope(queryset)


class CountryScopedAdmin(WritesThroughServices):
    """Mixin for a ModelAdmin of a country record; put it before the ModelAdmin base. Saves and
    deletes go through the app's services (``opsportal.admin_writes``).

    ``readonly_history``: nobody writes here (snapshots). ``superuser_writes``: only
    administrators write here (team memberships), everyone else in scope reads.
    """

    readonly_history = False
    superuser_writes = False

    # --- the rules -----------------------------------------------------------------
    def _country_id(self, obj):
        return Access.country_id_of(obj)

    def _may_write(self, request, obj=None) -> bool:
        access = get_access(request)
        if self.readonly_history:
            return False
        if self.superuser_writes:
            return access.is_superuser
        if obj is None:
            return access.can(write_perm(self.model))
        return access.can(write_perm(self.model), self._country_id(obj))

    def _hidden(self, request) -> bool:
        return not get_access(request).can(read_perm(self.model))

    def has_module_permission(self, request):
        return not self._hidden(request)

    def has_view_permission(self, request, obj=None):
        access = get_access(request)
        if obj is None:
            return access.can(read_perm(self.model))
        return access.can(read_perm(self.model), self._country_id(obj))

    def has_add_permission(self, request):
        return self._may_write(request)

    def has_change_permission(self, request, obj=None):
        return self._may_write(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._may_write(request, obj)

    # --- what is in scope ------------------------------------------------------------
    def get_queryset(self, request):
        return get_access(request).scope(super().get_queryset(request))

    def get_object(self, request, object_id, from_field=None):
        # Out of scope is the same as absent, and absent is a 404 rather than a redirect.
        obj = super().get_object(request, object_id, from_field)
        if obj is None:
            raise Http404(_("No such record."))
        return obj

    def _require_visible(self, request):
        if self._hidden(request):
            raise Http404(_("No such page."))

    def changelist_view(self, request, extra_context=None):
        self._require_visible(request)
        return super().changelist_view(request, extra_context)

    def add_view(self, request, form_url="", extra_context=None):
        self._require_visible(request)
        return super().add_view(request, form_url, extra_context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        self._require_visible(request)
        return super().change_view(request, object_id, form_url, extra_context)

    def delete_view(self, request, object_id, extra_context=None):
        self._require_visible(request)
        return super().delete_view(request, object_id, extra_context)

    def history_view(self, request, object_id, extra_context=None):
        self._require_visible(request)
        self._require_in_scope(request, object_id)
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # The trail is read-only: SIMPLE_HISTORY_REVERT_DISABLED hides the button, this refuses the post.
        if request.method not in ("GET", "HEAD"):
            raise PermissionDenied
        self._require_visible(request)
        self._require_in_scope(request, object_id)
        return super().history_form_view(request, object_id, version_id, extra_context)

    def _require_in_scope(self, request, object_id):
        # simple-history looks records up itself; administrators may still read a deleted one's past.
        if get_access(request).is_superuser:
            return
        try:
            found = self.get_queryset(request).filter(pk=unquote(object_id)).exists()
        except (ValueError, ValidationError):
            found = False
        if not found:
            raise Http404(_("No such record."))

    # --- change form in the country's own clock --------------------------------------------
    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        zone = self.form_timezone(request, object_id)
        if zone is None:
            return super().changeform_view(request, object_id, form_url, extra_context)
        request._opsportal_zone = zone
        with timezone.override(zone):
            response = super().changeform_view(request, object_id, form_url, extra_context)
            # Render now: widgets print datetimes in the active timezone.
            if hasattr(response, "render") and not getattr(response, "is_rendered", True):
                response.render()
            return response

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        zone = getattr(request, "_opsportal_zone", None)
        if zone is None or not fieldsets:
            return fieldsets
        # Say which clock the dates are typed in, on top of the form.
        name, options = fieldsets[0]
        note = _("Dates and times on this page are in %(zone)s.") % {"zone": zone.key}
        description = f"{note} {options['description']}" if options.get("description") else note
        return [(name, {**options, "description": description}), *fieldsets[1:]]

    def form_timezone(self, request, object_id):
        """The timezone dates are typed in: the record's country, else the person's only country."""
        if not self._has_datetimes():
            return None
        from opsportal.models import Country

        country_id = None
        if object_id is not None:
            try:
                country_id = self._country_id(self.get_object(request, unquote(object_id)))
            except Http404:
                return None  # the view itself answers 404
        else:
            ids = get_access(request).country_ids(write_perm(self.model))
            if ids is not None and len(ids) == 1:
                country_id = next(iter(ids))
        if country_id is None:
            tzname = getattr(getattr(request.user, "profile", None), "timezone", "")
        else:
            tzname = Country.objects.filter(pk=country_id).values_list("timezone", flat=True).first()
        try:
            return _zone(tzname) if tzname else None
        except (ValueError, KeyError, ZoneInfoNotFoundError):
            return None  # a mistyped personal timezone: fall back to UTC rather than fail

    def _has_datetimes(self) -> bool:
        from django.db import models

        return any(
            isinstance(f, models.DateTimeField) and f.editable and not f.auto_now and not f.auto_now_add
            for f in self.model._meta.get_fields()
            if getattr(f, "concrete", False)
        )

    # --- choices ---------------------------------------------------------------------
    def formfield_for_dbfield(self, db_field, request, **kwargs):
        return super().formfield_for_dbfield(db_field, request, **_https_urls(db_field, kwargs))

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if field is not None and hasattr(field, "queryset"):
            field.queryset = limit_related(get_access(request), self.model, db_field.name, field.queryset)
        return field

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        field = super().formfield_for_manytomany(db_field, request, **kwargs)
        if field is not None and hasattr(field, "queryset"):
            field.queryset = limit_related(get_access(request), self.model, db_field.name, field.queryset)
        return field

    def get_search_results(self, request, queryset, search_term):
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        match = getattr(request, "resolver_match", None)
        if match is not None and match.url_name == "autocomplete":
            source = _autocomplete_source(request)
            if source is not None:
                queryset = limit_related(get_access(request), source[0], source[1], queryset)
        return queryset, may_have_duplicates

    # --- saving ----------------------------------------------------------------------
    def save_model(self, request, obj, form, change):
        self._check_writable(request, obj)
        if not change and hasattr(obj, "created_by_id") and obj.created_by_id is None:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    def check_inline_writable(self, request, obj):
        if obj._meta.label_lower in COUNTRY_PATHS and not get_access(request).can_edit(obj):
            raise PermissionDenied

    def _check_writable(self, request, obj):
        if not self._may_write(request, obj):
            raise PermissionDenied

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self._check_writable(request, obj)
        super().delete_queryset(request, queryset)

    def get_deleted_objects(self, objs, request):
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        if any(not self._may_write(request, obj) for obj in objs):
            perms_needed.add(self.model._meta.verbose_name)
        if protected:
            protected = _protected_for(get_access(request), objs, self.model)
        return deleted, counts, perms_needed, protected


def _protected_for(access: Access, objs, model) -> list[str]:
    """The records that block a deletion, named only when the reader may see them.

    Django collects them through the base manager (every country, every kind): a creator's
    agreement or a government record would otherwise be named to whoever tries the deletion.
    The ones the reader may not see are counted, not named.
    """
    from django.contrib.admin.utils import NestedObjects
    from django.db import router
    from django.utils.text import capfirst

    collector = NestedObjects(using=router.db_for_write(model))
    collector.collect(objs)
    shown, hidden = [], 0
    for obj in collector.protected:
        if obj._meta.label_lower in COUNTRY_PATHS and not access.can_view(obj):
            hidden += 1
        else:
            shown.append(f"{capfirst(obj._meta.verbose_name)}: {obj}")
    if hidden:
        shown.append(str(_("%(count)s other record(s) you may not see") % {"count": hidden}))
    return shown


def _https_urls(db_field, kwargs: dict) -> dict:
    # Profile and video links are https; a typed "tiktok.com/@x" should not become http://.
    from django.db import models

    if isinstance(db_field, models.URLField):
        kwargs.setdefault("assume_scheme", "https")
    return kwargs


def _autocomplete_source(request):
    from django.apps import apps

    try:
        model = apps.get_model(request.GET["app_label"], request.GET["model_name"])
        return model, request.GET["field_name"]
    except (KeyError, LookupError):
        return None


class ScopedModelAdmin(CountryScopedAdmin, admin.ModelAdmin):
    """A country record without simple-history."""


class ScopedHistoryAdmin(CountryScopedAdmin, SimpleHistoryAdmin):
    """A country record whose history simple-history keeps; the history page shows the door."""

    history_list_display = ["history_door"]


class ReadOnlyHistoryAdmin(ScopedModelAdmin):
    """Snapshots: readable in scope, written only by the ingestion services."""

    readonly_history = True
    actions = None


class CountryScopedInline:
    """Mixin for an inline under a country record: the parent's country decides."""

    readonly_history = False

    def _may(self, request, perm: str, obj) -> bool:
        access = get_access(request)
        if obj is None or obj._meta.label_lower not in COUNTRY_PATHS:
            return access.can(perm)
        return access.can(perm, Access.country_id_of(obj))

    def has_view_permission(self, request, obj=None):
        return self._may(request, read_perm(self.model), obj)

    def has_add_permission(self, request, obj=None):
        return not self.readonly_history and self._may(request, write_perm(self.model), obj)

    def has_change_permission(self, request, obj=None):
        return not self.readonly_history and self._may(request, write_perm(self.model), obj)

    def has_delete_permission(self, request, obj=None):
        return not self.readonly_history and self._may(request, write_perm(self.model), obj)

    def get_queryset(self, request):
        return get_access(request).scope(super().get_queryset(request))

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        return super().formfield_for_dbfield(db_field, request, **_https_urls(db_field, kwargs))

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if field is not None and hasattr(field, "queryset"):
            field.queryset = limit_related(get_access(request), self.model, db_field.name, field.queryset)
        return field


class ScopedTabularInline(CountryScopedInline, admin.TabularInline):
    extra = 0
    show_change_link = True


class ScopedStackedInline(CountryScopedInline, admin.StackedInline):
    extra = 0
    show_change_link = True


class LatestRowsFormSet(BaseInlineFormSet):
    """Only the newest rows: a challenge can hold thousands of snapshots."""

    limit = 30

    def get_queryset(self):
        if not hasattr(self, "_queryset"):
            super().get_queryset()
            self._queryset = self._queryset[: self.limit]
        return self._queryset


class ReadOnlyHistoryInline(ScopedTabularInline):
    """The newest snapshots under their record, read-only; the full list is one link away."""

    readonly_history = True
    formset = LatestRowsFormSet
    show_change_link = False
    can_delete = False
    max_num = 0


class SharedListAdmin(admin.ModelAdmin):
    """A list every country shares (content categories): anyone who edits may add, admins delete."""

    def has_module_permission(self, request):
        return get_access(request).can(Perm.VIEW)

    def has_view_permission(self, request, obj=None):
        return get_access(request).can(Perm.VIEW)

    def has_add_permission(self, request):
        return get_access(request).can(Perm.EDIT)

    def has_change_permission(self, request, obj=None):
        return get_access(request).can(Perm.EDIT)

    def has_delete_permission(self, request, obj=None):
        return get_access(request).is_superuser


class ReadOnlyAdmin(admin.ModelAdmin):
    """Records the system writes (audit, deliveries, reports): nobody changes them here."""

    actions = None

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


__all__ = [
    "CountryScopedAdmin",
    "CountryScopedInline",
    "ReadOnlyAdmin",
    "ReadOnlyHistoryAdmin",
    "ReadOnlyHistoryInline",
    "ScopedHistoryAdmin",
    "ScopedModelAdmin",
    "ScopedStackedInline",
    "ScopedTabularInline",
    "SharedListAdmin",
    "admin_link",
    "colleagues",
    "when_filter",
    "get_access",
    "limit_related",
    "local_time",
    "number",
]
