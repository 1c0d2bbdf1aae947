"""Django's makemessages, also reading ``_l``: the import kinds call gettext_lazy ``_l`` beside
gettext ``_`` (column help and matching rules are lazy, row errors are not)."""

from django.core.management.commands import makemessages


class Command(makemessages.Command):
    xgettext_options = [*makemessages.Command.xgettext_options, "--keyword=_l"]
