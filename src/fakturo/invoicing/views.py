"""Quotes, invoices and credit notes in the browser: the lists, the editor with live totals,
the document page with its actions, and a printable view. Each view parses, calls one
service, renders; the totals always come from the services' totals module."""

import datetime
import json
import zoneinfo
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any
from uuid import UUID

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied as AccessDenied
from django.core.paginator import Paginator
from django.db.models import Sum
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest, QueryDict
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import reswap, retarget, trigger_client_event

from fakturo.accounts.choices import Capability
from fakturo.accounts.models import Membership
from fakturo.accounts.views import current_membership, error_text, member_required
from fakturo.catalog.choices import Unit
from fakturo.core.errors import Conflict, ValidationFailed
from fakturo.core.locales import country_names
from fakturo.core.money import round_money
from fakturo.crm.models import Client
from fakturo.invoicing import services, totals
from fakturo.invoicing.choices import DocumentKind, DocumentStatus
from fakturo.invoicing.forms import (
    INVOICE_KIND_CHOICES,
    DocumentEditor,
    DocumentFilterForm,
    EditorError,
    decimal_or_none,
    rate_label,
)
from fakturo.invoicing.models import Document, DocumentLine
from fakturo.invoicing.selectors import deducible_deposits, document_totals
from fakturo.invoicing.selectors import document_detail as select_document
from fakturo.invoicing.selectors import document_list as select_documents
from fakturo.invoicing.snapshot import buyer_snapshot, seller_snapshot

K = DocumentKind
S = DocumentStatus
PAGE_SIZE = 50
UNIT_LABELS = dict(Unit.choices)
# Documents whose totals end in a balance due (a quote or credit note asks for no payment).
PAYABLE_VIEW_KINDS = frozenset({K.INVOICE, K.DEPOSIT_INVOICE, K.PROFORMA})
# The editor's list of deposit invoices to deduct, which the editor's page answers alone.
DEPOSITS_TARGET = "deposit-choices"


@dataclass(frozen=True, slots=True)
class Collection:
    slug: str  # "invoices": the list's URL name is invoicing:invoice_list
    title: str
    singular: str
    kinds: tuple[str, ...]
    new_kind: str = ""  # what "New" creates; credit notes come from invoices only


COLLECTIONS = {
    "invoices": Collection(
        "invoices", "Invoices", "invoice", (K.INVOICE, K.DEPOSIT_INVOICE, K.PROFORMA), K.INVOICE
    ),
    "quotes": Collection("quotes", "Quotes", "quote", (K.QUOTE,), K.QUOTE),
    "credit_notes": Collection("credit_notes", "Credit notes", "credit note", (K.CREDIT_NOTE,)),
}
COLLECTION_OF_KIND = {kind: c for c in COLLECTIONS.values() for kind in c.kinds}
LIST_URLS = {
    "invoices": "invoicing:invoice_list",
    "quotes": "invoicing:quote_list",
    "credit_notes": "invoicing:credit_note_list",
}
NEW_URLS = {"invoices": "invoicing:invoice_create", "quotes": "invoicing:quote_create"}
SORTABLE = {
    "number": "Number",
    "issue_date": "Issued",
    "due_date": "Due",
    "total": "Total",
}


# --- helpers --------------------------------------------------------------------------------


def _today(membership: Membership) -> datetime.date:
    return timezone.localdate(timezone=zoneinfo.ZoneInfo(membership.organization.timezone))


def _locale(membership: Membership) -> str:
    return membership.user.language or membership.organization.language or "en"


def _require_edit(membership: Membership) -> None:
    if not membership.can(Capability.EDIT_DOCUMENTS):
        raise AccessDenied("Your role does not allow changing documents.")


