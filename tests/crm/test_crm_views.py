"""The client pages: list, search, create, edit, detail, contacts, timeline, archive, merge;
accountants read only."""

import datetime

import pytest
import time_machine
from django.test import Client as Browser
from django.urls import reverse

from fakturo.accounts.models import Membership
from fakturo.audit.models import AuditEvent
from fakturo.crm.models import Activity, Client, Contact
from fakturo.crm.services import client_archive, contact_create

pytestmark = pytest.mark.django_db


def logged_in(membership: Membership) -> Browser:
    browser = Browser()
    browser.force_login(membership.user)
    return browser


@pytest.fixture
def browser(owner: Membership) -> Browser:
    return logged_in(owner)


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


# List


def test_the_list_needs_a_login() -> None:
    response = Browser().get(reverse("crm:client_list"))

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_the_list_shows_active_clients_with_a_new_button(browser, make_client):
    make_client("Blue Harbour Ltd", billing_country="DE", tags=["vip"])
    make_client("Acme", emails=["ap@acme.test"])

    response = browser.get(reverse("crm:client_list"))

    assert response.status_code == 200
    assert [c.name for c in response.context["page"].object_list] == ["Acme", "Blue Harbour Ltd"]
    assert reverse("crm:client_create") in response.text
    assert response.context["tags"] == ["vip"]


def test_the_list_stays_within_its_query_budget(
    owner, browser, make_client, django_assert_max_num_queries
):
    Client.objects.bulk_create(
        Client(organization=owner.organization, code=f"C{number}", legal_name=f"Client {number}")
        for number in range(40)
    )

    with django_assert_max_num_queries(10):
        response = browser.get(reverse("crm:client_list"))

    assert len(response.context["page"].object_list) == 40


def test_search_through_htmx_returns_only_the_results(browser, make_client):
    make_client("Blue Harbour Ltd")
    make_client("Acme")

    response = browser.get(reverse("crm:client_list"), {"q": "harb"}, HTTP_HX_REQUEST="true")

    assert response.templates[0].name == "crm/partials/_client_results.html"
    assert "Blue Harbour Ltd" in response.text
    assert "Acme" not in response.text
    assert "<html" not in response.text


def test_the_list_sorts_pages_and_toggles_archived(owner, browser, make_client):
    Client.objects.bulk_create(
        Client(
            organization=owner.organization, code=f"C{number}", legal_name=f"Client {number:02d}"
        )
        for number in range(55)
    )
    archived = make_client("Archived Co")
    client_archive(membership=owner, client_id=archived.pk)

    first = browser.get(reverse("crm:client_list"), {"sort": "-name"})
    second = browser.get(reverse("crm:client_list"), {"sort": "-name", "page": 2})
    archived_page = browser.get(reverse("crm:client_list"), {"archived": "on"})

    assert first.context["page"].object_list[0].name == "Client 54"
    assert len(second.context["page"].object_list) == 5
    assert "sort=-name&amp;page=2" in first.text
    assert [c.name for c in archived_page.context["page"].object_list] == ["Archived Co"]


# Create and edit


def test_create_redirects_to_the_page_and_warns_of_duplicates_and_the_vat_id(browser, make_client):
    existing = make_client("Blue Harbour Ltd")

    response = browser.post(
        reverse("crm:client_create"),
        {
            "kind": "company",
            "legal_name": "Blue Harbor GmbH",
            "emails": "ap@blueharbor.test, boss@blueharbor.test",
            "billing_country": "DE",
            "vat_id": "FR40303265045",
            "tax_treatment": "domestic",
            "tags": "vip, shipping",
        },
        follow=True,
    )

    client = Client.objects.get(legal_name="Blue Harbor GmbH")
    existing_url = reverse("crm:client_detail", args=[existing.pk])
    assert response.redirect_chain == [(reverse("crm:client_detail", args=[client.pk]), 302)]
    assert client.emails == ["ap@blueharbor.test", "boss@blueharbor.test"]
    assert client.tags == ["vip", "shipping"]
    assert messages_of(response) == [
        "Client Blue Harbor GmbH created.",
        f'This client may be a duplicate of <a href="{existing_url}">Blue Harbour Ltd</a> (name).',
    ]
    assert f'href="{existing_url}"' in response.text
    assert "The VAT id is from FR, but the billing address is in DE." in response.text


