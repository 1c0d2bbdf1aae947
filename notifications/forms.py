from django import forms
from django.utils.translation import gettext_lazy as _

from reminders.kinds import GOVERNMENT_KINDS, ReminderKind


class ReminderPreferencesForm(forms.Form):
    muted = forms.MultipleChoiceField(
        label=_("Reminders I do not want"),
        help_text=_("Muted reminders are neither emailed nor put in your inbox."),
        choices=ReminderKind.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    def __init__(self, *args, government: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if not government:
            # Government reminders never reach people without the role: nothing to mute.
            self.fields["muted"].choices = [c for c in ReminderKind.choices if c[0] not in GOVERNMENT_KINDS]
