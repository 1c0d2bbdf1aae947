"""Portal forms for challenges: create, edit, status moves, list filters."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from locales.models import CulturalMoment
from opsportal import l10n
from opsportal.access import in_country
from opsportal.portal.filters import DateTimeInput

from .filtersets import ChallengeFilterSet
from .models import Challenge, Status
from .selectors import country_people

FILTER_FIELDS = ["q", "status", "format", "start_after", "start_before", "owner", "ordering"]


class ChallengeForm(forms.ModelForm):
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[(Status.IDEA, Status.IDEA.label), (Status.PLANNED, Status.PLANNED.label)],
        initial=Status.IDEA,
        help_text=_("A new challenge starts as an idea or planned; it goes live from its page."),
    )

    class Meta:
        model = Challenge
        fields = [
            "hashtag",
            "title",
            "format",
            "status",
            "starts_at",
            "ends_at",
            "how_to_play",
            "music",
            "sticker_effect",
            "target_views",
            "target_videos",
            "owner",
            "cultural_moment",
        ]
        widgets = {
            "starts_at": DateTimeInput(),
            "ends_at": DateTimeInput(),
            "how_to_play": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, country, **kwargs):
        super().__init__(*args, **kwargs)
        self.country = country
        self.instance.country = country
        self.fields["owner"].queryset = country_people(country)
        self.fields["owner"].label_from_instance = l10n.person  # a name, not a login
        self.fields["cultural_moment"].queryset = in_country(CulturalMoment.objects.all(), country)
        self.fields["hashtag"].widget.attrs["autocapitalize"] = "off"
        if self.instance.pk:
            # Status moves go through their own buttons and guards on the challenge page.
            del self.fields["status"]


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("New status"), choices=Status.choices)


def challenge_filters(data, queryset, request):
    from opsportal.portal.filters import portal_filterset

    return portal_filterset(ChallengeFilterSet, data, queryset, request, FILTER_FIELDS)


__all__ = ["ChallengeForm", "ChallengeFilterSet", "StatusForm", "challenge_filters"]


class MetricsForm(forms.Form):
    """Numbers typed by hand: today's row on the challenge page, or a snapshot's correction."""

    captured_at = forms.DateTimeField(
        label=_("As of"), required=False, widget=DateTimeInput(), help_text=_("Leave empty for now.")
    )
    views = forms.IntegerField(label=_("Views"), min_value=0, max_value=2**63 - 1)
    videos = forms.IntegerField(label=_("Videos"), min_value=0, max_value=2**63 - 1, required=False)
    likes = forms.IntegerField(label=_("Likes"), min_value=0, max_value=2**63 - 1, required=False)
    comments = forms.IntegerField(label=_("Comments"), min_value=0, max_value=2**63 - 1, required=False)
    shares = forms.IntegerField(label=_("Shares"), min_value=0, max_value=2**63 - 1, required=False)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", "metrics")
        super().__init__(*args, **kwargs)
