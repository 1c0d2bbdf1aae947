"""Portal pages for the team and for government relations (only leads and
government-relations officers: for everyone else these pages do not exist, 404)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from opsportal.access import Perm, in_country
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
from .forms import (
    CommitmentForm,
    ContactForm,
    IncidentForm,
    InteractionEditForm,
    InteractionForm,
    MomentForm,
    OccurrenceFormSet,
)
from .models import (
    CulturalMoment,
    GovernmentCommitment,
    GovernmentContact,
    GovernmentInteraction,
    RegulatorRequest,
    RegulatoryIncident,
)
from .services import (
    commitment_save,
    cultural_moment_save,
    government_contact_save,
    government_interaction_log,
    government_interaction_save,
    incident_save,
)


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
        scoped(request, in_country(GovernmentContact.objects.all(), request.country))
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
            "request_figures": selectors.request_figures(
                scoped(request, in_country(RegulatorRequest.objects.all(), request.country))
            ).get(request.country.pk)
            or selectors.empty_request_figures(),
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
    incidents = scoped(request, in_country(RegulatoryIncident.objects.all(), request.country)).select_related("owner")
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
        "requests": list(incident.regulator_requests.order_by("deadline", "pk")[:50]),
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


# --- adding and correcting government records (leads and government-relations officers) -------


def _require_government_edit(request, obj=None) -> None:
    """Government records do not exist for anyone without the role (404); read-only: 403."""
    require_government(request, obj.country_id if obj is not None else None)
    if obj is not None:
        require_edit(request, obj)
    else:
        require_edit(request, perm=Perm.GOVERNMENT_EDIT)


def _record_form(request, form, *, save, done, title, submit, back, formset=None, extra=None):
    """A create or edit page: valid input goes to the service (one transaction); its errors come
    back next to the fields; 400 with the errors otherwise."""
    if request.method == "POST" and form.is_valid() and (formset is None or formset.is_valid()):
        try:
            saved = save()
        except ValidationError as error:
            form_error(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect(done(saved))
    failed = form.is_bound and (form.errors or (formset is not None and formset.total_error_count()))
    context = {
        "nav": "government",
        "form": form,
        "formset": formset,
        "title": title,
        "submit": submit,
        "back": back,
        "back_label": _("Government relations"),
    }
    context.update(extra or {})
    return portal_render(request, "locales/record_form.html", context, status=400 if failed else 200)


@portal_view
def contact_create(request):
    _require_government_edit(request)
    form = ContactForm(request.POST or None, country=request.country)
    return _record_form(
        request,
        form,
        save=lambda: government_contact_save(form.instance, by=request.user),
        done=lambda c: reverse("locales:contact", args=[c.pk]),
        title=_("New government contact"),
        submit=_("Add contact"),
        back=reverse("locales:government"),
    )


@portal_view
def contact_edit(request, pk: int):
    contact = get_scoped_or_404(request, GovernmentContact.objects.select_related("country"), pk=pk)
    _require_government_edit(request, contact)
    form = ContactForm(request.POST or None, instance=contact, country=contact.country)
    return _record_form(
        request,
        form,
        save=lambda: government_contact_save(form.instance, by=request.user),
        done=lambda c: reverse("locales:contact", args=[c.pk]),
        title=_("Edit %(name)s") % {"name": contact.person_name},
        submit=_("Save changes"),
        back=reverse("locales:contact", args=[contact.pk]),
    )


@portal_view
def interaction_edit(request, pk: int):
    interaction = get_scoped_or_404(request, GovernmentInteraction.objects.select_related("country", "contact"), pk=pk)
    _require_government_edit(request, interaction)
    form = InteractionEditForm(request.POST or None, instance=interaction, country=interaction.country)
    return _record_form(
        request,
        form,
        save=lambda: government_interaction_save(form.instance, by=request.user),
        done=lambda i: reverse("locales:contact", args=[i.contact_id]),
        title=_("Correct an interaction"),
        submit=_("Save changes"),
        back=reverse("locales:contact", args=[interaction.contact_id]),
    )


@portal_view
def incident_create(request):
    _require_government_edit(request)
    form = IncidentForm(request.POST or None, country=request.country)
    return _record_form(
        request,
        form,
        save=lambda: incident_save(form.instance, by=request.user),
        done=lambda i: reverse("locales:incident", args=[i.pk]),
        title=_("New regulatory incident"),
        submit=_("Open incident"),
        back=reverse("locales:incidents"),
    )


@portal_view
def incident_edit(request, pk: int):
    incident = get_scoped_or_404(request, RegulatoryIncident.objects.select_related("country"), pk=pk)
    _require_government_edit(request, incident)
    form = IncidentForm(request.POST or None, instance=incident, country=incident.country)
    return _record_form(
        request,
        form,
        save=lambda: incident_save(form.instance, by=request.user),
        done=lambda i: reverse("locales:incident", args=[i.pk]),
        title=_("Edit %(title)s") % {"title": incident.title},
        submit=_("Save changes"),
        back=reverse("locales:incident", args=[incident.pk]),
    )


@portal_view
def commitment_create(request):
    """A new commitment; from an incident's page (``?incident=``) it is tied to that incident."""
    _require_government_edit(request)
    initial = {}
    incident_id = request.GET.get("incident", "")
    back = reverse("locales:government")
    if incident_id.isdigit():
        incident = scoped(
            request, in_country(RegulatoryIncident.objects.all(), request.country).filter(pk=incident_id)
        ).first()
        if incident is not None:
            initial["incident"] = incident.pk
            back = reverse("locales:incident", args=[incident.pk])
    form = CommitmentForm(request.POST or None, initial=initial, country=request.country)
    return _record_form(
        request,
        form,
        save=lambda: commitment_save(form.instance, by=request.user),
        done=_commitment_done,
        title=_("New commitment"),
        submit=_("Add commitment"),
        back=back,
    )


