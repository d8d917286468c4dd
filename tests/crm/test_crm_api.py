"""The /clients endpoints: every operation, every role, bad input, isolation, pagination."""

import datetime

import pytest
import time_machine

from fakturo.audit.models import AuditEvent
from fakturo.crm.models import Activity, Client, Contact
from fakturo.crm.services import client_archive, contact_create

pytestmark = pytest.mark.django_db

PROBLEM = "application/problem+json"


def error_fields(response) -> list[str]:
    assert response["Content-Type"] == PROBLEM
    return [item["field"] for item in response.json()["errors"]]


# Clients


def test_create_answers_201_with_warnings_and_possible_duplicates(api, make_client):
    existing = make_client("Blue Harbour Ltd")

    response = api.post(
        "/clients",
        {
            "legal_name": "Blue Harbor GmbH",
            "emails": ["ap@blueharbor.test"],
            "billing_country": "DE",
            "vat_id": "FR40303265045",
            "tags": ["vip"],
        },
    )

    assert response.status_code == 201
    body = response.json()
    assert body["code"] == "BLUE2"
    assert body["name"] == "Blue Harbor GmbH"
    assert body["vat_id"] == "FR40303265045"
    assert body["is_archived"] is False
    assert body["merged_into"] is None
    assert body["payment_terms_days"] is None
    assert body["warnings"] == ["The VAT id is from FR, but the billing address is in DE."]
    assert body["possible_duplicates"] == [
        {"id": str(existing.pk), "name": "Blue Harbour Ltd", "reason": "name", "score": 96}
    ]
    assert Client.objects.filter(pk=body["id"]).exists()


def test_create_with_bad_input_is_a_422_naming_the_fields(api):
    response = api.post(
        "/clients", {"legal_name": "X", "billing_country": "XX", "payment_terms_days": 999}
    )

    assert response.status_code == 422
    assert error_fields(response) == ["billing_country", "payment_terms_days"]
    assert not Client.objects.exists()


def test_create_without_a_legal_name_or_with_wrong_types_is_a_422(api):
    assert error_fields(api.post("/clients", {"display_name": "X"})) == ["legal_name"]
    response = api.post("/clients", {"legal_name": "X", "emails": "ap@x.test"})
    assert response.status_code == 422
    assert error_fields(response) == ["emails"]


def test_list_is_paginated_filtered_and_sorted(api, make_client):
    for name in ["Delta", "Alpha", "Charlie", "Bravo"]:
        make_client(name, tags=["vip"] if name in ("Alpha", "Delta") else [])

    page = api.get("/clients?limit=2&offset=1").json()
    assert page["count"] == 4
    assert [item["name"] for item in page["items"]] == ["Bravo", "Charlie"]
    assert [c["name"] for c in api.get("/clients?sort=-name").json()["items"]] == [
        "Delta",
        "Charlie",
        "Bravo",
        "Alpha",
    ]
    assert [c["name"] for c in api.get("/clients?tag=vip&q=a").json()["items"]] == [
        "Alpha",
        "Delta",
    ]


def test_list_shows_archived_clients_on_request(owner, api, make_client):
    make_client("Active Co")
    archived = make_client("Archived Co")
    client_archive(membership=owner, client_id=archived.pk)

    assert [c["name"] for c in api.get("/clients").json()["items"]] == ["Active Co"]
    assert [c["name"] for c in api.get("/clients?archived=true").json()["items"]] == ["Archived Co"]


def test_list_refuses_an_unknown_sort(api):
    response = api.get("/clients?sort=vat_id")

    assert response.status_code == 422
    assert error_fields(response) == ["sort"]


def test_list_stays_within_its_query_budget(api, make_client, django_assert_max_num_queries):
    for number in range(30):
        make_client(f"Client {number}", emails=[f"ap@client{number}.test"])

    with django_assert_max_num_queries(6):
        response = api.get("/clients?limit=30")

    assert len(response.json()["items"]) == 30


