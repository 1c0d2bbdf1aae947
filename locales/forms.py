"""Portal forms for government relations: log an interaction with a follow-up date."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from challenges.forms import DateTimeInput
from opsportal.portal.filters import DateInput

from .models import GovernmentContact, GovernmentInteraction, RegulatoryIncident


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
        self.fields["contact"].queryset = GovernmentContact.objects.filter(country=country)
        self.fields["incident"].queryset = RegulatoryIncident.objects.filter(country=country)
        if contact is not None:
            self.fields["contact"].initial = contact.pk
            self.fields["contact"].widget = forms.HiddenInput()
            self.fields["contact"].required = False  # the page's contact is used, whatever is posted
        if incident is not None:
            self.fields["incident"].initial = incident.pk
            self.fields["incident"].widget = forms.HiddenInput()
            self.fields["incident"].required = False

    def clean(self):
        data = super().clean()
        when, follow_up = data.get("occurred_at"), data.get("follow_up_on")
        if when and follow_up and follow_up < when.date():
            self.add_error("follow_up_on", _("The follow-up cannot be before the interaction."))
        return data

    def _post_clean(self):
        # government_interaction_log (the service) validates the whole record.
        pass
