"""Sending issued documents by email, in the format each client prefers."""

import pytest
from django.test import Client as WebClient
from django.test import override_settings

from fakturo.audit.models import AuditEvent
from fakturo.core.errors import Conflict, ValidationFailed
from fakturo.crm.models import Activity
from fakturo.documents.delivery import DeliveryFailed, document_email
from fakturo.documents.facturx import attached_xml
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def test_an_invoice_goes_to_the_client_as_factur_x_and_becomes_sent(
    seller, issued_invoice, mailoutbox
):
    delivery = document_email(membership=seller, document_id=issued_invoice.pk)

    (message,) = mailoutbox
    assert message.to == ["ap@blueharbour.test"]
    assert issued_invoice.number in message.subject
    ((name, content, media_type),) = message.attachments
    assert (name, media_type) == ("2026-0001.pdf", "application/pdf")
    assert attached_xml(content).startswith(b"<?xml")
    issued_invoice.refresh_from_db()
    assert issued_invoice.status == "sent"
    assert delivery.recipients == ["ap@blueharbour.test"]
    assert AuditEvent.objects.filter(action="invoice.emailed").count() == 1
    assert Activity.objects.filter(kind="invoice_sent", document_id=issued_invoice.pk).exists()


def test_an_xml_client_gets_the_xml_and_a_readable_pdf(seller, client, issued_invoice, mailoutbox):
    client.einvoice_format = "ubl"
    client.save()

    document_email(membership=seller, document_id=issued_invoice.pk, to=["Books@Blueharbour.test"])

    (message,) = mailoutbox
    assert message.to == ["books@blueharbour.test"]
    assert [(name, kind) for name, _, kind in message.attachments] == [
        ("2026-0001.ubl.xml", "application/xml"),
        ("2026-0001.pdf", "application/pdf"),
    ]


def test_a_format_missing_its_fields_sends_nothing(seller, client, issued_invoice, mailoutbox):
    client.einvoice_format = "xrechnung"
    client.save()

    with pytest.raises(ValidationFailed) as raised:
        document_email(membership=seller, document_id=issued_invoice.pk)

    assert raised.value.errors[0]["field"] == "einvoice_format"
    assert "XRechnung" in raised.value.errors[0]["message"]
    assert mailoutbox == []
    issued_invoice.refresh_from_db()
    assert issued_invoice.status == "issued"


def test_drafts_and_missing_or_bad_addresses_are_refused(
    seller, client, make_invoice, issued_invoice, mailoutbox
):
    with pytest.raises(Conflict):
        document_email(membership=seller, document_id=make_invoice().pk)
    client.emails = []
    client.save()
    with pytest.raises(ValidationFailed):
        document_email(membership=seller, document_id=issued_invoice.pk)
    with pytest.raises(ValidationFailed):
        document_email(membership=seller, document_id=issued_invoice.pk, to=["not an address"])
    assert mailoutbox == []


@override_settings(
    EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
    EMAIL_HOST="127.0.0.1",
    EMAIL_PORT=1,
    EMAIL_USE_TLS=False,
    EMAIL_TIMEOUT=2,
)
def test_a_refused_delivery_records_nothing(seller, issued_invoice):
    with pytest.raises(DeliveryFailed) as raised:
        document_email(membership=seller, document_id=issued_invoice.pk)

    assert raised.value.status == 502
    issued_invoice.refresh_from_db()
    assert issued_invoice.status == "issued"
    assert not AuditEvent.objects.filter(action="invoice.emailed").exists()


def test_the_api_sends_and_keeps_other_organizations_out(
    api, api_for, other_owner, issued_invoice, mailoutbox
):
    response = api.post(f"/invoices/{issued_invoice.pk}/send-email", {"subject": "Your invoice"})

    assert response.status_code == 200, response.content
    assert response.json() == {
        "status": "sent",
        "to": ["ap@blueharbour.test"],
        "attachments": ["2026-0001.pdf"],
    }
    assert mailoutbox[0].subject == "Your invoice"
    stranger = api_for(other_owner)
    assert stranger.post(f"/invoices/{issued_invoice.pk}/send-email", {}).status_code == 404
    assert api.post(f"/quotes/{issued_invoice.pk}/send-email", {}).status_code == 404


def test_the_send_page(issued_invoice, mailoutbox):
    browser = WebClient()
    browser.login(email="owner@acme.test", password=PASSWORD)

    page = browser.get(f"/documents/{issued_invoice.pk}/email").content.decode()
    assert 'value="ap@blueharbour.test"' in page
    assert "2026-0001.pdf" in page
    response = browser.post(
        f"/documents/{issued_invoice.pk}/email",
        {"to": "ap@blueharbour.test, boss@blueharbour.test", "subject": "Hi", "message": "See"},
    )

    assert response.status_code == 302
    assert mailoutbox[0].to == ["ap@blueharbour.test", "boss@blueharbour.test"]
    bad = browser.post(
        f"/documents/{issued_invoice.pk}/email", {"to": "nope", "subject": "Hi", "message": "x"}
    )
    assert bad.status_code == 200
    assert "is not an email address" in bad.content.decode()
