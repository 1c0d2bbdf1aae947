"""The admin saves and deletes through the owning app's services, like every other door.

Each app's ``admin.py`` says which service writes which model (``writes_through``). The admin's
``save_model``, inline ``save_formset``, ``delete_model`` and the delete action call it, so a
status guard, a stage timestamp or a contact's last touch cannot be skipped by typing into the
admin instead of the portal.

When a service refuses (a ``ValidationError``), nothing is written: the page's transaction rolls
back and the page is shown again with the service's message as a form error, in the person's
language, instead of a 500. Django validates the form before ``save_model`` runs, so the refusal
is replayed into a second validation of the same POST (``get_form`` adds it to ``clean``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpResponseRedirect

Save = Callable[..., object]  # service(obj, *, by) -> obj
Delete = Callable[..., None]  # service(obj, *, by) -> None


@dataclass(frozen=True)
class Writer:
    save: Save
    delete: Delete | None = None


WRITERS: dict[type, Writer] = {}


def writes_through(model: type, save: Save, delete: Delete | None = None) -> None:
    """Register the services that save (and delete) ``model`` from any admin page or inline."""
    WRITERS[model] = Writer(save, delete)


class ServiceRefused(Exception):
    """A service said no while the admin was saving; carries its ValidationError."""

    def __init__(self, error: ValidationError, *, inline: bool = False):
        super().__init__(error)
        self.error = error
        self.inline = inline


def save_through_service(request, obj, *, inline: bool = False):
    writer = WRITERS.get(type(obj))
    _stamp_creator(request, obj)
    try:
        if writer is None:
            # A record with no rule of its own (markets, team seats): saved as typed.
            obj.save()
            return obj
        return writer.save(obj, by=request.user)
    except ValidationError as error:
        raise ServiceRefused(error, inline=inline) from error


def delete_through_service(request, obj, *, inline: bool = False) -> None:
    writer = WRITERS.get(type(obj))
    try:
        if writer is None or writer.delete is None:
            obj.delete()
        else:
            writer.delete(obj, by=request.user)
    except ValidationError as error:
        raise ServiceRefused(error, inline=inline) from error


def _stamp_creator(request, obj) -> None:
    if getattr(obj, "pk", None) is None and hasattr(obj, "created_by_id") and obj.created_by_id is None:
        obj.created_by = request.user


def add_refusal(form, refused: ServiceRefused) -> None:
    """The service's errors on the form: on their field when the form shows it, else on top.
    An inline row's errors always go on top (the main form may have a field of the same name)."""
    error = refused.error
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, errors in error.error_dict.items():
        form.add_error(field if field in form.fields and not refused.inline else None, errors)


def with_refusal(form_class, refused: ServiceRefused):
    """``form_class`` whose validation ends with the service's refusal."""

    class RefusedForm(form_class):
        def clean(self):
            data = super().clean()
            add_refusal(self, refused)
            return data

    RefusedForm.__name__ = form_class.__name__
    return RefusedForm


class WritesThroughServices:
    """Mixin for a ModelAdmin: saving, inline rows and deleting go through the registered services."""

    def save_model(self, request, obj, form, change):
        save_through_service(request, obj)

    def save_formset(self, request, form, formset, change):
        instances = formset.save(commit=False)
        for obj in formset.deleted_objects:
            delete_through_service(request, obj, inline=True)
        for obj in instances:
            self.prepare_inline(request, form.instance, obj)
            self.check_inline_writable(request, obj)
            save_through_service(request, obj, inline=True)
        formset.save_m2m()

    def prepare_inline(self, request, parent, obj):
        """Fill what an inline row takes from its parent (e.g. an interaction's country)."""

    def check_inline_writable(self, request, obj):
        """Refuse (PermissionDenied) a row the person may not write."""

    def delete_model(self, request, obj):
        delete_through_service(request, obj)

    def delete_queryset(self, request, queryset):
        # The delete action: one service call per record (each keeps its rule), all or nothing.
        with transaction.atomic():
            for obj in queryset:
                self.delete_model(request, obj)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        refused = getattr(request, "_opsportal_refused", None)
        return form if refused is None else with_refusal(form, refused)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ServiceRefused as refused:
            # Nothing was written (the page's transaction rolled back): validate the same POST
            # again, this time ending with the service's answer, and show the form with it.
            request._opsportal_refused = refused
            return super().changeform_view(request, object_id, form_url, extra_context)

    def delete_view(self, request, object_id, extra_context=None):
        try:
            return super().delete_view(request, object_id, extra_context)
        except ServiceRefused as refused:
            messages.error(request, " ".join(refused.error.messages))
            return HttpResponseRedirect(request.path)

    def changelist_view(self, request, extra_context=None):
        try:
            return super().changelist_view(request, extra_context)
        except ServiceRefused as refused:
            messages.error(request, " ".join(refused.error.messages))
            return HttpResponseRedirect(request.get_full_path())
