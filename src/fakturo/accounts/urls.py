from django.contrib.auth import views as auth_views
from django.urls import path

from fakturo.accounts import views

urlpatterns = [
    path("login", views.LoginView.as_view(), name="login"),
    path("logout", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "password-reset",
        auth_views.PasswordResetView.as_view(
            template_name="accounts/password_reset_form.html",
            email_template_name="accounts/email/password_reset.txt",
            subject_template_name="accounts/email/password_reset_subject.txt",
        ),
        name="password_reset",
    ),
    path(
        "password-reset/sent",
        auth_views.PasswordResetDoneView.as_view(template_name="accounts/password_reset_done.html"),
        name="password_reset_done",
    ),
    path(
        "password-reset/<uidb64>/<token>",
        auth_views.PasswordResetConfirmView.as_view(
            template_name="accounts/password_reset_confirm.html"
        ),
        name="password_reset_confirm",
    ),
    path(
        "password-reset/done",
        auth_views.PasswordResetCompleteView.as_view(
            template_name="accounts/password_reset_complete.html"
        ),
        name="password_reset_complete",
    ),
    path(
        "password",
        auth_views.PasswordChangeView.as_view(template_name="accounts/password_change_form.html"),
        name="password_change",
    ),
    path(
        "password/changed",
        auth_views.PasswordChangeDoneView.as_view(
            template_name="accounts/password_change_done.html"
        ),
        name="password_change_done",
    ),
    path("invitations/<str:code>", views.invitation_accept_view, name="invitation_accept"),
    path("organizations/switch", views.organization_switch, name="organization_switch"),
    path("settings/organization", views.settings_organization, name="settings_organization"),
    path("settings/members", views.settings_members, name="settings_members"),
    path("settings/members/invite", views.member_invite, name="member_invite"),
    path(
        "settings/members/<uuid:member_id>/role",
        views.member_change_role,
        name="member_change_role",
    ),
    path("settings/members/<uuid:member_id>/remove", views.member_remove, name="member_remove"),
    path(
        "settings/invitations/<uuid:invitation_id>/revoke",
        views.invitation_revoke_view,
        name="invitation_revoke",
    ),
    path("settings/tokens", views.settings_tokens, name="settings_tokens"),
    path(
        "settings/tokens/<uuid:token_id>/revoke",
        views.api_token_revoke_view,
        name="api_token_revoke",
    ),
]
