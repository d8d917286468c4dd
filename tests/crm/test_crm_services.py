"""Client, contact and timeline services: validation, codes, duplicates, merge, roles,
isolation and audit."""

import datetime
import zoneinfo
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.db.models import ProtectedError
from django.test.utils import CaptureQueriesContext

from fakturo.audit.models import AuditEvent
from fakturo.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from fakturo.crm.models import Activity, Client, Contact
from fakturo.crm.selectors import client_balance, client_list
from fakturo.crm.services import (
    activity_add,
    client_archive,
    client_create,
    client_merge,
    client_unarchive,
    client_update,
    contact_create,
    contact_delete,
    contact_update,
)

pytestmark = pytest.mark.django_db


def fields_of(error: ValidationFailed) -> list[str]:
    return [item["field"] for item in error.errors]


# Creating


def test_create_normalizes_draws_a_code_and_is_audited(owner) -> None:
    saved = client_create(
        membership=owner,
        values={
            "legal_name": "  Blue Harbour Ltd ",
            "emails": ["AP@BlueHarbour.TEST", "ap@blueharbour.test", " boss@blueharbour.test"],
            "website": "blueharbour.test",
            "billing_country": "de",
            "vat_id": "de 123 456 788",
            "currency": "usd",
            "tags": ["vip", " VIP ", "", "shipping"],
            "payment_terms_days": 30,
        },
    )

    client = Client.objects.get(pk=saved.client.pk)
    assert client.organization == owner.organization
    assert (client.legal_name, client.code, client.name) == (
        "Blue Harbour Ltd",
        "BLUE",
        "Blue Harbour Ltd",
    )
    assert client.emails == ["AP@blueharbour.test", "boss@blueharbour.test"]
    assert client.website == "https://blueharbour.test"
    assert (client.billing_country, client.vat_id, client.currency) == ("DE", "DE123456788", "USD")
    assert client.tags == ["vip", "shipping"]
    assert client.payment_terms_days == 30
    assert saved.possible_duplicates == []
    assert client.warnings == []
    event = AuditEvent.objects.get(action="client.created")
    assert (event.target_id, event.actor, event.organization) == (
        str(client.pk),
        owner.user,
        owner.organization,
    )
    assert event.changes["legal_name"] == [None, "Blue Harbour Ltd"]
    assert event.changes["code"] == [None, "BLUE"]


def test_drawn_codes_are_unique_per_organization(owner, other_owner, make_client) -> None:
    codes = [make_client("Blue Harbour Ltd").code, make_client("Blue Harbour GmbH").code]
    codes.append(make_client("Blue", display_name="Blue Harbour").code)
    codes.append(make_client("Müller & Söhne KG").code)
    codes.append(make_client("株式会社").code)
    codes.append(make_client("Blue Harbour", membership=other_owner).code)

    assert codes == ["BLUE", "BLUE2", "BLUE3", "MULLER", "CLIENT", "BLUE"]


def test_a_given_code_is_upper_case_and_must_be_free(owner, make_client) -> None:
    assert make_client(code="bh-1").code == "BH-1"

    with pytest.raises(ValidationFailed) as raised:
        make_client("Another Ltd", code="BH-1")

    assert raised.value.errors == [
        {"field": "code", "message": "Another client has the code BH-1."}
    ]
    assert Client.objects.count() == 1
    assert AuditEvent.objects.filter(action="client.created").count() == 1


