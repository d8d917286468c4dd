"""The server-rendered account pages: sign-in, passwords, invitations and settings."""

import re
from collections.abc import Callable

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from fakturo.accounts.choices import Role
from fakturo.accounts.middleware import SESSION_KEY
from fakturo.accounts.models import ApiToken, Invitation, LoginFailure, Membership, User
from fakturo.accounts.services import ORGANIZATION_FIELDS, api_token_create, invitation_create
from fakturo.audit.models import AuditEvent
from tests.conftest import PASSWORD

NEW_PASSWORD = "a-fresh-and-long-passphrase"
VALID_IBAN = "DE89370400440532013000"


@pytest.fixture(autouse=True)
def plain_static_files(settings) -> None:
    # Tests run without collectstatic, so there is no manifest to look names up in.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


def logged_in(membership: Membership) -> Client:
    client = Client()
    client.force_login(membership.user)
    return client


def login(client: Client, email: str, password: str):
    return client.post(reverse("login"), {"email": email, "password": password})


# Sign-in


def test_login_with_email_and_password_opens_the_dashboard(owner: Membership) -> None:
    client = Client()

    response = login(client, "OWNER@acme.test", PASSWORD)

    assert response.status_code == 302
    assert response.url == reverse("dashboard")
    assert client.get(reverse("dashboard")).context["user"] == owner.user


def test_login_with_a_wrong_password_shows_an_error_and_records_the_failure(
    owner: Membership,
) -> None:
    client = Client()

    response = login(client, "owner@acme.test", "not-the-password")

    assert response.status_code == 200
    assert "Email or password is not correct." in response.text
    assert LoginFailure.objects.filter(email="owner@acme.test").count() == 1
    assert "_auth_user_id" not in client.session


def test_a_successful_login_clears_earlier_failures(owner: Membership) -> None:
    client = Client()
    login(client, "owner@acme.test", "not-the-password")

    login(client, "owner@acme.test", PASSWORD)

    assert not LoginFailure.objects.filter(email="owner@acme.test").exists()


def test_after_five_failures_even_the_right_password_is_refused(owner: Membership) -> None:
    client = Client()
    for _ in range(5):
        assert login(client, "owner@acme.test", "not-the-password").status_code == 200

    response = login(client, "owner@acme.test", PASSWORD)

    assert response.status_code == 429
    assert "Too many failed attempts, try again in 15 minutes" in response.text
    assert "_auth_user_id" not in client.session
    assert LoginFailure.objects.filter(email="owner@acme.test").count() == 5


def test_pages_need_a_login(db: None) -> None:
    response = Client().get(reverse("settings_organization"))

    assert response.status_code == 302
    assert response.url == f"{reverse('login')}?next={reverse('settings_organization')}"


def test_logout_needs_a_post(owner: Membership) -> None:
    client = logged_in(owner)

    assert client.get(reverse("logout")).status_code == 405
    response = client.post(reverse("logout"))

    assert response.status_code == 302
    assert response.url == reverse("login")
    assert "_auth_user_id" not in client.session


# Passwords


def test_password_reset_sends_a_link_that_sets_a_new_password(owner: Membership) -> None:
    client = Client()

    response = client.post(reverse("password_reset"), {"email": "owner@acme.test"})

    assert response.status_code == 302
    assert response.url == reverse("password_reset_done")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["owner@acme.test"]
    assert message.from_email == "Fakturo <noreply@localhost>"
    assert message.subject == "Reset your Fakturo password"
    link = re.search(r"http://testserver(/password-reset/\S+)", message.body).group(1)
    form_page = client.get(link, follow=True)
    assert form_page.context["validlink"] is True
    set_password_url = form_page.redirect_chain[-1][0]
    done = client.post(
        set_password_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )
    assert done.status_code == 302
    assert done.url == reverse("password_reset_complete")
    owner.user.refresh_from_db()
    assert owner.user.check_password(NEW_PASSWORD)


def test_password_reset_for_an_unknown_email_sends_nothing(db: None) -> None:
    response = Client().post(reverse("password_reset"), {"email": "nobody@acme.test"})

    assert response.status_code == 302
    assert mail.outbox == []


def test_password_change(owner: Membership) -> None:
    client = logged_in(owner)

    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )

    assert response.status_code == 302
    assert response.url == reverse("password_change_done")
    owner.user.refresh_from_db()
    assert owner.user.check_password(NEW_PASSWORD)


