from django.urls import path

from . import views

app_name = "events"

urlpatterns = [
    path("", views.event_list, name="list"),
    path("new/", views.event_create, name="create"),
    path("<int:pk>/", views.event_detail, name="detail"),
    path("<int:pk>/edit/", views.event_edit, name="edit"),
    path("<int:pk>/copy/", views.event_copy_view, name="copy"),
    path("<int:pk>/tasks/add/", views.task_add, name="task_add"),
    path("<int:pk>/guests/add/", views.guest_add, name="guest_add"),
    path("<int:pk>/partners/add/", views.partner_add, name="partner_add"),
    path("<int:pk>/capture/", views.event_capture, name="capture"),
    path("tasks/<int:pk>/done/", views.task_done, name="task_done"),
    path("tasks/<int:pk>/edit/", views.task_edit, name="task_edit"),
    path("event-partners/<int:pk>/edit/", views.event_partner_edit, name="event_partner_edit"),
    path("event-partners/<int:pk>/remove/", views.event_partner_remove_view, name="event_partner_remove"),
    path("guests/<int:pk>/status/", views.guest_status, name="guest_status"),
]
