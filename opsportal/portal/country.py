"""The country switcher and the person's saved list views."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.db import IntegrityError
from django.http import Http404
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from opsportal.models import SavedView
from opsportal.portal.mixins import SESSION_KEY, portal_view, user_countries

LIST_NAMES = {"challenges", "influencers", "influencer-board", "events"}


def _next(request, default: str = "portal:dashboard"):
    target = request.POST.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return default


@require_POST
@portal_view
def country_switch(request):
    """Choose the country every page is scoped to, among the person's own."""
    try:
        wanted = int(request.POST.get("country", ""))
    except ValueError:
        raise Http404
    country = next((c for c in user_countries(request) if c.pk == wanted), None)
    if country is None:
        raise Http404
    request.session[SESSION_KEY] = country.pk
    target = _next(request)
    # A record page of the old country would 404 or mislead: go to the section's list instead.
    if isinstance(target, str) and any(ch.isdigit() for ch in target.split("?")[0]):
        target = "portal:dashboard"
    return redirect(target)


class SavedViewForm(forms.Form):
    list_name = forms.ChoiceField(choices=[(n, n) for n in sorted(LIST_NAMES)])
    name = forms.CharField(label=gettext_lazy("Name"), max_length=100)
    query = forms.CharField(max_length=1000, required=False)


@require_POST
@portal_view
def saved_view_save(request):
    form = SavedViewForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the view a name."))
        return redirect(_next(request))
    data = form.cleaned_data
    try:
        SavedView.objects.update_or_create(
            user=request.user,
            list_name=data["list_name"],
            name=data["name"].strip(),
            is_last_used=False,
            defaults={"query": data["query"]},
        )
    except IntegrityError:
        messages.error(request, _("A view with this name exists already."))
    else:
        messages.success(request, _("View “%(name)s” saved.") % {"name": data["name"]})
    return redirect(_next(request))


@require_POST
@portal_view
def saved_view_delete(request, pk: int):
    deleted, _count = SavedView.objects.filter(user=request.user, pk=pk).delete()
    if not deleted:
        raise Http404
    messages.success(request, _("View deleted."))
    return redirect(_next(request))