def test_bad_values_name_every_field_and_nothing_is_written(owner) -> None:
    with pytest.raises(ValidationFailed) as raised:
        client_create(
            membership=owner,
            values={
                "legal_name": " ",
                "kind": "robot",
                "emails": ["not-an-email"],
                "billing_country": "XX",
                "shipping_country": "EU",
                "vat_id": "DE000",
                "tax_treatment": "whatever",
                "currency": "EURO",
                "language": "tlh",
                "payment_terms_days": 400,
                "preferred_template": "Not a slug!",
                "tags": ["x" * 41],
                "code": "no spaces",
                "website": "ftp://example.test",
                "colour": "blue",
            },
        )

    assert sorted(fields_of(raised.value)) == sorted(
        [
            "legal_name",
            "kind",
            "emails",
            "billing_country",
            "shipping_country",
            "vat_id",
            "tax_treatment",
            "currency",
            "language",
            "payment_terms_days",
            "preferred_template",
            "tags",
            "code",
            "website",
            "colour",
        ]
    )
    assert not Client.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="client.").exists()


def test_the_legal_name_is_required(owner) -> None:
    with pytest.raises(ValidationFailed) as raised:
        client_create(membership=owner, values={"display_name": "Blue"})

    assert fields_of(raised.value) == ["legal_name"]


def test_exempt_clients_need_a_reason(owner, make_client) -> None:
    with pytest.raises(ValidationFailed) as raised:
        make_client(tax_treatment="exempt")
    assert fields_of(raised.value) == ["tax_exemption_reason"]

    client = make_client(tax_treatment="exempt", tax_exemption_reason="§ 4 Nr. 14 UStG")
    assert client.tax_treatment == "exempt"


def test_a_vat_id_from_another_country_is_saved_with_a_warning(owner, make_client) -> None:
    client = make_client(billing_country="DE", vat_id="FR40303265045")

    assert Client.objects.get(pk=client.pk).vat_id == "FR40303265045"
    assert client.warnings == ["The VAT id is from FR, but the billing address is in DE."]


def test_a_vat_id_without_prefix_takes_the_billing_country(owner, make_client) -> None:
    assert make_client(billing_country="DE", vat_id="123456788").vat_id == "DE123456788"


# Duplicates


def test_possible_duplicates_by_name_vat_id_and_mail_domain(owner, other_owner, make_client):
    by_name = make_client("Blue Harbour Ltd")
    by_vat = make_client("Harbour Holding", billing_country="DE", vat_id="DE123456788")
    by_domain = make_client("Someone", emails=["ap@blueharbour.test"])
    make_client("Private Person", emails=["blue@gmail.com"])
    make_client("Blue Harbour Ltd", membership=other_owner)
    merged = make_client("Blue Harbour Limited")
    client_merge(membership=owner, source_id=merged.pk, target_id=by_name.pk)

    saved = client_create(
        membership=owner,
        values={
            "legal_name": "Blue Harbor GmbH",
            "vat_id": "DE 123456788",
            "emails": ["boss@blueharbour.test", "blue@gmail.com"],
        },
    )

    assert [(match.id, match.reason) for match in saved.possible_duplicates] == [
        (by_vat.pk, "vat_id"),
        (by_domain.pk, "email_domain"),
        (by_name.pk, "name"),
    ]
    assert Client.objects.filter(organization=owner.organization).count() == 6


def test_an_update_checks_duplicates_only_when_the_identity_changes(owner, make_client):
    original = make_client("Blue Harbour Ltd")
    client = make_client("Red Rock")

    assert (
        client_update(
            membership=owner, client_id=client.pk, changes={"notes": "x"}
        ).possible_duplicates
        == []
    )
    renamed = client_update(
        membership=owner, client_id=client.pk, changes={"legal_name": "Blue Harbour GmbH"}
    )

    assert [(match.id, match.score) for match in renamed.possible_duplicates] == [
        (original.pk, 100)
    ]


# Updating


def test_update_changes_the_fields_given_and_audits_the_difference(owner, make_client):
    client = make_client(billing_country="DE", phone="+49 40 1234")

    saved = client_update(
        membership=owner,
        client_id=client.pk,
        changes={"display_name": "Blue", "phone": "+49 40 1234", "billing_country": "FR"},
    )

    assert (saved.client.display_name, saved.client.billing_country) == ("Blue", "FR")
    event = AuditEvent.objects.get(action="client.updated")
    assert event.changes == {"display_name": ["", "Blue"], "billing_country": ["DE", "FR"]}