def optional_url(name: str, *args: Any) -> str:
    """The URL of a page another app may not have yet; "" until it exists."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


def _document(membership: Membership, document_id: UUID) -> Document:
    document = select_document(
        organization=membership.organization,
        document_id=document_id,
        kinds=K.values,
        today=_today(membership),
    )
    if document is None:
        raise Http404("No such document.")
    return document


def _render(
    request: HttpRequest, template: str, context: dict[str, Any], status: int = 200
) -> HttpResponse:
    membership = current_membership(request)
    context = {
        "money_locale": _locale(membership),
        "can_edit": membership.can(Capability.EDIT_DOCUMENTS),
        **context,
    }
    return render(request, template, context, status=status)


def _label(document: Document) -> str:
    return document.number or f"Draft {document.get_kind_display().lower()}"


# --- what the pages show: one shape from live drafts and from issued snapshots ----------------


@dataclass(frozen=True, slots=True)
class LineView:
    position: int
    description: str
    quantity: Decimal
    unit: str
    unit_price: Decimal
    discount_percent: Decimal | None
    discount_amount: Decimal
    taxes: list[str]
    net_amount: Decimal


@dataclass(frozen=True, slots=True)
class AdjustmentView:
    reason: str
    amount: Decimal
    percent: Decimal | None
    base_amount: Decimal | None
    taxes: list[str]


@dataclass(frozen=True, slots=True)
class TaxGroupView:
    name: str
    rate: Decimal
    category: str
    taxable_amount: Decimal
    tax_amount: Decimal
    exemption_reason: str


@dataclass(frozen=True, slots=True)
class DepositView:
    number: str
    issue_date: datetime.date | None
    net_total: Decimal
    tax_total: Decimal
    total: Decimal


@dataclass(slots=True)
class Summary:
    currency: str
    subtotal: Decimal
    allowance_total: Decimal
    charge_total: Decimal
    net_total: Decimal
    tax_total: Decimal
    withholding_total: Decimal
    total: Decimal
    prepaid_amount: Decimal
    amount_paid: Decimal
    balance_due: Decimal
    allowances: list[AdjustmentView] = field(default_factory=list)
    charges: list[AdjustmentView] = field(default_factory=list)
    taxes: list[TaxGroupView] = field(default_factory=list)
    withholdings: list[TaxGroupView] = field(default_factory=list)

    @classmethod
    def empty(cls, currency: str) -> "Summary":
        zero = round_money(Decimal(0), currency)
        return cls(currency, zero, zero, zero, zero, zero, zero, zero, zero, zero, zero)


def _d(value: Any) -> Decimal:
    return Decimal(str(value)) if value not in (None, "") else Decimal(0)


def _d_or_none(value: Any) -> Decimal | None:
    return None if value in (None, "") else Decimal(str(value))


def _group_view(group: totals.TaxGroup | dict[str, Any]) -> TaxGroupView:
    """One tax group, from the totals module or as a snapshot stores it."""

    def get(name: str) -> Any:
        return group.get(name) if isinstance(group, dict) else getattr(group, name)

    return TaxGroupView(
        name=str(get("name")),
        rate=_d(get("rate")),
        category=str(get("category")),
        taxable_amount=_d(get("taxable_amount")),
        tax_amount=_d(get("tax_amount")),
        exemption_reason=get("exemption_reason") or get("exemption_code") or "",
    )


def summary_of_totals(result: totals.Totals, *, prepaid: Decimal = Decimal(0)) -> Summary:
    def adjustment(item: totals.AdjustmentTotals) -> AdjustmentView:
        return AdjustmentView(
            item.reason, item.amount, item.percent, item.base_amount, [t.name for t in item.taxes]
        )

    return Summary(
        currency=result.currency,
        subtotal=result.subtotal,
        allowance_total=result.allowance_total,
        charge_total=result.charge_total,
        net_total=result.net_total,
        tax_total=result.tax_total,
        withholding_total=result.withholding_total,
        total=result.total,
        prepaid_amount=prepaid,
        amount_paid=result.amount_paid - prepaid,
        balance_due=result.balance_due,
        allowances=[adjustment(a) for a in result.allowances],
        charges=[adjustment(c) for c in result.charges],
        taxes=[_group_view(g) for g in result.tax_breakdown],
        withholdings=[_group_view(g) for g in result.withholdings],
    )


def _summary_of_snapshot(document: Document) -> Summary:
    snapshot = document.snapshot or {}
    figures = snapshot.get("totals", {})

    def adjustment(item: dict[str, Any]) -> AdjustmentView:
        return AdjustmentView(
            item["reason"],
            _d(item["amount"]),
            _d_or_none(item.get("percent")),
            _d_or_none(item.get("base_amount")),
            [t["name"] for t in item.get("taxes", [])],
        )

    return Summary(
        currency=document.currency,
        subtotal=_d(figures.get("subtotal")),
        allowance_total=_d(figures.get("allowance_total")),
        charge_total=_d(figures.get("charge_total")),
        net_total=_d(figures.get("net_total")),
        tax_total=_d(figures.get("tax_total")),
        withholding_total=_d(figures.get("withholding_total")),
        total=_d(figures.get("total")),
        # Payments move these after issue; the document holds their current values.
        prepaid_amount=document.prepaid_amount,
        amount_paid=document.amount_paid,
        balance_due=document.balance_due,
        allowances=[adjustment(a) for a in snapshot.get("allowances", [])],
        charges=[adjustment(c) for c in snapshot.get("charges", [])],
        taxes=[_group_view(g) for g in snapshot.get("tax_breakdown", [])],
        withholdings=[_group_view(g) for g in snapshot.get("withholdings", [])],
    )


def deducted_deposits(document: Document) -> list[DepositView]:
    """The deposit invoices a final invoice deducts: as issued (the snapshot), else live."""
    if document.snapshot:
        return [
            DepositView(
                number=item["number"],
                issue_date=datetime.date.fromisoformat(item["issue_date"])
                if item.get("issue_date")
                else None,
                net_total=_d(item["net_total"]),
                tax_total=_d(item["tax_total"]),
                total=_d(item["total"]),
            )
            for item in document.snapshot.get("deposits", [])
        ]
    return [
        DepositView(d.number, d.issue_date, d.net_total, d.tax_total, d.total)
        for d in document.deposits.all()
    ]


def document_content(document: Document) -> tuple[list[LineView], Summary]:
    """Lines and totals as the document states them: the snapshot once issued, else live."""
    if document.snapshot:
        lines = [
            LineView(
                position=line["position"],
                description=line["description"],
                quantity=_d(line["quantity"]),
                unit=UNIT_LABELS.get(line["unit"], line["unit"]),
                unit_price=_d(line["unit_price"]),
                discount_percent=_d_or_none(line.get("discount_percent")),
                discount_amount=_d(line.get("discount_amount")),
                taxes=[t["name"] for t in line.get("taxes", [])],
                net_amount=_d(line["net_amount"]),
            )
            for line in document.snapshot.get("lines", [])
        ]
        return lines, _summary_of_snapshot(document)
    result = document_totals(document)
    stored = list(document.lines.all())
    lines = [
        LineView(
            position=line.position,
            description=line.description,
            quantity=line.quantity,
            unit=UNIT_LABELS.get(line.unit, line.unit),
            unit_price=line.unit_price,
            discount_percent=line.discount_percent,
            discount_amount=line_totals.discount_amount,
            taxes=[rate.name for rate in line.tax_rates.all()],
            net_amount=line_totals.net_amount,
        )
        for line, line_totals in zip(stored, result.lines, strict=True)
    ]
    return lines, summary_of_totals(result, prepaid=document.prepaid_amount)


# --- lists ----------------------------------------------------------------------------------


def _sort_links(query: QueryDict, current: str) -> dict[str, dict[str, str]]:
    links = {}
    for key, label in SORTABLE.items():
        params = query.copy()
        params.pop("page", None)
        params["sort"] = key if current == f"-{key}" else f"-{key}"
        state = "descending" if current == f"-{key}" else "ascending" if current == key else "none"
        links[key] = {"label": label, "href": f"?{params.urlencode()}", "state": state}
    return links


@member_required
@require_GET
def document_list(request: HttpRequest, collection: str) -> HttpResponse:
    membership = current_membership(request)
    spec = COLLECTIONS[collection]
    form = DocumentFilterForm(
        request.GET, organization=membership.organization, collection=collection
    )
    filters = form.filters()
    documents = select_documents(
        organization=membership.organization,
        kinds=spec.kinds,
        filters=filters,
        today=_today(membership),
    )
    if collection == "credit_notes":
        documents = documents.select_related("related")
    page = Paginator(documents, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    filtered = {k: v for k, v in filters.items() if k != "sort"}
    context = {
        "collection": spec,
        "section": "quotes" if collection == "quotes" else "invoices",
        "form": form,
        "page": page,
        "query": query.urlencode(),
        "is_filtered": bool(filtered),
        "sorts": _sort_links(query, filters.get("sort", "")),
        "list_url": reverse(LIST_URLS[collection]),
        "new_url": reverse(NEW_URLS[collection]) if collection in NEW_URLS else "",
    }
    htmx = getattr(request, "htmx", None)
    if htmx and htmx.target == "document-results" and not htmx.history_restore_request:
        return _render(request, "invoicing/partials/_document_table.html", context)
    return _render(request, "invoicing/document_list.html", context)


# --- the editor -----------------------------------------------------------------------------


def _editor_context(
    request: HttpRequest,
    editor: DocumentEditor,
    *,
    summary: Summary | None,
    line_nets: dict[int, Decimal],
) -> dict[str, Any]:
    membership = current_membership(request)
    organization = membership.organization
    document = editor.document
    kind = editor.kind
    spec = COLLECTION_OF_KIND[kind]
    errors = editor.errors() if editor.header.is_bound else []
    currency = summary.currency if summary else str(editor.header["currency"].value() or "")
    return {
        "editor": editor,
        "document": document,
        "kind": kind,
        "kind_label": K(kind).label if kind in K.values else "Document",
        "collection": spec,
        "section": "quotes" if kind == K.QUOTE else "invoices",
        "list_url": reverse(LIST_URLS[spec.slug]),
        "clients": editor.header.fields["client_id"].queryset,  # type: ignore[attr-defined]
        "organization_currency": organization.default_currency,
        "summary": summary,
        "line_rows": [(form, line_nets.get(i)) for i, form in enumerate(editor.lines.forms)],
        "adjustment_sets": [
            ("allowances", editor.allowances, "Discounts", "discount"),
            ("charges", editor.charges, "Charges", "charge"),
        ],
        "currency": currency or organization.default_currency,
        "show_due": kind in PAYABLE_VIEW_KINDS,
        "new_client_url": optional_url("crm:client_create"),
        "errors": errors,
        "errors_json": _errors_json(errors),
        "product_search_url": optional_url("catalog:product_search"),
        "rates_url": optional_url("catalog:tax_rate_list"),
        "is_invoice_kind": kind in dict(INVOICE_KIND_CHOICES),
        **_editor_deposits(membership, editor),
    }


def _uuid(value: Any) -> UUID | None:
    if isinstance(value, UUID):
        return value
    try:
        return UUID(str(value or ""))
    except ValueError:
        return None


def _deposit_choices(
    membership: Membership,
    *,
    kind: str,
    client_id: Any,
    currency: Any,
    document: Document | None,
    checked: Iterable[Any],
    error: str = "",
) -> dict[str, Any]:
    """What the editor's "Deduct deposit invoices" list shows: a final invoice's choices."""
    client = _uuid(client_id)
    deposits: list[Document] = []
    if kind == K.INVOICE and client is not None:
        deposits = list(
            deducible_deposits(
                organization=membership.organization,
                client_id=client,
                currency=str(currency or ""),
                document=document,
            )
        )
    return {
        "deducts_deposits": kind == K.INVOICE,
        "deposits": deposits,
        "checked_deposits": {str(value) for value in checked},
        "deposit_client_chosen": client is not None,
        "deposit_error": error,
    }


def _editor_deposits(membership: Membership, editor: DocumentEditor) -> dict[str, Any]:
    header = editor.header
    if "deposit_ids" not in header.fields:
        return {"offers_deposits": False}
    document = editor.document
    return {
        "offers_deposits": True,
        "editor_url": reverse("invoicing:document_edit", args=[document.pk])
        if document
        else reverse("invoicing:invoice_create"),
        **_deposit_choices(
            membership,
            kind=editor.kind,
            client_id=header["client_id"].value(),
            currency=header["currency"].value(),
            document=document,
            checked=header["deposit_ids"].value() or [],
            error=str((header.errors.get("deposit_ids") or [""])[0]),
        ),
    }


def _asks_for_deposits(request: HttpRequest) -> bool:
    htmx = getattr(request, "htmx", None)
    return bool(htmx and htmx.target == DEPOSITS_TARGET)


def _deposit_list(
    request: HttpRequest, membership: Membership, *, kind: str, document: Document | None
) -> HttpResponse:
    """The deposit invoices to deduct, refreshed when the editor's client or currency changes;
    the totals follow once the list is in."""
    params = request.GET
    context = _deposit_choices(
        membership,
        kind=kind,
        client_id=params.get("client_id"),
        currency=params.get("currency"),
        document=document,
        checked=params.getlist("deposit_ids"),
    )
    response = _render(request, "invoicing/partials/_deposit_choices.html", context)
    return trigger_client_event(response, "recalculate", after="settle")


def _errors_json(errors: list[EditorError]) -> str:
    by_input: dict[str, str] = {}
    for error in errors:
        if error.input_id:
            by_input.setdefault(error.input_id, error.message)
    return json.dumps(by_input)


def _preview(
    membership: Membership, editor: DocumentEditor
) -> tuple[Summary | None, dict[int, Decimal]]:
    """The draft's totals as document_preview computes them, by form row; None (and the
    errors on the editor) when the input cannot be calculated."""
    if not editor.is_valid():
        return None, {}
    try:
        result = services.document_preview(
            membership=membership,
            kind=editor.kind,
            data=editor.to_input(preview=True),
            document_id=editor.document.pk if editor.document else None,
        )
    except ValidationFailed as error:
        editor.add_service_errors(error)
        return None, {}
    nets = {
        row: line.net_amount for row, line in zip(editor.line_rows(), result.lines, strict=True)
    }
    # A draft has no payments yet: what its totals count as paid are the deposits deducted.
    return summary_of_totals(result, prepaid=result.amount_paid), nets


def _initial_client(membership: Membership, client_id: str | None) -> Client | None:
    try:
        pk = UUID(client_id or "")
    except ValueError:
        return None
    return Client.objects.filter(
        organization=membership.organization, pk=pk, is_archived=False
    ).first()


def _save(editor: DocumentEditor, membership: Membership) -> Document | None:
    if not editor.is_valid():
        return None
    data = editor.to_input()
    try:
        if editor.document is None:
            return services.document_create(
                membership=membership, kind=editor.header.cleaned_data["kind"], data=data
            )
        return services.document_update(
            membership=membership, document_id=editor.document.pk, data=data
        )
    except (ValidationFailed, Conflict) as error:
        editor.add_service_errors(error)
        return None


@member_required
@require_http_methods(["GET", "POST"])
def document_create(request: HttpRequest, collection: str) -> HttpResponse:
    membership = current_membership(request)
    _require_edit(membership)
    spec = COLLECTIONS[collection]
    organization = membership.organization
    if request.method == "GET" and _asks_for_deposits(request):
        kind = request.GET.get("kind", "") if spec.new_kind == K.INVOICE else spec.new_kind
        return _deposit_list(request, membership, kind=kind, document=None)
    if request.method == "POST":
        editor = DocumentEditor(request.POST, organization=organization, kind=spec.new_kind)
        document = _save(editor, membership)
        if document is not None:
            messages.success(request, f"Draft {document.get_kind_display().lower()} saved.")
            return redirect("invoicing:document_detail", document.pk)
        context = _editor_context(request, editor, summary=None, line_nets={})
        return _render(request, "invoicing/document_editor.html", context, status=422)
    client = _initial_client(membership, request.GET.get("client"))
    editor = DocumentEditor(organization=organization, kind=spec.new_kind, client=client)
    currency = editor.header["currency"].value() or organization.default_currency
    context = _editor_context(request, editor, summary=Summary.empty(str(currency)), line_nets={})
    return _render(request, "invoicing/document_editor.html", context)


@member_required
@require_http_methods(["GET", "POST"])
def document_edit(request: HttpRequest, document_id: UUID) -> HttpResponse:
    membership = current_membership(request)
    _require_edit(membership)
    document = _document(membership, document_id)
    if not document.is_draft:
        messages.info(
            request, f"{_label(document)} is issued: correct it with a credit note instead."
        )
        return redirect("invoicing:document_detail", document.pk)
    if request.method == "GET" and _asks_for_deposits(request):
        return _deposit_list(request, membership, kind=document.kind, document=document)
    organization = membership.organization
    if request.method == "POST":
        editor = DocumentEditor(
            request.POST, organization=organization, kind=document.kind, document=document
        )
        saved = _save(editor, membership)
        if saved is not None:
            messages.success(request, "Draft saved.")
            return redirect("invoicing:document_detail", saved.pk)
        context = _editor_context(request, editor, summary=None, line_nets={})
        return _render(request, "invoicing/document_editor.html", context, status=422)
    editor = DocumentEditor(organization=organization, kind=document.kind, document=document)
    lines, summary = document_content(document)
    nets = {index: line.net_amount for index, line in enumerate(lines)}
    context = _editor_context(request, editor, summary=summary, line_nets=nets)
    return _render(request, "invoicing/document_editor.html", context)


@member_required
@require_POST
def document_preview(request: HttpRequest) -> HttpResponse:
    """The editor's live totals: the whole form in, the totals partial out. Input that
    cannot be calculated answers with the problems only, so the last totals stay shown."""
    membership = current_membership(request)
    _require_edit(membership)
    kind = request.POST.get("kind", "")
    if kind not in K.values:
        return HttpResponseBadRequest("Unknown kind of document.")
    document = None
    if request.POST.get("document"):
        try:
            document = _document(membership, UUID(request.POST["document"]))
        except ValueError:
            raise Http404("No such document.") from None
    editor = DocumentEditor(
        request.POST,
        organization=membership.organization,
        kind=kind if document is None else document.kind,
        document=document,
    )
    # Totals don't depend on who buys: show them before a client is chosen.
    editor.header.fields["client_id"].required = False
    summary, nets = _preview(membership, editor)
    errors = editor.errors()
    context = {
        "summary": summary,
        "errors": errors,
        "errors_json": _errors_json(errors),
        "line_nets": [(row, nets.get(row)) for row in range(len(editor.lines.forms))],
        "currency": summary.currency if summary else "",
        "show_due": editor.kind in PAYABLE_VIEW_KINDS,
    }
    if summary is None:
        response = _render(request, "invoicing/partials/_editor_problems.html", context)
        return reswap(retarget(response, "#editor-problems"), "innerHTML")
    return _render(request, "invoicing/partials/_preview.html", context)


# --- the document page and its actions ------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Problem:
    message: str
    fix_url: str
    fix_label: str


def _problems(document: Document) -> list[Problem]:
    if not document.is_draft:
        return []
    found = services.issue_problems(document)
    edit_url = reverse("invoicing:document_edit", args=[document.pk])
    client_url = optional_url("crm:client_edit", document.client_id)
    result: list[Problem] = []
    for name, messages_ in found.items():
        if name.startswith("seller."):
            fix = (reverse("settings_organization"), "Organization settings")
        elif name.startswith("buyer."):
            fix = (client_url, "Edit the client") if client_url else ("", "")
        else:
            fix = (edit_url, "Edit the draft")
        result.extend(Problem(message, *fix) for message in messages_)
    return result


def _allowed(document: Document, action: str) -> bool:
    kinds, sources, _ = services.TRANSITIONS[action]
    return document.kind in kinds and document.status in sources


@dataclass(frozen=True, slots=True)
class CreditRow:
    line: DocumentLine
    left: Decimal


def _credit_rows(document: Document) -> list[CreditRow]:
    """The invoice's lines with the quantity not yet credited by issued credit notes."""
    credited = dict(
        DocumentLine.objects.filter(source_line__document=document, document__kind=K.CREDIT_NOTE)
        .exclude(document__status=S.DRAFT)
        .values_list("source_line_id")
        .annotate(Sum("quantity"))
    )
    return [
        CreditRow(line, abs(line.quantity) - (credited.get(line.pk) or Decimal(0)))
        for line in document.lines.all()
    ]


