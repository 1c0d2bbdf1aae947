"""The portal's own pages (namespace ``portal``). The shell: it routes to the pages of the feature
apps (dashboard, search) and of the floor (country switch, saved views)."""

from django.urls import path

from dashboard import calendar, dashboard, hq
from opsportal.portal import country
from search import views as search

app_name = "portal"

urlpatterns = [
    path("", dashboard.dashboard, name="dashboard"),
    path("hq/", hq.hq_overview, name="hq_overview"),
    path("dashboard/chart.svg", dashboard.dashboard_chart, name="dashboard_chart"),
    path("country/", country.country_switch, name="country_switch"),
    path("search/", search.search, name="search"),
    path("calendar/", calendar.calendar_view, name="calendar"),
    path("views/save/", country.saved_view_save, name="saved_view_save"),
    path("views/<int:pk>/delete/", country.saved_view_delete, name="saved_view_delete"),
]
