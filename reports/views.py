"""Weekly reports in the portal: list, read, preview (leads) and resend (leads)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from opsportal.access import Perm, in_country
from opsportal.portal.mixins import paginate, portal_render, portal_view
from reports.models import WeeklyReport

from . import render, services
from .forms import PreviewForm, ReportFilterForm


def visible_reports(access, with_data: bool = False):
    """Country reports of the person's countries; HQ's report only for those who see every country
    (the scope's rule for rows without a country: opsportal.access)."""
    reports = access.scope(WeeklyReport.objects.select_related("country"))
    if not with_data:
        reports = reports.defer("data")  # the figures (and the chart) are only read on a report's page
    return reports


def can_manage(access, report: WeeklyReport) -> bool:
    if report.country_id is None:
        return access.country_ids(Perm.MANAGE_REPORTS) is None
    return access.can(Perm.MANAGE_REPORTS, report.country_id)


def _report_or_404(request, pk: int) -> WeeklyReport:
    report = visible_reports(request.access, with_data=True).filter(pk=pk).first()
    if report is None:
        raise Http404
    return report


@portal_view
def report_list(request):
    form = ReportFilterForm(request.GET or None, countries=request.access.countries().order_by("name"))
    reports = visible_reports(request.access)
    status = 200
    if form.is_bound:
        if form.is_valid():
            if form.cleaned_data["country"]:
                reports = in_country(reports, form.cleaned_data["country"])
            if form.cleaned_data["week"]:
                reports = reports.filter(week=form.cleaned_data["week"])
        else:
            status = 400
    page, query = paginate(request, reports.order_by("-week", "country__name"), request.GET)
    return portal_render(
        request,
        "reports/list.html",
        {
            "page": page,
            "filter_query": query,
            "form": form,
            "may_preview": request.access.can(Perm.MANAGE_REPORTS),
            "nav": "reports",
        },
        status=status,
    )


@portal_view
def report_detail(request, pk: int):
    report = _report_or_404(request, pk)
    hq = report.country_id is None
    government = render.may_see_government(request.user, report)
    context = render.context_for(
        report.data, hq=hq, government=government, chart_src=render.data_uri(report.data, hq=hq)
    )
    context.update(
        {
            "report": report,
            "hq": hq,
            "body_template": "emails/_hq_report_body.html" if hq else "emails/_weekly_report_body.html",
            "can_manage": can_manage(request.access, report),
            "recipient_count": len(report.recipients or []),
            "nav": "reports",
        }
    )
    return portal_render(request, "reports/detail.html", context)


@portal_view
def report_preview(request):
    """A lead sees this week's (or any week's) report as it would go out now, without sending it."""
    countries = request.access.countries(Perm.MANAGE_REPORTS).order_by("name")
    if not countries.exists():
        raise PermissionDenied
    data = {"country": request.country.pk, **request.GET.dict()} if request.GET else {"country": request.country.pk}
    form = PreviewForm(data, countries=countries)
    if not form.is_valid():
        return portal_render(request, "reports/preview.html", {"form": form, "nav": "reports"}, status=400)
    country = form.cleaned_data["country"]
    week = form.cleaned_data["week"] or services.default_week(country)
    figures = services.build_country_report(country, week)
    government = not form.cleaned_data["as_team_member"]
    context = render.context_for(figures, hq=False, government=government, chart_src=render.data_uri(figures))
    context.update(
        {
            "form": form,
            "preview_country": country,
            "week": week,
            "recipients": services.country_recipients(country),
            "stored": in_country(WeeklyReport.objects.filter(week=week), country).only("pk", "sent_at").first(),
            "nav": "reports",
        }
    )
    return portal_render(request, "reports/preview.html", context)


@require_POST
@portal_view
def report_resend(request, pk: int):
    from opsportal.tasks import enqueue_deliveries

    report = _report_or_404(request, pk)
    if not can_manage(request.access, report):
        raise PermissionDenied
    dispatch = services.weekly_report_resend(report)
    enqueue_deliveries(dispatch.delivery_ids)
    count = len(dispatch.recipients)
    messages.success(
        request,
        ngettext(
            "The report of %(week)s is on its way again to %(count)s recipient.",
            "The report of %(week)s is on its way again to %(count)s recipients.",
            count,
        )
        % {"week": report.week, "count": count},
    )
    return redirect("reports:detail", pk=report.pk)
