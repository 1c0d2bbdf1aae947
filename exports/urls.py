from django.urls import path, re_path

from . import views

app_name = "exports"

urlpatterns = [
    path("handover/", views.handover_index, name="handover_index"),
    path("handover/reassign/", views.handover_reassign, name="handover_reassign"),
    re_path(r"^handover/(?P<code>[A-Za-z]{2})\.zip$", views.handover_pack, name="handover"),
    re_path(r"^(?P<name>[a-z][a-z-]*)\.(?P<fmt>csv|xlsx)$", views.export_list, name="list"),
]
