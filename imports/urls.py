from django.urls import path, re_path

from . import views

app_name = "imports"

urlpatterns = [
    path("", views.index, name="index"),
    re_path(r"^template/(?P<kind>[a-z_]+)\.(?P<fmt>csv|xlsx)$", views.template_file, name="template"),
    path("<str:token>/", views.job_detail, name="job"),
    path("<str:token>/columns/", views.mapping, name="mapping"),
    path("<str:token>/progress/", views.job_progress, name="progress"),
    path("<str:token>/confirm/", views.confirm, name="confirm"),
    path("<str:token>/check-again/", views.rerun, name="rerun"),
]
