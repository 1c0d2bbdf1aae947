from django import forms
from django.utils.translation import gettext_lazy as _

from reminders.kinds import FINANCE_KINDS, GOVERNMENT_KINDS, ReminderKind


class ReminderPreferencesForm(forms.Form):
    muted = forms.MultipleChoiceField(
        label=_("Reminders I do not want"),
        help_text=_("Muted reminders are neither emailed nor put in your inbox."),
        choices=ReminderKind.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    def __init__(self, *args, government: bool = True, finance: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        # Government (finance) reminders never reach people without the role (finance.view):
        # nothing to mute.
        hidden = (set() if government else set(GOVERNMENT_KINDS)) | (set() if finance else set(FINANCE_KINDS))
        self.fields["muted"].choices = [c for c in ReminderKind.choices if c[0] not in hidden]