@time_machine.travel(datetime.datetime(2026, 3, 20, 12, tzinfo=datetime.UTC), tick=False)
def test_detail_has_the_open_and_overdue_balance_as_decimal_strings(api, buyer, make_document):
    make_document(buyer, "100.00", issue_date=datetime.date(2026, 2, 1))
    make_document(buyer, "50.00", issue_date=datetime.date(2026, 3, 19))

    body = api.get(f"/clients/{buyer.pk}").json()

    assert (body["open_balance"], body["overdue_amount"], body["balance_currency"]) == (
        "178.50",
        "119.00",
        "EUR",
    )
    assert body["warnings"] == []


def test_patch_changes_only_what_is_sent_and_null_clears(api, make_client):
    client = make_client(phone="+49 40 1", payment_terms_days=30, display_name="Blue")

    response = api.patch(
        f"/clients/{client.pk}",
        {"payment_terms_days": None, "display_name": None, "notes": "Pays late"},
    )

    assert response.status_code == 200
    body = response.json()
    assert (body["payment_terms_days"], body["display_name"], body["notes"]) == (
        None,
        "",
        "Pays late",
    )
    assert body["phone"] == "+49 40 1"
    assert body["possible_duplicates"] == []


def test_patch_with_bad_input_is_a_422_and_changes_nothing(api, make_client):
    client = make_client()

    response = api.patch(f"/clients/{client.pk}", {"notes": "x", "tax_treatment": "exempt"})

    assert response.status_code == 422
    assert error_fields(response) == ["tax_exemption_reason"]
    assert Client.objects.get(pk=client.pk).notes == ""


def test_archive_and_unarchive(api, make_client):
    client = make_client()

    archived = api.post(f"/clients/{client.pk}/archive")
    unarchived = api.post(f"/clients/{client.pk}/unarchive")

    assert (archived.status_code, archived.json()["is_archived"]) == (200, True)
    assert (unarchived.status_code, unarchived.json()["is_archived"]) == (200, False)


def test_merge_returns_the_client_that_stays(api, make_client):
    source, target = make_client("Blue Harbour Ltd"), make_client("Blue Harbour Holding")

    response = api.post(f"/clients/{source.pk}/merge", {"into": str(target.pk)})

    assert response.status_code == 200
    assert response.json()["id"] == str(target.pk)
    source_body = api.get(f"/clients/{source.pk}").json()
    assert (source_body["is_archived"], source_body["merged_into"]) == (True, str(target.pk))
    again = api.post(f"/clients/{source.pk}/merge", {"into": str(target.pk)})
    assert again.status_code == 409


def test_merge_into_itself_or_nowhere_is_a_422(api, make_client):
    client = make_client()

    assert error_fields(api.post(f"/clients/{client.pk}/merge", {"into": str(client.pk)})) == [
        "into"
    ]
    assert error_fields(api.post(f"/clients/{client.pk}/merge", {"into": "nope"})) == ["into"]


# Contacts


def test_contacts_create_list_patch_delete(api, make_client):
    client = make_client()

    created = api.post(
        f"/clients/{client.pk}/contacts",
        {"name": "Ann Lee", "email": "ann@blueharbour.test", "receives_invoices": True},
    )
    contact_id = created.json()["id"]
    patched = api.patch(f"/clients/{client.pk}/contacts/{contact_id}", {"role": "CFO"})
    listed = api.get(f"/clients/{client.pk}/contacts").json()
    deleted = api.delete(f"/clients/{client.pk}/contacts/{contact_id}")

    assert created.status_code == 201
    assert patched.json()["role"] == "CFO"
    assert listed["count"] == 1
    assert listed["items"][0]["name"] == "Ann Lee"
    assert listed["items"][0]["receives_invoices"] is True
    assert deleted.status_code == 204
    assert not Contact.objects.exists()


def test_a_contact_with_bad_input_is_a_422(api, make_client):
    client = make_client()

    response = api.post(f"/clients/{client.pk}/contacts", {"name": "Ann", "email": "nope"})

    assert response.status_code == 422
    assert error_fields(response) == ["email"]


# Activities


