"""Country scoping for portal views: the current country, 404 outside access, 403 for writes.

Every portal view is wrapped in ``portal_view``: it signs the person in, finds the country
they work in (chosen in the session, among the countries they may see), and runs the whole
view in that country's timezone, so forms read and pages show local times.
"""

from __future__ import annotations

import functools
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest, QueryDict
from django.shortcuts import render
from django.utils import timezone

from opsportal.access import Perm, access_for_user
from opsportal.access import get_scoped_or_404 as get_scoped_or_404  # the one of each, for the portal's views
from opsportal.access import require_edit as require_edit

from .pagination import KeysFirstPaginator

SESSION_KEY = "portal_country_id"
PAGE_SIZE = 50


def user_countries(request: HttpRequest) -> list:
    """The countries this person may read, cached on the request."""
    if not hasattr(request, "_portal_countries"):
        access = access_for_user(request.user)
        request._portal_countries = list(access.countries().order_by("name"))
    return request._portal_countries


def current_country(request: HttpRequest):
    """The country chosen in the session, or the person's first one; None with no team."""
    countries = user_countries(request)
    if not countries:
        return None
    chosen = request.session.get(SESSION_KEY)
    for country in countries:
        if country.pk == chosen:
            return country
    return countries[0]


def portal_view(view):
    """Signed in, with a current country, in that country's timezone."""

    @login_required
    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        request.access = access_for_user(request.user)
        request.country = current_country(request)
        request.record_found = functools.partial(_show_in_record_country, request)
        if request.country is None:
            return render(request, "portal/no_country.html", status=403)
        with timezone.override(request.country.timezone):
            return view(request, *args, **kwargs)

    return wrapper


def scoped(request: HttpRequest, queryset: QuerySet, perm: str | None = None) -> QuerySet:
    return request.access.scope(queryset, perm)


def _show_in_record_country(request: HttpRequest, obj: Model) -> None:
    """A record of another of the person's countries shows its times in that country's zone."""
    country_id = request.access.country_id_of(obj)
    if country_id and country_id != request.country.pk:
        for country in user_countries(request):
            if country.pk == country_id:
                timezone.activate(country.timezone)
                break


def require_government(request: HttpRequest, country_id: int | None = None) -> None:
    """Government relations do not exist for anyone without the role: 404, never 403."""
    if not request.access.can(Perm.GOVERNMENT_VIEW, country_id or request.country.pk):
        raise Http404


def require_finance(request: HttpRequest, country_id: int | None = None) -> None:
    """Creator agreements and fees do not exist for anyone without finance.view: 404, never 403."""
    if not request.access.can(Perm.FINANCE_VIEW, country_id or request.country.pk):
        raise Http404


def can_edit_country(request: HttpRequest, perm: str = Perm.EDIT) -> bool:
    return request.access.can(perm, request.country.pk)


def portal_render(request: HttpRequest, template: str, context: dict | None = None, status: int = 200):
    context = dict(context or {})
    context.setdefault("country", request.country)
    context.setdefault("countries", user_countries(request))
    context.setdefault("can_edit", can_edit_country(request))
    context.setdefault("can_government", request.access.can(Perm.GOVERNMENT_VIEW, request.country.pk))
    context.setdefault("can_edit_government", request.access.can(Perm.GOVERNMENT_EDIT, request.country.pk))
    context.setdefault("can_finance", request.access.can(Perm.FINANCE_VIEW, request.country.pk))
    context.setdefault("can_edit_finance", request.access.can(Perm.FINANCE_EDIT, request.country.pk))
    context.setdefault("zone_name", timezone.get_current_timezone_name())
    context.setdefault("can_hq", request.access.country_ids(Perm.VIEW) is None)  # the HQ overview
    context.setdefault("can_finance", request.access.can(Perm.FINANCE_VIEW))  # money: exchange rates
    return render(request, template, context, status=status)


def paginate(request: HttpRequest, queryset: QuerySet, params: QueryDict, per_page: int = PAGE_SIZE):
    """A page of rows plus the filters' query string (without ``page``) for the page links."""
    asked = request.GET.get("page")
    page = KeysFirstPaginator(queryset, per_page, asked_page=asked).get_page(asked)
    params = params.copy()
    for key in CONTROL_PARAMS:
        params.pop(key, None)
    return page, params.urlencode()


# --- Remembered and named filters --------------------------------------------------
CONTROL_PARAMS = {"page", "clear", "view"}


def list_filters(request: HttpRequest, list_name: str) -> tuple[QueryDict, bool]:
    """The filters a list runs with: those in the URL (remembered as the last used),
    or, when the URL has none, the person's last used ones. Returns (filters, restored)."""
    from opsportal.models import SavedView

    params = request.GET.copy()
    for key in CONTROL_PARAMS:
        params.pop(key, None)
    query = urlencode(sorted((k, v) for k, values in params.lists() for v in values if v != ""))
    if "clear" in request.GET:
        SavedView.objects.filter(user=request.user, list_name=list_name, is_last_used=True).delete()
        return QueryDict(""), False
    if query:
        # Filters longer than a saved view holds still apply; they are just not remembered.
        if len(query) <= SavedView._meta.get_field("query").max_length:
            SavedView.objects.update_or_create(
                user=request.user, list_name=list_name, is_last_used=True, defaults={"name": "", "query": query}
            )
        return params, False
    if "page" in request.GET:
        return params, False
    last = (
        SavedView.objects.filter(user=request.user, list_name=list_name, is_last_used=True)
        .values_list("query", flat=True)
        .first()
    )
    if last:
        return QueryDict(last), True
    return params, False


def saved_views(request: HttpRequest, list_name: str) -> list:
    from opsportal.models import SavedView

    return list(SavedView.objects.filter(user=request.user, list_name=list_name, is_last_used=False))


def form_error(form, error) -> None:
    """Put a service's ValidationError on the form: on its field when the form has it."""
    from django.core.exceptions import NON_FIELD_ERRORS

    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            target = field if field in form.fields else None
            for e in errors:
                form.add_error(target if field != NON_FIELD_ERRORS else None, e)
    else:
        form.add_error(None, error)


def form_status(form) -> int:
    """400 for a form sent back with errors (tests, scripts and assistive tools see the refusal), else 200."""
    return 400 if form.is_bound and form.errors else 200


def render_filtered_list(request: HttpRequest, *, list_name: str, template: str, build_filterset, queryset):
    """A portal list page: remembered filters, the app's filterset, one page of rows, saved views.

    ``build_filterset(params, queryset, request)`` is the app's filterset factory.
    """
    params, restored = list_filters(request, list_name)
    filterset = build_filterset(params, queryset, request)
    page, filter_query = paginate(request, filterset.qs, params)
    return portal_render(
        request,
        template,
        {
            "nav": list_name,
            "filterset": filterset,
            "page": page,
            "filter_query": filter_query,
            "restored": restored,
            "views": saved_views(request, list_name),
            "list_name": list_name,
        },
    )
