from django.db import models


class ClientKind(models.TextChoices):
    COMPANY = "company", "Company"
    PERSON = "person", "Person"


class TaxTreatment(models.TextChoices):
    """How VAT applies to sales to this client."""

    DOMESTIC = "domestic", "Domestic"
    REVERSE_CHARGE = "reverse_charge", "Intra-EU reverse charge"
    EXPORT = "export", "Export outside the EU"
    EXEMPT = "exempt", "Exempt"


class DeliveryFormat(models.TextChoices):
    """The file a client's documents are sent as."""

    PDF = "pdf", "PDF"
    FACTURX = "facturx", "Factur-X / ZUGFeRD PDF"
    UBL = "ubl", "UBL 2.1 XML"
    CII = "cii", "UN/CEFACT CII XML"
    XRECHNUNG = "xrechnung", "XRechnung (UBL)"
    PEPPOL = "peppol", "Peppol BIS Billing 3.0"


class ActivityKind(models.TextChoices):
    NOTE = "note", "Note"
    CALL = "call", "Call"
    MEETING = "meeting", "Meeting"
    EMAIL = "email", "Email"
    QUOTE_SENT = "quote_sent", "Quote sent"
    QUOTE_ACCEPTED = "quote_accepted", "Quote accepted"
    QUOTE_DECLINED = "quote_declined", "Quote declined"
    INVOICE_ISSUED = "invoice_issued", "Invoice issued"
    INVOICE_SENT = "invoice_sent", "Invoice sent"
    INVOICE_VIEWED = "invoice_viewed", "Invoice viewed"
    INVOICE_PAID = "invoice_paid", "Invoice paid"
    PAYMENT_RECEIVED = "payment_received", "Payment received"
    REMINDER_SENT = "reminder_sent", "Reminder sent"
    CREDIT_NOTE_ISSUED = "credit_note_issued", "Credit note issued"
    INVOICE_VOIDED = "invoice_voided", "Invoice voided"
    CLIENT_MERGED = "client_merged", "Client merged"


MANUAL_ACTIVITY_KINDS = (
    ActivityKind.NOTE,
    ActivityKind.CALL,
    ActivityKind.MEETING,
    ActivityKind.EMAIL,
)
