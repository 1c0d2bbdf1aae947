"""Portal forms for events: create, edit, copy as new, the checklist, guests, list filters."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from challenges.models import Challenge
from challenges.selectors import country_people
from influencers.models import Influencer, Platform
from locales.models import CulturalMoment
from opsportal import l10n
from opsportal.access import in_country
from opsportal.portal.filters import DateInput, DateTimeInput, portal_filterset
from opsportal.search import MAX_QUERY, filter_text

from .filtersets import EventFilterSet
from .models import Event, EventGuest, EventPartner, EventTask, GuestStatus, Partner, PartnerKind

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
        self.fields["cultural_moment"].queryset = in_country(CulturalMoment.objects.all(), country)
        self.fields["challenge"].queryset = in_country(Challenge.objects.all(), country).order_by("hashtag")
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


class TaskForm(forms.ModelForm):
    """A checklist item: what, who (of the country's team) and by when."""

    class Meta:
        model = EventTask
        fields = ["title", "assignee", "due_on"]
        widgets = {"due_on": DateInput()}

    def __init__(self, *args, country, **kwargs):
        kwargs.setdefault("prefix", "task")
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = country_people(country)
        self.fields["assignee"].label_from_instance = l10n.person  # a name, not a login

    def _post_clean(self):
        # event_task_save (the service) validates the whole record.
        self.instance = forms.models.construct_instance(self, self.instance, self._meta.fields)


# A country holds tens of thousands of influencers: a picker listing them all took seconds to
# render and was no use to scroll. It lists these many (those matching the search, else core
# influencers and the largest audiences first); the form still accepts any of the country's.
PICKER_SIZE = 50


def short_influencer_picker(field, queryset, search: str | None, selected=None) -> None:
    search = (search or "").strip()[:MAX_QUERY]
    shown = filter_text(queryset, search) if search else queryset.order_by("-is_core", "-total_followers", "name")
    rows = list(shown.order_by("-is_core", "-total_followers", "name")[:PICKER_SIZE])
    if selected and str(selected) not in {str(row.pk) for row in rows}:
        rows += list(queryset.filter(pk=selected)[:1] if str(selected).isdigit() else [])
    field.widget.choices = [("", field.empty_label or "")] + [(row.pk, field.label_from_instance(row)) for row in rows]


class GuestForm(forms.Form):
    """Invite an influencer of the event's country."""

    influencer = forms.ModelChoiceField(label=_("Influencer"), queryset=Influencer.objects.none())
    status = forms.ChoiceField(label=_("Status"), choices=GuestStatus.choices, initial=GuestStatus.INVITED)
    notes = forms.CharField(label=_("Notes"), max_length=200, required=False)

    def __init__(self, *args, event, search: str | None = None, **kwargs):
        kwargs.setdefault("prefix", "guest")
        super().__init__(*args, **kwargs)
        invited = EventGuest.objects.filter(event=event).values("influencer_id")
        field = self.fields["influencer"]
        field.queryset = (
            in_country(Influencer.objects.filter(erased_at=None), event.country_id)
            .exclude(pk__in=invited)
            .order_by("name")
        )
        short_influencer_picker(field, field.queryset, search, self.data.get(self.add_prefix("influencer")))


class EventPartnerForm(forms.Form):
    """A partner's role at the event: an existing partner of the country, or a new one."""

    partner = forms.ModelChoiceField(label=_("Partner"), queryset=Partner.objects.none(), required=False)
    new_partner_name = forms.CharField(
        label=_("Or a new partner"),
        max_length=200,
        required=False,
        help_text=_("Name it to add it to the country's partners."),
    )
    new_partner_kind = forms.ChoiceField(
        label=_("Kind of the new partner"), choices=PartnerKind.choices, initial=PartnerKind.ORGANIZER, required=False
    )
    role = forms.CharField(
        label=_("Role"), max_length=200, help_text=_("e.g. organizer, official video media platform")
    )

    def __init__(self, *args, event, **kwargs):
        kwargs.setdefault("prefix", "partner")
        super().__init__(*args, **kwargs)
        self.fields["partner"].queryset = in_country(Partner.objects.all(), event.country_id).order_by("name")

    def clean(self):
        data = super().clean()
        if not data.get("partner") and not (data.get("new_partner_name") or "").strip():
            self.add_error("partner", _("Choose a partner or name a new one."))
        return data


class EventPartnerRoleForm(forms.ModelForm):
    """A partner's role at the event, corrected."""

    class Meta:
        model = EventPartner
        fields = ["role"]

    def _post_clean(self):
        # event_partner_save (the service) validates the whole record.
        self.instance = forms.models.construct_instance(self, self.instance, self._meta.fields)


# --- quick capture on a phone at the event ----------------------------------------------------
class WalkInForm(forms.Form):
    """A creator who walked up at the event: a few fields, typed on a phone."""

    capture_id = forms.UUIDField(required=False, widget=forms.HiddenInput())
    name = forms.CharField(label=_("Name"), max_length=200)
    platform = forms.ChoiceField(label=_("Platform"), choices=Platform.choices, initial=Platform.TIKTOK)
    handle = forms.CharField(label=_("Handle"), max_length=100, help_text=_("Without the leading @."))
    followers = forms.IntegerField(label=_("Followers"), min_value=0, max_value=2**63 - 1, required=False)
    note = forms.CharField(label=_("Note"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", "walkin")
        super().__init__(*args, **kwargs)
        self.fields["name"].widget.attrs.update({"autocomplete": "off"})
        self.fields["handle"].widget.attrs.update(
            {"autocapitalize": "off", "autocomplete": "off", "spellcheck": "false"}
        )
        self.fields["followers"].widget.attrs.update({"inputmode": "numeric"})


class CaptureGuestForm(forms.Form):
    """An influencer of the event's country at the door: on the list, or their answer updated."""

    capture_id = forms.UUIDField(required=False, widget=forms.HiddenInput())
    influencer = forms.ModelChoiceField(label=_("Influencer"), queryset=Influencer.objects.none())
    status = forms.ChoiceField(label=_("Status"), choices=GuestStatus.choices, initial=GuestStatus.ATTENDED)
    notes = forms.CharField(label=_("Notes"), max_length=200, required=False)

    def __init__(self, *args, event, search: str | None = None, **kwargs):
        kwargs.setdefault("prefix", "guest")
        super().__init__(*args, **kwargs)
        field = self.fields["influencer"]
        field.queryset = in_country(Influencer.objects.filter(erased_at=None), event.country_id).order_by("name")
        short_influencer_picker(field, field.queryset, search, self.data.get(self.add_prefix("influencer")))
