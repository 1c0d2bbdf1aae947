"""The notification inbox and reminder preferences: thin doors onto notifications.services."""

from django.contrib import messages
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from opsportal.access import Perm
from opsportal.portal.mixins import paginate, portal_render, portal_view

from . import services
from .forms import ReminderPreferencesForm


def _safe(request, url: str, fallback: str = "notifications:inbox"):
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(url)
    return redirect(fallback)


@portal_view
def inbox(request):
    notifications = services.inbox(request.user)
    unread_only = request.GET.get("unread") == "1"
    if unread_only:
        notifications = notifications.filter(read_at__isnull=True)
    page, query = paginate(request, notifications, request.GET)
    return portal_render(
        request,
        "notifications/inbox.html",
        {
            "page": page,
            "filter_query": query,
            "unread_only": unread_only,
            "unread": services.unread_count(request.user),
            "nav": "notifications",
        },
    )


@portal_view
def open_notification(request, pk: int):
    """Follow a notification's link, marking it read on the way."""
    notification = services.notification_mark_read(request.user, pk)
    if notification is None:
        return redirect("notifications:inbox")
    return _safe(request, notification.url)


@require_POST
@portal_view
def mark_read(request, pk: int):
    services.notification_mark_read(request.user, pk)
    return _safe(request, request.POST.get("next", ""))


@require_POST
@portal_view
def mark_all_read(request):
    count = services.notifications_mark_all_read(request.user)
    messages.success(
        request,
        ngettext("%(count)s notification marked as read.", "%(count)s notifications marked as read.", count)
        % {"count": count},
    )
    return _safe(request, request.POST.get("next", ""))


@portal_view
def preferences(request):
    government = request.access.can(Perm.GOVERNMENT_VIEW)
    finance = request.access.can(Perm.FINANCE_VIEW)
    if request.method == "POST":
        form = ReminderPreferencesForm(request.POST, government=government, finance=finance)
        if form.is_valid():
            services.reminders_mute(request.user, form.cleaned_data["muted"])
            messages.success(request, _("Your reminder preferences are saved."))
            return redirect("notifications:preferences")
        status = 400
    else:
        form = ReminderPreferencesForm(
            initial={"muted": services.muted_reminders(request.user)}, government=government, finance=finance
        )
        status = 200
    return portal_render(
        request, "notifications/preferences.html", {"form": form, "nav": "notifications"}, status=status
    )
