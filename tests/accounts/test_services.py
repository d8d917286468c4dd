import pytest
from django.core import mail

from fakturo.accounts.models import ApiToken, Membership, Organization, User
from fakturo.accounts.services import (
    api_token_create,
    invitation_accept,
    invitation_create,
    invitation_revoke,
    membership_change_role,
    membership_remove,
    organization_setup,
    organization_update,
)
from fakturo.audit.models import AuditEvent
from fakturo.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

ACCEPT_URL = "https://fakturo.example/invitations/{code}"


def _fields(error: ValidationFailed) -> set[str]:
    return {item["field"] for item in error.errors}


def test_setup_creates_an_organization_with_its_owner(owner):
    assert owner.role == "owner"
    assert owner.user.check_password(PASSWORD)
    assert owner.organization.slug == "acme-gmbh"
    assert AuditEvent.objects.filter(action="organization.created", actor=owner.user).exists()


def test_setup_refuses_an_existing_email_and_creates_nothing(owner):
    with pytest.raises(ValidationFailed) as error:
        organization_setup(name="Again", email="OWNER@acme.test", password=PASSWORD)

    assert _fields(error.value) == {"email"}
    assert "exists already" in error.value.detail
    assert Organization.objects.count() == 1


def test_setup_names_every_bad_field(db):
    with pytest.raises(ValidationFailed) as error:
        organization_setup(name="", email="nope", password="123", country="XX", currency="ABC")

    assert _fields(error.value) == {
        "email",
        "password",
        "legal_name",
        "country",
        "default_currency",
    }
    assert not User.objects.exists()


def test_slugs_stay_unique(owner):
    second = organization_setup(name="Acme GmbH", email="second@acme.test", password=PASSWORD)

    assert second.organization.slug == "acme-gmbh-2"


def test_changing_the_country_rechecks_the_vat_id(owner):
    organization_update(membership=owner, changes={"vat_id": "DE123456788"})

    with pytest.raises(ValidationFailed):
        organization_update(membership=owner, changes={"country": "FR"})


@pytest.mark.parametrize("role", ["member", "accountant"])
def test_only_managers_change_roles(add_member, role):
    actor = add_member(role)
    target = add_member("member", email="target@acme.test")

    with pytest.raises(PermissionDenied):
        membership_change_role(membership=actor, member_id=target.pk, role="admin")
    target.refresh_from_db()
    assert target.role == "member"


def test_an_admin_changes_a_role_and_it_is_audited(add_member):
    admin = add_member("admin")
    target = add_member("member", email="target@acme.test")

    membership_change_role(membership=admin, member_id=target.pk, role="accountant")

    target.refresh_from_db()
    assert target.role == "accountant"
    event = AuditEvent.objects.get(action="membership.role_changed")
    assert event.changes == {"role": ["member", "accountant"]}


def test_an_admin_cannot_grant_owner(add_member):
    admin = add_member("admin")
    target = add_member("member", email="target@acme.test")

    with pytest.raises(ValidationFailed):
        membership_change_role(membership=admin, member_id=target.pk, role="owner")


def test_the_last_owner_cannot_step_down_or_leave(owner):
    with pytest.raises(Conflict):
        membership_change_role(membership=owner, member_id=owner.pk, role="admin")
    with pytest.raises(Conflict):
        membership_remove(membership=owner, member_id=owner.pk)
    owner.refresh_from_db()
    assert owner.role == "owner"


def test_a_second_owner_lets_the_first_step_down(owner, add_member):
    second = add_member("admin")
    membership_change_role(membership=owner, member_id=second.pk, role="owner")

    membership_change_role(membership=owner, member_id=owner.pk, role="admin")

    assert Membership.objects.get(pk=owner.pk).role == "admin"


def test_an_unknown_role_is_refused(owner, add_member):
    target = add_member("member")

    with pytest.raises(ValidationFailed):
        membership_change_role(membership=owner, member_id=target.pk, role="emperor")


