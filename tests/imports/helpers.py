"""Running an import the way the portal does: create the job, preview, confirm."""

from imports.services import job_create, job_run

from .conftest import upload


def preview(user, name, *, kind="influencers", country=None):
    with upload(name) as fileobj:
        job = job_create(user=user, kind=kind, country=country, upload=fileobj, name=name)
    return job_run(job, dry_run=True)


def confirm(job, *, skip_errors=False):
    job.skip_errors = skip_errors
    job.save()
    return job_run(job, dry_run=False)


def errors_by_row(job):
    return {(e["row"], e["column"]): e["message"] for e in job.errors}


def counts(job):
    return {k: v for k, v in job.counts.items() if v}
