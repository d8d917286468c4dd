import pytest

from fakturo.accounts.models import ApiToken
from fakturo.core.models import IdempotencyRecord

pytestmark = pytest.mark.django_db


def test_a_replay_returns_the_stored_response_and_creates_nothing(owner, api):
    first = api.post("/tokens", {"name": "sync"}, idempotency_key="key-1")
    again = api.post("/tokens", {"name": "sync"}, idempotency_key="key-1")

    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert ApiToken.objects.filter(user=owner.user, name="sync").count() == 1


def test_the_same_key_with_another_body_is_a_409(owner, api):
    api.post("/tokens", {"name": "sync"}, idempotency_key="key-1")

    response = api.post("/tokens", {"name": "other"}, idempotency_key="key-1")

    assert response.status_code == 409
    assert response["Content-Type"] == "application/problem+json"
    assert not ApiToken.objects.filter(name="other").exists()


def test_a_key_still_in_progress_is_a_409(owner, api):
    credential_hash = __import__("hashlib").sha256(f"Bearer {api.token}".encode()).hexdigest()
    body = b'{"name": "sync"}'
    fingerprint = __import__("hashlib").sha256(b"/api/v1/tokens\n" + body).hexdigest()
    IdempotencyRecord.objects.create(
        credential_hash=credential_hash, key="busy", request_fingerprint=fingerprint
    )

    response = api.post("/tokens", body.decode(), idempotency_key="busy")

    assert response.status_code == 409
    assert "in progress" in response.json()["detail"]


def test_keys_belong_to_one_credential(owner, add_member, api, api_for):
    colleague = api_for(add_member("member"))

    mine = api.post("/tokens", {"name": "sync"}, idempotency_key="shared")
    theirs = colleague.post("/tokens", {"name": "sync"}, idempotency_key="shared")

    assert mine.status_code == theirs.status_code == 201
    assert mine.json()["id"] != theirs.json()["id"]


def test_a_validation_error_is_replayed_too(api):
    first = api.post("/tokens", {"name": ""}, idempotency_key="bad")
    again = api.post("/tokens", {"name": ""}, idempotency_key="bad")

    assert first.status_code == again.status_code == 422
    assert again.json() == first.json()


def test_an_unauthenticated_request_is_not_remembered(api):
    api.token = "fk_wrong"

    assert api.post("/tokens", {"name": "x"}, idempotency_key="k").status_code == 401
    assert not IdempotencyRecord.objects.exists()


def test_an_overlong_key_is_a_400(api):
    response = api.post("/tokens", {"name": "x"}, idempotency_key="k" * 256)

    assert response.status_code == 400
    assert not ApiToken.objects.filter(name="x").exists()
