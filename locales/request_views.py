"""Portal pages for regulator and court requests (government roles only: 404 for anyone else)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from opsportal.access import Perm, in_country
from opsportal.history import record_history
from opsportal.portal.mixins import (
    form_error,
    get_scoped_or_404,
    list_filters,
    paginate,
    portal_render,
    portal_view,
    require_government,
    saved_views,
    scoped,
)

from . import selectors
from .forms import RegulatorRequestForm, RequestItemForm, request_filters
from .models import GovernmentCommitment, RegulatorRequest, RegulatoryIncident, RequestItem
from .models.requests import RequestStatus
from .requests import request_change_status, request_item_delete, request_item_save, request_save
from .views import _record_form, _require_government_edit

LIST_NAME = "regulator_requests"


@portal_view
def request_list(request):
    """The country's requests, the nearest deadline first, with open / overdue / on-time figures."""
    require_government(request)
    mine = scoped(request, in_country(RegulatorRequest.objects.all(), request.country))
    params, restored = list_filters(request, LIST_NAME)
    filterset = request_filters(params, selectors.requests_list(mine).order_by("deadline", "pk"), request)
    page, filter_query = paginate(request, filterset.qs, params)
    figures = selectors.request_figures(mine).get(request.country.pk) or selectors.empty_request_figures()
    return portal_render(
        request,
        "locales/requests.html",
        {
            "nav": "government",
            "filterset": filterset,
            "page": page,
            "filter_query": filter_query,
            "restored": restored,
            "views": saved_views(request, LIST_NAME),
            "list_name": LIST_NAME,
            "figures": figures,
            "now": timezone.now(),
        },
    )


@portal_view
def request_detail(request, pk: int):
    record = get_scoped_or_404(
        request,
        RegulatorRequest.objects.select_related("country", "handler", "contact", "incident", "commitment"),
        pk=pk,
    )
    return portal_render(request, "locales/request.html", _detail_context(request, record))


def _detail_context(request, record, item_form=None) -> dict:
    can_edit = request.access.can(Perm.GOVERNMENT_EDIT, record.country_id)
    from .requests import STATUS_MOVES

    return {
        "nav": "government",
        "record": record,
        "items": list(record.items.order_by("pk")),
        "item_form": item_form or RequestItemForm(request_record=record),
        "can_edit_request": can_edit,
        "moves": [(value, label) for value, label in RequestStatus.choices if value in STATUS_MOVES[record.status]],
        "overdue": record.is_overdue(),
        "history": record_history(record, request.access),
    }


@portal_view
def request_create(request):
    """A new request; from an incident's or a commitment's page it is tied to it."""
    _require_government_edit(request)
    initial = {"received_at": timezone.localtime().replace(second=0, microsecond=0)}
    back = reverse("locales:requests")
    for name, model in (("incident", RegulatoryIncident), ("commitment", GovernmentCommitment)):
        value = request.GET.get(name, "")
        if value.isdigit():
            linked = scoped(request, in_country(model.objects.all(), request.country).filter(pk=value)).first()
            if linked is not None:
                initial[name] = linked.pk
    form = RegulatorRequestForm(
        request.POST or None, initial=initial, country=request.country, instance=RegulatorRequest()
    )
    return _record_form(
        request,
        form,
        save=lambda: request_save(form.instance, by=request.user),
        done=lambda r: reverse("locales:request", args=[r.pk]),
        title=_("New regulator request"),
        submit=_("Log request"),
        back=back,
        extra={"back_label": _("Regulator requests")},
    )


@portal_view
def request_edit(request, pk: int):
    record = get_scoped_or_404(request, RegulatorRequest.objects.select_related("country"), pk=pk)
    _require_government_edit(request, record)
    form = RegulatorRequestForm(request.POST or None, instance=record, country=record.country)
    return _record_form(
        request,
        form,
        save=lambda: request_save(form.instance, by=request.user),
        done=lambda r: reverse("locales:request", args=[r.pk]),
        title=_("Edit %(request)s") % {"request": record},
        submit=_("Save changes"),
        back=reverse("locales:request", args=[record.pk]),
        extra={"back_label": _("Regulator request")},
    )


@require_POST
@portal_view
def request_status(request, pk: int):
    record = get_scoped_or_404(request, RegulatorRequest.objects.select_related("country"), pk=pk)
    _require_government_edit(request, record)
    try:
        request_change_status(record, request.POST.get("status", ""), by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Status changed to %(status)s.") % {"status": record.get_status_display()})
    return redirect("locales:request", pk=record.pk)


@require_POST
@portal_view
def request_item_add(request, pk: int):
    record = get_scoped_or_404(request, RegulatorRequest.objects.select_related("country"), pk=pk)
    _require_government_edit(request, record)
    form = RequestItemForm(request.POST, request_record=record)
    if form.is_valid():
        try:
            request_item_save(form.instance, by=request.user)
        except ValidationError as error:
            form_error(form, error)
        else:
            messages.success(request, _("Item added."))
            return redirect("locales:request", pk=record.pk)
    return portal_render(request, "locales/request.html", _detail_context(request, record, form), status=400)


@portal_view
def request_item_edit(request, pk: int):
    item = get_scoped_or_404(request, RequestItem.objects.select_related("request", "request__country"), pk=pk)
    _require_government_edit(request, item.request)
    form = RequestItemForm(request.POST or None, instance=item, request_record=item.request)
    back = reverse("locales:request", args=[item.request_id])
    return _record_form(
        request,
        form,
        save=lambda: request_item_save(form.instance, by=request.user),
        done=lambda i: back,
        title=_("Edit an item"),
        submit=_("Save changes"),
        back=back,
        extra={"back_label": _("Regulator request")},
    )


@require_POST
@portal_view
def request_item_remove(request, pk: int):
    item = get_scoped_or_404(request, RequestItem.objects.select_related("request", "request__country"), pk=pk)
    _require_government_edit(request, item.request)
    request_id = item.request_id
    request_item_delete(item, by=request.user)
    messages.success(request, _("Item removed."))
    return redirect("locales:request", pk=request_id)
