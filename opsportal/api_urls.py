"""Every resource of the API under /api/v1/, and a JSON 404 for anything else.

The router belongs to the shell (it names every app's viewsets); ``opsportal.api`` is the plumbing the
apps build their API on, and imports none of them.
"""

from django.http import HttpResponsePermanentRedirect
from django.urls import Resolver404, re_path, resolve
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from rest_framework.routers import DefaultRouter

from agreements.api.views import AgreementViewSet, DeliverableViewSet, PaymentViewSet
from budgets.api.views import BudgetLineViewSet, ExchangeRateViewSet
from challenges.api.views import ChallengeViewSet, MetricSnapshotViewSet, ParticipationViewSet
from events.api.views import (
    EventGuestViewSet,
    EventPartnerViewSet,
    EventTaskViewSet,
    EventViewSet,
    PartnerViewSet,
)
from goals.api.views import ExternalFigureViewSet, GoalViewSet
from influencers.api.views import (
    FollowerSnapshotViewSet,
    InfluencerInteractionViewSet,
    InfluencerViewSet,
    PlatformAccountViewSet,
)
from locales.api.views import (
    CountryViewSet,
    CulturalMomentViewSet,
    GovernmentCommitmentViewSet,
    GovernmentContactViewSet,
    GovernmentInteractionViewSet,
    MembershipViewSet,
    RegulatorRequestViewSet,
    RegulatoryIncidentViewSet,
    RequestItemViewSet,
)
from opsportal.api.audit import AuditViewSet
from opsportal.api.errors import JsonResponse, error_body
from webhooks.api import WebhookSubscriptionViewSet

router = DefaultRouter()
for prefix, viewset, basename in [
    ("countries", CountryViewSet, "country"),
    ("cultural-moments", CulturalMomentViewSet, "cultural-moment"),
    ("memberships", MembershipViewSet, "membership"),
    ("influencers", InfluencerViewSet, "influencer"),
    ("platform-accounts", PlatformAccountViewSet, "platform-account"),
    ("follower-snapshots", FollowerSnapshotViewSet, "follower-snapshot"),
    ("influencer-interactions", InfluencerInteractionViewSet, "influencer-interaction"),
    ("challenges", ChallengeViewSet, "challenge"),
    ("challenge-participations", ParticipationViewSet, "challenge-participation"),
    ("challenge-metrics", MetricSnapshotViewSet, "challenge-metric"),
    ("events", EventViewSet, "event"),
    ("event-partners", EventPartnerViewSet, "event-partner"),
    ("partners", PartnerViewSet, "partner"),
    ("event-tasks", EventTaskViewSet, "event-task"),
    ("event-guests", EventGuestViewSet, "event-guest"),
    ("budget-lines", BudgetLineViewSet, "budget-line"),
    ("exchange-rates", ExchangeRateViewSet, "exchange-rate"),
    ("government-contacts", GovernmentContactViewSet, "government-contact"),
    ("government-interactions", GovernmentInteractionViewSet, "government-interaction"),
    ("regulatory-incidents", RegulatoryIncidentViewSet, "regulatory-incident"),
    ("government-commitments", GovernmentCommitmentViewSet, "government-commitment"),
    ("agreements", AgreementViewSet, "agreement"),
    ("deliverables", DeliverableViewSet, "deliverable"),
    ("payments", PaymentViewSet, "payment"),
    ("regulator-requests", RegulatorRequestViewSet, "regulator-request"),
    ("regulator-request-items", RequestItemViewSet, "regulator-request-item"),
    ("goals", GoalViewSet, "goal"),
    ("external-figures", ExternalFigureViewSet, "external-figure"),
    ("webhooks", WebhookSubscriptionViewSet, "webhook"),
    ("audit", AuditViewSet, "audit"),
]:
    router.register(prefix, viewset, basename=basename)


# No state changes here, so no CSRF check: without this, a POST or PATCH to an unknown address
# got Django's HTML "CSRF verification failed" 403 instead of the API's JSON 404 (schemathesis).
@csrf_exempt
def not_found(request, *args, **kwargs):
    """Unknown addresses answer in the error shape. A GET missing its trailing slash is redirected;
    other methods are told the right address (a redirect would drop their body)."""
    path = request.path_info
    if not path.endswith("/"):
        try:
            resolve(path + "/")
        except Resolver404:
            pass
        else:
            if request.method in ("GET", "HEAD"):
                query = request.META.get("QUERY_STRING", "")
                return HttpResponsePermanentRedirect(path + "/" + (f"?{query}" if query else ""))
            message = _("Use the address with a trailing slash: %(path)s") % {"path": path + "/"}
            return JsonResponse(error_body("not_found", message), status=404)
    return JsonResponse(error_body("not_found", _("No such endpoint.")), status=404)


urlpatterns = [*router.urls, re_path(r"^.*$", not_found)]
