"""Store the core influencers' weekly gains that are missing or stale (what the beat task does, by hand)."""

from django.core.management.base import BaseCommand

from influencers.gains import refresh_week_gains
from opsportal.tasks import moment_of


class Command(BaseCommand):
    help = "Recompute the weekly follower gains of core influencers whose stored window is not today's."

    def add_arguments(self, parser):
        parser.add_argument("--now", help="Pretend it is this moment (ISO 8601).")

    def handle(self, *args, **options):
        rows = refresh_week_gains(now=moment_of(options["now"]))
        self.stdout.write(f"Stored the weekly gains of {rows} influencers.")
