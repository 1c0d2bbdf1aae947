from django.urls import path

from . import views

app_name = "events"

urlpatterns = [
    path("", views.event_list, name="list"),
    path("new/", views.event_create, name="create"),
    path("<int:pk>/", views.event_detail, name="detail"),
    path("<int:pk>/edit/", views.event_edit, name="edit"),
    path("<int:pk>/copy/", views.event_copy_view, name="copy"),
    path("tasks/<int:pk>/done/", views.task_done, name="task_done"),
    path("guests/<int:pk>/status/", views.guest_status, name="guest_status"),
]