def _credit_room(document: Document) -> Decimal:
    credited = document.credit_notes.filter(kind=K.CREDIT_NOTE).exclude(status=S.DRAFT)
    return document.total - (credited.aggregate(sum=Sum("total"))["sum"] or Decimal(0))


@member_required
@require_GET
def document_detail(request: HttpRequest, document_id: UUID) -> HttpResponse:
    membership = current_membership(request)
    document = _document(membership, document_id)
    lines, summary = document_content(document)
    is_payable = document.kind in services.PAYABLE_KINDS
    can_credit = is_payable and document.status in services.OPEN_STATUSES
    context = {
        "document": document,
        "label": _label(document),
        "lines": lines,
        "summary": summary,
        "deposits": deducted_deposits(document),
        "show_due": document.kind in PAYABLE_VIEW_KINDS,
        "problems": _problems(document),
        "collection": COLLECTION_OF_KIND[document.kind],
        "section": "quotes" if document.kind == K.QUOTE else "invoices",
        "list_url": reverse(LIST_URLS[COLLECTION_OF_KIND[document.kind].slug]),
        "client_url": optional_url("crm:client_detail", document.client_id),
        "credit_notes": list(
            document.credit_notes.filter(kind=K.CREDIT_NOTE).order_by("created_at")
        ),
        "related": document.related,
        "converted_to": document.converted_to,
        "can": {
            "edit": document.is_draft,
            "issue": document.kind != K.QUOTE and _allowed(document, "issue"),
            "mark_sent": _allowed(document, "mark_sent"),
            "void": _allowed(document, "void"),
            "credit": can_credit,
            "send_quote": _allowed(document, "send_quote"),
            "accept": _allowed(document, "accept"),
            "decline": _allowed(document, "decline"),
            "convert": _allowed(document, "convert"),
            "delete": document.is_draft,
        },
        "credit_rows": _credit_rows(document) if can_credit else [],
        "credit_room": _credit_room(document) if can_credit else None,
        "credit_tax_rates": sorted(
            {
                (str(r.pk), rate_label(r))
                for line in document.lines.all()
                for r in line.tax_rates.all()
            },
            key=lambda choice: choice[1],
        )
        if can_credit
        else [],
        "convert_kinds": INVOICE_KIND_CHOICES,
        **_parties(document, membership),
        "tags": ", ".join(document.tags),
    }
    return _render(request, "invoicing/document_detail.html", context)