def test_activities_add_and_list_newest_first(api, owner, make_client):
    client = make_client()

    created = api.post(
        f"/clients/{client.pk}/activities",
        {"kind": "call", "summary": "Called", "occurred_at": "2026-01-15T09:30:00+01:00"},
    )
    api.post(f"/clients/{client.pk}/activities", {"kind": "note", "summary": "Noted"})
    listed = api.get(f"/clients/{client.pk}/activities?limit=1").json()

    assert created.status_code == 201
    assert datetime.datetime.fromisoformat(created.json()["occurred_at"]) == datetime.datetime(
        2026, 1, 15, 8, 30, tzinfo=datetime.UTC
    )
    assert created.json()["actor"] == owner.user.email
    assert listed["count"] == 2
    assert [item["summary"] for item in listed["items"]] == ["Noted"]


def test_an_activity_of_a_kind_services_write_is_a_422(api, make_client):
    client = make_client()

    response = api.post(
        f"/clients/{client.pk}/activities", {"kind": "invoice_paid", "summary": "Paid"}
    )

    assert response.status_code == 422
    assert error_fields(response) == ["kind"]
    assert not Activity.objects.exists()


# Roles


@pytest.mark.parametrize("role", ["admin", "member"])
def test_admins_and_members_write(add_member, api_for, role):
    client = api_for(add_member(role))

    response = client.post("/clients", {"legal_name": f"{role} client"})

    assert response.status_code == 201


def test_an_accountant_reads_every_endpoint_and_writes_none(
    owner, add_member, api_for, make_client
):
    accountant = api_for(add_member("accountant"))
    client, other = make_client(), make_client("Other Co")
    contact = contact_create(membership=owner, client_id=client.pk, values={"name": "Ann"})
    before = AuditEvent.objects.count()

    for path in [
        "/clients",
        f"/clients/{client.pk}",
        f"/clients/{client.pk}/contacts",
        f"/clients/{client.pk}/activities",
    ]:
        assert accountant.get(path).status_code == 200, path
    writes = [
        accountant.post("/clients", {"legal_name": "X"}),
        accountant.patch(f"/clients/{client.pk}", {"notes": "x"}),
        accountant.post(f"/clients/{client.pk}/archive"),
        accountant.post(f"/clients/{client.pk}/unarchive"),
        accountant.post(f"/clients/{client.pk}/merge", {"into": str(other.pk)}),
        accountant.post(f"/clients/{client.pk}/contacts", {"name": "Bo"}),
        accountant.patch(f"/clients/{client.pk}/contacts/{contact.pk}", {"role": "x"}),
        accountant.delete(f"/clients/{client.pk}/contacts/{contact.pk}"),
        accountant.post(f"/clients/{client.pk}/activities", {"kind": "note", "summary": "x"}),
    ]

    assert [response.status_code for response in writes] == [403] * len(writes)
    assert AuditEvent.objects.count() == before


def test_a_read_only_token_of_an_owner_writes_nothing(owner, api_for):
    response = api_for(owner, read_only=True).post("/clients", {"legal_name": "X"})

    assert response.status_code == 403


def test_without_a_token_it_is_401(client):
    assert client.get("/api/v1/clients").status_code == 401


# Isolation


def test_another_organizations_client_is_a_404_everywhere(api, other_owner, make_client):
    theirs = make_client("Globex Client", membership=other_owner)
    contact = contact_create(membership=other_owner, client_id=theirs.pk, values={"name": "Jo"})
    ours = make_client()
    base = f"/clients/{theirs.pk}"

    responses = [
        api.get(base),
        api.patch(base, {"notes": "x"}),
        api.post(f"{base}/archive"),
        api.post(f"{base}/unarchive"),
        api.post(f"{base}/merge", {"into": str(ours.pk)}),
        api.get(f"{base}/contacts"),
        api.post(f"{base}/contacts", {"name": "Bo"}),
        api.patch(f"{base}/contacts/{contact.pk}", {"role": "x"}),
        api.delete(f"{base}/contacts/{contact.pk}"),
        api.get(f"{base}/activities"),
        api.post(f"{base}/activities", {"kind": "note", "summary": "x"}),
    ]

    assert [response.status_code for response in responses] == [404] * len(responses)
    assert all(response["Content-Type"] == PROBLEM for response in responses)
    assert api.get("/clients").json()["count"] == 1
    into_theirs = api.post(f"/clients/{ours.pk}/merge", {"into": str(theirs.pk)})
    assert error_fields(into_theirs) == ["into"]
    assert Client.objects.get(pk=theirs.pk).notes == ""
