from django.urls import path

from . import views

app_name = "agreements"

urlpatterns = [
    path("", views.agreement_list, name="list"),
    path("new/", views.agreement_create, name="create"),
    path("<int:pk>/", views.agreement_detail, name="detail"),
    path("<int:pk>/edit/", views.agreement_edit, name="edit"),
    path("<int:pk>/status/", views.agreement_status, name="status"),
    path("<int:pk>/signed-file/", views.signed_file, name="signed_file"),
    path("<int:pk>/deliverables/add/", views.deliverable_add, name="deliverable_add"),
    path("<int:pk>/payments/add/", views.payment_add, name="payment_add"),
    path("deliverables/<int:pk>/delivered/", views.deliverable_delivered, name="deliverable_delivered"),
    path("deliverables/<int:pk>/edit/", views.deliverable_edit, name="deliverable_edit"),
    path("deliverables/<int:pk>/remove/", views.deliverable_remove, name="deliverable_remove"),
    path("payments/<int:pk>/edit/", views.payment_edit, name="payment_edit"),
    path("payments/<int:pk>/paid/", views.payment_paid, name="payment_paid"),
    path("payments/<int:pk>/remove/", views.payment_remove, name="payment_remove"),
]
