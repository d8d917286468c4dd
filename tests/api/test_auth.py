import pytest
from django.test import Client

from fakturo.accounts.models import ApiToken, Membership
from fakturo.accounts.services import api_token_revoke, membership_remove

pytestmark = pytest.mark.django_db

PROBLEM = "application/problem+json"


def test_without_a_token_the_api_answers_401_problem_json():
    response = Client().get("/api/v1/me")

    assert response.status_code == 401
    assert response["Content-Type"] == PROBLEM
    assert response.json()["status"] == 401
    assert response["WWW-Authenticate"] == "Bearer"


def test_an_unknown_token_is_401(api):
    api.token = "fk_not-a-real-token"

    assert api.get("/me").status_code == 401


def test_a_revoked_token_is_401(owner, api):
    token = ApiToken.objects.get(user=owner.user)
    api_token_revoke(membership=owner, token_id=token.pk)

    assert api.get("/me").status_code == 401


def test_a_token_stops_working_when_its_user_leaves_the_organization(owner, add_member, api_for):
    member = add_member("member")
    client = api_for(member)
    membership_remove(membership=owner, member_id=member.pk)

    assert client.get("/me").status_code == 401
    assert not Membership.objects.filter(pk=member.pk).exists()


def test_using_a_token_records_when_it_was_last_used(owner, api):
    assert ApiToken.objects.get(user=owner.user).last_used_at is None

    api.get("/me")

    assert ApiToken.objects.get(user=owner.user).last_used_at is not None


def test_a_read_only_token_can_read_but_not_write(owner, api_for):
    client = api_for(owner, read_only=True)

    assert client.get("/organization").status_code == 200
    response = client.patch("/organization", {"trade_name": "Nope"})
    assert response.status_code == 403
    assert response.json()["detail"] == "This token is read-only."
    owner.organization.refresh_from_db()
    assert owner.organization.trade_name == ""


def test_tokens_are_stored_only_as_their_hash(owner, api):
    token = ApiToken.objects.get(user=owner.user)

    assert api.token not in (token.token_hash, token.prefix)
    assert api.token.startswith(token.prefix)


def test_openapi_schema_and_docs_are_served_without_a_cdn():
    client = Client()
    schema = client.get("/api/v1/openapi.json")
    docs = client.get("/api/v1/docs")

    assert schema.status_code == 200
    paths = schema.json()["paths"]
    for path in (
        "/api/v1/me",
        "/api/v1/organization",
        "/api/v1/members",
        "/api/v1/tokens",
        "/api/v1/tokens/{token_id}",
        "/api/v1/audit-events",
    ):
        assert path in paths
    assert docs.status_code == 200
    assert b"cdn" not in docs.content.lower()
