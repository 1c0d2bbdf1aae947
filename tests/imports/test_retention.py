"""Uploaded files hold people's contact details: they are deleted after OPSPORTAL_IMPORT_FILE_DAYS."""

import datetime as dt
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from imports.models import ImportJob, ImportStatus
from imports.services import delete_old_files, job_run
from imports.tasks import delete_old_files as delete_old_files_task

from .helpers import preview


def _age(job, days):
    ImportJob.objects.filter(pk=job.pk).update(created_at=timezone.now() - dt.timedelta(days=days))
    job.refresh_from_db()
    return job


@pytest.fixture
def old_preview(importer, indonesia, settings):
    settings.OPSPORTAL_IMPORT_FILE_DAYS = 30
    return _age(preview(importer, "influencers_one_bad_row.csv"), 31)


def test_old_files_are_deleted_and_the_job_report_stays(old_preview, importer):
    path = Path(old_preview.file.path)
    recent = preview(importer, "influencers_one_bad_row.csv")
    assert path.exists()

    assert delete_old_files() == 1
    old_preview.refresh_from_db()
    recent.refresh_from_db()
    assert not path.exists() and not old_preview.file
    assert old_preview.status == ImportStatus.PREVIEWED and old_preview.error_count  # the report is kept
    assert recent.file and Path(recent.file.path).exists()
    assert delete_old_files() == 0  # nothing left to delete


def test_a_running_job_keeps_its_file(old_preview):
    ImportJob.objects.filter(pk=old_preview.pk).update(status=ImportStatus.IMPORTING)
    assert delete_old_files() == 0


def test_the_celery_task_calls_the_service(old_preview):
    assert delete_old_files_task.apply().get() == 1


def test_running_a_job_whose_file_is_gone_fails_with_a_clear_message(old_preview):
    delete_old_files()
    old_preview.refresh_from_db()
    job = job_run(old_preview, dry_run=False)
    assert job.status == ImportStatus.FAILED
    assert "deleted 30 days after upload" in job.result["fatal"]


def test_the_portal_says_the_file_is_gone_and_offers_no_dead_ends(client, importer, old_preview):
    delete_old_files()
    client.force_login(importer)
    page = client.get(reverse("imports:job", args=[old_preview.token])).content.decode()
    assert "deleted 30 days after upload" in page
    assert reverse("imports:confirm", args=[old_preview.token]) not in page
    assert reverse("imports:mapping", args=[old_preview.token]) not in page
    response = client.get(reverse("imports:mapping", args=[old_preview.token]))
    assert response.status_code == 302 and response["Location"] == reverse("imports:job", args=[old_preview.token])
