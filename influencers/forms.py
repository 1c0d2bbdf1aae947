"""Portal forms for influencers: list and board filters, stage moves, the outreach log."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from challenges.forms import DateTimeInput
from opsportal.portal.filters import DateInput, portal_filterset

from .filtersets import InfluencerFilterSet
from .models import InfluencerInteraction, Stage

LIST_FILTER_FIELDS = [
    "q",
    "stage",
    "kind",
    "tier",
    "category",
    "platform",
    "is_core",
    "followers_min",
    "followers_max",
    "owner",
    "ordering",
]
BOARD_FILTER_FIELDS = ["q", "kind", "tier", "category", "is_core", "owner"]


def influencer_filters(data, queryset, request, fields=LIST_FILTER_FIELDS):
    return portal_filterset(InfluencerFilterSet, data, queryset, request, fields)


class StageForm(forms.Form):
    stage = forms.ChoiceField(label=_("Move to"), choices=Stage.choices)


class OutreachForm(forms.ModelForm):
    """A new entry of the outreach log, with its next follow-up date."""

    class Meta:
        model = InfluencerInteraction
        fields = ["kind", "occurred_at", "summary", "next_follow_up_on"]
        widgets = {
            "occurred_at": DateTimeInput(),
            "next_follow_up_on": DateInput(),
            "summary": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {"occurred_at": _("Leave empty for now.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, prefix="outreach", **kwargs)
        self.fields["occurred_at"].required = False

    def clean(self):
        data = super().clean()
        when, follow_up = data.get("occurred_at"), data.get("next_follow_up_on")
        if when and follow_up and follow_up < when.date():
            self.add_error("next_follow_up_on", _("The follow-up cannot be before the contact."))
        return data

    def _post_clean(self):
        # The service validates the whole entry once it knows the influencer.
        pass