def test_a_service_error_shows_on_the_field(browser, make_client):
    make_client("Blue Harbour Ltd", code="BLUE")

    response = browser.post(
        reverse("crm:client_create"),
        {"kind": "company", "legal_name": "Other", "code": "blue", "tax_treatment": "exempt"},
    )

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "tax_exemption_reason": ["Exempt clients need the reason for the exemption."]
    }
    assert Client.objects.count() == 1


def test_edit_saves_only_what_changed(owner, browser, make_client):
    client = make_client("Blue Harbour Ltd", emails=["ap@blueharbour.test"], tags=["vip"])
    form = browser.get(reverse("crm:client_edit", args=[client.pk])).context["form"]
    data = {name: form[name].value() or "" for name in form.fields}

    response = browser.post(
        reverse("crm:client_edit", args=[client.pk]), {**data, "phone": "+49 40 1"}
    )

    assert response.status_code == 302
    assert Client.objects.get(pk=client.pk).phone == "+49 40 1"
    assert AuditEvent.objects.get(action="client.updated").changes == {"phone": ["", "+49 40 1"]}


# Detail


@time_machine.travel(datetime.datetime(2026, 3, 20, 12, tzinfo=datetime.UTC), tick=False)
def test_the_page_shows_balance_documents_contacts_and_timeline(
    owner, browser, buyer, make_document, django_assert_max_num_queries
):
    overdue = make_document(buyer, "100.00", issue_date=datetime.date(2026, 2, 1))
    make_document(buyer, "50.00", issue=False)
    contact_create(membership=owner, client_id=buyer.pk, values={"name": "Ann Lee"})

    with django_assert_max_num_queries(13):
        response = browser.get(reverse("crm:client_detail", args=[buyer.pk]))

    assert response.status_code == 200
    balance = response.context["balance"]
    assert (str(balance.open_amount), str(balance.overdue_amount)) == ("119.00", "119.00")
    assert "€119.00" in response.text
    documents = list(response.context["documents"])
    assert [(d.number, d.status, d.is_overdue) for d in documents] == [
        ("", "draft", False),
        (overdue.number, "issued", True),
    ]
    assert "Ann Lee" in response.text
    assert f"Invoice {overdue.number} issued" in response.text
    assert reverse("crm:client_edit", args=[buyer.pk]) in response.text


def test_another_organizations_client_is_a_404(browser, other_owner, make_client):
    theirs = make_client("Globex Client", membership=other_owner)

    assert browser.get(reverse("crm:client_detail", args=[theirs.pk])).status_code == 404
    assert browser.get(reverse("crm:client_edit", args=[theirs.pk])).status_code == 404
    assert browser.post(reverse("crm:client_archive", args=[theirs.pk])).status_code == 404


# Contacts and timeline


def test_add_a_contact_through_htmx_returns_the_panel(browser, make_client):
    client = make_client()

    response = browser.post(
        reverse("crm:contact_create", args=[client.pk]),
        {"contact-name": "Ann Lee", "contact-email": "ann@blueharbour.test"},
        HTTP_HX_REQUEST="true",
    )

    assert response.templates[0].name == "crm/partials/_contacts.html"
    assert "Ann Lee" in response.text
    assert Contact.objects.get().email == "ann@blueharbour.test"


def test_a_bad_contact_without_htmx_shows_the_page_with_errors(browser, make_client):
    client = make_client()

    response = browser.post(
        reverse("crm:contact_create", args=[client.pk]), {"contact-email": "nope"}
    )

    assert response.status_code == 422
    assert set(response.context["contact_form"].errors) == {"name", "email"}
    assert not Contact.objects.exists()


def test_edit_and_delete_a_contact(owner, browser, make_client):
    client = make_client()
    contact = contact_create(membership=owner, client_id=client.pk, values={"name": "Ann"})

    edited = browser.post(
        reverse("crm:contact_edit", args=[client.pk, contact.pk]), {"name": "Ann", "role": "CFO"}
    )
    deleted = browser.post(reverse("crm:contact_delete", args=[client.pk, contact.pk]))

    assert edited.status_code == deleted.status_code == 302
    assert AuditEvent.objects.get(action="contact.updated").changes == {"role": ["", "CFO"]}
    assert not Contact.objects.exists()


