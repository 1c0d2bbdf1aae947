"""Large imports run here, on the Celery worker; the task only loads the job and calls the service."""

from __future__ import annotations

from celery import shared_task

from .models import ImportJob


@shared_task(name="opsportal.imports.run_import_job")
def run_import_job(job_id: int, dry_run: bool) -> None:
    job = ImportJob.objects.filter(pk=job_id).first()
    if job is None:
        return
    from .services import job_run

    job_run(job, dry_run=dry_run)


@shared_task(name="opsportal.imports.delete_old_files")
def delete_old_files() -> int:
    from .services import delete_old_files

    return delete_old_files()
