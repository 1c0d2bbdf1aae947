"""URLs of the privacy views; included from opsportal/urls.py under the site root."""

from django.urls import path

from . import views as security_views

app_name = "security"

urlpatterns = [
    path("accounts/sign-out-everywhere/", security_views.sign_out_everywhere, name="sign_out_everywhere"),
    path("privacy/<str:kind>/<int:pk>/export/", security_views.privacy_export, name="privacy_export"),
    path("privacy/<str:kind>/<int:pk>/erase/", security_views.privacy_erase, name="privacy_erase"),
]
