"""The portal's import pages and the admin's door into them."""

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from imports import progress
from imports.models import ImportJob, ImportMapping, ImportStatus
from influencers.models import Influencer

from .conftest import FIXTURES


def _upload(client, name="influencers_one_bad_row.csv", kind="influencers", country=""):
    data = (FIXTURES / name).read_bytes()
    return client.post(
        reverse("imports:index"), {"kind": kind, "country": country, "file": SimpleUploadedFile(name, data, "text/csv")}
    )


def test_upload_then_columns_then_preview_then_confirm(client, importer, indonesia):
    client.force_login(importer)
    assert client.get(reverse("imports:index")).status_code == 200
    response = _upload(client)
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("imports:mapping", args=[job.token])

    page = client.get(response["Location"])
    assert page.status_code == 200
    assert "Good One" in page.content.decode()  # sample values help choosing
    form = {f"col_{i}": job.mapping[h] for i, h in enumerate(job.headers)}
    response = client.post(reverse("imports:mapping", args=[job.token]), form)
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.status == ImportStatus.PREVIEWED

    page = client.get(reverse("imports:job", args=[job.token])).content.decode()
    assert "This is a preview: nothing has been written yet." in page
    assert "Cannot be negative." in page and "tiktok_followers" in page
    assert 'name="skip_errors"' in page

    client.post(reverse("imports:confirm", args=[job.token]), {})
    job.refresh_from_db()
    assert job.status == ImportStatus.REFUSED and not Influencer.objects.exists()

    client.post(reverse("imports:rerun", args=[job.token]))
    client.post(reverse("imports:confirm", args=[job.token]), {"skip_errors": "on"})
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE
    assert Influencer.objects.count() == 3
    page = client.get(reverse("imports:job", args=[job.token])).content.decode()
    assert "Import done" in page and "What was written" in page


def test_the_mapping_is_remembered_for_the_next_file(client, importer):
    client.force_login(importer)
    _upload(client)
    job = ImportJob.objects.get()
    form = {f"col_{i}": job.mapping[h] for i, h in enumerate(job.headers)}
    form["col_0"] = "local_name"  # "name" column read as the local-script name this time
    client.post(reverse("imports:mapping", args=[job.token]), form)
    assert ImportMapping.objects.get(user=importer, kind="influencers").mapping["name"] == "local_name"
    _upload(client)
    second = ImportJob.objects.exclude(pk=job.pk).get()
    assert second.mapping["name"] == "local_name"


def test_mapping_errors_are_shown(client, importer):
    client.force_login(importer)
    _upload(client)
    job = ImportJob.objects.get()
    form = {f"col_{i}": "tiktok" for i in range(len(job.headers))}
    page = client.post(reverse("imports:mapping", args=[job.token]), form).content.decode()
    assert "Each field can come from one column only: tiktok." in page
    assert ImportJob.objects.get().status == ImportStatus.UPLOADED


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"%PDF-1.7 not a table", "This is a PDF. Upload a CSV or XLSX file."),
        (b"\xd0\xcf\x11\xe0\xa1\xb1", "This is an old Excel file (.xls)."),
        ("name\nRené\n".encode("latin-1"), "The file is not UTF-8 text."),
    ],
)
def test_the_file_type_is_checked_by_content_not_by_name(client, importer, data, message):
    client.force_login(importer)
    response = client.post(
        reverse("imports:index"),
        {"kind": "influencers", "file": SimpleUploadedFile("looks-fine.csv", data, "text/csv")},
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not ImportJob.objects.exists()


def test_the_size_limit_is_a_form_error(client, importer, settings):
    settings.OPSPORTAL_IMPORT_MAX_BYTES = 1024 * 1024
    client.force_login(importer)
    data = b"name\n" + b"x" * (1024 * 1024 + 10)
    response = client.post(
        reverse("imports:index"), {"kind": "influencers", "file": SimpleUploadedFile("big.csv", data, "text/csv")}
    )
    assert "the limit is 1 MB" in response.content.decode()
    assert not ImportJob.objects.exists()


def test_someone_elses_import_does_not_exist(client, importer, id_operator):
    client.force_login(importer)
    _upload(client)
    job = ImportJob.objects.get()
    client.force_login(id_operator)
    for name in ("imports:job", "imports:mapping", "imports:progress"):
        assert client.get(reverse(name, args=[job.token])).status_code == 404
    assert client.post(reverse("imports:confirm", args=[job.token])).status_code == 404


def test_viewers_cannot_import_and_operators_cannot_import_contacts(client, id_viewer, id_operator):
    client.force_login(id_viewer)
    assert client.get(reverse("imports:index")).status_code == 403
    client.force_login(id_operator)
    page = client.get(reverse("imports:index")).content.decode()
    assert 'value="influencers"' in page and 'value="government_contacts"' not in page
    response = _upload(client, "government_contacts.csv", kind="government_contacts")
    assert response.status_code == 200 and not ImportJob.objects.exists()


def _check_a_large_file(client, importer, settings) -> ImportJob:
    """Upload and map a file too large to check in the request: the check goes to Celery."""
    settings.OPSPORTAL_IMPORT_INLINE_BYTES = 10  # everything is "large"; Celery runs eagerly in tests
    client.force_login(importer)
    _upload(client)
    job = ImportJob.objects.get()
    form = {f"col_{i}": job.mapping[h] for i, h in enumerate(job.headers)}
    client.post(reverse("imports:mapping", args=[job.token]), form)
    job.refresh_from_db()
    return job


def test_large_files_go_to_celery_with_a_progress_bar(client, importer, settings):
    job = _check_a_large_file(client, importer, settings)
    assert job.status == ImportStatus.PREVIEWED and job.counts["create"] == 3

    # While a worker runs it, the page polls a progress bar fed by the worker.
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.IMPORTING)
    progress.report(job.pk, done=50, total=200, phase="import")
    page = client.get(reverse("imports:job", args=[job.token])).content.decode()
    assert 'hx-get="' + reverse("imports:progress", args=[job.token]) in page
    assert 'hx-trigger="every 1s"' in page
    bar = client.get(reverse("imports:progress", args=[job.token]), HTTP_HX_REQUEST="true")
    assert '<progress max="100" value="25">' in bar.content.decode()
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.DONE)
    done = client.get(reverse("imports:progress", args=[job.token]), HTTP_HX_REQUEST="true")
    assert done.headers["HX-Refresh"] == "true"