def test_password_change_with_a_wrong_old_password_changes_nothing(owner: Membership) -> None:
    response = logged_in(owner).post(
        reverse("password_change"),
        {"old_password": "wrong", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )

    assert response.status_code == 200
    assert 'aria-describedby="id_old_password_error"' in response.text
    owner.user.refresh_from_db()
    assert owner.user.check_password(PASSWORD)


# Organization settings


def organization_data(membership: Membership, **changes: object) -> dict[str, object]:
    organization = membership.organization
    data = {field: getattr(organization, field) for field in ORGANIZATION_FIELDS}
    data.update(changes)
    return data


def test_owner_saves_organization_settings_and_the_change_is_audited(owner: Membership) -> None:
    client = logged_in(owner)

    response = client.post(
        reverse("settings_organization"),
        organization_data(owner, trade_name="Acme", iban="de89 3704 0044 0532 0130 00"),
    )

    assert response.status_code == 302
    owner.organization.refresh_from_db()
    assert owner.organization.trade_name == "Acme"
    assert owner.organization.iban == VALID_IBAN
    event = AuditEvent.objects.get(action="organization.updated")
    assert event.changes == {"trade_name": ["", "Acme"], "iban": ["", VALID_IBAN]}
    assert "Organization settings saved." in client.get(response.url).text


def test_an_invalid_iban_is_shown_on_its_field_and_nothing_changes(owner: Membership) -> None:
    response = logged_in(owner).post(
        reverse("settings_organization"),
        organization_data(owner, trade_name="Acme", iban="DE00 1234"),
    )

    assert response.status_code == 200
    assert "is not a valid IBAN" in str(response.context["form"].errors["iban"])
    assert 'aria-describedby="id_iban_error"' in response.text
    owner.organization.refresh_from_db()
    assert owner.organization.trade_name == ""
    assert owner.organization.iban == ""
    assert not AuditEvent.objects.filter(action="organization.updated").exists()


@pytest.mark.parametrize("role", [Role.ACCOUNTANT, Role.MEMBER])
def test_without_the_right_a_member_sees_settings_read_only_and_cannot_post(
    owner: Membership, add_member: Callable[..., Membership], role: str
) -> None:
    client = logged_in(add_member(role))

    page = client.get(reverse("settings_organization"))
    posted = client.post(reverse("settings_organization"), organization_data(owner, city="Bonn"))

    assert page.status_code == 200
    assert all(field.disabled for field in page.context["form"].fields.values())
    assert "Save changes" not in page.text
    assert posted.status_code == 403
    owner.organization.refresh_from_db()
    assert owner.organization.city == ""


# API tokens


def test_a_new_token_is_shown_once_and_can_be_revoked(owner: Membership) -> None:
    client = logged_in(owner)

    created = client.post(reverse("settings_tokens"), {"name": "Sync", "read_only": "on"})

    assert created.status_code == 200
    secret = created.context["secret"]
    assert secret.startswith("fk_") and secret in created.text
    assert created["Cache-Control"] == "no-store"
    token = ApiToken.objects.get(name="Sync")
    assert token.is_read_only
    listing = client.get(reverse("settings_tokens"))
    assert secret not in listing.text
    assert f"{token.prefix}…" in listing.text

    confirm = client.get(reverse("api_token_revoke", args=[token.pk]))
    revoked = client.post(reverse("api_token_revoke", args=[token.pk]))

    assert confirm.status_code == 200
    assert "Revoke “Sync”?" in confirm.text
    assert revoked.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert AuditEvent.objects.filter(action="api_token.revoked", target_id=str(token.pk)).exists()


def test_an_accountant_gets_only_read_only_tokens(
    add_member: Callable[..., Membership],
) -> None:
    client = logged_in(add_member(Role.ACCOUNTANT))

    client.post(reverse("settings_tokens"), {"name": "Books"})

    assert ApiToken.objects.get(name="Books").is_read_only


def test_another_organizations_token_is_not_found(
    owner: Membership, other_owner: Membership
) -> None:
    token, _ = api_token_create(membership=other_owner, name="Theirs", read_only=True)
    client = logged_in(owner)

    assert client.get(reverse("api_token_revoke", args=[token.pk])).status_code == 404
    assert client.post(reverse("api_token_revoke", args=[token.pk])).status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


# Members and invitations


def test_owner_invites_by_email(owner: Membership, django_capture_on_commit_callbacks) -> None:
    client = logged_in(owner)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("member_invite"), {"email": "new@acme.test", "role": Role.ACCOUNTANT}
        )

    assert response.status_code == 302
    invitation = Invitation.objects.get(email="new@acme.test")
    assert invitation.role == Role.ACCOUNTANT
    assert len(mail.outbox) == 1
    assert re.search(r"http://testserver/invitations/[\w-]{20,}\n", mail.outbox[0].body)
    assert "new@acme.test" in client.get(reverse("settings_members")).text


