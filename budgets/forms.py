"""Portal forms for budget lines and exchange rates (the services hold the rules)."""

from __future__ import annotations

from django import forms

from opsportal.portal.filters import DateInput

from .models import BudgetLine, ExchangeRate


class BudgetLineForm(forms.ModelForm):
    class Meta:
        model = BudgetLine
        fields = ["category", "description", "planned", "actual", "currency", "spent_on", "note"]
        widgets = {"spent_on": DateInput(), "note": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, record=None, **kwargs):
        super().__init__(*args, **kwargs)
        # The event or challenge is the page's, never a field: the line cannot be pointed elsewhere.
        self.fields["currency"].required = False
        if record is not None and not self.instance.pk:
            currency = getattr(record, "currency", "") or record.country.currency
            self.initial["currency"] = self.initial.get("currency") or currency


class ExchangeRateForm(forms.ModelForm):
    class Meta:
        model = ExchangeRate
        fields = ["currency", "reporting_currency", "rate", "valid_on", "source"]
        widgets = {"valid_on": DateInput()}
