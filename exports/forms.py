"""The reassignment form of the handover page."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from influencers.models import Influencer
from opsportal import l10n
from opsportal.references import possible_holders

from .reassign import possible_leavers


class ReassignForm(forms.Form):
    leaver = forms.ModelChoiceField(
        label=_("Person leaving"),
        queryset=None,
        help_text=_("Anyone who still holds something in this country, on the team or not."),
    )
    successor = forms.ModelChoiceField(
        label=_("Colleague taking over"), queryset=None, help_text=_("An active member of this country's team.")
    )

    def __init__(self, *args, country, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["leaver"].queryset = possible_leavers(country)
        self.fields["successor"].queryset = possible_holders(country, Influencer)
        for name in ("leaver", "successor"):
            self.fields[name].label_from_instance = l10n.person  # a name, not a login

    def clean(self):
        data = super().clean()
        if data.get("leaver") and data.get("successor") and data["leaver"] == data["successor"]:
            self.add_error("successor", _("Choose someone other than the person leaving."))
        return data
