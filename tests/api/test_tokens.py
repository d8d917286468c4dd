import uuid

import pytest

from fakturo.accounts.models import ApiToken
from fakturo.accounts.services import api_token_authenticate
from fakturo.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_create_list_and_revoke_a_token(owner, api):
    created = api.post("/tokens", {"name": "Accounting sync", "read_only": True})

    assert created.status_code == 201
    body = created.json()
    assert body["name"] == "Accounting sync"
    assert body["read_only"] is True
    assert body["token"].startswith(body["prefix"])
    assert api_token_authenticate(body["token"]).pk == uuid.UUID(body["id"])

    listed = api.get("/tokens").json()
    assert listed["count"] == 2
    assert all("token" not in item for item in listed["items"])

    assert api.delete(f"/tokens/{body['id']}").status_code == 204
    assert api_token_authenticate(body["token"]) is None
    assert [t["id"] for t in api.get("/tokens").json()["items"]] != [body["id"]]
    assert AuditEvent.objects.filter(action="api_token.revoked", target_id=body["id"]).exists()


@pytest.mark.parametrize("role", ["admin", "member"])
def test_writing_roles_create_read_write_tokens(add_member, api_for, role):
    response = api_for(add_member(role)).post("/tokens", {"name": "ci"})

    assert response.status_code == 201
    assert response.json()["read_only"] is False


def test_an_accountant_gets_only_read_only_tokens(add_member):
    from fakturo.accounts.services import api_token_create
    from fakturo.core.errors import ValidationFailed

    accountant = add_member("accountant")
    with pytest.raises(ValidationFailed) as error:
        api_token_create(membership=accountant, name="books", read_only=False)

    assert error.value.errors == [
        {"field": "read_only", "message": "Your role allows only read-only tokens."}
    ]
    assert not ApiToken.objects.filter(user=accountant.user).exists()


def test_an_accountants_token_cannot_create_tokens(add_member, api_for):
    response = api_for(add_member("accountant")).post("/tokens", {"name": "more"})

    assert response.status_code == 403


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "name"),
        ({"name": ""}, "name"),
        ({"name": "x" * 101}, "name"),
        ({"name": "ok", "read_only": "maybe"}, "read_only"),
        ({"name": 5}, "name"),
    ],
)
def test_bad_token_input_is_a_422(owner, api, body, field):
    response = api.post("/tokens", body)

    assert response.status_code == 422
    assert field in [error["field"] for error in response.json()["errors"]]
    assert ApiToken.objects.filter(user=owner.user).count() == 1


def test_revoking_an_unknown_token_is_404(api):
    response = api.delete(f"/tokens/{uuid.uuid4()}")

    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"


def test_a_malformed_token_id_is_a_422(api):
    assert api.delete("/tokens/not-a-uuid").status_code == 422


def test_another_organizations_token_is_404(owner, other_owner, api, api_for):
    api_for(other_owner)
    foreign = ApiToken.objects.get(user=other_owner.user)

    assert api.delete(f"/tokens/{foreign.pk}").status_code == 404
    foreign.refresh_from_db()
    assert foreign.revoked_at is None


def test_a_member_cannot_revoke_a_colleagues_token_but_an_admin_can(owner, add_member, api_for):
    member_client = api_for(add_member("member"))
    admin_client = api_for(add_member("admin"))
    owners_token = (
        ApiToken.objects.get(user=owner.user)
        if ApiToken.objects.filter(user=owner.user).exists()
        else None
    )
    if owners_token is None:
        api_for(owner)
        owners_token = ApiToken.objects.get(user=owner.user)

    assert member_client.delete(f"/tokens/{owners_token.pk}").status_code == 404
    assert admin_client.delete(f"/tokens/{owners_token.pk}").status_code == 204
