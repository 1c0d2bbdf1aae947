"""python manage.py import_records KIND FILE [--country ID] [--dry-run] [--skip-errors] [--user NAME]

The portal's import from the shell: same columns, same preview, same single transaction.
Exit status: 0 when every row went in (or would), 1 when rows were refused, 2 when the file
itself could not be read.
"""

from __future__ import annotations

import sys

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q

from imports.kinds import KINDS
from imports.models import ImportStatus
from imports.services import run_file
from locales.models import Country

LABELS = {
    "create": ("to create", "created"),
    "update": ("to update", "updated"),
    "unchanged": ("unchanged", "unchanged"),
    "skip": ("skipped (duplicates)", "skipped (duplicates)"),
    "error": ("refused", "refused"),
}


class Command(BaseCommand):
    help = "Import influencers, challenges, metric snapshots, events or government contacts from CSV or XLSX."

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=sorted(KINDS), help="What the file holds.")
        parser.add_argument("file", help="A .csv (UTF-8, with or without BOM) or .xlsx file.")
        parser.add_argument("--country", help="Country id or ISO code for rows without one; others are refused.")
        parser.add_argument("--dry-run", action="store_true", help="Show what would happen; write nothing.")
        parser.add_argument("--skip-errors", action="store_true", help="Import the good rows, list the bad ones.")
        parser.add_argument("--user", help="Act as this username (their countries and permissions apply).")
        parser.add_argument("--max-errors", type=int, default=200, help="Errors to print (all are counted).")

    def handle(self, *args, kind, file, country, dry_run, skip_errors, user, max_errors, **options):
        target = self._country(country) if country else None
        person = self._user(user) if user else None
        try:
            job = run_file(file, kind, user=person, country=target, dry_run=dry_run, skip_errors=skip_errors)
        except FileNotFoundError:
            raise CommandError(f"No such file: {file}", returncode=2)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages), returncode=2)
        self._print(job, dry_run, max_errors)
        if job.status == ImportStatus.FAILED:
            raise CommandError(job.result.get("fatal") or "The import failed.", returncode=2)
        if job.refused_rows:
            sys.exit(1)

    def _country(self, value: str) -> Country:
        query = Q(code__iexact=value) | (Q(pk=int(value)) if value.isdecimal() else Q())
        found = Country.objects.filter(query).first()
        if found is None:
            raise CommandError(f"Unknown country: {value}", returncode=2)
        return found

    def _user(self, value: str):
        found = get_user_model().objects.filter(username=value, is_active=True).first()
        if found is None:
            raise CommandError(f"No active user {value}", returncode=2)
        return found

    def _print(self, job, dry_run: bool, max_errors: int) -> None:
        out = self.stdout
        mapped = {h: f for h, f in job.mapping.items() if f}
        ignored = [h for h, f in job.mapping.items() if not f]
        out.write(f"{job.get_kind_display()} from {job.original_name} ({job.file_format}, {job.rows_done} rows)")
        out.write("Columns: " + ", ".join(f"{h} → {f}" for h, f in mapped.items()))
        if ignored:
            out.write("Ignored columns: " + ", ".join(ignored))
        out.write("")
        counts = job.counts or {}
        for key, (planned, done) in LABELS.items():
            out.write(f"  {counts.get(key, 0):>8,}  {planned if dry_run else done}")
        for error in job.errors[:max_errors]:
            column = f" [{error['column']}]" if error["column"] else ""
            self.stderr.write(f"row {error['row']}{column}: {error['message']}")
        if job.error_count > max_errors:
            self.stderr.write(f"... and {job.error_count - max_errors:,} more errors")
        for sample in (job.result or {}).get("samples", {}).get("skip", [])[:20]:
            out.write(f"  row {sample['row']}: {sample['text']}")
        if dry_run:
            out.write(self.style.WARNING("Dry run: nothing was written."))
        elif job.status == ImportStatus.DONE:
            out.write(self.style.SUCCESS("Imported in one transaction."))
        elif job.status == ImportStatus.REFUSED:
            out.write(self.style.ERROR("Nothing was imported: fix the rows above or use --skip-errors."))