def test_an_invitation_to_a_member_shows_the_error_on_the_email_field(
    owner: Membership,
) -> None:
    response = logged_in(owner).post(
        reverse("member_invite"), {"email": "owner@acme.test", "role": Role.MEMBER}
    )

    assert response.status_code == 200
    assert response.context["invitation_form"].errors["email"] == [
        "owner@acme.test is a member already."
    ]
    assert not Invitation.objects.exists()


def test_owner_revokes_an_invitation(owner: Membership) -> None:
    invitation, _ = invitation_create(
        membership=owner,
        email="new@acme.test",
        role=Role.MEMBER,
        accept_url_template="http://testserver/invitations/{code}",
    )

    response = logged_in(owner).post(reverse("invitation_revoke", args=[invitation.pk]))

    assert response.status_code == 302
    invitation.refresh_from_db()
    assert invitation.revoked_at is not None


def test_owner_changes_a_role(owner: Membership, add_member: Callable[..., Membership]) -> None:
    member = add_member(Role.MEMBER)

    response = logged_in(owner).post(
        reverse("member_change_role", args=[member.pk]), {"role": Role.ADMIN}
    )

    assert response.status_code == 302
    member.refresh_from_db()
    assert member.role == Role.ADMIN


def test_role_change_by_htmx_returns_the_members_panel(
    owner: Membership, add_member: Callable[..., Membership]
) -> None:
    member = add_member(Role.MEMBER)

    response = logged_in(owner).post(
        reverse("member_change_role", args=[member.pk]),
        {"role": Role.ACCOUNTANT},
        HTTP_HX_REQUEST="true",
    )

    assert response.status_code == 200
    assert 'id="members-panel"' in response.text
    assert "<html" not in response.text
    assert "member@acme.test is now Accountant." in response.text


def test_the_last_owner_cannot_step_down(owner: Membership) -> None:
    client = logged_in(owner)

    response = client.post(
        reverse("member_change_role", args=[owner.pk]), {"role": Role.MEMBER}, follow=True
    )

    assert "An organization keeps at least one owner." in response.text
    owner.refresh_from_db()
    assert owner.role == Role.OWNER


def test_owner_removes_a_member(owner: Membership, add_member: Callable[..., Membership]) -> None:
    member = add_member(Role.MEMBER)

    response = logged_in(owner).post(reverse("member_remove", args=[member.pk]))

    assert response.status_code == 302
    assert not Membership.objects.filter(pk=member.pk).exists()


def test_a_member_cannot_remove_others(
    owner: Membership, add_member: Callable[..., Membership]
) -> None:
    member = add_member(Role.MEMBER)

    response = logged_in(member).post(reverse("member_remove", args=[owner.pk]))

    assert response.status_code == 403
    assert Membership.objects.filter(pk=owner.pk).exists()


def test_removing_a_member_of_another_organization_is_not_found(
    owner: Membership, other_owner: Membership
) -> None:
    response = logged_in(owner).post(reverse("member_remove", args=[other_owner.pk]))

    assert response.status_code == 404
    assert Membership.objects.filter(pk=other_owner.pk).exists()


def test_a_new_user_accepts_an_invitation_and_lands_in_that_organization(
    owner: Membership,
) -> None:
    _, code = invitation_create(
        membership=owner,
        email="new@acme.test",
        role=Role.MEMBER,
        accept_url_template="http://testserver/invitations/{code}",
    )
    client = Client()

    page = client.get(reverse("invitation_accept", args=[code]))
    response = client.post(
        reverse("invitation_accept", args=[code]),
        {"full_name": "Nina New", "password": NEW_PASSWORD, "password_again": NEW_PASSWORD},
    )

    assert page.status_code == 200
    assert "Join Acme GmbH" in page.text
    assert response.status_code == 302
    assert response.url == reverse("dashboard")
    user = User.objects.get(email="new@acme.test")
    assert user.full_name == "Nina New"
    assert Membership.objects.get(user=user).role == Role.MEMBER
    assert client.session["_auth_user_id"] == str(user.pk)
    assert client.session[SESSION_KEY] == str(owner.organization_id)
    assert client.get(reverse("invitation_accept", args=[code])).status_code == 404


def test_a_weak_password_on_an_invitation_is_shown_and_no_account_is_made(
    owner: Membership,
) -> None:
    _, code = invitation_create(
        membership=owner,
        email="new@acme.test",
        role=Role.MEMBER,
        accept_url_template="http://testserver/invitations/{code}",
    )

    response = Client().post(
        reverse("invitation_accept", args=[code]),
        {"password": "short", "password_again": "short"},
    )

    assert response.status_code == 200
    assert response.context["form"].errors["password"]
    assert not User.objects.filter(email="new@acme.test").exists()


