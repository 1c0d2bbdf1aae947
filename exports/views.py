"""Export doors: any list as CSV or XLSX with the list's filters, and the country handover pack.

Signed-in people use them from the portal; integrations with ``Authorization: Bearer <token>``.
Rows are those the caller may read (``Access.scope``); a government list does not exist for
someone without the government permission (404, as everywhere).
"""

from __future__ import annotations

from django.contrib.auth.views import redirect_to_login
from django.http import FileResponse, Http404, JsonResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from locales.models import Country
from opsportal import l10n
from opsportal.access import Perm, access_for_user, is_government, read_perm
from opsportal.audit import audit_context, record_batch
from opsportal.db import Door
from opsportal.db_router import Reads, heavy_reads
from opsportal.l10n import country_name
from opsportal.portal.mixins import portal_render, portal_view
from opsportal.scope import scope_of

from .handover import build_pack
from .registry import LISTS
from .writers import CSV_CONTENT_TYPE, XLSX_CONTENT_TYPE, csv_stream, xlsx_file

CONTROL_PARAMS = {"page", "clear", "view", "format", "cursor", "page_size"}


def _caller(request):
    """The signed-in person, or the integration behind a Bearer token; None when neither."""
    if request.META.get("HTTP_AUTHORIZATION", "").lower().startswith("bearer "):
        from rest_framework.exceptions import AuthenticationFailed

        from opsportal.api.authentication import BearerTokenAuthentication

        try:
            found = BearerTokenAuthentication().authenticate(request)
        except AuthenticationFailed:
            return None
        if found:
            request.user = found[0]
            return found[0]
        return None
    return request.user if request.user.is_authenticated else None


def _in_scope(access, rows):
    """Rows streamed after the view returned (and the request's scope closed) are still read in
    the caller's scope: a related list fetched per chunk would otherwise raise ScopeError. They
    are read from the replica when it holds every write made before the first row."""
    with scope_of(access), heavy_reads(Reads.EXPORT):
        yield from rows


def _audit(user, door: str, action: str, model, summary: str, country=None, details=None) -> None:
    token = getattr(user, "token", None) if getattr(user, "is_token", False) else None
    person = None if token else user
    with audit_context(door, user=person, token=token):
        record_batch(action, model, summary=summary, country=country, details=details or {})


@require_GET
def export_list(request, name: str, fmt: str):
    spec = LISTS.get(name)
    if spec is None:
        raise Http404
    user = _caller(request)
    if user is None:
        if request.META.get("HTTP_AUTHORIZATION"):
            return JsonResponse({"detail": _("Invalid token.")}, status=401)
        return redirect_to_login(request.get_full_path())
    access = access_for_user(user)
    model = spec.model
    if not access.can(read_perm(model)):
        raise Http404  # government lists do not exist for people without the role
    columns = spec.columns()
    data = request.GET.copy()
    for key in CONTROL_PARAMS:
        data.pop(key, None)
    filterset = spec.filterset_class()(data, queryset=access.scope(spec.queryset(columns)), request=request)
    if not filterset.is_valid():
        return JsonResponse({"errors": filterset.errors.get_json_data()}, status=400)
    queryset = filterset.qs
    headers = [c.header for c in columns]
    stamp = timezone.now().strftime("%Y%m%d-%H%M")
    filename = f"opsportal-{name}-{stamp}.{fmt}"
    door = Door.API if getattr(user, "is_token", False) else Door.PORTAL
    _audit(
        user,
        door,
        "export",
        model,
        _("Exported %(list)s as %(fmt)s") % {"list": spec.label, "fmt": fmt.upper()},
        details={"list": name, "query": data.urlencode()[:500]},
    )
    if fmt == "csv":
        response = StreamingHttpResponse(
            csv_stream(headers, _in_scope(access, spec.rows(queryset, columns))), content_type=CSV_CONTENT_TYPE
        )
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
    else:
        with heavy_reads(Reads.EXPORT):
            handle = xlsx_file([(str(spec.label), headers, spec.rows(queryset, columns))])
        response = FileResponse(handle, as_attachment=True, filename=filename, content_type=XLSX_CONTENT_TYPE)
    response["Cache-Control"] = "no-store"  # exports hold personal and confidential data
    if is_government(model):
        response["X-Robots-Tag"] = "noindex"
    return response


@require_GET
def handover_pack(request, code: str):
    user = _caller(request)
    if user is None:
        return redirect_to_login(request.get_full_path())
    access = access_for_user(user)
    country = access.countries(Perm.VIEW).filter(code=code.upper()).first()
    if country is None:
        raise Http404
    with heavy_reads(Reads.EXPORT):
        handle, names = build_pack(access, country, by=l10n.person(user))
    _audit(
        user,
        Door.PORTAL,
        "handover_pack",
        Country,
        _("Handover pack of %(country)s") % {"country": country_name(country)},
        country=country,
        details={"files": names},
    )
    filename = f"opsportal-handover-{country.code}-{timezone.now():%Y%m%d}.zip"
    response = FileResponse(handle, as_attachment=True, filename=filename, content_type="application/zip")
    response["Cache-Control"] = "no-store"
    return response


@portal_view
def handover_index(request):
    """The page listing the packs a person may download, and what each will hold."""
    countries = list(request.access.countries(Perm.VIEW).order_by("name"))
    access = request.access
    rows = [(c, access.can(Perm.GOVERNMENT_VIEW, c.pk), access.can(Perm.FINANCE_VIEW, c.pk)) for c in countries]
    can_reassign = request.access.can(Perm.TEAM_HANDOVER, request.country.pk)
    context = {"nav": "handover", "rows": rows, "can_reassign": can_reassign}
    return portal_render(request, "exports/handover.html", context)


@portal_view
def handover_reassign(request):
    """A lead hands a leaver's influencers, open follow-ups, open tasks and open commitments in
    the current country to a colleague, in one step (the service checks and audits it)."""
    from django.contrib import messages
    from django.core.exceptions import PermissionDenied, ValidationError
    from django.shortcuts import redirect

    from opsportal.portal.mixins import form_error

    from .forms import ReassignForm
    from .reassign import handover_reassign as reassign
    from .reassign import holdings

    country = request.country
    if not request.access.can(Perm.TEAM_HANDOVER, country.pk):
        raise PermissionDenied
    form = ReassignForm(request.POST if request.method == "POST" else None, country=country)
    if request.method == "POST" and form.is_valid():
        try:
            moved = reassign(
                country,
                leaver=form.cleaned_data["leaver"],
                successor=form.cleaned_data["successor"],
                access=request.access,
                by=request.user,
            )
        except ValidationError as error:
            form_error(form, error)
        else:
            messages.success(
                request,
                _(
                    "Handed over to %(successor)s: %(influencers)d influencers, %(follow_ups)d follow-ups, "
                    "%(tasks)d tasks, %(commitments)d commitments, %(requests)d regulator requests."
                )
                % {
                    "successor": l10n.person(form.cleaned_data["successor"]),
                    "influencers": moved.influencers,
                    "follow_ups": moved.follow_ups,
                    "tasks": moved.tasks,
                    "commitments": moved.commitments,
                    "requests": moved.requests,
                },
            )
            return redirect("exports:handover_reassign")
    # What each person still holds here: the lead sees whose work needs a new owner.
    government = request.access.can(Perm.GOVERNMENT_EDIT, country.pk)
    holders = holdings(country, government=government)
    status = 400 if request.method == "POST" else 200
    context = {"nav": "handover", "form": form, "holders": holders, "government": government}
    return portal_render(request, "exports/reassign.html", context, status=status)
