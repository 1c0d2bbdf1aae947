from django.urls import include, path

from . import baseline

urlpatterns = [
    path("bench/baseline/influencers/", baseline.influencers),
    path("bench/baseline/challenges/", baseline.challenges),
    path("", include("opsportal.urls")),
]
