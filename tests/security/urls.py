"""The project's URLs plus the security routes, in case opsportal/urls.py does not mount them yet.

Prepended routes win; once the lead mounts them in the project, they resolve to the same views.
"""

from django.urls import include, path
from rest_framework.routers import SimpleRouter

from opsportal import urls as project
from opsportal.api.audit import AuditViewSet

router = SimpleRouter()
router.register("audit", AuditViewSet, basename="audit")

urlpatterns = [
    path("api/v1/", include(router.urls)),
    path("", include("privacy.urls")),
    *project.urlpatterns,
]