def test_an_update_that_changes_nothing_writes_nothing(owner, make_client):
    client = make_client(phone="+49 40 1234")
    updated_at = Client.objects.get(pk=client.pk).updated_at

    client_update(membership=owner, client_id=client.pk, changes={"phone": "+49 40 1234 "})

    assert Client.objects.get(pk=client.pk).updated_at == updated_at
    assert not AuditEvent.objects.filter(action="client.updated").exists()


def test_a_blank_code_is_drawn_again_from_the_name(owner, make_client):
    client = make_client("Blue Harbour", code="X1")

    saved = client_update(
        membership=owner, client_id=client.pk, changes={"code": "", "legal_name": "Red Rock"}
    )

    assert saved.client.code == "RED"


def test_a_failed_update_changes_nothing(owner, make_client):
    client = make_client(billing_country="DE")

    with pytest.raises(ValidationFailed):
        client_update(
            membership=owner,
            client_id=client.pk,
            changes={"display_name": "Blue", "billing_country": "XX"},
        )

    assert Client.objects.get(pk=client.pk).display_name == ""
    assert not AuditEvent.objects.filter(action="client.updated").exists()


def test_updating_to_exempt_needs_the_reason(owner, make_client):
    client = make_client()

    with pytest.raises(ValidationFailed) as raised:
        client_update(membership=owner, client_id=client.pk, changes={"tax_treatment": "exempt"})

    assert fields_of(raised.value) == ["tax_exemption_reason"]


# Archiving


def test_archive_and_unarchive_are_audited_once(owner, make_client):
    client = make_client()

    client_archive(membership=owner, client_id=client.pk)
    client_archive(membership=owner, client_id=client.pk)
    assert Client.objects.get(pk=client.pk).is_archived
    client_unarchive(membership=owner, client_id=client.pk)

    assert not Client.objects.get(pk=client.pk).is_archived
    assert list(
        AuditEvent.objects.filter(action__in=["client.archived", "client.unarchived"])
        .order_by("occurred_at")
        .values_list("action", "changes")
    ) == [
        ("client.archived", {"is_archived": [False, True]}),
        ("client.unarchived", {"is_archived": [True, False]}),
    ]


def test_a_client_with_documents_cannot_be_deleted(owner, buyer, make_document):
    make_document(buyer, issue=False)

    with pytest.raises(ProtectedError):
        Client.objects.filter(pk=buyer.pk).delete()


# Merging


def test_merge_moves_contacts_timeline_and_drafts_and_leaves_issued_documents(
    owner, buyer, make_client, make_document
):
    target = make_client("Blue Harbour Holding")
    contact = contact_create(membership=owner, client_id=buyer.pk, values={"name": "Ann"})
    note = activity_add(membership=owner, client_id=buyer.pk, kind="note", summary="Met Ann")
    draft = make_document(buyer, issue=False)
    issued = make_document(buyer)

    result = client_merge(membership=owner, source_id=buyer.pk, target_id=target.pk)

    assert result == target
    source = Client.objects.get(pk=buyer.pk)
    assert (source.is_archived, source.merged_into_id) == (True, target.pk)
    assert Contact.objects.get(pk=contact.pk).client_id == target.pk
    assert Activity.objects.get(pk=note.pk).client_id == target.pk
    draft.refresh_from_db()
    issued.refresh_from_db()
    assert (draft.client_id, issued.client_id) == (target.pk, buyer.pk)
    assert issued.snapshot["buyer"]["legal_name"] == "Blue Harbour Ltd"
    merged = Activity.objects.get(client=target, kind="client_merged")
    assert merged.summary == "Blue Harbour Ltd (BLUE) merged into this client"
    assert merged.actor == owner.user
    # the issued invoice's timeline entry moved too
    assert Activity.objects.filter(client=target, kind="invoice_issued").count() == 1
    event = AuditEvent.objects.get(action="client.merged")
    assert event.target_id == str(buyer.pk)
    assert event.changes == {
        "is_archived": [False, True],
        "merged_into": [None, str(target.pk)],
        "moved_contacts": [None, 1],
        "moved_activities": [None, 2],
        "moved_drafts": [None, 1],
    }