def test_add_a_call_to_the_timeline(owner, browser, make_client):
    owner.organization.timezone = "Europe/Berlin"
    owner.organization.save()
    client = make_client()

    response = browser.post(
        reverse("crm:activity_add", args=[client.pk]),
        {
            "activity-kind": "call",
            "activity-summary": "Called about the offer",
            "activity-occurred_at": "2026-01-15T09:30",
        },
    )

    assert response.status_code == 302
    activity = Activity.objects.get(client=client)
    assert activity.kind == "call"
    assert activity.occurred_at == datetime.datetime(2026, 1, 15, 8, 30, tzinfo=datetime.UTC)


# Archive and merge


def test_archive_and_unarchive(browser, make_client):
    client = make_client()

    browser.post(reverse("crm:client_archive", args=[client.pk]))
    assert Client.objects.get(pk=client.pk).is_archived
    browser.post(reverse("crm:client_unarchive", args=[client.pk]))
    assert not Client.objects.get(pk=client.pk).is_archived


def test_merge_offers_likely_duplicates_first_and_merges(browser, make_client):
    source = make_client("Blue Harbour Ltd")
    target = make_client("Blue Harbour GmbH")
    make_client("Acme")

    page = browser.get(reverse("crm:client_merge", args=[source.pk]))
    response = browser.post(
        reverse("crm:client_merge", args=[source.pk]), {"into": str(target.pk)}, follow=True
    )

    choices = page.context["form"].fields["into"].choices
    assert choices[1] == ("Possible duplicates", [(str(target.pk), "Blue Harbour GmbH")])
    assert response.redirect_chain == [(reverse("crm:client_detail", args=[target.pk]), 302)]
    assert Client.objects.get(pk=source.pk).merged_into_id == target.pk
    merged_page = browser.get(reverse("crm:client_detail", args=[source.pk]))
    assert "Merged into" in merged_page.text


def test_merge_without_a_choice_shows_the_error(browser, make_client):
    client = make_client()

    response = browser.post(reverse("crm:client_merge", args=[client.pk]), {"into": ""})

    assert response.status_code == 200
    assert "into" in response.context["form"].errors


# Roles


def test_an_accountant_sees_everything_without_edit_buttons(owner, add_member, make_client):
    accountant = logged_in(add_member("accountant"))
    client = make_client()

    listing = accountant.get(reverse("crm:client_list"))
    page = accountant.get(reverse("crm:client_detail", args=[client.pk]))

    assert listing.status_code == page.status_code == 200
    assert reverse("crm:client_create") not in listing.text
    assert reverse("crm:client_edit", args=[client.pk]) not in page.text
    assert reverse("crm:contact_create", args=[client.pk]) not in page.text
    assert reverse("crm:activity_add", args=[client.pk]) not in page.text


def test_an_accountant_gets_403_on_every_change(owner, add_member, make_client):
    accountant = logged_in(add_member("accountant"))
    client, other = make_client(), make_client("Other Co")
    contact = contact_create(membership=owner, client_id=client.pk, values={"name": "Ann"})
    before = AuditEvent.objects.count()

    gets = [
        reverse("crm:client_create"),
        reverse("crm:client_edit", args=[client.pk]),
        reverse("crm:client_merge", args=[client.pk]),
        reverse("crm:contact_edit", args=[client.pk, contact.pk]),
    ]
    posts = [
        (reverse("crm:client_create"), {"kind": "company", "legal_name": "X"}),
        (reverse("crm:client_edit", args=[client.pk]), {"legal_name": "X"}),
        (reverse("crm:client_archive", args=[client.pk]), {}),
        (reverse("crm:client_unarchive", args=[client.pk]), {}),
        (reverse("crm:client_merge", args=[client.pk]), {"into": str(other.pk)}),
        (reverse("crm:contact_create", args=[client.pk]), {"contact-name": "Bo"}),
        (reverse("crm:contact_edit", args=[client.pk, contact.pk]), {"name": "Bo"}),
        (reverse("crm:contact_delete", args=[client.pk, contact.pk]), {}),
        (reverse("crm:activity_add", args=[client.pk]), {"activity-kind": "note"}),
    ]

    assert [accountant.get(url).status_code for url in gets] == [403] * len(gets)
    assert [accountant.post(url, data).status_code for url, data in posts] == [403] * len(posts)
    assert AuditEvent.objects.count() == before
