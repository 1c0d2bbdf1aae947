from django import forms
from django.utils.translation import gettext_lazy as _

from opsportal import l10n

from .weeks import WeekError, parse_week


class WeekField(forms.CharField):
    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("ISO week"))
        kwargs.setdefault("help_text", _("e.g. 2026-W47"))
        kwargs.setdefault("max_length", 8)
        super().__init__(**kwargs)

    def clean(self, value):
        value = super().clean(value)
        if value:
            try:
                parse_week(value)
            except WeekError as error:
                raise forms.ValidationError(str(error), code="invalid")
        return value


class ReportFilterForm(forms.Form):
    country = forms.ModelChoiceField(label=_("Country"), queryset=None, required=False, empty_label=_("All"))
    week = WeekField(required=False)

    def __init__(self, *args, countries=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["country"].queryset = countries
        self.fields["country"].label_from_instance = l10n.country_name  # as the country menu names it


class PreviewForm(forms.Form):
    country = forms.ModelChoiceField(label=_("Country"), queryset=None)
    week = WeekField(required=False)
    as_team_member = forms.BooleanField(
        label=_("Show the copy of a team member without government relations"), required=False
    )

    def __init__(self, *args, countries=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["country"].queryset = countries
        self.fields["country"].label_from_instance = l10n.country_name  # as the country menu names it