def test_merge_refuses_itself_archived_targets_and_a_second_merge(owner, make_client):
    client, other, archived = make_client("A Co"), make_client("B Co"), make_client("C Co")
    client_archive(membership=owner, client_id=archived.pk)

    with pytest.raises(ValidationFailed) as itself:
        client_merge(membership=owner, source_id=client.pk, target_id=client.pk)
    with pytest.raises(ValidationFailed) as into_archived:
        client_merge(membership=owner, source_id=client.pk, target_id=archived.pk)
    client_merge(membership=owner, source_id=client.pk, target_id=other.pk)
    with pytest.raises(Conflict):
        client_merge(membership=owner, source_id=client.pk, target_id=archived.pk)
    with pytest.raises(Conflict):
        client_unarchive(membership=owner, client_id=client.pk)

    assert fields_of(itself.value) == fields_of(into_archived.value) == ["into"]
    assert AuditEvent.objects.filter(action="client.merged").count() == 1


@pytest.mark.postgres
def test_merge_locks_both_clients_in_key_order(owner, make_client):
    if connection.vendor != "postgresql":
        pytest.skip("needs DATABASE_URL pointing at PostgreSQL")
    source, target = make_client("A Co"), make_client("B Co")

    with CaptureQueriesContext(connection) as queries:
        client_merge(membership=owner, source_id=source.pk, target_id=target.pk)

    locks = [q["sql"] for q in queries.captured_queries if "FOR UPDATE" in q["sql"]]
    assert len(locks) == 1
    assert '"crm_client"' in locks[0]
    assert 'ORDER BY "crm_client"."id" ASC' in locks[0]


# Contacts


def test_contacts_are_created_changed_and_deleted_with_audit(owner, make_client):
    client = make_client()

    contact = contact_create(
        membership=owner,
        client_id=client.pk,
        values={"name": " Ann Lee ", "email": "Ann@BlueHarbour.TEST", "receives_invoices": True},
    )
    contact_update(
        membership=owner, client_id=client.pk, contact_id=contact.pk, changes={"role": "CFO"}
    )
    contact_delete(membership=owner, client_id=client.pk, contact_id=contact.pk)

    assert (contact.name, contact.email, contact.organization) == (
        "Ann Lee",
        "Ann@blueharbour.test",
        owner.organization,
    )
    assert not Contact.objects.exists()
    assert list(
        AuditEvent.objects.filter(action__startswith="contact.")
        .order_by("occurred_at")
        .values_list("action", flat=True)
    ) == ["contact.created", "contact.updated", "contact.deleted"]
    assert AuditEvent.objects.get(action="contact.updated").changes == {"role": ["", "CFO"]}


def test_contact_validation_names_the_fields(owner, make_client):
    client = make_client()

    with pytest.raises(ValidationFailed) as raised:
        contact_create(
            membership=owner,
            client_id=client.pk,
            values={"name": "", "email": "nope", "receives_invoices": "yes"},
        )

    assert fields_of(raised.value) == ["name", "email", "receives_invoices"]
    assert not Contact.objects.exists()


def test_a_contact_of_another_client_is_not_found(owner, make_client):
    client, other = make_client("A Co"), make_client("B Co")
    contact = contact_create(membership=owner, client_id=other.pk, values={"name": "Ann"})

    with pytest.raises(NotFound):
        contact_update(
            membership=owner, client_id=client.pk, contact_id=contact.pk, changes={"role": "x"}
        )
    with pytest.raises(NotFound):
        contact_delete(membership=owner, client_id=client.pk, contact_id=contact.pk)