def test_another_organizations_member_is_not_found(owner, other_owner):
    with pytest.raises(NotFound):
        membership_change_role(membership=owner, member_id=other_owner.pk, role="member")
    with pytest.raises(NotFound):
        membership_remove(membership=owner, member_id=other_owner.pk)


def test_removing_a_member_revokes_their_tokens_in_that_organization(owner, add_member):
    member = add_member("member")
    token, _ = api_token_create(membership=member, name="laptop", read_only=False)

    membership_remove(membership=owner, member_id=member.pk)

    token.refresh_from_db()
    assert token.revoked_at is not None
    assert User.objects.filter(pk=member.user_id).exists()


def test_anyone_may_leave(owner, add_member):
    accountant = add_member("accountant")

    membership_remove(membership=accountant, member_id=accountant.pk)

    assert not Membership.objects.filter(pk=accountant.pk).exists()


def test_invite_a_new_person(owner, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        invitation, code = invitation_create(
            membership=owner,
            email="New@Person.test",
            role="member",
            accept_url_template=ACCEPT_URL,
        )

    assert invitation.email == "new@person.test"
    assert invitation.code_hash != code
    assert len(mail.outbox) == 1
    assert ACCEPT_URL.format(code=code) in mail.outbox[0].body

    membership = invitation_accept(code=code, password=PASSWORD, full_name="New Person")

    assert membership.role == "member"
    assert membership.user.email == "new@person.test"
    assert membership.organization == owner.organization
    with pytest.raises(NotFound):
        invitation_accept(code=code, password=PASSWORD)


def test_an_existing_user_accepts_while_logged_in(owner, other_owner):
    _, code = invitation_create(
        membership=owner,
        email="owner@globex.test",
        role="accountant",
        accept_url_template=ACCEPT_URL,
    )

    with pytest.raises(Conflict):
        invitation_accept(code=code, password=PASSWORD)
    membership = invitation_accept(code=code, user=other_owner.user)

    assert membership.role == "accountant"
    assert other_owner.user.memberships.count() == 2


def test_an_invitation_is_only_for_its_email(owner, add_member):
    stranger = add_member("member", email="stranger@x.test", organization=None)
    _, code = invitation_create(
        membership=owner, email="invited@x.test", role="member", accept_url_template=ACCEPT_URL
    )

    with pytest.raises(ValidationFailed):
        invitation_accept(code=code, user=stranger.user)


def test_revoked_invitations_cannot_be_accepted(owner):
    invitation, code = invitation_create(
        membership=owner, email="late@x.test", role="member", accept_url_template=ACCEPT_URL
    )
    invitation_revoke(membership=owner, invitation_id=invitation.pk)

    with pytest.raises(NotFound):
        invitation_accept(code=code, password=PASSWORD)


@pytest.mark.parametrize("role", ["member", "accountant"])
def test_only_managers_invite(add_member, role):
    with pytest.raises(PermissionDenied):
        invitation_create(
            membership=add_member(role),
            email="x@y.test",
            role="member",
            accept_url_template=ACCEPT_URL,
        )


def test_an_admin_cannot_invite_an_owner(add_member):
    with pytest.raises(ValidationFailed):
        invitation_create(
            membership=add_member("admin"),
            email="x@y.test",
            role="owner",
            accept_url_template=ACCEPT_URL,
        )


def test_inviting_a_member_again_is_refused(owner, add_member):
    add_member("member")

    with pytest.raises(ValidationFailed):
        invitation_create(
            membership=owner,
            email="member@acme.test",
            role="admin",
            accept_url_template=ACCEPT_URL,
        )


def test_a_token_is_audited_without_its_secret(owner):
    token, secret = api_token_create(membership=owner, name="ci", read_only=True)

    event = AuditEvent.objects.get(action="api_token.created")
    assert secret not in str(event.changes)
    assert event.target_id == str(token.pk)
    assert ApiToken.objects.get(pk=token.pk).is_read_only
