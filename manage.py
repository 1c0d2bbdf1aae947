#!/usr/bin/env python
import os
import sys

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "opsportal.settings")
    from django.core.management import execute_from_command_line

    from opsportal.scope import system_scope

    # A management command runs in the system scope (every country): queries on country-scoped
    # models outside any scope raise (opsportal.scope.ScopeError).
    with system_scope():
        execute_from_command_line(sys.argv)
