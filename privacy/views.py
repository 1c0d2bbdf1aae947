"""Sign out everywhere, and personal-data export and erasure: thin doors over their services."""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from opsportal.access import access_for_user, get_scoped_or_404, require_edit
from opsportal.sessions import end_all_sessions

from .services import personal_data_erase, personal_data_export


@login_required
@require_http_methods(["GET", "POST"])
def sign_out_everywhere(request):
    """GET asks to confirm; POST ends every session of this person, this one included."""
    if request.method == "POST":
        user = request.user
        count = end_all_sessions(user)
        logout(request)
        messages.success(
            request, _("You were signed out on every device (%(count)d session(s)).") % {"count": max(count, 1)}
        )
        return redirect("login")
    return render(request, "security/sign_out_everywhere.html")


def _subject(request, kind: str, pk: int):
    """The influencer or contact, among those this person may see (else 404)."""
    from influencers.models import Influencer
    from locales.models import GovernmentContact

    models = {"influencer": Influencer, "contact": GovernmentContact}
    if kind not in models:
        raise Http404
    return get_scoped_or_404(access_for_user(request.user), models[kind].objects.all(), pk=pk)


@login_required
@require_http_methods(["GET"])
def privacy_export(request, kind: str, pk: int):
    """Download what we hold on one person, as JSON (a subject access request)."""
    subject = _subject(request, kind, pk)
    data = personal_data_export(subject, access_for_user(request.user))
    body = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="personal-data-{kind}-{subject.pk}.json"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def privacy_erase(request, kind: str, pk: int):
    """GET asks to confirm (typing the word ERASE); POST anonymises the person for good."""
    subject = _subject(request, kind, pk)
    access = access_for_user(request.user)
    require_edit(access, subject)  # read-only people are refused before any form
    error = ""
    if request.method == "POST":
        if request.POST.get("confirm", "").strip().upper() == "ERASE":
            try:
                personal_data_erase(subject, access, reason=request.POST.get("reason", ""))
            except ValidationError as refused:
                error = " ".join(refused.messages)
            else:
                messages.success(request, _("The personal data was erased."))
                return redirect(_record_url(kind, subject.pk))
        else:
            error = _("Type ERASE to confirm.")
    return render(
        request,
        "security/privacy_erase.html",
        {"subject": subject, "kind": kind, "error": error},
        status=400 if error else 200,
    )


def _record_url(kind: str, pk: int) -> str:
    name = {"influencer": "influencers:detail", "contact": "locales:contact"}[kind]
    try:
        return reverse(name, args=[pk])
    except NoReverseMatch:
        return reverse("portal:dashboard")
