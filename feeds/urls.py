from django.urls import path

from . import views

app_name = "feeds"

urlpatterns = [
    path("", views.feed_list, name="list"),
    path("reset/", views.feed_reset, name="reset"),
    path("<str:secret>.ics", views.calendar_feed, name="calendar"),
]
