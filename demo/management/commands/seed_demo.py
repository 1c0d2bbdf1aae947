"""``manage.py seed_demo``: the demo story of PRODUCT.md, and the demo logins.

The run command calls it on every start, so it must never touch what people did: it loads the
story only into a database that holds no records. ``--reset`` is the one way to start over.
"""

import datetime as dt

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from demo.markets import USERS, credentials_rows
from demo.reset import holds_records, wipe_database
from demo.story import DEFAULT_PASSWORD, seed
from opsportal.partitions import partitions_ensure


class Command(BaseCommand):
    help = (
        "Load the demo story (six markets, challenges, influencers, events, the July 2018 ban) and the demo "
        "users into an empty database. A database that already holds records is left exactly as it is. "
        "--reset deletes every record, user and history entry first (it asks nothing) and loads the story again."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--password",
            default=DEFAULT_PASSWORD,
            help=f"Password of every demo user (default: {DEFAULT_PASSWORD}).",
        )
        parser.add_argument(
            "--today",
            help="Place the current scenario around this date (YYYY-MM-DD) instead of today (UTC).",
        )
        parser.add_argument(
            "--reset",
            action="store_true",
            help="Delete everything in the database (records, users, history, reports) and load the demo again.",
        )

    def handle(self, *args, password, today, reset, **options):
        if len(password) < 8:
            raise CommandError("--password must have at least 8 characters.")
        day = None
        if today:
            try:
                day = dt.date.fromisoformat(today)
            except ValueError:
                raise CommandError(f"--today {today!r} is not a date like 2026-11-27.")

        if not reset and holds_records():
            self.stdout.write(self.style.SUCCESS("The database already holds records: nothing was loaded or changed."))
            self.stdout.write("To start over from the demo story, run: python manage.py seed_demo --reset")
            users = {u.username: u for u in get_user_model().objects.filter(username__in=[row[0] for row in USERS])}
            self._credentials(credentials_rows(users), "their password as set when the demo was loaded")
            return

        with transaction.atomic():
            removed = wipe_database() if reset else {}
            seeder, credentials = seed(password=password, today=day)
        # PostgreSQL: the story's past months of snapshots get their own partitions now rather
        # than waiting in the default partition for beat (nothing happens on SQLite).
        partitions_ensure()
        if removed:
            self.stdout.write(self.style.WARNING("Removed everything that was in the database:"))
            for label, count in sorted(removed.items()):
                self.stdout.write(f"  {label}: {count} removed")
        self.stdout.write(self.style.SUCCESS("Demo data loaded:"))
        for label in sorted(set(seeder.created) | set(seeder.updated)):
            self.stdout.write(f"  {label}: {seeder.created[label] + seeder.updated[label]} created")
        self._credentials(credentials, f"password: {password}")

    def _credentials(self, rows, password_note: str) -> None:
        self.stdout.write("")
        if not rows:
            self.stdout.write("No demo users are left in this database.")
            return
        self.stdout.write(f"Demo users ({password_note}); every one may sign in to the portal and /admin/:")
        header = ("username", "role", "countries", "email")
        widths = [max(len(str(row[i])) for row in [header, *rows]) for i in range(4)]
        for row in [header, *rows]:
            self.stdout.write(("  " + "  ".join(str(value).ljust(widths[i]) for i, value in enumerate(row))).rstrip())