# Timeline


def test_manual_activities_only_of_the_manual_kinds(owner, make_client):
    client = make_client()

    with pytest.raises(ValidationFailed) as raised:
        activity_add(membership=owner, client_id=client.pk, kind="invoice_paid", summary=" ")

    assert fields_of(raised.value) == ["kind", "summary"]
    assert not Activity.objects.exists()


def test_an_activity_at_a_local_time_of_the_organization(owner, make_client):
    owner.organization.timezone = "Europe/Berlin"
    owner.organization.save()
    client = make_client()

    activity = activity_add(
        membership=owner,
        client_id=client.pk,
        kind="call",
        summary="Called about the offer",
        body="Wants a discount",
        occurred_at=datetime.datetime(2026, 1, 15, 9, 30),
    )

    assert activity.occurred_at == datetime.datetime(
        2026, 1, 15, 9, 30, tzinfo=zoneinfo.ZoneInfo("Europe/Berlin")
    )
    assert (activity.actor, activity.kind) == (owner.user, "call")
    assert AuditEvent.objects.get(action="activity.added").target_id == str(activity.pk)


# Roles and isolation


def test_an_accountant_reads_but_changes_nothing(owner, add_member, make_client):
    accountant = add_member("accountant")
    client = make_client()
    other = make_client("Other Co")
    before = AuditEvent.objects.count()

    attempts = [
        lambda: client_create(membership=accountant, values={"legal_name": "X"}),
        lambda: client_update(membership=accountant, client_id=client.pk, changes={"notes": "x"}),
        lambda: client_archive(membership=accountant, client_id=client.pk),
        lambda: client_unarchive(membership=accountant, client_id=client.pk),
        lambda: client_merge(membership=accountant, source_id=client.pk, target_id=other.pk),
        lambda: contact_create(membership=accountant, client_id=client.pk, values={"name": "A"}),
        lambda: activity_add(membership=accountant, client_id=client.pk, kind="note", summary="Hi"),
    ]
    for attempt in attempts:
        with pytest.raises(PermissionDenied):
            attempt()

    assert Client.objects.count() == 2
    assert not Contact.objects.exists()
    assert AuditEvent.objects.count() == before
    assert list(client_list(organization=accountant.organization, filters={})) == [client, other]


def test_a_member_edits_clients(add_member, make_client):
    member = add_member("member")

    client = make_client("Member's Client", membership=member)
    client_archive(membership=member, client_id=client.pk)

    assert AuditEvent.objects.get(action="client.archived").actor == member.user


def test_another_organizations_clients_are_not_found(owner, other_owner, make_client):
    theirs = make_client("Globex Client", membership=other_owner)
    ours = make_client()

    for attempt in [
        lambda: client_update(membership=owner, client_id=theirs.pk, changes={"notes": "x"}),
        lambda: client_archive(membership=owner, client_id=theirs.pk),
        lambda: client_merge(membership=owner, source_id=theirs.pk, target_id=ours.pk),
        lambda: contact_create(membership=owner, client_id=theirs.pk, values={"name": "A"}),
        lambda: activity_add(membership=owner, client_id=theirs.pk, kind="note", summary="x"),
    ]:
        with pytest.raises(NotFound):
            attempt()
    with pytest.raises(ValidationFailed) as raised:
        client_merge(membership=owner, source_id=ours.pk, target_id=theirs.pk)

    assert fields_of(raised.value) == ["into"]
    assert Client.objects.get(pk=theirs.pk).notes == ""
    assert not Client.objects.get(pk=ours.pk).is_archived


# Reads


