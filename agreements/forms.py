"""Portal forms for agreements: create, edit, deliverables, payments, list filters."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from challenges.models import Challenge
from events.models import Event
from influencers.models import Influencer
from opsportal import l10n
from opsportal.access import in_country
from opsportal.portal.filters import DateInput, portal_filterset
from opsportal.references import possible_holders

from .filtersets import AgreementFilterSet
from .models import Agreement, Deliverable, Payment, Status

FILTER_FIELDS = ["q", "status", "influencer", "challenge", "due_after", "due_before", "ordering"]


def agreement_filters(data, queryset, request):
    return portal_filterset(AgreementFilterSet, data, queryset, request, FILTER_FIELDS)


class AgreementForm(forms.ModelForm):
    class Meta:
        model = Agreement
        fields = [
            "title",
            "influencer",
            "challenge",
            "event",
            "starts_on",
            "ends_on",
            "fee",
            "currency",
            "signed_file",
            "signed_on",
            "owner",
            "notes",
        ]
        widgets = {
            "starts_on": DateInput(),
            "ends_on": DateInput(),
            "signed_on": DateInput(),
            "notes": forms.Textarea(attrs={"rows": 4}),
            "signed_file": forms.ClearableFileInput(attrs={"accept": "application/pdf,image/png,image/jpeg"}),
        }

    def __init__(self, *args, country, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.country = country
        if not self.instance.pk:
            self.initial.setdefault("currency", country.currency)
        self.fields["influencer"].queryset = in_country(Influencer.objects.all(), country).order_by("name")
        self.fields["challenge"].queryset = in_country(Challenge.objects.all(), country).order_by("hashtag")
        self.fields["event"].queryset = in_country(Event.objects.all(), country).order_by("-starts_at")
        self.fields["owner"].queryset = possible_holders(country, Agreement)
        self.fields["owner"].label_from_instance = l10n.person
        self.fields["currency"].widget.attrs.update({"maxlength": 3, "autocapitalize": "characters"})
        self.fields["currency"].required = False

    def clean_currency(self):
        return (self.cleaned_data.get("currency") or "").strip().upper()


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=Status.choices)


class DeliverableForm(forms.ModelForm):
    prefix = "deliverable"  # the agreement page holds this form and the payment's: ids stay unique

    class Meta:
        model = Deliverable
        fields = ["description", "hashtag", "videos_required", "due_on"]
        widgets = {"due_on": DateInput()}


class DeliveredForm(forms.Form):
    delivered = forms.BooleanField(required=False)


class PaymentForm(forms.ModelForm):
    prefix = "payment"

    class Meta:
        model = Payment
        fields = ["amount", "due_on", "paid_on", "reference"]
        widgets = {"due_on": DateInput(), "paid_on": DateInput()}

    def clean_amount(self):
        # On the field, before the table's constraint answers without naming it.
        amount = self.cleaned_data.get("amount")
        if amount is not None and amount <= 0:
            raise forms.ValidationError(_("The amount must be above zero."))
        return amount
