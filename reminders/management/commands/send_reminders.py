"""Send the reminders due now by hand: the rules of every country, sent in this process."""

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone, translation

from locales.models import Country
from opsportal import mail
from opsportal.audit import audit_context
from opsportal.db import Door
from reminders import services
from reminders.emails import compose


class Command(BaseCommand):
    help = (
        "Record and send every reminder due today in each country's local time. Each reminder goes once: "
        "run it twice and the second run sends nothing new."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Print what would be sent to whom; send nothing.")

    def handle(self, *args, dry_run=False, **options):
        now = timezone.now()
        total = 0
        with audit_context(Door.COMMAND), translation.override(settings.LANGUAGE_CODE):
            for country in Country.objects.order_by("name"):
                if dry_run:
                    for planned in services.plan(country, now):
                        if planned.state == "already":
                            continue
                        total += 1
                        o = planned.occasion
                        subject = compose(o.kind, o.payload).subject
                        muted = " [muted: would be skipped]" if planned.state == "muted" else ""
                        self.stdout.write(
                            f"{country.name} · {o.kind} → {planned.email or '(no email)'}: {subject}{muted}"
                        )
                    continue
                for delivery_id in services.queue_country_reminders(country, now):
                    outcome = mail.deliver(delivery_id)
                    row = mail.ReminderDelivery.objects.select_related("recipient").get(pk=delivery_id)
                    total += 1
                    to = row.recipient.email if row.recipient else row.to_email
                    self.stdout.write(f"{country.name} · {row.kind} → {to or '(no email)'}: {outcome.status}")
        if not total:
            self.stdout.write("Nothing new to send." if not dry_run else "Nothing would be sent.")
