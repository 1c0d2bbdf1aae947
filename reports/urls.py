from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("", views.report_list, name="list"),
    path("preview/", views.report_preview, name="preview"),
    path("<int:pk>/", views.report_detail, name="detail"),
    path("<int:pk>/resend/", views.report_resend, name="resend"),
]
