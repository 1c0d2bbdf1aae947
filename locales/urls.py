from django.urls import path

from . import request_views, views

app_name = "locales"

urlpatterns = [
    path("team/", views.team, name="team"),
    path("government/", views.government, name="government"),
    path("government/contacts/new/", views.contact_create, name="contact_create"),
    path("government/contacts/<int:pk>/", views.contact_detail, name="contact"),
    path("government/contacts/<int:pk>/edit/", views.contact_edit, name="contact_edit"),
    path("government/interactions/<int:pk>/edit/", views.interaction_edit, name="interaction_edit"),
    path("government/incidents/new/", views.incident_create, name="incident_create"),
    path("government/incidents/<int:pk>/edit/", views.incident_edit, name="incident_edit"),
    path("government/commitments/new/", views.commitment_create, name="commitment_create"),
    path("government/commitments/<int:pk>/edit/", views.commitment_edit, name="commitment_edit"),
    path("moments/", views.moment_list, name="moments"),
    path("moments/new/", views.moment_create, name="moment_create"),
    path("moments/<int:pk>/edit/", views.moment_edit, name="moment_edit"),
    path("government/contacts/<int:pk>/log/", views.contact_log, name="contact_log"),
    path("government/incidents/", views.incident_list, name="incidents"),
    path("government/incidents/<int:pk>/", views.incident_detail, name="incident"),
    path("government/incidents/<int:pk>/log/", views.incident_log, name="incident_log"),
    path("government/requests/", request_views.request_list, name="requests"),
    path("government/requests/new/", request_views.request_create, name="request_create"),
    path("government/requests/<int:pk>/", request_views.request_detail, name="request"),
    path("government/requests/<int:pk>/edit/", request_views.request_edit, name="request_edit"),
    path("government/requests/<int:pk>/status/", request_views.request_status, name="request_status"),
    path("government/requests/<int:pk>/items/", request_views.request_item_add, name="request_item_add"),
    path("government/request-items/<int:pk>/edit/", request_views.request_item_edit, name="request_item_edit"),
    path("government/request-items/<int:pk>/remove/", request_views.request_item_remove, name="request_item_remove"),
]
