"""Portal pages for the team and for government relations (only leads and
government-relations officers: for everyone else these pages do not exist, 404)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from opsportal.access import Perm
from opsportal.history import record_history
from opsportal.portal.mixins import (
    form_error,
    get_scoped_or_404,
    paginate,
    portal_render,
    portal_view,
    require_edit,
    require_government,
    scoped,
)

from . import selectors
from .forms import InteractionForm
from .models import GovernmentContact, RegulatoryIncident
from .services import government_interaction_log


@portal_view
def team(request):
    return portal_render(
        request, "locales/team.html", {"nav": "team", "members": selectors.team_members(request.country)}
    )


# --- government relations -----------------------------------------------------------


@portal_view
def government(request):
    """Contacts by organization, with the open incidents on top."""
    require_government(request)
    contacts = (
        scoped(request, GovernmentContact.objects.filter(country=request.country))
        .select_related("relationship_owner")
        .annotate(n_interactions=Count("interactions"))
        .order_by("organization", "person_name", "pk")
    )
    page, filter_query = paginate(request, contacts, request.GET, per_page=100)
    incidents = selectors.open_incidents(scoped(request, RegulatoryIncident.objects.all()), request.country)
    overdue = selectors.contacts_overdue(scoped(request, GovernmentContact.objects.all()), request.country)
    return portal_render(
        request,
        "locales/government.html",
        {
            "nav": "government",
            "page": page,
            "filter_query": filter_query,
            "incidents": incidents[:10],
            "overdue_ids": set(overdue.values_list("pk", flat=True)[:500]),
        },
    )


@portal_view
def contact_detail(request, pk: int):
    contact = get_scoped_or_404(
        request, GovernmentContact.objects.select_related("country", "relationship_owner"), pk=pk
    )
    form = InteractionForm(country=contact.country, contact=contact)
    return portal_render(request, "locales/contact.html", _contact_context(request, contact, form))


def _contact_context(request, contact, form) -> dict:
    return {
        "nav": "government",
        "contact": contact,
        "interactions": selectors.contact_interactions(contact)[:100],
        "form": form,
        "can_log": request.access.can(Perm.GOVERNMENT_EDIT, contact.country_id),
        "history": record_history(contact, request.access),
    }


@require_POST
@portal_view
def contact_log(request, pk: int):
    contact = get_scoped_or_404(request, GovernmentContact.objects.select_related("country"), pk=pk)
    require_edit(request, contact)
    form = InteractionForm(request.POST, country=contact.country, contact=contact)
    if _log(request, form, contact=contact):
        return redirect("locales:contact", pk=contact.pk)
    return portal_render(request, "locales/contact.html", _contact_context(request, contact, form), status=400)


@portal_view
def incident_list(request):
    require_government(request)
    incidents = scoped(request, RegulatoryIncident.objects.filter(country=request.country)).select_related("owner")
    page, filter_query = paginate(request, incidents.order_by("-opened_at", "pk"), request.GET)
    return portal_render(
        request, "locales/incidents.html", {"nav": "government", "page": page, "filter_query": filter_query}
    )


@portal_view
def incident_detail(request, pk: int):
    incident = get_scoped_or_404(request, RegulatoryIncident.objects.select_related("country", "owner"), pk=pk)
    form = InteractionForm(country=incident.country, incident=incident)
    return portal_render(request, "locales/incident.html", _incident_context(request, incident, form))


def _incident_context(request, incident, form) -> dict:
    return {
        "nav": "government",
        "incident": incident,
        "timeline": selectors.incident_timeline(incident),
        "form": form,
        "can_log": request.access.can(Perm.GOVERNMENT_EDIT, incident.country_id),
        "history": record_history(incident, request.access),
    }


@require_POST
@portal_view
def incident_log(request, pk: int):
    incident = get_scoped_or_404(request, RegulatoryIncident.objects.select_related("country"), pk=pk)
    require_edit(request, incident)
    form = InteractionForm(request.POST, country=incident.country, incident=incident)
    if _log(request, form, incident=incident):
        return redirect("locales:incident", pk=incident.pk)
    return portal_render(request, "locales/incident.html", _incident_context(request, incident, form), status=400)


def _log(request, form, *, contact=None, incident=None) -> bool:
    if not form.is_valid():
        return False
    contact = contact or form.cleaned_data.get("contact")
    if contact is None:
        form.add_error("contact", _("Choose who you met or wrote to."))
        return False
    try:
        government_interaction_log(
            contact,
            kind=form.cleaned_data["kind"],
            summary=form.cleaned_data["summary"],
            occurred_at=form.cleaned_data.get("occurred_at"),
            outcome=form.cleaned_data.get("outcome") or "",
            follow_up_on=form.cleaned_data.get("follow_up_on"),
            incident=incident or form.cleaned_data.get("incident"),
            by=request.user,
        )
    except ValidationError as error:
        form_error(form, error)
        return False
    messages.success(request, _("Interaction logged."))
    return True
