"""Portal forms for influencers: list and board filters, stage moves, the outreach log."""

from __future__ import annotations

from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from challenges.selectors import country_people
from opsportal import l10n
from opsportal.portal.filters import DateInput, DateTimeInput, portal_filterset

from .filtersets import InfluencerFilterSet
from .models import Influencer, InfluencerInteraction, PlatformAccount, Stage

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

    def _post_clean(self):
        # The service validates the whole entry once it knows the influencer.
        pass


# --- create and edit ----------------------------------------------------------------------


class InfluencerForm(forms.ModelForm):
    """An influencer's profile. The stage is set here only for a new influencer: moves go
    through the pipeline (board or page)."""

    class Meta:
        model = Influencer
        fields = [
            "name",
            "local_name",
            "kind",
            "stage",
            "tier",
            "categories",
            "is_core",
            "core_since",
            "relationship_owner",
            "home_platform",
            "joined_platform_on",
            "email",
            "phone",
            "city",
            "notes",
        ]
        widgets = {
            "core_since": DateInput(),
            "joined_platform_on": DateInput(),
            "notes": forms.Textarea(attrs={"rows": 3}),
            "categories": forms.CheckboxSelectMultiple(),
        }

    def __init__(self, *args, country, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.country = country
        self.fields["relationship_owner"].queryset = country_people(country)
        self.fields["relationship_owner"].label_from_instance = l10n.person  # a name, not a login
        if self.instance.pk:
            del self.fields["stage"]
        if not self.fields["categories"].queryset.exists():
            del self.fields["categories"]

    def _post_clean(self):
        # influencer_save (the service) validates the whole record; errors come back on the fields.
        self.instance = forms.models.construct_instance(self, self.instance, self._meta.fields, self._meta.exclude)


class AccountForm(forms.ModelForm):
    url = forms.URLField(
        label=capfirst(PlatformAccount._meta.get_field("url").verbose_name),
        required=False,
        max_length=200,
        assume_scheme="https",
    )

    class Meta:
        model = PlatformAccount
        fields = ["platform", "handle", "url"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        handle = self.fields["handle"].widget.attrs
        handle.update({"autocapitalize": "off", "autocomplete": "off", "spellcheck": "false"})


class BaseAccountFormSet(forms.BaseInlineFormSet):
    def add_fields(self, form, index):
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            form.fields["DELETE"].label = _("Remove")

    def clean(self):
        super().clean()
        seen = set()
        for form in self.forms:
            if not getattr(form, "cleaned_data", None) or form.cleaned_data.get("DELETE"):
                continue
            # The handle as the model's clean left it (without its @).
            key = (form.cleaned_data.get("platform"), (form.instance.handle or "").lower())
            if not key[1]:
                continue
            if key in seen:
                form.add_error("handle", _("This account is listed twice."))
            seen.add(key)


AccountFormSet = forms.inlineformset_factory(
    Influencer,
    PlatformAccount,
    form=AccountForm,
    formset=BaseAccountFormSet,
    fields=["platform", "handle", "url"],
    extra=2,
    can_delete=True,
    can_delete_extra=False,
)


class FollowerCountForm(forms.Form):
    """A follower count typed by hand for one account and day."""

    date = forms.DateField(label=_("Date"), widget=DateInput())
    followers = forms.IntegerField(label=_("Followers"), min_value=0, max_value=2**63 - 1)
