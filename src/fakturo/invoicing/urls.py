from django.urls import path

from fakturo.invoicing import views

app_name = "invoicing"
urlpatterns = [
    path("invoices", views.document_list, {"collection": "invoices"}, name="invoice_list"),
    path("invoices/new", views.document_create, {"collection": "invoices"}, name="invoice_create"),
    path("quotes", views.document_list, {"collection": "quotes"}, name="quote_list"),
    path("quotes/new", views.document_create, {"collection": "quotes"}, name="quote_create"),
    path(
        "credit-notes",
        views.document_list,
        {"collection": "credit_notes"},
        name="credit_note_list",
    ),
    path("preview", views.document_preview, name="document_preview"),
    path("<uuid:document_id>", views.document_detail, name="document_detail"),
    path("<uuid:document_id>/edit", views.document_edit, name="document_edit"),
    path("<uuid:document_id>/print", views.document_print, name="document_print"),
    path("<uuid:document_id>/issue", views.document_issue, name="document_issue"),
    path("<uuid:document_id>/mark-sent", views.document_mark_sent, name="document_mark_sent"),
    path("<uuid:document_id>/void", views.invoice_void, name="invoice_void"),
    path("<uuid:document_id>/credit-note", views.credit_note_create, name="credit_note_create"),
    path("<uuid:document_id>/duplicate", views.document_duplicate, name="document_duplicate"),
    path("<uuid:document_id>/delete", views.document_delete, name="document_delete"),
    path("<uuid:document_id>/internal", views.document_internal, name="document_internal"),
    path("<uuid:document_id>/send", views.quote_send, name="quote_send"),
    path("<uuid:document_id>/accept", views.quote_accept, name="quote_accept"),
    path("<uuid:document_id>/decline", views.quote_decline, name="quote_decline"),
    path("<uuid:document_id>/convert", views.quote_convert, name="quote_convert"),
]
