"""Portal forms for events: create, edit, copy as new, the checklist, guests, list filters."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from challenges.forms import DateTimeInput
from challenges.models import Challenge
from challenges.selectors import country_people
from locales.models import CulturalMoment
from opsportal import l10n
from opsportal.portal.filters import portal_filterset

from .filtersets import EventFilterSet
from .models import Event, GuestStatus

FILTER_FIELDS = ["q", "status", "kind", "start_after", "start_before", "owner", "ordering"]


def event_filters(data, queryset, request):
    return portal_filterset(EventFilterSet, data, queryset, request, FILTER_FIELDS)


class EventForm(forms.ModelForm):
    class Meta:
        model = Event
        fields = [
            "name",
            "kind",
            "status",
            "city",
            "venue",
            "our_role",
            "starts_at",
            "ends_at",
            "budget",
            "currency",
            "expected_attendance",
            "attendance",
            "owner",
            "cultural_moment",
            "challenge",
            "videos_produced",
            "description",
        ]
        widgets = {
            "starts_at": DateTimeInput(),
            "ends_at": DateTimeInput(),
            "description": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, country, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.country = country
        if not self.instance.pk:
            self.initial.setdefault("currency", country.currency)
        self.fields["owner"].queryset = country_people(country)
        self.fields["owner"].label_from_instance = l10n.person  # a name, not a login
        self.fields["cultural_moment"].queryset = CulturalMoment.objects.filter(country=country)
        self.fields["challenge"].queryset = Challenge.objects.filter(country=country).order_by("hashtag")
        self.fields["currency"].widget.attrs.update({"maxlength": 3, "autocapitalize": "characters"})

    def clean_currency(self):
        return (self.cleaned_data.get("currency") or "").strip().upper()


class CopyEventForm(forms.Form):
    name = forms.CharField(label=_("Name of the new event"), max_length=200)
    starts_at = forms.DateTimeField(label=_("New start"), widget=DateTimeInput())


class TaskDoneForm(forms.Form):
    done = forms.BooleanField(required=False)


class GuestStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=GuestStatus.choices)
