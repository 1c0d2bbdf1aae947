from django.contrib import admin
from django.http import HttpResponsePermanentRedirect
from django.templatetags.static import static
from django.urls import include, path
from django.views.generic import RedirectView
from django.views.i18n import JavaScriptCatalog
from drf_spectacular.views import SpectacularSwaggerSplitView

from opsportal import health, l10n_views
from opsportal.api_docs import CachedSchemaView
from opsportal.portal import auth_views
from opsportal.signin import AdminSignInForm


def favicon(request):
    """Browsers and feed readers ask for /favicon.ico whatever the page links: send the icon.

    Resolved per request, not at import: the hashed static name exists only once collected.
    """
    return HttpResponsePermanentRedirect(static("opsportal/favicon.svg"))


admin.site.site_header = "OpsPortal"
admin.site.login_form = AdminSignInForm  # the per-username sign-in limit at the admin's door too
admin.site.site_title = "OpsPortal admin"

urlpatterns = [
    # Browsers and feed readers ask for /favicon.ico whatever the page says: send them the icon.
    path("favicon.ico", favicon, name="favicon"),
    # Probes for load balancers and monitors: no login, no redirect (SECURE_REDIRECT_EXEMPT).
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("admin/", admin.site.urls),
    path("accounts/", include(auth_views.urlpatterns)),
    # Django's set_language, also remembered on the profile (replaces django.conf.urls.i18n).
    path("i18n/setlang/", l10n_views.switch_language, name="set_language"),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("api/v1/schema/", CachedSchemaView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("api/v1/", include("opsportal.api_urls")),
    path("api/", RedirectView.as_view(url="/api/v1/", permanent=False)),
    path("challenges/", include("challenges.urls")),
    path("influencers/", include("influencers.urls")),
    path("events/", include("events.urls")),
    path("agreements/", include("agreements.urls")),
    path("budgets/", include("budgets.urls")),
    path("notifications/", include("notifications.urls")),
    path("reports/", include("reports.urls")),
    path("imports/", include("imports.urls")),
    path("exports/", include("exports.urls")),
    path("feeds/", include("feeds.urls")),
    path("goals/", include("goals.urls")),
    path("", include("privacy.urls")),
    path("", include("locales.urls")),
    path("", include("opsportal.portal_urls")),
]

# The portal's own error pages (JSON under /api/), in the reader's language.
handler400 = "opsportal.portal.errors.bad_request"
handler403 = "opsportal.portal.errors.permission_denied"
handler404 = "opsportal.portal.errors.page_not_found"
handler500 = "opsportal.portal.errors.server_error"
