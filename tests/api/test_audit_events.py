from datetime import timedelta

import pytest
from django.utils import timezone

from fakturo.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_lists_the_organizations_events_newest_first(owner, other_owner, api):
    api.patch("/organization", {"trade_name": "Acme"})

    body = api.get("/audit-events").json()

    actions = [event["action"] for event in body["items"]]
    assert actions[0] == "organization.updated"
    assert "organization.created" in actions
    assert body["count"] == len(actions)
    assert all(event["target_label"] != "Globex SARL" for event in body["items"])
    assert body["items"][0]["changes"] == {"trade_name": ["", "Acme"]}
    assert body["items"][0]["actor"] == "owner@acme.test"
    assert body["items"][0]["request_id"]


def test_filters(owner, add_member, api_for, api):
    admin = add_member("admin")
    api_for(admin).patch("/organization", {"city": "Berlin"})

    by_action = api.get("/audit-events?action=api_token.").json()
    by_actor = api.get("/audit-events?actor=ADMIN@acme.test").json()
    by_type = api.get("/audit-events?target_type=accounts.organization").json()
    by_target = api.get(f"/audit-events?target_id={owner.organization_id}").json()

    assert {e["action"] for e in by_action["items"]} == {"api_token.created"}
    assert [e["action"] for e in by_actor["items"]] == ["organization.updated", "api_token.created"]
    assert {e["target_type"] for e in by_type["items"]} == {"accounts.organization"}
    assert by_type["count"] == by_target["count"] == 2


def test_time_window(owner, api):
    later = (timezone.now() + timedelta(hours=1)).isoformat()
    earlier = (timezone.now() - timedelta(hours=1)).isoformat()

    assert (
        api.get(
            "/audit-events",
        ).json()["count"]
        > 0
    )
    assert api.get(f"/audit-events?since={later.replace('+', '%2B')}").json()["count"] == 0
    assert api.get(f"/audit-events?until={earlier.replace('+', '%2B')}").json()["count"] == 0


def test_a_bad_date_is_a_422(api):
    response = api.get("/audit-events?since=yesterday")

    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "since"


@pytest.mark.parametrize("role", ["admin", "member", "accountant"])
def test_every_role_reads_the_audit_trail(add_member, api_for, role):
    assert api_for(add_member(role)).get("/audit-events").status_code == 200


def test_the_trail_is_append_only(owner):
    event = AuditEvent.objects.first()

    with pytest.raises(TypeError):
        event.save()
    with pytest.raises(TypeError):
        event.delete()
    with pytest.raises(TypeError):
        AuditEvent.objects.all().delete()
    with pytest.raises(TypeError):
        AuditEvent.objects.update(action="x")
