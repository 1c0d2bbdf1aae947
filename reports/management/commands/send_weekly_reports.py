"""Send the weekly reports by hand: the same service the beat uses, sent in this process."""

from django.core.management.base import BaseCommand, CommandError

from locales.models import Country
from opsportal import mail
from opsportal.access import in_country
from opsportal.audit import audit_context
from opsportal.db import Door
from reports import services
from reports.models import WeeklyReport
from reports.weeks import WeekError, parse_week


class Command(BaseCommand):
    help = (
        "Send each country's weekly report (and HQ's, when no --country is given) for the week that just "
        "ended, or --week. A report already sent is not sent again unless --resend."
    )

    def add_arguments(self, parser):
        parser.add_argument("--country", help="Country id or ISO code (e.g. 12 or ID). Default: every country and HQ.")
        parser.add_argument("--week", help="ISO week, e.g. 2026-W47. Default: the week that just ended.")
        parser.add_argument("--dry-run", action="store_true", help="Print what would be sent to whom; send nothing.")
        parser.add_argument("--resend", action="store_true", help="Send again a report already sent.")

    def handle(self, *args, country=None, week=None, dry_run=False, resend=False, **options):
        if week:
            try:
                parse_week(week)
            except WeekError as error:
                raise CommandError(f"--week: {error}")
        countries = [self._country(country)] if country else list(Country.objects.order_by("name"))
        failures = []
        with audit_context(Door.COMMAND):
            for c in countries:
                try:
                    self._one(c, week or services.default_week(c), dry_run=dry_run, resend=resend)
                except Exception as error:  # noqa: BLE001 - one country failing does not stop the others
                    failures.append(c.name)
                    self.stderr.write(f"{c.name}: failed: {type(error).__name__}: {error}")
            if not country:
                try:
                    self._one(None, week or services.default_week(None), dry_run=dry_run, resend=resend)
                except Exception as error:  # noqa: BLE001
                    failures.append("HQ")
                    self.stderr.write(f"HQ: failed: {type(error).__name__}: {error}")
        if failures:
            raise CommandError(f"{len(failures)} report(s) failed: {', '.join(failures)}")

    def _country(self, value: str) -> Country:
        lookup = {"pk": int(value)} if value.isdecimal() else {"code": value.upper()}
        country = Country.objects.filter(**lookup).first()
        if country is None:
            raise CommandError(f"--country: no country with id or code {value!r}.")
        return country

    def _one(self, country, week: str, *, dry_run: bool, resend: bool) -> None:
        label = f"{country.name if country else 'HQ'} {week}"
        if dry_run:
            stored = in_country(WeeklyReport.objects.filter(week=week, sent_at__isnull=False), country).first()
            if stored and not resend:
                self.stdout.write(f"{label}: already sent on {stored.sent_at:%Y-%m-%d %H:%M} UTC; nothing to send.")
                return
            people = services.country_recipients(country) if country else services.hq_recipients()
            verb = "would resend to" if stored else "would send to"
            self.stdout.write(f"{label}: {verb} {len(people)} recipient(s)")
            for person in people:
                self.stdout.write(f"  {services.describe_recipient(person)}")
            return
        if country:
            dispatch = services.weekly_report_dispatch(country, week, resend=resend)
        else:
            dispatch = services.hq_report_dispatch(week, resend=resend)
        if dispatch.nothing_to_report:
            self.stdout.write(f"{label}: no country report of this week was sent, so HQ's report waits for them.")
            return
        if dispatch.already_sent:
            self.stdout.write(
                f"{label}: already sent on {dispatch.report.sent_at:%Y-%m-%d %H:%M} UTC; nothing sent (use --resend)."
            )
            return
        self.stdout.write(f"{label}: sending to {len(dispatch.recipients)} recipient(s)")
        self._deliver(dispatch.delivery_ids)

    def _deliver(self, ids: list[int]) -> None:
        for delivery_id in ids:
            outcome = mail.deliver(delivery_id)
            row = mail.ReminderDelivery.objects.filter(pk=delivery_id).values_list("key", flat=True).first()
            note = f" (retrying in {outcome.retry_in:.0f}s: {outcome.error})" if outcome.retry_in else ""
            self.stdout.write(f"  {outcome.status}: {row}{note}")
