"""Portal pages for imports: upload → columns → preview → confirm → result. Thin: the work is in services."""

from __future__ import annotations

import csv
import io
from itertools import islice

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseClientRefresh

from opsportal.portal.mixins import portal_render, portal_view

from . import progress
from .forms import ConfirmForm, MappingForm, UploadForm, importable_kinds
from .kinds import KINDS
from .kinds.base import Outcome
from .models import ImportJob, ImportStatus
from .readers import FileProblem, open_table
from .services import file_gone_message, job_create, job_is_stale, job_set_mapping, job_start

RECORD_LABELS = {
    "influencer": _("influencers"),
    "platform_account": _("platform accounts"),
    "follower_snapshot": _("follower counts"),
    "category": _("categories"),
    "category_link": _("category links"),
    "challenge": _("challenges"),
    "metric_snapshot": _("metric snapshots"),
    "event": _("events"),
    "event_task": _("event tasks"),
    "government_contact": _("government contacts"),
    "regulator_request": _("regulator requests"),
}


def _job(request, token: str) -> ImportJob:
    """A person sees their own imports only (administrators see all)."""
    job = ImportJob.objects.select_related("country", "user").filter(token=token).first()
    if job is None or (job.user_id != request.user.pk and not request.user.is_superuser):
        raise Http404
    return job


@portal_view
def index(request):
    kinds = importable_kinds(request.access)
    if not kinds:
        raise PermissionDenied
    form = UploadForm(
        request.POST or None,
        request.FILES or None,
        access=request.access,
        initial={"kind": request.GET.get("kind"), "country": request.country.pk},
    )
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            job = job_create(
                user=request.user,
                kind=form.cleaned_data["kind"],
                country=form.cleaned_data["country"],
                upload=upload,
                name=upload.name,
            )
        except ValidationError as exc:
            form.add_error("file", exc)
        else:
            return redirect("imports:mapping", token=job.token)
    jobs = ImportJob.objects.filter(user=request.user).select_related("country")[:20]
    return portal_render(
        request,
        "imports/index.html",
        {
            "nav": "imports",
            "form": form,
            "jobs": jobs,
            "kinds": [KINDS[k] for k, _label in kinds],
        },
    )


def _samples(job: ImportJob, n: int = 3) -> dict[str, list[str]]:
    samples: dict[str, list[str]] = {h: [] for h in job.headers}
    try:
        with job.file.open("rb") as fileobj, open_table(fileobj, job.file_format, job.encoding) as table:
            for _number, cells in islice(table.rows(), n):
                for header, value in zip(job.headers, cells, strict=False):
                    samples[header].append("" if value is None else str(value)[:40])
    except (FileProblem, OSError):
        pass
    return samples


@portal_view
def mapping(request, token: str):
    job = _job(request, token)
    if job.is_running or not job.file:
        return redirect("imports:job", token=job.token)
    form = MappingForm(request.POST or None, job=job, samples=_samples(job))
    if request.method == "POST" and form.is_valid():
        try:
            job_set_mapping(job, form.mapping())
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error(None, message)
        else:
            job_start(job, dry_run=True)
            return redirect("imports:job", token=job.token)
    kind = KINDS[job.kind]
    return portal_render(request, "imports/mapping.html", {"nav": "imports", "job": job, "form": form, "kind": kind})


def _job_context(job: ImportJob) -> dict:
    result = job.result or {}
    samples = result.get("samples", {})
    records = result.get("records") or result.get("planned_records") or {}
    done: dict[str, dict[str, int]] = {}
    for key, n in records.items():
        model, action = key.rsplit(".", 1)
        done.setdefault(str(RECORD_LABELS.get(model, model)), {})[action] = n
    return {
        "job": job,
        "kind": KINDS[job.kind],
        "counts": [(o, (job.counts or {}).get(o, 0)) for o in Outcome.ALL],
        "sections": [
            (o, samples.get(o, [])) for o in (Outcome.CREATE, Outcome.UPDATE, Outcome.SKIP, Outcome.UNCHANGED)
        ],
        "records": done,
        "fatal": result.get("fatal", ""),
        "file_gone": file_gone_message() if not job.file and job.status != ImportStatus.DONE else "",
        "percent": _percent(job),
        "stale": job_is_stale(job),
    }


def _percent(job: ImportJob) -> int:
    if not job.is_running:
        return job.progress
    state = progress.read(job.pk)
    if not state:
        return 0
    return progress.percent(state["done"], state["total"])


@portal_view
def job_detail(request, token: str):
    job = _job(request, token)
    context = _job_context(job)
    context.update({"nav": "imports", "confirm_form": ConfirmForm(initial={"skip_errors": job.skip_errors})})
    return portal_render(request, "imports/job.html", context)


@portal_view
def job_progress(request, token: str):
    """The progress bar, polled by htmx every second; once the run ends the page reloads itself."""
    job = _job(request, token)
    if not job.is_running and request.htmx:
        return HttpResponseClientRefresh()
    state = progress.read(job.pk) or {}
    return portal_render(
        request,
        "imports/_progress.html",
        {
            "job": job,
            "percent": _percent(job),
            "done": state.get("done", 0),
            "total": state.get("total", job.rows_total),
        },
    )


@require_POST
@portal_view
def confirm(request, token: str):
    job = _job(request, token)
    if job.status != ImportStatus.PREVIEWED:
        return redirect("imports:job", token=job.token)
    form = ConfirmForm(request.POST)
    skip = form.is_valid() and form.cleaned_data["skip_errors"]
    job_start(job, dry_run=False, skip_errors=skip)
    return redirect("imports:job", token=job.token)


@require_POST
@portal_view
def rerun(request, token: str):
    """Check the same file again (after fixing data in the portal, say)."""
    job = _job(request, token)
    if job.is_running and job_is_stale(job):
        job.status = ImportStatus.FAILED
        job.save(update_fields=["status"])
    if not job.is_running:
        job_start(job, dry_run=True)
    return redirect("imports:job", token=job.token)


@login_required
def template_file(request, kind: str, fmt: str):
    """An empty file with the expected columns and one example row, for people to fill in."""
    if kind not in KINDS:
        raise Http404
    columns = KINDS[kind].columns
    headers = [c.field for c in columns]
    example = [c.example for c in columns]
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(headers)
        writer.writerow(example)
        response = HttpResponse("\ufeff" + buffer.getvalue(), content_type="text/csv; charset=utf-8")
    else:
        import openpyxl

        workbook = openpyxl.Workbook()
        sheet = workbook.active
        sheet.title = str(KINDS[kind].label)[:31]
        sheet.append(headers)
        sheet.append(example)
        for cell in sheet[2]:
            cell.data_type = "s"  # examples such as "=" never become formulas
        buffer = io.BytesIO()
        workbook.save(buffer)
        response = HttpResponse(
            buffer.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
    response["Content-Disposition"] = f'attachment; filename="opsportal-{kind}-template.{fmt}"'
    return response


def template_links() -> list[dict]:
    return [
        {
            "kind": k,
            "csv": reverse("imports:template", args=[k.name, "csv"]),
            "xlsx": reverse("imports:template", args=[k.name, "xlsx"]),
        }
        for k in KINDS.values()
    ]
