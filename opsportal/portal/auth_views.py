"""Sign in, sign out and password reset, on Django's own views with our templates."""

from django.contrib.auth import views as auth
from django.urls import path

from opsportal.signin import SignInForm

urlpatterns = [
    path(
        "login/", auth.LoginView.as_view(redirect_authenticated_user=True, authentication_form=SignInForm), name="login"
    ),
    path("logout/", auth.LogoutView.as_view(), name="logout"),
    path("password_change/", auth.PasswordChangeView.as_view(), name="password_change"),
    path("password_change/done/", auth.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("password_reset/", auth.PasswordResetView.as_view(), name="password_reset"),
    path("password_reset/done/", auth.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path("reset/<uidb64>/<token>/", auth.PasswordResetConfirmView.as_view(), name="password_reset_confirm"),
    path("reset/done/", auth.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
]