@portal_view
def commitment_edit(request, pk: int):
    commitment = get_scoped_or_404(request, GovernmentCommitment.objects.select_related("country"), pk=pk)
    _require_government_edit(request, commitment)
    form = CommitmentForm(request.POST or None, instance=commitment, country=commitment.country)
    return _record_form(
        request,
        form,
        save=lambda: commitment_save(form.instance, by=request.user),
        done=_commitment_done,
        title=_("Edit commitment"),
        submit=_("Save changes"),
        back=_commitment_done(commitment),
        extra={
            "related_requests": list(commitment.regulator_requests.order_by("deadline", "pk")[:50]),
            "related_to": commitment.pk,
        },
    )


def _commitment_done(commitment) -> str:
    if commitment.incident_id:
        return reverse("locales:incident", args=[commitment.incident_id])
    if commitment.contact_id:
        return reverse("locales:contact", args=[commitment.contact_id])
    return reverse("locales:government")


# --- cultural moments (leads) ------------------------------------------------------------------


@portal_view
def moment_list(request):
    moments = (
        scoped(request, in_country(CulturalMoment.objects.all(), request.country))
        .prefetch_related("occurrences")
        .order_by("name", "pk")
    )
    return portal_render(
        request,
        "locales/moments.html",
        {
            "nav": "moments",
            "moments": moments,
            "can_edit_moments": request.access.can(Perm.MOMENTS_EDIT, request.country.pk),
        },
    )


def _save_moment(request, moment, country, title, submit):
    form = MomentForm(request.POST or None, instance=moment, country=country)
    formset = OccurrenceFormSet(request.POST or None, instance=moment, prefix="occurrences")
    return _record_form(
        request,
        form,
        formset=formset,
        save=lambda: cultural_moment_save(
            form.instance,
            occurrences=[f.instance for f in formset.forms if f.has_changed() and f not in formset.deleted_forms],
            removed_occurrences=[f.instance for f in formset.deleted_forms if f.instance.pk],
            by=request.user,
        ),
        done=lambda m: reverse("locales:moments"),
        title=title,
        submit=submit,
        back=reverse("locales:moments"),
        extra={"nav": "moments", "formset_legend": _("Dates per year"), "back_label": _("Cultural moments")},
    )


@portal_view
def moment_create(request):
    require_edit(request, perm=Perm.MOMENTS_EDIT)
    return _save_moment(
        request, CulturalMoment(country=request.country), request.country, _("New cultural moment"), _("Add moment")
    )


@portal_view
def moment_edit(request, pk: int):
    moment = get_scoped_or_404(request, CulturalMoment.objects.select_related("country"), pk=pk)
    if not request.access.can(Perm.MOMENTS_EDIT, moment.country_id):
        raise PermissionDenied
    return _save_moment(request, moment, moment.country, _("Edit %(name)s") % {"name": moment.name}, _("Save changes"))
