"""Portal forms: a quarter's targets on one screen, an external figure with its source.
The rules (positive targets, a rank of 1 or more, a figure not in the future) are the services'."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import LOWER_IS_BETTER, ExternalFigure, Metric


class QuarterGoalsForm(forms.Form):
    """One target and note per metric; an empty target removes that goal."""

    def __init__(self, *args, goals=(), **kwargs):
        super().__init__(*args, **kwargs)
        current = {g.metric: g for g in goals}
        for metric in Metric:
            goal = current.get(metric.value)
            help_text = _("Rank to reach or beat (1 is the top).") if metric in LOWER_IS_BETTER else ""
            self.fields[f"target_{metric.value}"] = forms.IntegerField(
                label=metric.label,
                required=False,
                initial=goal.target if goal else None,
                help_text=help_text,
                widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
            )
            self.fields[f"note_{metric.value}"] = forms.CharField(
                label=_("Note on %(metric)s") % {"metric": metric.label},
                required=False,
                max_length=300,
                initial=goal.note if goal else "",
            )

    def rows(self):
        return [(metric, self[f"target_{metric.value}"], self[f"note_{metric.value}"]) for metric in Metric]

    def targets(self) -> dict[str, tuple[int | None, str]]:
        data = self.cleaned_data
        return {m.value: (data.get(f"target_{m.value}"), data.get(f"note_{m.value}") or "") for m in Metric}

    def add_service_errors(self, error) -> None:
        for key, messages in error.message_dict.items():
            field = f"target_{key}" if f"target_{key}" in self.fields else None
            for message in messages:
                self.add_error(field, message)


class ExternalFigureForm(forms.ModelForm):
    class Meta:
        model = ExternalFigure
        fields = ["metric", "measured_on", "value", "source"]
        widgets = {"measured_on": forms.DateInput(attrs={"type": "date"})}

    def __init__(self, *args, country=None, **kwargs):
        super().__init__(*args, **kwargs)
        if country is not None:
            self.instance.country = country
