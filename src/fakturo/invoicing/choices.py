from django.db import models


class DocumentKind(models.TextChoices):
    QUOTE = "quote", "Quote"
    PROFORMA = "proforma", "Proforma invoice"
    INVOICE = "invoice", "Invoice"
    DEPOSIT_INVOICE = "deposit_invoice", "Deposit invoice"
    CREDIT_NOTE = "credit_note", "Credit note"


class DocumentStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    ISSUED = "issued", "Issued"
    SENT = "sent", "Sent"
    PARTIALLY_PAID = "partially_paid", "Partially paid"
    PAID = "paid", "Paid"
    VOID = "void", "Void"
    ACCEPTED = "accepted", "Accepted"
    DECLINED = "declined", "Declined"
    EXPIRED = "expired", "Expired"
    CONVERTED = "converted", "Converted"


class SeriesKind(models.TextChoices):
    """Each series numbers its own documents; deposit invoices share the invoice series, and
    proformas have their own, since a proforma is not an invoice."""

    INVOICE = "invoice", "Invoices"
    CREDIT_NOTE = "credit_note", "Credit notes"
    QUOTE = "quote", "Quotes"
    PROFORMA = "proforma", "Proforma invoices"


SERIES_OF_KIND = {
    DocumentKind.QUOTE: SeriesKind.QUOTE,
    DocumentKind.PROFORMA: SeriesKind.PROFORMA,
    DocumentKind.INVOICE: SeriesKind.INVOICE,
    DocumentKind.DEPOSIT_INVOICE: SeriesKind.INVOICE,
    DocumentKind.CREDIT_NOTE: SeriesKind.CREDIT_NOTE,
}


class PaymentTermsType(models.TextChoices):
    NET_DAYS = "net_days", "Net days"
    DUE_ON_RECEIPT = "due_on_receipt", "Due on receipt"
    FIXED_DATE = "fixed_date", "Fixed date"


class NumberReset(models.TextChoices):
    NEVER = "never", "Never"
    YEARLY = "yearly", "Every year"
