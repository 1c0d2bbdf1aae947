"""The webhooks API mounted alone, so its tests do not depend on the shared API router."""

from rest_framework.routers import DefaultRouter

from webhooks.api import WebhookSubscriptionViewSet

router = DefaultRouter()
router.register("webhooks", WebhookSubscriptionViewSet, basename="webhook")

urlpatterns = router.urls
