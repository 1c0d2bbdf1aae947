"""The goals page of a country and quarter: the scorecard, the quarter's targets (leads set them
on one screen) and the external figures with their source."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from opsportal.access import Perm, in_country
from opsportal.portal.mixins import (
    PAGE_SIZE,
    form_error,
    get_scoped_or_404,
    portal_render,
    portal_view,
    require_edit,
    scoped,
)

from .forms import ExternalFigureForm, QuarterGoalsForm
from .models import ExternalFigure
from .quarters import Quarter
from .selectors import country_attainment, current_quarter, external_figure_list, quarter_goals, quarters_around
from .services import external_figure_delete, external_figure_save, quarter_goals_set


def _quarter(request) -> Quarter:
    return Quarter.parse(request.GET.get("year"), request.GET.get("quarter")) or current_quarter(request.country)


def _page_url(quarter: Quarter) -> str:
    return reverse("goals:index") + "?" + urlencode({"year": quarter.year, "quarter": quarter.quarter})


def quarter_figures(request, quarter: Quarter):
    """The external figures measured in the quarter (newest first)."""
    figures = scoped(request, in_country(ExternalFigure.objects.all(), request.country)).filter(
        measured_on__gte=quarter.first_day, measured_on__lte=quarter.last_day
    )
    return external_figure_list(figures).order_by("-measured_on", "metric", "pk")


@portal_view
def goals_page(request):
    quarter = _quarter(request)
    current = current_quarter(request.country)
    # A page of the quarter's outside figures (a daily feed of two metrics fills a quarter with 184).
    page = Paginator(quarter_figures(request, quarter), PAGE_SIZE).get_page(request.GET.get("page"))
    return portal_render(
        request,
        "goals/page.html",
        {
            "nav": "goals",
            "quarter": quarter,
            "current_quarter": current,
            "quarters": quarters_around(current),
            "scorecard": country_attainment(request.country, quarter),
            "page": page,
            "filter_query": urlencode({"year": quarter.year, "quarter": quarter.quarter}),
            "can_set_goals": request.access.can(Perm.GOALS_EDIT, request.country.pk),
        },
    )


@portal_view
def goals_edit(request):
    """The quarter's targets on one screen (leads); an emptied target removes that goal."""
    require_edit(request, perm=Perm.GOALS_EDIT)
    asked = request.POST if request.method == "POST" else request.GET
    quarter = Quarter.parse(asked.get("year"), asked.get("quarter")) or current_quarter(request.country)
    form = QuarterGoalsForm(request.POST or None, goals=quarter_goals([request.country], quarter))
    if request.method == "POST" and form.is_valid():
        try:
            quarter_goals_set(request.country, quarter.year, quarter.quarter, form.targets(), by=request.user)
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, _("Goals for %(quarter)s saved.") % {"quarter": quarter})
            return redirect(_page_url(quarter))
    return portal_render(
        request,
        "goals/edit.html",
        {"nav": "goals", "form": form, "quarter": quarter, "back": _page_url(quarter)},
        status=400 if form.is_bound and form.errors else 200,
    )


def _figure_form(request, form, figure_quarter):
    if request.method == "POST" and form.is_valid():
        try:
            figure = external_figure_save(form.instance, by=request.user)
        except ValidationError as error:
            form_error(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect(_page_url(Quarter.of(figure.measured_on)))
    return portal_render(
        request,
        "goals/figure_form.html",
        {"nav": "goals", "form": form, "back": _page_url(figure_quarter)},
        status=400 if form.is_bound and form.errors else 200,
    )


@portal_view
def figure_create(request):
    require_edit(request)
    form = ExternalFigureForm(
        request.POST or None,
        country=request.country,
        initial={"measured_on": timezone.localdate()},
    )
    return _figure_form(request, form, current_quarter(request.country))


@portal_view
def figure_edit(request, pk: int):
    figure = get_scoped_or_404(request, ExternalFigure.objects.select_related("country"), pk=pk)
    require_edit(request, figure)
    form = ExternalFigureForm(request.POST or None, instance=figure)
    return _figure_form(request, form, Quarter.of(figure.measured_on))


@portal_view
@require_POST
def figure_delete(request, pk: int):
    figure = get_scoped_or_404(request, ExternalFigure.objects.select_related("country"), pk=pk)
    require_edit(request, figure)
    external_figure_delete(figure, by=request.user)
    messages.success(request, _("Figure removed."))
    return redirect(_page_url(Quarter.of(figure.measured_on)))
