"""Portal forms for government relations: log an interaction with a follow-up date."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from challenges.selectors import country_people
from opsportal import l10n
from opsportal.access import in_country
from opsportal.portal.filters import DateInput, DateTimeInput
from opsportal.references import possible_holders

from .models import (
    CulturalMoment,
    CulturalMomentOccurrence,
    GovernmentCommitment,
    GovernmentContact,
    GovernmentInteraction,
    RegulatorRequest,
    RegulatoryIncident,
    RequestItem,
)


class InteractionForm(forms.ModelForm):
    """A meeting, call or letter. From a contact's page the contact is fixed; from an
    incident's page the incident is, and the contact is chosen."""

    class Meta:
        model = GovernmentInteraction
        fields = ["contact", "incident", "kind", "occurred_at", "summary", "outcome", "follow_up_on"]
        widgets = {
            "occurred_at": DateTimeInput(),
            "follow_up_on": DateInput(),
            "summary": forms.Textarea(attrs={"rows": 3}),
            "outcome": forms.Textarea(attrs={"rows": 2}),
        }
        help_texts = {"occurred_at": _("Leave empty for now.")}

    def __init__(self, *args, country, contact=None, incident=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["occurred_at"].required = False
        self.fields["contact"].queryset = in_country(GovernmentContact.objects.all(), country)
        self.fields["incident"].queryset = in_country(RegulatoryIncident.objects.all(), country)
        if contact is not None:
            self.fields["contact"].initial = contact.pk
            self.fields["contact"].widget = forms.HiddenInput()
            self.fields["contact"].required = False  # the page's contact is used, whatever is posted
        if incident is not None:
            self.fields["incident"].initial = incident.pk
            self.fields["incident"].widget = forms.HiddenInput()
            self.fields["incident"].required = False

    def _post_clean(self):
        # government_interaction_log (the service) validates the whole record.
        pass


class _ServiceValidated(forms.ModelForm):
    """The service validates the whole record; its errors come back next to the fields."""

    def _post_clean(self):
        self.instance = forms.models.construct_instance(self, self.instance, self._meta.fields, self._meta.exclude)


class ContactForm(_ServiceValidated):
    class Meta:
        model = GovernmentContact
        fields = [
            "organization",
            "person_name",
            "local_name",
            "title",
            "email",
            "phone",
            "channels",
            "stance",
            "influence",
            "relationship_owner",
            "notes",
        ]
        widgets = {"channels": forms.Textarea(attrs={"rows": 2}), "notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, country, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.country = country
        self.fields["relationship_owner"].queryset = country_people(country)
        self.fields["relationship_owner"].label_from_instance = l10n.person  # a name, not a login


class IncidentForm(_ServiceValidated):
    class Meta:
        model = RegulatoryIncident
        fields = ["title", "kind", "status", "opened_at", "resolved_at", "days_restricted", "owner", "summary"]
        widgets = {
            "opened_at": DateTimeInput(),
            "resolved_at": DateTimeInput(),
            "summary": forms.Textarea(attrs={"rows": 4}),
        }
        help_texts = {"days_restricted": _("Counted when a ban is resolved; type it to override.")}

    def __init__(self, *args, country, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.country = country
        self.fields["owner"].queryset = country_people(country)
        self.fields["owner"].label_from_instance = l10n.person  # a name, not a login

    def clean(self):
        data = super().clean()
        opened, resolved = data.get("opened_at"), data.get("resolved_at")
        if opened and resolved and resolved < opened:
            self.add_error("resolved_at", _("An incident cannot be resolved before it was opened."))
        return data


class CommitmentForm(_ServiceValidated):
    class Meta:
        model = GovernmentCommitment
        fields = ["description", "incident", "contact", "due_on", "status", "owner"]
        widgets = {"due_on": DateInput(), "description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, country, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.country = country
        self.fields["incident"].queryset = in_country(RegulatoryIncident.objects.all(), country)
        self.fields["contact"].queryset = in_country(GovernmentContact.objects.all(), country)
        self.fields["owner"].queryset = country_people(country)
        self.fields["owner"].label_from_instance = l10n.person  # a name, not a login


class InteractionEditForm(_ServiceValidated):
    """Correct a logged meeting, call or letter."""

    class Meta:
        model = GovernmentInteraction
        fields = ["contact", "incident", "kind", "occurred_at", "summary", "outcome", "follow_up_on"]
        widgets = InteractionForm.Meta.widgets

    def __init__(self, *args, country, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contact"].queryset = in_country(GovernmentContact.objects.all(), country)
        self.fields["incident"].queryset = in_country(RegulatoryIncident.objects.all(), country)


class MomentForm(_ServiceValidated):
    """A name taken in the country, whatever its case, is refused by cultural_moment_save."""

    class Meta:
        model = CulturalMoment
        fields = ["name", "local_name", "description", "content_ideas"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3}), "content_ideas": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, country, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.country = country


class OccurrenceForm(forms.ModelForm):
    """End after start and start in its year: CulturalMomentOccurrence.clean, for every door."""

    class Meta:
        model = CulturalMomentOccurrence
        fields = ["year", "starts_on", "ends_on"]
        widgets = {"starts_on": DateInput(), "ends_on": DateInput()}


class BaseOccurrenceFormSet(forms.BaseInlineFormSet):
    def add_fields(self, form, index):
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            form.fields["DELETE"].label = _("Remove")

    def clean(self):
        super().clean()
        years = set()
        for form in self.forms:
            data = getattr(form, "cleaned_data", None) or {}
            if not data or data.get("DELETE") or not data.get("year"):
                continue
            year = data["year"]
            if year in years:
                form.add_error("year", _("This year is listed twice."))
            years.add(year)


OccurrenceFormSet = forms.inlineformset_factory(
    CulturalMoment,
    CulturalMomentOccurrence,
    form=OccurrenceForm,
    formset=BaseOccurrenceFormSet,
    extra=2,
    can_delete=True,
    can_delete_extra=False,
)


# --- regulator and court requests --------------------------------------------------------------

REQUEST_FILTER_FIELDS = ["q", "status", "kind", "overdue", "handler", "ordering"]


def request_filters(data, queryset, request):
    from opsportal.portal.filters import portal_filterset

    from .filtersets import RegulatorRequestFilterSet

    return portal_filterset(RegulatorRequestFilterSet, data, queryset, request, REQUEST_FILTER_FIELDS)


class RegulatorRequestForm(_ServiceValidated):
    """Log or correct a request; an empty deadline is the country's default hours after receipt."""

    class Meta:
        model = RegulatorRequest
        fields = [
            "kind",
            "authority",
            "contact",
            "channel",
            "reference",
            "received_at",
            "deadline",
            "summary",
            "handler",
            "incident",
            "commitment",
            "outcome",
        ]
        widgets = {
            "received_at": DateTimeInput(),
            "deadline": DateTimeInput(),
            "summary": forms.Textarea(attrs={"rows": 3}),
            "outcome": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, country, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.country = country
        self.fields["deadline"].required = False
        self.fields["deadline"].help_text = _("Leave empty for %(hours)d hours after it was received.") % {
            "hours": country.request_deadline_hours
        }
        self.fields["contact"].queryset = in_country(GovernmentContact.objects.all(), country)
        self.fields["incident"].queryset = in_country(RegulatoryIncident.objects.all(), country)
        self.fields["commitment"].queryset = in_country(GovernmentCommitment.objects.all(), country)
        self.fields["handler"].queryset = possible_holders(country, RegulatorRequest)
        self.fields["handler"].label_from_instance = l10n.person  # a name, not a login

    def clean(self):
        data = super().clean()
        received, deadline = data.get("received_at"), data.get("deadline")
        if received and deadline and deadline < received:
            self.add_error("deadline", _("The deadline cannot be before the request was received."))
        return data


class RequestItemForm(_ServiceValidated):
    class Meta:
        model = RequestItem
        fields = ["target", "action", "note"]

    def __init__(self, *args, request_record, **kwargs):
        kwargs.setdefault("prefix", "item")
        super().__init__(*args, **kwargs)
        self.instance.request = request_record
