"""Keep one metric snapshot a day before the retention cutoff (what the beat task does, by hand)."""

import datetime as dt

from django.core.management.base import BaseCommand

from challenges.retention import LOOKBACK_DAYS, metric_snapshots_roll_up
from opsportal.tasks import moment_of


class Command(BaseCommand):
    help = "Roll hourly metric snapshots older than OPSPORTAL_METRIC_HOURLY_DAYS up to one a day."

    def add_arguments(self, parser):
        which = parser.add_mutually_exclusive_group()
        which.add_argument("--all", action="store_true", help="All history, not only the last weeks before the cutoff.")
        which.add_argument(
            "--since",
            type=dt.date.fromisoformat,
            help=f"From this local date (default: {LOOKBACK_DAYS} days before the cutoff).",
        )
        parser.add_argument("--now", help="Pretend it is this moment (ISO 8601).")

    def handle(self, *args, **options):
        since = dt.date.min if options["all"] else options["since"]
        deleted = metric_snapshots_roll_up(now=moment_of(options["now"]), since=since)
        self.stdout.write(f"Deleted {deleted} hourly snapshots; one a day is kept before the cutoff.")
