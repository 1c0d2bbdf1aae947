from django.urls import path

from . import views

app_name = "goals"

urlpatterns = [
    path("", views.goals_page, name="index"),
    path("edit/", views.goals_edit, name="edit"),
    path("figures/new/", views.figure_create, name="figure_create"),
    path("figures/<int:pk>/edit/", views.figure_edit, name="figure_edit"),
    path("figures/<int:pk>/delete/", views.figure_delete, name="figure_delete"),
]
