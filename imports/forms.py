from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from opsportal.access import Access, Perm
from opsportal.l10n import country_name

from .kinds import KINDS
from .services import max_upload_bytes


def importable_kinds(access: Access) -> list[tuple[str, str]]:
    """The kinds this person may import somewhere (government contacts need government-edit)."""
    return [(k.name, k.label) for k in KINDS.values() if access.can(k.perm)]


class UploadForm(forms.Form):
    kind = forms.ChoiceField(label=_("What the file holds"))
    country = forms.ModelChoiceField(
        label=_("Country"),
        queryset=None,
        required=False,
        empty_label=_("As named in each row"),
        help_text=_("Rows without a country go to this one; rows naming another are refused."),
    )
    file = forms.FileField(
        label=_("File"),
        help_text=_("CSV (UTF-8) or Excel .xlsx, first row with the column names."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,text/csv"}),
    )

    def __init__(self, *args, access: Access, **kwargs):
        super().__init__(*args, **kwargs)
        self.access = access
        self.fields["kind"].choices = importable_kinds(access)
        self.fields["country"].queryset = access.countries(Perm.EDIT) | access.countries(Perm.GOVERNMENT_EDIT)
        self.fields["country"].label_from_instance = country_name  # as the country menu names it
        self.fields["file"].help_text = _(
            "CSV (UTF-8) or Excel .xlsx, first row with the column names, at most %(mb)d MB."
        ) % {"mb": max_upload_bytes() // (1024 * 1024)}

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > max_upload_bytes():
            raise forms.ValidationError(
                _("The file is %(size).1f MB; the limit is %(max)d MB.")
                % {"size": upload.size / 1024 / 1024, "max": max_upload_bytes() // (1024 * 1024)}
            )
        return upload

    def clean(self):
        data = super().clean()
        kind, country = data.get("kind"), data.get("country")
        if kind and country and not self.access.can(KINDS[kind].perm, country.pk):
            self.add_error(
                "country",
                _("You may not import this kind of record into %(country)s.") % {"country": country_name(country)},
            )
        return data


class MappingForm(forms.Form):
    """One select per column of the file: the field it feeds, or ignore it."""

    def __init__(self, *args, job, samples: dict[str, list[str]], **kwargs):
        super().__init__(*args, **kwargs)
        kind = KINDS[job.kind]
        choices = [("", _("— ignore this column —"))] + [
            (c.field, f"{c.label}{' *' if c.required else ''}") for c in kind.columns
        ]
        self.columns = []
        for index, header in enumerate(job.headers):
            name = f"col_{index}"
            example = ", ".join(s for s in samples.get(header, []) if s)[:120]
            self.fields[name] = forms.ChoiceField(
                label=header,
                choices=choices,
                required=False,
                initial=job.mapping.get(header, ""),
                help_text=_("e.g. %(values)s") % {"values": example} if example else "",
            )
            self.columns.append((name, header))

    def mapping(self) -> dict[str, str]:
        return {header: self.cleaned_data.get(name) or "" for name, header in self.columns}


class ConfirmForm(forms.Form):
    skip_errors = forms.BooleanField(
        label=_("Skip the rows with errors and import the others"),
        required=False,
        help_text=_("Without this, one refused row stops the whole import: nothing is written."),
    )