def test_a_large_file_with_the_worker_unreachable_fails_with_a_reason_not_queued_forever(
    client, importer, settings, monkeypatch
):
    from kombu.exceptions import OperationalError

    from imports.tasks import run_import_job

    def broker_down(*args, **kwargs):
        raise OperationalError("[Errno 111] Connection refused")

    monkeypatch.setattr(run_import_job, "delay", broker_down)
    job = _check_a_large_file(client, importer, settings)
    assert job.status == ImportStatus.FAILED
    assert "background worker cannot be reached" in job.result["fatal"]
    page = client.get(reverse("imports:job", args=[job.token])).content.decode()
    assert "background worker cannot be reached" in page


@pytest.mark.parametrize("kind", ["influencers", "challenges", "metrics", "events", "government_contacts"])
def test_templates_download_and_read_back(client, importer, kind):
    from imports.kinds import KINDS
    from imports.mapping import guess_mapping
    from imports.readers import detect_format, open_table

    client.force_login(importer)
    csv_file = client.get(reverse("imports:template", args=[kind, "csv"]))
    assert csv_file["Content-Type"].startswith("text/csv")
    xlsx_file = client.get(reverse("imports:template", args=[kind, "xlsx"]))
    workbook = openpyxl.load_workbook(io.BytesIO(xlsx_file.content))
    assert workbook.active.max_row == 2
    fileobj = io.BytesIO(csv_file.content)
    with open_table(fileobj, *detect_format(fileobj)) as table:
        mapping = guess_mapping(KINDS[kind], table.headers)
    assert all(mapping.values())  # every template column is understood


def test_admin_has_an_import_page_that_continues_in_the_portal(client, superuser, indonesia):
    client.force_login(superuser)
    page = client.get(reverse("admin:imports_importjob_upload") + "?kind=challenges")
    assert page.status_code == 200
    data = (FIXTURES / "challenges_messy.csv").read_bytes()
    response = client.post(
        reverse("admin:imports_importjob_upload"),
        {"kind": "challenges", "country": "", "file": SimpleUploadedFile("c.csv", data, "text/csv")},
    )
    job = ImportJob.objects.get()
    assert response["Location"] == reverse("imports:mapping", args=[job.token])
    assert client.get(reverse("admin:imports_importjob_changelist")).status_code == 200
    assert client.get(reverse("admin:imports_importjob_change", args=[job.pk])).status_code == 200
    listing = client.get(reverse("admin:influencers_influencer_changelist")).content.decode()
    assert reverse("admin:imports_importjob_upload") + "?kind=influencers" in listing
