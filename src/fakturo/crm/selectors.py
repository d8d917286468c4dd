"""Reads of clients, their contacts, timeline, documents and balance; scoped to an organization.

Documents are read through the `client.documents` reverse relation, so crm never imports
invoicing (which sits above it). Kinds and statuses are spelled as invoicing.choices has them.
"""

import datetime
import json
import zoneinfo
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Literal, TypedDict, get_args
from uuid import UUID

from django.db.models import (
    BooleanField,
    DecimalField,
    ExpressionWrapper,
    F,
    Q,
    QuerySet,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce, Lower, NullIf
from django.utils import timezone

from fakturo.accounts.models import Organization
from fakturo.core.errors import NotFound
from fakturo.core.money import round_money
from fakturo.crm.checks import KnownClient, PossibleDuplicate, find_duplicates
from fakturo.crm.models import Activity, Client, Contact

ClientSort = Literal["name", "-name", "code", "-code", "created_at", "-created_at"]
CLIENT_SORTS: tuple[str, ...] = get_args(ClientSort)

RECEIVABLE_KINDS = ("invoice", "deposit_invoice")
OPEN_STATUSES = ("issued", "sent", "partially_paid")


class ClientFilters(TypedDict, total=False):
    """The one filter set of the client list page and the API list."""

    q: str  # part of the name, code, an email or the VAT id
    tag: str
    country: str  # billing country, ISO 3166
    archived: bool  # archived clients instead of active ones
    sort: ClientSort


def client_list(*, organization: Organization, filters: ClientFilters) -> QuerySet[Client]:
    clients = Client.objects.filter(
        organization=organization, is_archived=filters.get("archived", False)
    )
    query = filters.get("q", "").strip()
    if query:
        clients = clients.filter(
            Q(legal_name__icontains=query)
            | Q(display_name__icontains=query)
            | Q(code__icontains=query)
            | Q(emails__icontains=query)
            | Q(vat_id__icontains="".join(query.split()))
        )
    tag = filters.get("tag", "").strip()
    if tag:
        # Tags are a JSON list: match the quoted element. SQLite stores non-ASCII escaped
        # (\u00fc), PostgreSQL's jsonb prints it as is, so both spellings are tried.
        clients = clients.filter(
            Q(tags__icontains=json.dumps(tag))
            | Q(tags__icontains=json.dumps(tag, ensure_ascii=False))
        )
    country = filters.get("country", "").strip().upper()
    if country:
        clients = clients.filter(billing_country=country)
    sort: str = filters.get("sort", "name")
    if sort.lstrip("-") == "name":
        sort_name = Lower(Coalesce(NullIf("display_name", Value("")), "legal_name"))
        clients = clients.annotate(sort_name=sort_name)
        sort = sort.replace("name", "sort_name")
    return clients.order_by(sort, "code")


def client_tags(*, organization: Organization) -> list[str]:
    """Every tag in use, for the filter's suggestions."""
    tags: set[str] = set()
    rows = (
        Client.objects.filter(organization=organization).order_by().values_list("tags", flat=True)
    )
    for row in rows:
        tags.update(row)
    return sorted(tags, key=str.casefold)


def client_detail(*, organization: Organization, client_id: UUID) -> Client:
    client = Client.objects.filter(organization=organization, pk=client_id).first()
    if client is None:
        raise NotFound("No such client.")
    return client


def contact_list(*, client: Client) -> QuerySet[Contact]:
    return client.contacts.order_by("name", "created_at")


def contact_detail(*, client: Client, contact_id: UUID) -> Contact:
    contact = client.contacts.filter(pk=contact_id).first()
    if contact is None:
        raise NotFound("No such contact.")
    return contact


def client_timeline(*, client: Client) -> QuerySet[Activity]:
    """The client's activities, newest first."""
    return client.activities.select_related("actor").order_by("-occurred_at", "-id")


def _receivable(organization: Organization) -> tuple[Q, Q]:
    """Documents the client owes on, and those of them past due (before today in the
    organization's time zone)."""
    open_ = Q(kind__in=RECEIVABLE_KINDS, status__in=OPEN_STATUSES)
    return open_, open_ & Q(due_date__lt=today_for(organization), balance_due__gt=0)


def client_documents(*, client: Client, organization: Organization) -> QuerySet[Any]:
    """The client's documents, newest first (drafts on top), with the columns the client page
    lists and `is_overdue`."""
    _, overdue = _receivable(organization)
    documents = client.documents.annotate(
        is_overdue=ExpressionWrapper(overdue, output_field=BooleanField())
    )
    return documents.order_by(F("issue_date").desc(nulls_first=True), "-created_at").only(
        "id",
        "client",  # the reverse relation sets it on each row: deferred, it costs a query each
        "kind",
        "status",
        "number",
        "issue_date",
        "due_date",
        "currency",
        "total",
        "balance_due",
    )


@dataclass(frozen=True, slots=True)
class ClientBalance:
    currency: str
    open_amount: Decimal
    overdue_amount: Decimal


def today_for(organization: Organization) -> datetime.date:
    return timezone.localdate(timezone=zoneinfo.ZoneInfo(organization.timezone))


def client_balance(*, client: Client, organization: Organization) -> ClientBalance:
    """What the client owes on issued invoices and deposit invoices, and how much of it is past
    due: one aggregate query.

    In the organization's currency: a document in another currency counts at the exchange
    rate it was issued with (1 for the organization's own currency).
    """
    open_, overdue = _receivable(organization)
    converted = F("balance_due") * F("exchange_rate")
    money: DecimalField[Decimal, Decimal] = DecimalField(max_digits=30, decimal_places=10)
    totals = client.documents.aggregate(
        open_amount=Sum(converted, filter=open_, output_field=money),
        overdue_amount=Sum(converted, filter=overdue, output_field=money),
    )
    currency = organization.default_currency
    return ClientBalance(
        currency=currency,
        open_amount=round_money(Decimal(totals["open_amount"] or 0), currency),
        overdue_amount=round_money(Decimal(totals["overdue_amount"] or 0), currency),
    )


def possible_duplicates(
    *,
    organization: Organization,
    names: list[str],
    vat_id: str,
    emails: list[str],
    exclude_id: UUID,
) -> list[PossibleDuplicate]:
    """Clients of the organization that look like the one described; merged ones left out.

    One query over the organization's clients; the matching happens in memory, which is
    quick up to some 10^4 clients.
    """
    rows = (
        Client.objects.filter(organization=organization, merged_into__isnull=True)
        .exclude(pk=exclude_id)
        .values_list("id", "legal_name", "display_name", "vat_id", "emails")
    )
    known = (KnownClient(*row) for row in rows)
    return find_duplicates(names=names, vat_id=vat_id, emails=emails, known=known)
