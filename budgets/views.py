"""Portal pages for money: budget lines of an event or a challenge (their section on the
record's page comes from ``{% budget_section %}``), and the exchange rates page.

Only people with ``finance.view`` in the record's country see a budget; anyone else gets the
same 404 as for a record that does not exist. Writes need ``finance.edit``.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from challenges.models import Challenge
from events.models import Event
from opsportal.access import Perm
from opsportal.portal.mixins import (
    form_error,
    form_status,
    get_scoped_or_404,
    paginate,
    portal_render,
    portal_view,
    require_edit,
)

from . import selectors
from .forms import BudgetLineForm, ExchangeRateForm
from .models import BudgetLine, ExchangeRate, reporting_currency
from .services import budget_line_delete, budget_line_save, exchange_rate_delete, exchange_rate_save

KINDS = {"event": Event, "challenge": Challenge}


def _record(request, kind: str, pk: int):
    model = KINDS.get(kind)
    if model is None:
        raise Http404
    return get_scoped_or_404(request, model.objects.select_related("country"), pk=pk)


def _record_url(line_or_record, kind: str | None = None) -> str:
    if kind is None:
        kind = "event" if line_or_record.event_id else "challenge"
        pk = line_or_record.event_id or line_or_record.challenge_id
    else:
        pk = line_or_record.pk
    return f"{reverse(f'{kind}s:detail', args=[pk])}#budget-h"


@portal_view
def budget_line_add(request, pk: int, kind: str):
    record = _record(request, kind, pk)
    line = BudgetLine(country_id=record.country_id, **{kind: record})
    require_edit(request, line)  # no finance.view there: 404; view without edit: 403
    form = BudgetLineForm(request.POST or None, instance=line, record=record)
    if request.method == "POST" and form.is_valid():
        try:
            budget_line_save(form.instance, by=request.user)
        except ValidationError as error:
            form_error(form, error)
        else:
            messages.success(request, _("Budget line added."))
            return redirect(_record_url(record, kind))
    return portal_render(
        request,
        "budgets/line_form.html",
        {"nav": f"{kind}s", "form": form, "record": record, "kind": kind, "title": _("Add a budget line")},
        status=form_status(form),
    )


@portal_view
def budget_line_edit(request, pk: int):
    line = get_scoped_or_404(request, BudgetLine.objects.select_related("event", "challenge", "country"), pk=pk)
    require_edit(request, line)
    form = BudgetLineForm(request.POST or None, instance=line)
    if request.method == "POST" and form.is_valid():
        try:
            budget_line_save(form.instance, by=request.user)
        except ValidationError as error:
            form_error(form, error)
        else:
            messages.success(request, _("Changes saved."))
            return redirect(_record_url(line))
    kind = "event" if line.event_id else "challenge"
    return portal_render(
        request,
        "budgets/line_form.html",
        {
            "nav": f"{kind}s",
            "form": form,
            "record": line.record,
            "kind": kind,
            "line": line,
            "title": _("Edit budget line"),
        },
        status=form_status(form),
    )


@require_POST
@portal_view
def budget_line_delete_view(request, pk: int):
    line = get_scoped_or_404(request, BudgetLine.objects.all(), pk=pk)
    require_edit(request, line)
    budget_line_delete(line, by=request.user)
    messages.success(request, _("Budget line removed."))
    return redirect(_record_url(line))


def _require_finance(request, perm: str = Perm.FINANCE_VIEW) -> None:
    if not request.access.can(perm):
        raise Http404


def _rates_page(request, form=None, status=200):
    page, filter_query = paginate(request, selectors.exchange_rate_list(), request.GET)
    return portal_render(
        request,
        "budgets/rates.html",
        {
            "nav": "rates",
            "rates": page,
            "page": page,
            "filter_query": filter_query,
            "form": form or ExchangeRateForm(initial={"reporting_currency": reporting_currency()}),
            "can_edit_rates": request.access.can(Perm.FINANCE_EDIT),
            "reporting_currency": reporting_currency(),
        },
        status=status,
    )


@portal_view
def exchange_rates(request):
    _require_finance(request)
    return _rates_page(request)


@require_POST
@portal_view
def exchange_rate_add(request):
    _require_finance(request)
    require_edit(request, perm=Perm.FINANCE_EDIT)
    form = ExchangeRateForm(request.POST)
    if form.is_valid():
        try:
            exchange_rate_save(form.instance, by=request.user)
        except ValidationError as error:
            form_error(form, error)
        else:
            messages.success(request, _("Exchange rate added."))
            return redirect("budgets:rates")
    return _rates_page(request, form, status=400)


@portal_view
def exchange_rate_edit(request, pk: int):
    rate = get_scoped_or_404(request, ExchangeRate.objects.all(), pk=pk)
    require_edit(request, rate)
    form = ExchangeRateForm(request.POST or None, instance=rate)
    if request.method == "POST" and form.is_valid():
        try:
            exchange_rate_save(form.instance, by=request.user)
        except ValidationError as error:
            form_error(form, error)
        else:
            messages.success(request, _("Changes saved."))
            return redirect("budgets:rates")
    return portal_render(
        request,
        "budgets/rate_form.html",
        {"nav": "rates", "form": form, "rate": rate, "title": _("Edit exchange rate")},
        status=form_status(form),
    )


@require_POST
@portal_view
def exchange_rate_delete_view(request, pk: int):
    rate = get_scoped_or_404(request, ExchangeRate.objects.all(), pk=pk)
    require_edit(request, rate)
    exchange_rate_delete(rate, by=request.user)
    messages.success(request, _("Exchange rate removed."))
    return redirect("budgets:rates")
