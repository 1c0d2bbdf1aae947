from django.urls import path

from . import views

app_name = "locales"

urlpatterns = [
    path("team/", views.team, name="team"),
    path("government/", views.government, name="government"),
    path("government/contacts/<int:pk>/", views.contact_detail, name="contact"),
    path("government/contacts/<int:pk>/log/", views.contact_log, name="contact_log"),
    path("government/incidents/", views.incident_list, name="incidents"),
    path("government/incidents/<int:pk>/", views.incident_detail, name="incident"),
    path("government/incidents/<int:pk>/log/", views.incident_log, name="incident_log"),
]
