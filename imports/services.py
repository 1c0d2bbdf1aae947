"""Imports, shared by the portal, the admin, the Celery task and ``manage.py import_records``.

Guarantees of ``job_run``: the preview (``dry_run``) and the import run the very same code, the
preview inside a transaction that is always rolled back; a confirmed import is one transaction
— all rows or none, or with ``skip_errors`` all good rows and none of the refused ones; it is
written as the job's user through the Import door and leaves one audit entry.
"""

from __future__ import annotations

import datetime as dt
import gc
import logging
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from itertools import islice

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import File
from django.db import DatabaseError, reset_queries, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from opsportal.access import ALL_PERMISSIONS, Access, access_for_user
from opsportal.audit import audit_context, record_batch
from opsportal.db import Door

from . import progress
from .kinds import get_kind
from .kinds.base import Outcome, Run
from .mapping import check_mapping, guess_mapping
from .models import RUNNING, ImportJob, ImportMapping, ImportStatus
from .parsing import is_blank
from .readers import FileProblem, detect_format, open_table, refuse_zip_bomb

log = logging.getLogger(__name__)

DEFAULT_MAX_BYTES = 20 * 1024 * 1024
DEFAULT_INLINE_BYTES = 256 * 1024


def max_upload_bytes() -> int:
    return int(getattr(settings, "OPSPORTAL_IMPORT_MAX_BYTES", DEFAULT_MAX_BYTES))


def inline_bytes() -> int:
    """Files up to this size are checked and imported during the request; larger ones by Celery."""
    return int(getattr(settings, "OPSPORTAL_IMPORT_INLINE_BYTES", DEFAULT_INLINE_BYTES))


def full_access() -> Access:
    """What a command run without ``--user`` may do: it is an administrator at the shell."""
    return Access(everywhere=ALL_PERMISSIONS, is_superuser=True)


def import_countries(access: Access, kind_name: str):
    """The countries where this person may import this kind."""
    return access.countries(get_kind(kind_name).perm)


# --- creating a job ---------------------------------------------------------------------------


def job_create(*, user, kind: str, country, upload, name: str | None = None) -> ImportJob:
    """Store an uploaded file as a new job after checking its size and its real type.

    Raises ValidationError (for the form's ``file`` field) when the file is too big, is not CSV
    or XLSX by content, or has no header row.
    """
    size = getattr(upload, "size", None)
    if size is None:
        upload.seek(0, 2)
        size = upload.tell()
    if size > max_upload_bytes():
        raise ValidationError(
            _("The file is %(size).1f MB; the limit is %(max).0f MB. Split it or remove unused columns.")
            % {"size": size / 1024 / 1024, "max": max_upload_bytes() / 1024 / 1024}
        )
    try:
        fmt, encoding = detect_format(upload)
        with open_table(upload, fmt, encoding) as table:
            headers = table.headers
    except FileProblem as exc:
        raise ValidationError(str(exc))
    if not headers:
        raise ValidationError(_("The file has no header row."))
    job = ImportJob(
        token=secrets.token_hex(16),
        user=user if getattr(user, "pk", None) else None,
        kind=kind,
        country=country,
        original_name=(name or getattr(upload, "name", "") or "upload")[-255:],
        file_format=fmt,
        encoding=encoding,
        file_size=size,
        headers=headers,
    )
    upload.seek(0)
    job.file.save(job.token, File(upload), save=False)
    remembered = None
    if job.user:
        remembered = ImportMapping.objects.filter(user=job.user, kind=kind).values_list("mapping", flat=True).first()
    job.mapping = guess_mapping(get_kind(kind), headers, remembered)
    job.save()
    return job


def job_set_mapping(job: ImportJob, mapping: dict[str, str], *, remember: bool = True) -> ImportJob:
    """Confirm which column feeds which field; remembered for the person's next file of this kind."""
    kind = get_kind(job.kind)
    fields = {c.field for c in kind.columns}
    mapping = {h: (mapping.get(h) or "") for h in job.headers}
    unknown = sorted({f for f in mapping.values() if f and f not in fields})
    twice, missing = check_mapping(kind, mapping)
    problems = []
    if unknown:
        problems.append(_("Unknown fields: %(fields)s.") % {"fields": ", ".join(unknown)})
    if twice:
        problems.append(_("Each field can come from one column only: %(fields)s.") % {"fields": ", ".join(twice)})
    if missing:
        problems.append(_("Choose a column for: %(fields)s.") % {"fields": ", ".join(missing)})
    if problems:
        raise ValidationError(problems)
    job.mapping = mapping
    job.save(update_fields=["mapping"])
    if remember and job.user:
        ImportMapping.objects.update_or_create(user=job.user, kind=job.kind, defaults={"mapping": mapping})
    return job