def test_a_logged_in_user_accepts_an_invitation_to_a_second_organization(
    owner: Membership, other_owner: Membership
) -> None:
    _, code = invitation_create(
        membership=other_owner,
        email="owner@acme.test",
        role=Role.ACCOUNTANT,
        accept_url_template="http://testserver/invitations/{code}",
    )
    client = logged_in(owner)

    response = client.post(reverse("invitation_accept", args=[code]))

    assert response.status_code == 302
    assert client.session[SESSION_KEY] == str(other_owner.organization_id)
    assert (
        Membership.objects.get(user=owner.user, organization=other_owner.organization).role
        == Role.ACCOUNTANT
    )


def test_an_unknown_invitation_code_is_not_found(db: None) -> None:
    assert Client().get(reverse("invitation_accept", args=["nope"])).status_code == 404


# Organization switcher


def test_switching_to_an_own_organization_stores_it_in_the_session(
    owner: Membership, add_member: Callable[..., Membership], other_owner: Membership
) -> None:
    Membership.objects.create(
        organization=other_owner.organization, user=owner.user, role=Role.ACCOUNTANT
    )
    client = logged_in(owner)

    response = client.post(
        reverse("organization_switch"), {"organization_id": str(other_owner.organization_id)}
    )

    assert response.status_code == 302
    assert client.session[SESSION_KEY] == str(other_owner.organization_id)
    assert client.get(reverse("dashboard")).context["current_organization"] == (
        other_owner.organization
    )


@pytest.mark.parametrize("organization_id", ["other", "not-a-uuid"])
def test_switching_to_an_organization_one_is_not_in_is_not_found(
    owner: Membership, other_owner: Membership, organization_id: str
) -> None:
    client = logged_in(owner)
    value = str(other_owner.organization_id) if organization_id == "other" else organization_id

    response = client.post(reverse("organization_switch"), {"organization_id": value})

    assert response.status_code == 404
    assert client.session[SESSION_KEY] == str(owner.organization_id)


# Every page, every role


PAGES = [
    "dashboard",
    "settings_organization",
    "settings_members",
    "settings_tokens",
    "audit_log",
    "password_change",
]


@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize("page", PAGES)
def test_each_role_sees_each_page(
    owner: Membership, add_member: Callable[..., Membership], role: str, page: str
) -> None:
    membership = owner if role == Role.OWNER else add_member(role)

    response = logged_in(membership).get(reverse(page))

    assert response.status_code == 200
    assert '<html lang="en">' in response.text
    assert "Acme GmbH" in response.text


def test_a_user_without_an_organization_is_told_so(db: None) -> None:
    user = User.objects.create_user("loner@acme.test", PASSWORD)
    client = Client()
    client.force_login(user)

    response = client.get(reverse("dashboard"))

    assert response.status_code == 200
    assert "You are not a member of any organization" in response.text


def test_dashboard_shows_the_checklist_and_latest_events(owner: Membership) -> None:
    response = logged_in(owner).get(reverse("dashboard"))

    steps = {step.label: step.is_done for step in response.context["steps"]}
    assert steps["Add your bank account (IBAN)"] is False
    assert steps["Create an API token"] is False
    assert [event.action for event in response.context["events"]] == ["organization.created"]


def test_audit_log_filters_by_action(owner: Membership) -> None:
    api_token_create(membership=owner, name="One", read_only=True)
    client = logged_in(owner)

    everything = client.get(reverse("audit_log"))
    tokens_only = client.get(reverse("audit_log"), {"action": "api_token."})

    assert everything.context["page"].paginator.count == 2
    assert [event.action for event in tokens_only.context["page"]] == ["api_token.created"]
    assert "<dt>name</dt>" in tokens_only.text


def test_audit_log_filters_by_actor_and_dates(owner: Membership) -> None:
    today = AuditEvent.objects.get().occurred_at.date().isoformat()
    client = logged_in(owner)

    by_actor = client.get(reverse("audit_log"), {"actor": "nobody@acme.test"})
    by_day = client.get(reverse("audit_log"), {"date_from": today, "date_to": today})
    before = client.get(reverse("audit_log"), {"date_to": "2000-01-01"})

    assert by_actor.context["page"].paginator.count == 0
    assert by_day.context["page"].paginator.count == 1
    assert before.context["page"].paginator.count == 0
