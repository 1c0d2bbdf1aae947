from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView
from django.views.i18n import JavaScriptCatalog
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from opsportal import health, l10n_views
from opsportal.portal import auth_views

admin.site.site_header = "OpsPortal"
admin.site.site_title = "OpsPortal admin"

urlpatterns = [
    # Probes for load balancers and monitors: no login, no redirect (SECURE_REDIRECT_EXEMPT).
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("admin/", admin.site.urls),
    path("accounts/", include(auth_views.urlpatterns)),
    # Django's set_language, also remembered on the profile (replaces django.conf.urls.i18n).
    path("i18n/setlang/", l10n_views.switch_language, name="set_language"),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("api/v1/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("api/v1/", include("opsportal.api.urls")),
    path("api/", RedirectView.as_view(url="/api/v1/", permanent=False)),
    path("challenges/", include("challenges.urls")),
    path("influencers/", include("influencers.urls")),
    path("events/", include("events.urls")),
    path("notifications/", include("opsportal.notifications.urls")),
    path("reports/", include("opsportal.reports.urls")),
    path("imports/", include("opsportal.imports.urls")),
    path("exports/", include("opsportal.exports.urls")),
    path("feeds/", include("opsportal.feeds.urls")),
    path("", include("opsportal.security_urls")),
    path("", include("locales.urls")),
    path("", include("opsportal.portal.urls")),
]
