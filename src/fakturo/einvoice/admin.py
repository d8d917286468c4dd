"""Received documents for operators, read-only: imports go through the UI, API or CLI."""

from django.contrib import admin

from fakturo.accounts.admin import ReadOnlyAdmin
from fakturo.einvoice.models import ReceivedDocument


@admin.register(ReceivedDocument)
class ReceivedDocumentAdmin(ReadOnlyAdmin):
    list_display = (
        "supplier_name",
        "number",
        "issue_date",
        "total",
        "currency",
        "syntax",
        "is_valid",
        "organization",
        "created_at",
    )
    list_filter = ("is_valid", "syntax")
    search_fields = ("supplier_name", "supplier_vat_id", "number", "sha256")