SELLER_ADDRESS = ("address_line1", "address_line2", "postal_code", "city", "region", "country")
BUYER_ADDRESS = (
    "billing_line1",
    "billing_line2",
    "billing_postal_code",
    "billing_city",
    "billing_region",
    "billing_country",
)


def _address(party: dict[str, Any], keys: tuple[str, ...], language: str) -> list[str]:
    line1, line2, postal_code, city, region, country = (party.get(key) or "" for key in keys)
    names = country_names(language if language in dict(settings.LANGUAGES) else "en")
    lines = [line1, line2, " ".join(p for p in (postal_code, city) if p), region]
    return [line for line in lines if line] + ([names.get(country, country)] if country else [])


def _parties(document: Document, membership: Membership) -> dict[str, Any]:
    """Seller and buyer as issued (the snapshot), or as they are now for a draft."""
    snapshot = document.snapshot or {}
    seller = snapshot.get("seller") or seller_snapshot(membership.organization)
    buyer = snapshot.get("buyer") or buyer_snapshot(document.client)
    return {
        "seller": seller,
        "seller_address": _address(seller, SELLER_ADDRESS, document.language),
        "buyer": buyer,
        "buyer_address": _address(buyer, BUYER_ADDRESS, document.language),
    }


@member_required
@require_GET
def document_print(request: HttpRequest, document_id: UUID) -> HttpResponse:
    """The document as it reads on paper: seller and buyer as issued (live for drafts)."""
    membership = current_membership(request)
    document = _document(membership, document_id)
    snapshot = document.snapshot or {}
    lines, summary = document_content(document)
    context = {
        "document": document,
        "label": _label(document),
        "title": {
            K.INVOICE: "Invoice",
            K.DEPOSIT_INVOICE: "Deposit invoice",
            K.PROFORMA: "Proforma invoice",
            K.QUOTE: "Quote",
            K.CREDIT_NOTE: "Credit note",
        }[K(document.kind)],
        **_parties(document, membership),
        "lines": lines,
        "summary": summary,
        "deposits": deducted_deposits(document),
        "show_due": document.kind in PAYABLE_VIEW_KINDS,
        "related_number": snapshot.get("related_number")
        or (document.related.number if document.related else ""),
        "money_locale": document.language or _locale(membership),
    }
    return _render(request, "invoicing/document_print.html", context)


