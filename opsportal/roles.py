"""The team roles and HQ access levels: plain choices, importable below the models (opsportal.access)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    LEAD = "lead", _("Country lead")
    OPERATOR = "operator", _("Operator")
    GOVERNMENT_RELATIONS = "government_relations", _("Government relations")
    VIEWER = "viewer", _("Viewer")


class Background(models.TextChoices):
    LOCAL_HIRE = "local_hire", _("Local hire")
    GLOBAL_HIRE = "global_hire", _("Global hire")
    INTERN = "intern", _("Intern")


class HQAccess(models.TextChoices):
    NONE = "", _("None")
    VIEWER = "viewer", _("HQ viewer")
    VIEWER_GOVERNMENT = "viewer_government", _("HQ viewer with government contacts")
