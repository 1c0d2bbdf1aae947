from django.urls import path

from . import views

app_name = "challenges"

urlpatterns = [
    path("", views.challenge_list, name="list"),
    path("new/", views.challenge_create, name="create"),
    path("<int:pk>/", views.challenge_detail, name="detail"),
    path("<int:pk>/edit/", views.challenge_edit, name="edit"),
    path("<int:pk>/status/", views.challenge_status, name="status"),
    path("<int:pk>/metrics/add/", views.challenge_metrics_add, name="metrics_add"),
    path("snapshots/<int:pk>/edit/", views.snapshot_edit, name="snapshot_edit"),
    path("<int:pk>/chart.svg", views.challenge_chart, name="chart"),
]
