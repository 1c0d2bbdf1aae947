from django.urls import path

from . import views

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
]
