"""Create the coming months' snapshot partitions now (what the beat task does, by hand)."""

from django.core.management.base import BaseCommand, CommandError

from opsportal.partitions import partitions_ensure


class Command(BaseCommand):
    help = "PostgreSQL: create monthly partitions ahead and move rows out of the default partitions."

    def add_arguments(self, parser):
        parser.add_argument(
            "--months-ahead", type=int, help="Months after this one (default: OPSPORTAL_PARTITION_MONTHS_AHEAD)."
        )

    def handle(self, *args, **options):
        report = partitions_ensure(months_ahead=options["months_ahead"])
        for name in report.created:
            moved = report.moved.get(name)
            self.stdout.write(
                f"created {name}" + (f" ({moved} rows moved out of the default partition)" if moved else "")
            )
        for name in report.busy:
            self.stdout.write(f"{name} not created: the table stayed locked; run again")
        if report.refused:
            raise CommandError(f"not created, overlapping another partition: {', '.join(report.refused)}")
        self.stdout.write(f"{len(report.created)} partitions created.")
