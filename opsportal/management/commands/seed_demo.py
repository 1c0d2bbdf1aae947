"""``manage.py seed_demo``: the demo story of PRODUCT.md, and the demo logins."""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from opsportal.demo import DEFAULT_PASSWORD, seed


class Command(BaseCommand):
    help = (
        "Load the demo story (six markets, challenges, influencers, events, the July 2018 ban) and the demo "
        "users. Running it again changes nothing; on a later day the 'current' scenario moves to the new today."
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

    def handle(self, *args, password, today, **options):
        if len(password) < 8:
            raise CommandError("--password must have at least 8 characters.")
        day = None
        if today:
            try:
                day = dt.date.fromisoformat(today)
            except ValueError:
                raise CommandError(f"--today {today!r} is not a date like 2026-11-27.")
        seeder, credentials = seed(password=password, today=day)

        if seeder.changes:
            self.stdout.write(self.style.SUCCESS("Demo data loaded:"))
            for label in sorted(set(seeder.created) | set(seeder.updated) | set(seeder.deleted)):
                parts = [
                    f"{seeder.created[label]} created" if seeder.created[label] else "",
                    f"{seeder.updated[label]} updated" if seeder.updated[label] else "",
                    f"{seeder.deleted[label]} removed" if seeder.deleted[label] else "",
                ]
                self.stdout.write(f"  {label}: {', '.join(p for p in parts if p)}")
        else:
            self.stdout.write(self.style.SUCCESS("Demo data already up to date: nothing changed."))

        self.stdout.write("")
        self.stdout.write(f"Demo users (password: {password}); every one may sign in to the portal and /admin/:")
        header = ("username", "role", "countries", "email")
        widths = [max(len(str(row[i])) for row in [header, *credentials]) for i in range(4)]
        for row in [header, *credentials]:
            self.stdout.write(("  " + "  ".join(str(value).ljust(widths[i]) for i, value in enumerate(row))).rstrip())