def _back(document: Document) -> HttpResponse:
    return redirect("invoicing:document_detail", document.pk)


def _action_failed(request: HttpRequest, what: str, error: ValidationFailed | Conflict) -> None:
    messages.error(request, f"{what}: {error_text(error)}")


@member_required
@require_POST
def document_issue(request: HttpRequest, document_id: UUID) -> HttpResponse:
    membership = current_membership(request)
    _require_edit(membership)
    document = _document(membership, document_id)
    try:
        issued = services.document_issue(
            membership=membership,
            document_id=document.pk,
            number=request.POST.get("number", "").strip(),
        )
    except (ValidationFailed, Conflict) as error:
        _action_failed(request, "Not issued", error)
    else:
        messages.success(request, f"{issued.get_kind_display()} {issued.number} issued.")
    return _back(document)


def _simple_action(service: Callable[..., Document], done: str, failed: str) -> Any:
    @member_required
    @require_POST
    def view(request: HttpRequest, document_id: UUID) -> HttpResponse:
        membership = current_membership(request)
        _require_edit(membership)
        document = _document(membership, document_id)
        try:
            changed = service(membership=membership, document_id=document.pk)
        except (ValidationFailed, Conflict) as error:
            _action_failed(request, failed, error)
        else:
            messages.success(request, done.format(label=_label(changed)))
        return _back(document)

    return view


