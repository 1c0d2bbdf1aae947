"""Portal pages for challenges: list, page, create, edit, status moves, trend charts."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from opsportal.access import in_country
from opsportal.charts import line_chart
from opsportal.history import record_history
from opsportal.portal.charts import svg_response
from opsportal.portal.mixins import (
    form_error,
    form_status,
    get_scoped_or_404,
    portal_render,
    portal_view,
    render_filtered_list,
    require_edit,
    scoped,
)

from . import selectors
from .forms import ChallengeForm, MetricsForm, StatusForm, challenge_filters
from .metrics import METRICS, metric_snapshot_correct, metric_snapshot_type
from .models import Challenge, ChallengeMetricSnapshot, Status
from .services import allowed_statuses, challenge_change_status, challenge_save

LIST_NAME = "challenges"
RECENT_SNAPSHOTS = 7


@portal_view
def challenge_list(request):
    return render_filtered_list(
        request,
        list_name=LIST_NAME,
        template="challenges/list.html",
        build_filterset=challenge_filters,
        queryset=selectors.challenge_list(scoped(request, in_country(Challenge.objects.all(), request.country))),
    )


@portal_view
def challenge_detail(request, pk: int):
    challenge = get_scoped_or_404(request, selectors.challenge_detail_queryset(), pk=pk)
    return portal_render(request, "challenges/detail.html", _detail_context(request, challenge))


def _detail_context(request, challenge, metrics_form=None) -> dict:
    can_edit = request.access.can_edit(challenge)
    return {
        "nav": "challenges",
        "challenge": challenge,
        "can_edit": can_edit,
        "moves": [(s, Status(s).label) for s in allowed_statuses(challenge)] if can_edit else [],
        "progress": selectors.challenge_progress(challenge),
        "participants": selectors.challenge_participants(challenge)[:100],
        "history": record_history(challenge, request.access),
        "latest": challenge.snapshots.order_by("-captured_at").first(),
        "recent": list(challenge.snapshots.order_by("-captured_at")[:RECENT_SNAPSHOTS]),
        "metrics_form": metrics_form or MetricsForm(),
    }


@portal_view
def challenge_create(request):
    require_edit(request)
    form = ChallengeForm(request.POST or None, country=request.country)
    if request.method == "POST" and form.is_valid():
        try:
            challenge = challenge_save(form.instance, by=request.user, status=form.cleaned_data["status"])
        except ValidationError as error:
            form_error(form, error)
        else:
            messages.success(request, _("Challenge #%(tag)s created.") % {"tag": challenge.hashtag})
            return redirect("challenges:detail", pk=challenge.pk)
    return portal_render(request, "challenges/form.html", {"nav": "challenges", "form": form}, status=form_status(form))


@portal_view
def challenge_edit(request, pk: int):
    challenge = get_scoped_or_404(request, Challenge.objects.all(), pk=pk)
    require_edit(request, challenge)
    form = ChallengeForm(request.POST or None, instance=challenge, country=challenge.country)
    if request.method == "POST" and form.is_valid():
        try:
            challenge_save(form.instance, by=request.user)
        except ValidationError as error:
            form_error(form, error)
        else:
            messages.success(request, _("Changes saved."))
            return redirect("challenges:detail", pk=challenge.pk)
    return portal_render(
        request,
        "challenges/form.html",
        {"nav": "challenges", "form": form, "challenge": challenge},
        status=form_status(form),
    )


@require_POST
@portal_view
def challenge_status(request, pk: int):
    challenge = get_scoped_or_404(request, Challenge.objects.all(), pk=pk)
    require_edit(request, challenge)
    form = StatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a status."))
        return redirect("challenges:detail", pk=pk)
    try:
        challenge_change_status(challenge, form.cleaned_data["status"], by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The challenge is now %(status)s.") % {"status": challenge.get_status_display()})
    return redirect("challenges:detail", pk=pk)


@portal_view
def challenge_chart(request, pk: int):
    """Views (or videos, likes and shares) over time, with the country's events, cultural
    moments and (for those allowed) incidents marked on the time axis."""
    challenge = get_scoped_or_404(request, Challenge.objects.select_related("country"), pk=pk)
    which = "engagement" if request.GET.get("set") == "engagement" else "views"
    government = request.access.can("government.view", challenge.country_id)

    def draw() -> bytes:
        trend = selectors.challenge_trend(challenge)
        if which == "views":
            series = {_("Views"): trend["views"]}
        else:
            series = {_("Videos"): trend["videos"], _("Likes"): trend["likes"], _("Shares"): trend["shares"]}
        points = [p[0] for values in series.values() for p in values]
        notes = []
        if points:
            zone = challenge.country.zone
            start = timezone.localtime(min(points), zone).date() - dt.timedelta(days=1)
            end = timezone.localtime(max(points), zone).date() + dt.timedelta(days=1)
            notes = selectors.trend_annotations(challenge.country, start, end, government=government)
        return line_chart(series, annotations=notes, empty_text=_("No metrics yet"))

    key = ("challenge", challenge.pk, which, challenge.metrics_at, challenge.updated_at, government)
    return svg_response(request, key, draw)


# --- numbers typed by hand ---------------------------------------------------------------------


def _metric_values(form) -> dict:
    return {m: form.cleaned_data.get(m) or 0 for m in METRICS}


@require_POST
@portal_view
def challenge_metrics_add(request, pk: int):
    """Today's numbers from the quick row on the challenge page (source "typed")."""
    challenge = get_scoped_or_404(request, selectors.challenge_detail_queryset(), pk=pk)
    require_edit(request, challenge)
    form = MetricsForm(request.POST)
    if form.is_valid():
        try:
            metric_snapshot_type(
                challenge, captured_at=form.cleaned_data["captured_at"] or timezone.now(), **_metric_values(form)
            )
        except ValidationError as error:
            form_error(form, error)
        else:
            messages.success(request, _("Numbers saved."))
            return redirect("challenges:detail", pk=pk)
    return portal_render(request, "challenges/detail.html", _detail_context(request, challenge, form), status=400)


@portal_view
def snapshot_edit(request, pk: int):
    """Correct a snapshot's numbers; what it said before stays in its audit trail."""
    snapshot = get_scoped_or_404(request, ChallengeMetricSnapshot.objects.select_related("challenge__country"), pk=pk)
    require_edit(request, snapshot)
    initial = {m: getattr(snapshot, m) for m in METRICS}
    initial["captured_at"] = timezone.localtime(snapshot.captured_at)
    form = MetricsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            metric_snapshot_correct(
                snapshot, captured_at=form.cleaned_data["captured_at"] or snapshot.captured_at, **_metric_values(form)
            )
        except ValidationError as error:
            form_error(form, error)
        else:
            messages.success(request, _("Numbers corrected."))
            return redirect("challenges:detail", pk=snapshot.challenge_id)
    return portal_render(
        request,
        "challenges/snapshot_form.html",
        {
            "nav": "challenges",
            "form": form,
            "snapshot": snapshot,
            "challenge": snapshot.challenge,
            "history": record_history(snapshot, request.access),
        },
        status=400 if form.is_bound and form.errors else 200,
    )
