"""Portal pages for events: list, page (partners, checklist, guests, outcomes), create,
edit, copy as new; checklist ticks and guest answers happen in place (htmx)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from opsportal.history import record_history
from opsportal.portal.mixins import (
    form_error,
    get_scoped_or_404,
    portal_render,
    portal_view,
    render_filtered_list,
    require_edit,
    scoped,
)

from . import selectors
from .forms import CopyEventForm, EventForm, GuestStatusForm, TaskDoneForm, event_filters
from .models import Event, EventGuest, EventTask, GuestStatus
from .services import event_copy, event_guest_set_status, event_save, event_task_set_done

LIST_NAME = "events"


@portal_view
def event_list(request):
    return render_filtered_list(
        request,
        list_name=LIST_NAME,
        template="events/list.html",
        build_filterset=event_filters,
        queryset=selectors.event_list(scoped(request, Event.objects.filter(country=request.country))),
    )


@portal_view
def event_detail(request, pk: int):
    event = get_scoped_or_404(request, selectors.event_detail_queryset(), pk=pk)
    return portal_render(request, "events/detail.html", _detail_context(request, event))


def _detail_context(request, event, copy_form=None) -> dict:
    return {
        "nav": "events",
        "event": event,
        "can_edit": request.access.can_edit(event),
        "partners": list(event.event_partners.select_related("partner")),
        "tasks": list(selectors.event_tasks(event)),
        "guests": list(selectors.event_guests(event)),
        "guest_counts": selectors.guest_counts(event),
        "guest_statuses": GuestStatus.choices,
        "copy_form": copy_form or CopyEventForm(initial={"name": event.name}),
        "history": record_history(event, request.access),
    }


@portal_view
def event_create(request):
    require_edit(request)
    form = EventForm(request.POST or None, country=request.country)
    if request.method == "POST" and form.is_valid():
        try:
            event = event_save(form.instance, by=request.user)
        except ValidationError as error:
            form_error(form, error)
        else:
            messages.success(request, _("Event created."))
            return redirect("events:detail", pk=event.pk)
    return portal_render(request, "events/form.html", {"nav": "events", "form": form}, status=_status(form))


@portal_view
def event_edit(request, pk: int):
    event = get_scoped_or_404(request, Event.objects.select_related("country"), pk=pk)
    require_edit(request, event)
    form = EventForm(request.POST or None, instance=event, country=event.country)
    if request.method == "POST" and form.is_valid():
        try:
            event_save(form.instance, by=request.user)
        except ValidationError as error:
            form_error(form, error)
        else:
            messages.success(request, _("Changes saved."))
            return redirect("events:detail", pk=event.pk)
    return portal_render(
        request, "events/form.html", {"nav": "events", "form": form, "event": event}, status=_status(form)
    )


@require_POST
@portal_view
def event_copy_view(request, pk: int):
    """Copy as new: partners and tasks come along, dates shift to the new start."""
    event = get_scoped_or_404(request, selectors.event_detail_queryset(), pk=pk)
    require_edit(request, event)
    form = CopyEventForm(request.POST)
    if form.is_valid():
        try:
            copy = event_copy(
                event, starts_at=form.cleaned_data["starts_at"], name=form.cleaned_data["name"], by=request.user
            )
        except ValidationError as error:
            form_error(form, error)
        else:
            messages.success(request, _("Event copied. Check the new dates and tasks."))
            return redirect("events:detail", pk=copy.pk)
    return portal_render(request, "events/detail.html", _detail_context(request, event, form), status=400)


@require_POST
@portal_view
def task_done(request, pk: int):
    """Tick or untick a checklist item in place."""
    task = get_scoped_or_404(request, EventTask.objects.select_related("event", "assignee"), pk=pk)
    require_edit(request, task)
    form = TaskDoneForm(request.POST)
    form.is_valid()
    event_task_set_done(task, bool(form.cleaned_data.get("done")), by=request.user)
    if request.htmx:
        return portal_render(request, "events/_task.html", {"task": task, "can_edit": True, "focus": True})
    return redirect("events:detail", pk=task.event_id)


@require_POST
@portal_view
def guest_status(request, pk: int):
    """Record a guest's answer in place."""
    guest = get_scoped_or_404(request, EventGuest.objects.select_related("event", "influencer"), pk=pk)
    require_edit(request, guest)
    form = GuestStatusForm(request.POST)
    if form.is_valid():
        event_guest_set_status(guest, form.cleaned_data["status"], by=request.user)
    elif not request.htmx:
        messages.error(request, _("Choose a status."))
    if request.htmx:
        return portal_render(
            request,
            "events/_guest.html",
            {"guest": guest, "can_edit": True, "guest_statuses": GuestStatus.choices, "focus": True},
        )
    return redirect("events:detail", pk=guest.event_id)


def _status(form) -> int:
    return 400 if form.is_bound and form.errors else 200
