"""URLs of opsportal.security_views; included from opsportal/urls.py under the site root."""

from django.urls import path

from opsportal import security_views

app_name = "security"

urlpatterns = [
    path("accounts/sign-out-everywhere/", security_views.sign_out_everywhere, name="sign_out_everywhere"),
    path("privacy/<str:kind>/<int:pk>/export/", security_views.privacy_export, name="privacy_export"),
    path("privacy/<str:kind>/<int:pk>/erase/", security_views.privacy_erase, name="privacy_erase"),
]