document_mark_sent = _simple_action(
    services.document_mark_sent, "{label} marked as sent.", "Not marked as sent"
)
quote_send = _simple_action(services.quote_send, "Quote {label} marked as sent.", "Not sent")
quote_accept = _simple_action(services.quote_accept, "Quote {label} accepted.", "Not accepted")
quote_decline = _simple_action(services.quote_decline, "Quote {label} declined.", "Not declined")


@member_required
@require_POST
def invoice_void(request: HttpRequest, document_id: UUID) -> HttpResponse:
    membership = current_membership(request)
    _require_edit(membership)
    invoice = _document(membership, document_id)
    try:
        credit_note = services.invoice_void(
            membership=membership,
            invoice_id=invoice.pk,
            reason=request.POST.get("reason", "").strip()[:500],
        )
    except (ValidationFailed, Conflict) as error:
        _action_failed(request, "Not voided", error)
        return _back(invoice)
    messages.success(
        request, f"{_label(invoice)} is void: credit note {credit_note.number} was issued."
    )
    return _back(credit_note)


def _credit_lines(post: QueryDict) -> list[services.CreditLine]:
    chosen = []
    for value in post.getlist("line"):
        try:
            line_id = UUID(value)
        except ValueError:
            continue
        quantity = decimal_or_none(post.get(f"quantity-{value}", ""))
        chosen.append(services.CreditLine(line_id, quantity))
    return chosen


