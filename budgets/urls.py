from django.urls import path

from . import views

app_name = "budgets"

urlpatterns = [
    path("event/<int:pk>/lines/add/", views.budget_line_add, {"kind": "event"}, name="event_line_add"),
    path("challenge/<int:pk>/lines/add/", views.budget_line_add, {"kind": "challenge"}, name="challenge_line_add"),
    path("lines/<int:pk>/edit/", views.budget_line_edit, name="line_edit"),
    path("lines/<int:pk>/delete/", views.budget_line_delete_view, name="line_delete"),
    path("rates/", views.exchange_rates, name="rates"),
    path("rates/add/", views.exchange_rate_add, name="rate_add"),
    path("rates/<int:pk>/edit/", views.exchange_rate_edit, name="rate_edit"),
    path("rates/<int:pk>/delete/", views.exchange_rate_delete_view, name="rate_delete"),
]