def job_start(job: ImportJob, *, dry_run: bool, skip_errors: bool | None = None) -> ImportJob:
    """Preview or import: small files at once, large ones on the Celery queue."""
    if job.is_running:
        return job
    if skip_errors is not None:
        job.skip_errors = skip_errors
    job.status = ImportStatus.QUEUED
    job.dry_run = dry_run
    job.progress = 0
    job.save(update_fields=["status", "dry_run", "skip_errors", "progress"])
    progress.report(job.pk, done=0, total=job.rows_total, phase="queued")
    if job.file_size <= inline_bytes():
        return job_run(job, dry_run=dry_run)
    try:
        # Imported here: the task (imports/tasks.py) is the door that calls back into this service.
        # By the task itself, not its name, so eager Celery (tests) runs it rather than sending it.
        from .tasks import run_import_job

        result = run_import_job.delay(job.pk, dry_run)
    except Exception as exc:  # the broker is down: say so rather than leave the job queued forever
        log.exception("could not queue import %s", job.pk)
        job.status = ImportStatus.FAILED
        job.result = {
            **(job.result or {}),
            "fatal": _("The background worker cannot be reached (%(error)s); try again in a few minutes.")
            % {"error": exc},
        }
        job.save(update_fields=["status", "result"])
        return job
    ImportJob.objects.filter(pk=job.pk).update(task_id=result.id or "")
    job.refresh_from_db()
    return job


def file_days() -> int:
    return getattr(settings, "OPSPORTAL_IMPORT_FILE_DAYS", 30)


def delete_old_files(*, now=None) -> int:
    """Delete uploaded files older than OPSPORTAL_IMPORT_FILE_DAYS; the jobs and their reports stay.

    A running job keeps its file until it ends. Returns how many files were deleted.
    """
    cutoff = (now or timezone.now()) - dt.timedelta(days=file_days())
    deleted = 0
    old = ImportJob.objects.filter(created_at__lt=cutoff).exclude(file="").exclude(status__in=RUNNING)
    for job in old.only("pk", "file"):
        try:
            job.file.storage.delete(job.file.name)
        except OSError:
            log.exception("could not delete the file of import %s", job.pk)
            continue
        ImportJob.objects.filter(pk=job.pk).update(file="")
        deleted += 1
    return deleted


def file_gone_message() -> str:
    return _("The uploaded file was deleted %(days)d days after upload, as every import file is; upload it again.") % {
        "days": file_days()
    }


STALE_AFTER = 15 * 60  # seconds without progress before a running job is presumed lost


def job_is_stale(job: ImportJob) -> bool:
    """A job still marked running whose worker stopped reporting (it died, or was restarted)."""
    if not job.is_running:
        return False
    state = progress.read(job.pk)
    last = state["at"] if state else (job.started_at or job.created_at).timestamp()
    return timezone.now().timestamp() - last > STALE_AFTER


# --- running ------------------------------------------------------------------------------------


def _batches(table, job: ImportJob, size: int) -> Iterator[list[tuple[int, dict]]]:
    columns = [(i, job.mapping.get(h)) for i, h in enumerate(job.headers)]
    columns = [(i, f) for i, f in columns if f]
    rows = (
        (number, {f: cells[i] for i, f in columns if i < len(cells) and not is_blank(cells[i])})
        for number, cells in table.rows()
    )
    while batch := list(islice(rows, size)):
        yield batch


def _estimate_rows(job: ImportJob) -> int:
    """Rows in the file, for the progress bar: counted for CSV (fast), read from the sheet's
    dimension for XLSX (a full pass would cost as much as the import)."""
    with job.file.open("rb") as fileobj:
        if job.file_format == "xlsx":
            import openpyxl

            refuse_zip_bomb(fileobj)  # load_workbook reads shared strings and styles whole
            workbook = openpyxl.load_workbook(fileobj, read_only=True)
            try:
                return max(0, (workbook.worksheets[0].max_row or 1) - 1)
            finally:
                workbook.close()
        with open_table(fileobj, job.file_format, job.encoding) as table:
            return sum(1 for _row in table.rows())


