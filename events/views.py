"""Portal pages for events: list, page (partners, checklist, guests, outcomes), create,
edit, copy as new; checklist ticks and guest answers happen in place (htmx)."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseBadRequest, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from influencers.models import Influencer
from opsportal.access import in_country
from opsportal.history import record_history
from opsportal.portal.mixins import (
    form_error,
    form_status,
    get_scoped_or_404,
    portal_render,
    portal_view,
    render_filtered_list,
    require_edit,
    scoped,
)
from opsportal.search import MAX_QUERY

from . import selectors
from .capture import HANDLE_IN_COUNTRY, event_capture_guest, event_capture_walk_in
from .forms import (
    CaptureGuestForm,
    CopyEventForm,
    EventForm,
    EventPartnerForm,
    EventPartnerRoleForm,
    GuestForm,
    GuestStatusForm,
    TaskDoneForm,
    TaskForm,
    WalkInForm,
    event_filters,
)
from .models import Event, EventGuest, EventPartner, EventTask, GuestStatus
from .services import (
    event_copy,
    event_guest_invite,
    event_guest_set_status,
    event_partner_add,
    event_partner_remove,
    event_partner_save,
    event_save,
    event_task_save,
    event_task_set_done,
)

LIST_NAME = "events"


@portal_view
def event_list(request):
    return render_filtered_list(
        request,
        list_name=LIST_NAME,
        template="events/list.html",
        build_filterset=event_filters,
        queryset=selectors.event_list(scoped(request, in_country(Event.objects.all(), request.country))),
    )


@portal_view
def event_detail(request, pk: int):
    event = get_scoped_or_404(request, selectors.event_detail_queryset(), pk=pk)
    return portal_render(request, "events/detail.html", _detail_context(request, event))


def _guest_search(request) -> str:
    """The guest picker's search (``?guest_q=``): the picker lists a few influencers, not all."""
    return request.GET.get("guest_q", "").strip()[:MAX_QUERY]


def _detail_context(request, event, copy_form=None) -> dict:
    guest_search = _guest_search(request)
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
        "task_form": TaskForm(instance=EventTask(event=event), country=event.country),
        "guest_form": GuestForm(event=event, search=guest_search),
        "guest_q": guest_search,
        "partner_form": EventPartnerForm(event=event),
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
    return portal_render(request, "events/form.html", {"nav": "events", "form": form}, status=form_status(form))


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
        request, "events/form.html", {"nav": "events", "form": form, "event": event}, status=form_status(form)
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


# --- the checklist, guests and partners ---------------------------------------------------------


def _event_for_edit(request, pk: int):
    event = get_scoped_or_404(request, selectors.event_detail_queryset(), pk=pk)
    require_edit(request, event)
    return event


def _page_with_errors(request, event, **forms):
    context = _detail_context(request, event)
    context.update(forms)
    return portal_render(request, "events/detail.html", context, status=400)


@require_POST
@portal_view
def task_add(request, pk: int):
    event = _event_for_edit(request, pk)
    form = TaskForm(request.POST, instance=EventTask(event=event), country=event.country)
    if form.is_valid():
        try:
            event_task_save(form.instance, by=request.user)
        except ValidationError as error:
            form_error(form, error)
        else:
            messages.success(request, _("Task added."))
            return redirect(f"{reverse('events:detail', args=[event.pk])}#tasks-h")
    return _page_with_errors(request, event, task_form=form)


@portal_view
def task_edit(request, pk: int):
    task = get_scoped_or_404(request, EventTask.objects.select_related("event__country"), pk=pk)
    require_edit(request, task)
    form = TaskForm(request.POST or None, instance=task, country=task.event.country)
    if request.method == "POST" and form.is_valid():
        try:
            event_task_save(form.instance, by=request.user)
        except ValidationError as error:
            form_error(form, error)
        else:
            messages.success(request, _("Changes saved."))
            return redirect("events:detail", pk=task.event_id)
    return portal_render(
        request,
        "events/record_form.html",
        {"nav": "events", "form": form, "event": task.event, "title": _("Edit task"), "submit": _("Save changes")},
        status=400 if form.is_bound and form.errors else 200,
    )


@require_POST
@portal_view
def guest_add(request, pk: int):
    event = _event_for_edit(request, pk)
    form = GuestForm(request.POST, event=event)
    if form.is_valid():
        try:
            event_guest_invite(
                event,
                form.cleaned_data["influencer"],
                status=form.cleaned_data["status"],
                notes=form.cleaned_data["notes"],
                by=request.user,
            )
        except ValidationError as error:
            form_error(form, error)
        else:
            messages.success(request, _("Guest added."))
            return redirect(f"{reverse('events:detail', args=[event.pk])}#guests-h")
    return _page_with_errors(request, event, guest_form=form)


@require_POST
@portal_view
def partner_add(request, pk: int):
    event = _event_for_edit(request, pk)
    form = EventPartnerForm(request.POST, event=event)
    if form.is_valid():
        try:
            event_partner_add(
                event,
                role=form.cleaned_data["role"],
                partner=form.cleaned_data["partner"],
                new_partner_name=form.cleaned_data["new_partner_name"],
                new_partner_kind=form.cleaned_data["new_partner_kind"],
                by=request.user,
            )
        except ValidationError as error:
            form_error(form, error)
        else:
            messages.success(request, _("Partner added."))
            return redirect("events:detail", pk=event.pk)
    return _page_with_errors(request, event, partner_form=form)