@member_required
@require_POST
def credit_note_create(request: HttpRequest, document_id: UUID) -> HttpResponse:
    membership = current_membership(request)
    _require_edit(membership)
    invoice = _document(membership, document_id)
    reason = request.POST.get("reason", "").strip()[:500]
    lines: list[services.CreditLine] | None = None
    amount = None
    tax_rate_id = None
    if request.POST.get("mode") == "amount":
        amount = decimal_or_none(request.POST.get("amount", ""))
        if amount is None:
            messages.error(request, "No credit note: enter the amount to credit.")
            return _back(invoice)
        try:
            tax_rate_id = UUID(request.POST["tax_rate"]) if request.POST.get("tax_rate") else None
        except ValueError:
            tax_rate_id = None
    else:
        lines = _credit_lines(request.POST)
        if not lines:
            messages.error(request, "No credit note: choose at least one line to credit.")
            return _back(invoice)
    try:
        credit_note = services.credit_note_create(
            membership=membership,
            invoice_id=invoice.pk,
            lines=lines,
            amount=amount,
            reason=reason,
            tax_rate_id=tax_rate_id,
        )
    except (ValidationFailed, Conflict) as error:
        _action_failed(request, "No credit note", error)
        return _back(invoice)
    messages.success(
        request, f"Draft credit note for {_label(invoice)} created: check it, then issue it."
    )
    return _back(credit_note)