@contextmanager
def _collected_per_batch():
    """The cyclic garbage collector paused during a run, and run once after each batch instead.

    A batch makes a few hundred thousand small objects (rows, cells, records to insert) that live
    until it is written; the collector's automatic passes kept walking them, and everything older,
    for a third of the Python time of a 100,000-row import. What existed before the run (Django,
    the apps) is frozen out of the per-batch collections, so each one walks only what the run
    made; a full one is needed, or cycles that outlive their batch would pile up.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()
        if was_enabled:
            gc.enable()


def job_run(job: ImportJob, *, dry_run: bool, access: Access | None = None) -> ImportJob:
    """Run the preview or the import of a job now (in this process) and store the outcome."""
    if not job.file:
        job.status = ImportStatus.FAILED
        job.result = {**(job.result or {}), "fatal": file_gone_message()}
        job.save(update_fields=["status", "result"])
        progress.clear(job.pk)
        return job
    kind = get_kind(job.kind)
    user = job.user
    if access is None:
        access = access_for_user(user) if user else full_access()
    job.status = ImportStatus.PREVIEWING if dry_run else ImportStatus.IMPORTING
    job.dry_run = dry_run
    job.started_at, job.finished_at = timezone.now(), None
    job.progress, job.rows_done = 0, 0
    if not job.rows_total:
        try:
            job.rows_total = _estimate_rows(job)
        except (FileProblem, OSError, ValueError):
            job.rows_total = 0
    job.save(update_fields=["status", "dry_run", "started_at", "finished_at", "progress", "rows_done", "rows_total"])
    phase = "preview" if dry_run else "import"
    progress.report(job.pk, done=0, total=job.rows_total, phase=phase)

    run = Run(
        kind=kind,
        access=access,
        user=user,
        default_country=job.country,
        dry_run=dry_run,
        skip_errors=job.skip_errors,
        headers={f: h for h, f in job.mapping.items() if f},
    )
    fatal = ""
    committed = False
    done = 0
    try:
        with (
            job.file.open("rb") as fileobj,
            open_table(fileobj, job.file_format, job.encoding) as table,
            audit_context(Door.IMPORT, user=user),
            transaction.atomic(),
            _collected_per_batch(),
        ):
            kind.start(run)
            for batch in _batches(table, job, kind.batch_size):
                kind.process(run, batch)
                reset_queries()  # with DEBUG on, Django keeps every statement: big bulk inserts add up
                gc.collect()  # what the batch left in cycles; the objects frozen at the start are skipped
                done += len(batch)
                progress.report(job.pk, done=done, total=max(job.rows_total, done), phase=phase)
            kind.finish(run)
            committed = not dry_run and (run.error_rows == 0 or job.skip_errors)
            if committed:
                _audit(job, run)
            else:
                # The preview, or an import with refused rows the person did not agree to skip.
                transaction.set_rollback(True)
    except FileProblem as exc:
        fatal = str(exc)
    except DatabaseError as exc:
        log.exception("import %s failed", job.pk)
        fatal = _("The database refused the import, so nothing was written: %(error)s") % {"error": exc}
        committed = False
    _store(job, run, dry_run=dry_run, committed=committed, fatal=fatal, done=done)
    progress.clear(job.pk)
    return job


def _store(job: ImportJob, run: Run, *, dry_run: bool, committed: bool, fatal: str, done: int) -> None:
    job.rows_done = done
    job.rows_total = max(job.rows_total, done) if not fatal else job.rows_total
    job.progress = 100
    job.counts = {o: run.counts.get(o, 0) for o in Outcome.ALL}
    job.errors = run.errors
    job.error_count = run.error_count
    job.result = {
        "samples": run.samples,
        "records": dict(run.records) if committed else {},
        "planned_records": dict(run.records),
        "committed": committed,
        "fatal": fatal,
    }
    job.finished_at = timezone.now()
    if fatal:
        job.status = ImportStatus.FAILED
    elif dry_run:
        job.status = ImportStatus.PREVIEWED
    elif committed:
        job.status = ImportStatus.DONE
    else:
        job.status = ImportStatus.REFUSED
    job.save()


def _audit(job: ImportJob, run: Run) -> None:
    counts = {o: run.counts.get(o, 0) for o in Outcome.ALL}
    country = job.country
    if country is None and len(run.countries_used) == 1:
        from locales.models import Country

        country = Country.objects.filter(pk=next(iter(run.countries_used))).first()
    record_batch(
        "import",
        run.kind.model,
        summary=_(
            "Imported %(kind)s from %(file)s: %(create)d created, %(update)d updated, %(unchanged)d unchanged, "
            "%(skip)d skipped, %(error)d refused"
        )
        % {"kind": run.kind.label, "file": job.original_name, **counts},
        country=country,
        object_id=job.pk,
        details={"job": job.pk, "file": job.original_name, "counts": counts, "records": dict(run.records)},
    )


def run_file(
    path: str, kind: str, *, user=None, country=None, dry_run: bool, skip_errors: bool, access: Access | None = None
) -> ImportJob:
    """The command line's door: a file on disk, columns mapped from their headers."""
    with open(path, "rb") as fileobj:
        job = job_create(user=user, kind=kind, country=country, upload=fileobj, name=path.rsplit("/", 1)[-1])
    _twice, missing = check_mapping(get_kind(kind), job.mapping)
    if missing:
        raise ValidationError(_("No column for: %(fields)s.") % {"fields": ", ".join(missing)})
    job.skip_errors = skip_errors
    job.save(update_fields=["skip_errors"])
    return job_run(job, dry_run=dry_run, access=access)