@require_POST
@portal_view
def event_partner_remove_view(request, pk: int):
    link = get_scoped_or_404(request, EventPartner.objects.select_related("event", "partner"), pk=pk)
    require_edit(request, link)
    event_partner_remove(link, by=request.user)
    messages.success(request, _("%(partner)s removed from the event.") % {"partner": link.partner.name})
    return redirect("events:detail", pk=link.event_id)


@portal_view
def event_partner_edit(request, pk: int):
    link = get_scoped_or_404(request, EventPartner.objects.select_related("event__country", "partner"), pk=pk)
    require_edit(request, link)
    form = EventPartnerRoleForm(request.POST or None, instance=link)
    if request.method == "POST" and form.is_valid():
        try:
            event_partner_save(form.instance, by=request.user)
        except ValidationError as error:
            form_error(form, error)
        else:
            messages.success(request, _("Changes saved."))
            return redirect("events:detail", pk=link.event_id)
    title = _("Role of %(partner)s") % {"partner": link.partner.name}
    return portal_render(
        request,
        "events/record_form.html",
        {"nav": "events", "form": form, "event": link.event, "title": title, "submit": _("Save changes")},
        status=400 if form.is_bound and form.errors else 200,
    )


# --- quick capture on a phone at the event ------------------------------------------------------
CAPTURE_FORMS = {"walkin": WalkInForm, "guest": CaptureGuestForm}


def _wants_json(request) -> bool:
    # The capture page's script sends its entries with fetch and this header; without the
    # script the same forms post and redirect as usual.
    return request.headers.get("X-Requested-With") == "fetch"


def _capture_forms(event, posted=None, search: str = "") -> dict:
    walkin = WalkInForm(initial={"capture_id": uuid.uuid4()})
    guest = CaptureGuestForm(initial={"capture_id": uuid.uuid4()}, event=event, search=search)
    forms = {"walkin_form": walkin, "guest_form": guest}
    if posted is not None:
        forms[f"{posted.prefix}_form"] = posted
    return forms


def _existing_with_handle(request, error: ValidationError):
    """The influencer of the event's country who already has the handle typed (to link to)."""
    for item in getattr(error, "error_dict", {}).get("handle", []):
        if item.code == HANDLE_IN_COUNTRY:
            return scoped(request, Influencer.objects.all()).filter(pk=item.params["influencer"]).first()
    return None


def _capture_saved(request, event, captured):
    name = captured.influencer.name
    if captured.duplicate:
        message = _("%(name)s was already saved.") % {"name": name}
    else:
        message = _("%(name)s saved.") % {"name": name}
    if _wants_json(request):
        status = captured.guest.get_status_display() if captured.guest else ""
        return JsonResponse(
            {
                "ok": True,
                "duplicate": captured.duplicate,
                "message": message,
                "name": name,
                "status": status,
                "url": reverse("influencers:detail", args=[captured.influencer.pk]),
            },
            status=200 if captured.duplicate else 201,
        )
    messages.success(request, message)
    return redirect("events:capture", pk=event.pk)


def _capture_refused(request, event, form, existing=None):
    if _wants_json(request):
        return JsonResponse(
            {
                "ok": False,
                "errors": {field: [str(e) for e in errors] for field, errors in form.errors.items()},
                "existing": existing
                and {"name": existing.name, "url": reverse("influencers:detail", args=[existing.pk])},
            },
            status=400,
        )
    return _capture_page(request, event, form, existing, status=400)


def _capture_page(request, event, posted=None, existing=None, status=200):
    context = {
        "nav": "events",
        "event": event,
        "recent": list(selectors.recent_guests(event)),
        "existing": existing,
        "guest_q": _guest_search(request),
        **_capture_forms(event, posted, _guest_search(request)),
    }
    return portal_render(request, "events/capture.html", context, status=status)


@portal_view
def event_capture(request, pk: int):
    """Quick capture at the event, on a phone: a walk-in creator or a guest in a few taps.

    The page's script queues entries in the browser while the network is away and sends them
    when it returns, each with its capture id, so an entry sent twice is saved once.
    """
    event = _event_for_edit(request, pk)
    if request.method != "POST":
        return _capture_page(request, event)
    kind = request.POST.get("form")
    if kind not in CAPTURE_FORMS:
        return HttpResponseBadRequest(_("Unknown form."))
    form = WalkInForm(request.POST) if kind == "walkin" else CaptureGuestForm(request.POST, event=event)
    if not form.is_valid():
        return _capture_refused(request, event, form)
    data = form.cleaned_data
    try:
        if kind == "walkin":
            captured = event_capture_walk_in(
                event,
                name=data["name"],
                platform=data["platform"],
                handle=data["handle"],
                followers=data["followers"],
                note=data["note"],
                capture_id=data["capture_id"],
                by=request.user,
            )
        else:
            captured = event_capture_guest(
                event,
                data["influencer"],
                status=data["status"],
                notes=data["notes"],
                capture_id=data["capture_id"],
                by=request.user,
            )
    except ValidationError as error:
        form_error(form, error)
        return _capture_refused(request, event, form, _existing_with_handle(request, error))
    return _capture_saved(request, event, captured)
