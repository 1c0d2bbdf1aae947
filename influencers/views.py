"""Portal pages for influencers: list, pipeline board, page with follower chart and outreach."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import QueryDict
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from opsportal.access import in_country
from opsportal.charts import Annotation, line_chart
from opsportal.history import record_history
from opsportal.l10n import country_name
from opsportal.portal.charts import svg_response
from opsportal.portal.mixins import (
    form_error,
    get_scoped_or_404,
    list_filters,
    portal_render,
    portal_view,
    render_filtered_list,
    require_edit,
    saved_views,
    scoped,
)

from . import selectors
from .followers import follower_count_type
from .forms import (
    BOARD_FILTER_FIELDS,
    AccountFormSet,
    FollowerCountForm,
    InfluencerForm,
    OutreachForm,
    StageForm,
    influencer_filters,
)
from .models import Influencer, PlatformAccount, Stage
from .services import influencer_log_interaction, influencer_move_stage, influencer_save, influencer_share

LIST_NAME = "influencers"
BOARD_NAME = "influencer-board"


def _country_influencers(request):
    return scoped(request, in_country(Influencer.objects.all(), request.country))


@portal_view
def influencer_list(request):
    return render_filtered_list(
        request,
        list_name=LIST_NAME,
        template="influencers/list.html",
        build_filterset=influencer_filters,
        queryset=selectors.influencer_list(_country_influencers(request)),
    )


def _board_context(request, params: QueryDict) -> dict:
    filterset = influencer_filters(params, _country_influencers(request), request, BOARD_FILTER_FIELDS)
    query = urlencode([(k, v) for k, values in params.lists() for v in values if v])
    return {
        "nav": "board",
        "filterset": filterset,
        "columns": selectors.pipeline_board(filterset.qs),
        "filter_query": query,
        "stages": Stage.choices,
    }


@portal_view
def influencer_board(request):
    params, restored = list_filters(request, BOARD_NAME)
    context = _board_context(request, params)
    context.update({"restored": restored, "views": saved_views(request, BOARD_NAME), "list_name": BOARD_NAME})
    return portal_render(request, "influencers/board.html", context)


@require_POST
@portal_view
def influencer_stage(request, pk: int):
    """Move a card: one POST. From the board (htmx) the board comes back re-rendered."""
    influencer = get_scoped_or_404(request, Influencer.objects.all(), pk=pk)
    require_edit(request, influencer)
    form = StageForm(request.POST)
    if form.is_valid():
        try:
            influencer_move_stage(influencer, form.cleaned_data["stage"], by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                _("%(name)s moved to %(stage)s.") % {"name": influencer.name, "stage": influencer.get_stage_display()},
            )
    else:
        messages.error(request, _("Choose a pipeline stage."))
    if request.htmx:
        context = _board_context(request, QueryDict(request.POST.get("board_query", "")))
        context["moved"] = influencer.pk
        return portal_render(request, "influencers/_board.html", context)
    return redirect(_safe_next(request, "influencers:board"))


@portal_view
def influencer_detail(request, pk: int):
    influencer = get_scoped_or_404(request, Influencer.objects.select_related("country", "relationship_owner"), pk=pk)
    return portal_render(request, "influencers/detail.html", _detail_context(request, influencer, OutreachForm()))


def _detail_context(request, influencer, form) -> dict:
    return {
        "nav": "influencers",
        "influencer": influencer,
        "can_edit": request.access.can_edit(influencer),
        "accounts": selectors.public_accounts(influencer),
        "kept_by": selectors.profile_keeper_country(influencer),
        "shared_in": selectors.sharing_countries(influencer),
        "categories": list(influencer.categories.all()),
        "outreach": selectors.outreach_log(influencer),
        "form": form,
        "joined": selectors.challenges_joined(influencer)[:50],
        "attended": selectors.events_attended(influencer)[:50],
        "stages": Stage.choices,
        "history": record_history(influencer, request.access),
    }


@require_POST
@portal_view
def influencer_outreach(request, pk: int):
    """Log an outreach entry from the inline form; htmx swaps the log section in place."""
    influencer = get_scoped_or_404(request, Influencer.objects.select_related("country"), pk=pk)
    require_edit(request, influencer)
    form = OutreachForm(request.POST)
    if form.is_valid():
        try:
            influencer_log_interaction(
                influencer,
                kind=form.cleaned_data["kind"],
                summary=form.cleaned_data["summary"],
                occurred_at=form.cleaned_data.get("occurred_at"),
                next_follow_up_on=form.cleaned_data.get("next_follow_up_on"),
                by=request.user,
            )
        except ValidationError as error:
            form_error(form, error)
        else:
            if not request.htmx:
                messages.success(request, _("Outreach logged."))
                return redirect("influencers:detail", pk=pk)
            influencer.refresh_from_db()
            context = _detail_context(request, influencer, OutreachForm())
            context["logged"] = True
            return portal_render(request, "influencers/_outreach.html", context)
    context = _detail_context(request, influencer, form)
    if request.htmx:
        # 200 so htmx swaps the form back in with its errors next to the fields.
        return portal_render(request, "influencers/_outreach.html", context)
    return portal_render(request, "influencers/detail.html", context, status=400)


@portal_view
def influencer_chart(request, pk: int):
    """Followers per platform over time; the day our platform overtook the others is marked."""
    influencer = get_scoped_or_404(request, Influencer.objects.all(), pk=pk)

    def draw() -> bytes:
        history = selectors.follower_history(influencer)
        series = {selectors.platform_label(p): points for p, points in history.items()}
        notes = []
        crossed = influencer.crossed_over_on or selectors.crossover_date(history)
        if crossed:
            notes.append(Annotation(crossed, _("Overtook other platforms"), "crossover"))
        return line_chart(series, annotations=notes, empty_text=_("No follower history yet"))

    return svg_response(request, ("influencer", influencer.pk, influencer.updated_at, influencer.total_followers), draw)


def _safe_next(request, default: str):
    target = request.POST.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return default


# --- create and edit, with the platform accounts ------------------------------------------


def _save_influencer(request, influencer, country):
    form = InfluencerForm(request.POST or None, instance=influencer, country=country)
    formset = AccountFormSet(request.POST or None, instance=form.instance, prefix="accounts")
    _wire_handle_check(formset, influencer)
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        try:
            saved = influencer_save(
                form.instance,
                categories=form.cleaned_data.get("categories"),
                accounts=[f.instance for f in formset.forms if f.has_changed() and f not in formset.deleted_forms],
                removed_accounts=[f.instance for f in formset.deleted_forms if f.instance.pk],
                by=request.user,
            )
        except ValidationError as error:
            form_error(form, error)
        else:
            return saved, form, formset
    return None, form, formset


def _wire_handle_check(formset, influencer) -> None:
    """As a handle is typed, htmx asks handle_check and shows what already exists."""
    url = reverse("influencers:handle_check")
    if influencer.pk:
        url += f"?influencer={influencer.pk}"
    for account in formset.forms:
        account.fields["handle"].widget.attrs.update(
            {
                "hx-get": url,
                "hx-trigger": "input changed delay:300ms, change",
                "hx-target": f"#{account.prefix}-dup",
                "hx-include": f"[name='{account.prefix}-platform']",
                "hx-sync": "this:replace",
                "aria-describedby": f"{account.prefix}-dup",
            }
        )


def _form_page(request, form, formset, influencer=None):
    status = 400 if form.is_bound and (form.errors or formset.total_error_count()) else 200
    context = {"nav": "influencers", "form": form, "formset": formset, "influencer": influencer}
    return portal_render(request, "influencers/form.html", context, status=status)


@portal_view
def influencer_create(request):
    require_edit(request)
    saved, form, formset = _save_influencer(request, Influencer(country=request.country), request.country)
    if saved is not None:
        messages.success(request, _("%(name)s added.") % {"name": saved.name})
        return redirect("influencers:detail", pk=saved.pk)
    return _form_page(request, form, formset)


@portal_view
def influencer_edit(request, pk: int):
    influencer = get_scoped_or_404(request, Influencer.objects.select_related("country"), pk=pk)
    require_edit(request, influencer)
    saved, form, formset = _save_influencer(request, influencer, influencer.country)
    if saved is not None:
        messages.success(request, _("Changes saved."))
        return redirect("influencers:detail", pk=saved.pk)
    return _form_page(request, form, formset, influencer)


@portal_view
def handle_check(request):
    """As a handle is typed: the accounts with that handle in the countries this person may
    read (never another country's: those are simply not looked at)."""
    handle = platform = ""
    for key, value in request.GET.items():
        if key == "handle" or key.endswith("-handle"):
            handle = value.strip().lstrip("@")
        elif key == "platform" or key.endswith("-platform"):
            platform = value
    matches = []
    elsewhere = None
    if len(handle) >= 2:
        accounts = scoped(request, PlatformAccount.objects.select_related("influencer__country")).filter(
            handle__iexact=handle
        )
        if request.GET.get("influencer", "").isdigit():
            accounts = accounts.exclude(influencer_id=int(request.GET["influencer"]))
        matches = sorted(accounts[:5], key=lambda a: (a.platform != platform, a.platform))
        if not request.GET.get("influencer") and platform and not any(a.platform == platform for a in matches):
            # Kept by a team this person cannot read: handles are public, so saying it exists (and
            # offering to work the creator here too) reveals nothing of that team's relationship.
            elsewhere = selectors.account_elsewhere(platform, handle)
            if elsewhere is not None and elsewhere.pk == request.country.pk:
                elsewhere = None
    return portal_render(
        request,
        "influencers/_handle_check.html",
        {"matches": matches, "platform": platform, "handle": handle, "elsewhere": elsewhere},
    )


@require_POST
@portal_view
def influencer_share_here(request):
    """ "Work this creator in <my country> too": this team's own relationship with a creator
    whose accounts another team keeps, found by one of those accounts (platform + handle)."""
    require_edit(request)
    # The button sits in the new-influencer form (formaction): it sends "<platform>:<handle>".
    platform, _sep, handle = request.POST.get("share_account", "").partition(":")
    home_id = selectors.profile_of_account(platform, handle)
    if home_id is None:
        messages.error(request, _("No such account."))
        return redirect("influencers:create")
    try:
        shared = influencer_share(Influencer(pk=home_id), request.country, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("influencers:create")
    messages.success(
        request,
        _("%(name)s is now worked in %(country)s too.")
        % {"name": shared.name, "country": country_name(request.country)},
    )
    return redirect("influencers:detail", pk=shared.pk)


# --- follower counts typed by hand ----------------------------------------------------------


@portal_view
def account_followers_add(request, pk: int):
    account = get_scoped_or_404(request, PlatformAccount.objects.select_related("influencer__country"), pk=pk)
    require_edit(request, account)
    form = FollowerCountForm(request.POST or None, initial={"date": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            follower_count_type(account, date=form.cleaned_data["date"], followers=form.cleaned_data["followers"])
        except ValidationError as error:
            form_error(form, error)
        else:
            messages.success(request, _("Follower count saved."))
            return redirect("influencers:detail", pk=account.influencer_id)
    recent = list(account.snapshots.order_by("-date")[:10])
    return portal_render(
        request,
        "influencers/followers_form.html",
        {"nav": "influencers", "form": form, "account": account, "influencer": account.influencer, "recent": recent},
        status=400 if form.is_bound and form.errors else 200,
    )