@time_machine.travel(datetime.datetime(2026, 3, 20, 12, tzinfo=datetime.UTC), tick=False)
def test_the_balance_sums_open_invoices_and_the_overdue_part(
    owner, buyer, make_client, make_document, django_assert_num_queries
):
    make_document(buyer, "100.00", issue_date=datetime.date(2026, 2, 1))  # due 15 Feb: overdue
    make_document(buyer, "50.00", issue_date=datetime.date(2026, 3, 10))  # due 24 Mar
    make_document(buyer, "10.00", kind="deposit_invoice", issue_date=datetime.date(2026, 3, 12))
    make_document(
        buyer,
        "100.00",
        currency="USD",
        exchange_rate=Decimal("0.9"),
        issue_date=datetime.date(2026, 3, 10),
    )  # 119.00 USD at 0.9 EUR
    make_document(buyer, "1000.00", issue=False)  # a draft owes nothing
    make_document(buyer, "500.00", kind="quote", issue_date=datetime.date(2026, 1, 1))
    make_document(
        make_client(
            "Other Co",
            billing_country="DE",
            billing_city="Kiel",
            billing_line1="1 Road",
            billing_postal_code="24103",
        ),
        "70.00",
        issue_date=datetime.date(2026, 1, 1),
    )

    with django_assert_num_queries(1):
        balance = client_balance(client=buyer, organization=owner.organization)

    assert (balance.currency, balance.open_amount, balance.overdue_amount) == (
        "EUR",
        Decimal("297.50"),
        Decimal("119.00"),
    )


def test_the_balance_of_a_client_without_documents_is_zero(owner, make_client):
    balance = client_balance(client=make_client(), organization=owner.organization)

    assert (balance.open_amount, balance.overdue_amount) == (Decimal("0.00"), Decimal("0.00"))


def test_the_list_filters_and_sorts(owner, other_owner, make_client):
    blue = make_client("Blue Harbour Ltd", billing_country="DE", tags=["vip", "Überseekunde"])
    acme = make_client(
        "Zeta", display_name="Acme", code="ZZ", emails=["ap@acme.test"], billing_country="FR"
    )
    make_client("Blue Harbour", membership=other_owner)
    archived = make_client("Archived Co", vat_id="FR40303265045", billing_country="FR")
    client_archive(membership=owner, client_id=archived.pk)

    def names(**filters) -> list[str]:
        return [c.name for c in client_list(organization=owner.organization, filters=filters)]

    assert names() == ["Acme", "Blue Harbour Ltd"]
    assert names(sort="-name") == ["Blue Harbour Ltd", "Acme"]
    assert names(sort="code") == ["Blue Harbour Ltd", "Acme"]  # BLUE, ZZ
    assert names(sort="-code") == ["Acme", "Blue Harbour Ltd"]
    assert names(sort="-created_at") == ["Acme", "Blue Harbour Ltd"]
    assert names(q="harb") == names(q="blue") == names(q="BLUE") == ["Blue Harbour Ltd"]
    assert names(q="acme.test") == ["Acme"]
    assert names(tag="VIP") == names(tag="Überseekunde") == ["Blue Harbour Ltd"]
    assert names(tag="vi") == []
    assert names(country="fr") == ["Acme"]
    assert names(archived=True) == ["Archived Co"]
    assert names(archived=True, q="fr 4030") == ["Archived Co"]
    assert (blue.code, acme.code) == ("BLUE", "ZZ")


def test_electronic_address_scheme_must_be_an_eas_code(owner) -> None:
    with pytest.raises(ValidationFailed) as caught:
        client_create(
            membership=owner,
            values={"legal_name": "Amt", "electronic_address_scheme": "XX"},
        )
    assert fields_of(caught.value) == ["electronic_address_scheme"]
    saved = client_create(
        membership=owner,
        values={
            "legal_name": "Amt",
            "electronic_address": "04011000-12345-67",
            "electronic_address_scheme": "0204",
        },
    )
    assert saved.client.electronic_address_scheme == "0204"
    assert saved.client.einvoice_format == "facturx"
