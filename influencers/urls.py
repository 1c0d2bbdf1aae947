from django.urls import path

from . import views

app_name = "influencers"

urlpatterns = [
    path("", views.influencer_list, name="list"),
    path("board/", views.influencer_board, name="board"),
    path("new/", views.influencer_create, name="create"),
    path("handle-check/", views.handle_check, name="handle_check"),
    path("share/", views.influencer_share_here, name="share_here"),
    path("<int:pk>/edit/", views.influencer_edit, name="edit"),
    path("accounts/<int:pk>/followers/", views.account_followers_add, name="followers_add"),
    path("<int:pk>/", views.influencer_detail, name="detail"),
    path("<int:pk>/stage/", views.influencer_stage, name="stage"),
    path("<int:pk>/outreach/", views.influencer_outreach, name="outreach"),
    path("<int:pk>/chart.svg", views.influencer_chart, name="chart"),
]
