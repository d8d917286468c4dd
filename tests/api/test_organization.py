import pytest

from fakturo.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_me_names_the_user_organization_and_role(owner, api):
    body = api.get("/me").json()

    assert body["user"]["email"] == "owner@acme.test"
    assert body["organization"] == {
        "id": str(owner.organization_id),
        "slug": "acme-gmbh",
        "name": "Acme GmbH",
    }
    assert body["role"] == "owner"
    assert body["token_read_only"] is False
    assert [m["organization"]["slug"] for m in body["memberships"]] == ["acme-gmbh"]


@pytest.mark.parametrize("role", ["admin", "member", "accountant"])
def test_me_for_every_role(add_member, api_for, role):
    assert api_for(add_member(role)).get("/me").json()["role"] == role


def test_get_organization(owner, api):
    body = api.get("/organization").json()

    assert body["legal_name"] == "Acme GmbH"
    assert body["country"] == "DE"
    assert body["default_currency"] == "EUR"
    assert body["payment_terms_days"] == 14


@pytest.mark.parametrize("role", ["owner", "admin"])
def test_owners_and_admins_change_settings_and_it_is_audited(owner, add_member, api_for, role):
    membership = owner if role == "owner" else add_member(role)
    client = api_for(membership)

    response = client.patch(
        "/organization",
        {
            "trade_name": "Acme",
            "vat_id": "de 123 456 788",
            "iban": "DE89 3704 0044 0532 0130 00",
            "bic": "COBADEFFXXX",
            "payment_terms_days": 30,
        },
    )

    assert response.status_code == 200
    body = response.json()
    assert (body["trade_name"], body["vat_id"], body["iban"], body["bic"]) == (
        "Acme",
        "DE123456788",
        "DE89370400440532013000",
        "COBADEFFXXX",
    )
    event = AuditEvent.objects.get(action="organization.updated")
    assert event.actor == membership.user
    assert event.changes["payment_terms_days"] == [14, 30]
    assert event.changes["trade_name"] == ["", "Acme"]


@pytest.mark.parametrize("role", ["member", "accountant"])
def test_members_and_accountants_cannot_change_settings(add_member, api_for, role):
    client = api_for(add_member(role))

    response = client.patch("/organization", {"trade_name": "Hijacked"})

    assert response.status_code == 403
    assert response["Content-Type"] == "application/problem+json"
    assert client.get("/organization").json()["trade_name"] == ""


@pytest.mark.parametrize(
    ("patch", "field"),
    [
        ({"vat_id": "DE123456789"}, "vat_id"),
        ({"iban": "DE00370400440532013000"}, "iban"),
        ({"bic": "NOTABIC"}, "bic"),
        ({"country": "XX"}, "country"),
        ({"default_currency": "EUX"}, "default_currency"),
        ({"language": "tlh"}, "language"),
        ({"timezone": "Mars/Olympus"}, "timezone"),
        ({"email": "not-an-email"}, "email"),
        ({"website": "javascript:alert(1)"}, "website"),
        ({"legal_name": ""}, "legal_name"),
        ({"payment_terms_days": "thirty"}, "payment_terms_days"),
        ({"payment_terms_days": 400}, "payment_terms_days"),
        ({"fiscal_year_start_month": 13}, "fiscal_year_start_month"),
        ({"country": 49}, "country"),
    ],
)
def test_bad_settings_are_a_422_naming_the_field_and_change_nothing(owner, api, patch, field):
    response = api.patch("/organization", {"trade_name": "Changed", **patch})

    assert response.status_code == 422
    body = response.json()
    assert body["title"] == "Validation failed"
    assert field in [error["field"] for error in body["errors"]]
    owner.organization.refresh_from_db()
    assert owner.organization.trade_name == ""
    assert not AuditEvent.objects.filter(action="organization.updated").exists()


def test_the_vat_id_must_belong_to_the_organizations_country(owner, api):
    refused = api.patch("/organization", {"vat_id": "FR40303265045"})
    moved = api.patch("/organization", {"vat_id": "FR40303265045", "country": "FR"})

    assert refused.status_code == 422
    assert refused.json()["errors"] == [
        {"field": "vat_id", "message": "This VAT id is from FR, not DE."}
    ]
    assert moved.status_code == 200
    assert moved.json()["vat_id"] == "FR40303265045"


def test_malformed_json_is_a_4xx_problem(api):
    response = api.request("PATCH", "/organization", "{not json")

    assert 400 <= response.status_code < 500
    assert response["Content-Type"] == "application/problem+json"


def test_each_organization_sees_only_itself(owner, other_owner, api, api_for):
    other = api_for(other_owner)

    assert api.get("/organization").json()["id"] == str(owner.organization_id)
    assert other.get("/organization").json()["id"] == str(other_owner.organization_id)
    other.patch("/organization", {"trade_name": "Globex"})
    owner.organization.refresh_from_db()
    assert owner.organization.trade_name == ""


def test_members_lists_the_organization_with_pagination(owner, add_member, other_owner, api):
    add_member("admin")
    add_member("member")
    add_member("accountant")

    page = api.get("/members?limit=2&offset=0").json()
    rest = api.get("/members?limit=2&offset=2").json()

    assert page["count"] == 4
    emails = [m["email"] for m in page["items"] + rest["items"]]
    assert sorted(emails) == sorted(
        ["owner@acme.test", "admin@acme.test", "member@acme.test", "accountant@acme.test"]
    )
    assert "owner@globex.test" not in emails
    assert {m["role"] for m in page["items"] + rest["items"]} == {
        "owner",
        "admin",
        "member",
        "accountant",
    }


@pytest.mark.parametrize("role", ["admin", "member", "accountant"])
def test_every_role_may_list_members(add_member, api_for, role):
    assert api_for(add_member(role)).get("/members").status_code == 200


@pytest.mark.parametrize("query", ["limit=-1", "limit=abc", "offset=-5"])
def test_bad_pagination_is_a_422(api, query):
    response = api.get(f"/members?{query}")

    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