@member_required
@require_POST
def quote_convert(request: HttpRequest, document_id: UUID) -> HttpResponse:
    membership = current_membership(request)
    _require_edit(membership)
    quote = _document(membership, document_id)
    kind = request.POST.get("kind", K.INVOICE)
    try:
        invoice = services.quote_convert(membership=membership, document_id=quote.pk, kind=kind)
    except (ValidationFailed, Conflict) as error:
        _action_failed(request, "Not converted", error)
        return _back(quote)
    messages.success(
        request, f"Quote {_label(quote)} became a draft {invoice.get_kind_display().lower()}."
    )
    return _back(invoice)


@member_required
@require_POST
def document_duplicate(request: HttpRequest, document_id: UUID) -> HttpResponse:
    membership = current_membership(request)
    _require_edit(membership)
    document = _document(membership, document_id)
    try:
        copy = services.document_duplicate(membership=membership, document_id=document.pk)
    except (ValidationFailed, Conflict) as error:
        _action_failed(request, "Not duplicated", error)
        return _back(document)
    messages.success(request, f"Copy of {_label(document)} created as a draft.")
    return redirect("invoicing:document_edit", copy.pk)


@member_required
@require_POST
def document_delete(request: HttpRequest, document_id: UUID) -> HttpResponse:
    membership = current_membership(request)
    _require_edit(membership)
    document = _document(membership, document_id)
    try:
        services.document_delete(membership=membership, document_id=document.pk)
    except Conflict as error:
        _action_failed(request, "Not deleted", error)
        return _back(document)
    messages.success(request, f"{_label(document)} deleted.")
    return redirect(LIST_URLS[COLLECTION_OF_KIND[document.kind].slug])


@member_required
@require_POST
def document_internal(request: HttpRequest, document_id: UUID) -> HttpResponse:
    membership = current_membership(request)
    _require_edit(membership)
    document = _document(membership, document_id)
    services.document_update_internal(
        membership=membership,
        document_id=document.pk,
        internal_notes=request.POST.get("internal_notes", "")[:10000],
        tags=request.POST.get("tags", "").split(","),
    )
    messages.success(request, "Internal notes saved.")
    return _back(document)
