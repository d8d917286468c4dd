"""Signals for the apps that build on invoicing (rendering, e-invoices), which invoicing must
not import."""

from django.dispatch import Signal

# Sent inside the issuing transaction with `document_ids`; a receiver that does slow work
# (rendering the PDF) defers it with transaction.on_commit, so a rollback leaves no trace.
documents_issued = Signal()
