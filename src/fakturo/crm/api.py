from datetime import datetime
from typing import Any
from uuid import UUID

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import LimitOffsetPagination, paginate

from fakturo.accounts.choices import Capability
from fakturo.accounts.models import Membership
from fakturo.accounts.permissions import require
from fakturo.crm.models import Activity, Client, Contact
from fakturo.crm.selectors import (
    ClientFilters,
    ClientSort,
    client_balance,
    client_detail,
    client_list,
    client_timeline,
    contact_list,
)
from fakturo.crm.services import (
    ClientSaved,
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

router = Router(tags=["clients"])


def _membership(request: HttpRequest) -> Membership:
    membership: Membership = request.membership  # type: ignore[attr-defined]
    require(membership, Capability.READ)
    return membership


def _client(request: HttpRequest, client_id: UUID) -> Client:
    return client_detail(organization=_membership(request).organization, client_id=client_id)


class ClientFields(Schema):
    """The writable fields; the services validate them and name the field of each error."""

    kind: str = "company"
    code: str = Field("", description="Blank: drawn from the name (BLUE, BLUE2, …)")
    legal_name: str
    display_name: str = ""
    emails: list[str] = []
    phone: str = ""
    website: str = ""
    billing_line1: str = ""
    billing_line2: str = ""
    billing_postal_code: str = ""
    billing_city: str = ""
    billing_region: str = ""
    billing_country: str = Field("", description="ISO 3166-1 alpha-2")
    shipping_line1: str = ""
    shipping_line2: str = ""
    shipping_postal_code: str = ""
    shipping_city: str = ""
    shipping_region: str = ""
    shipping_country: str = ""
    vat_id: str = ""
    tax_treatment: str = Field("domestic", description="domestic, reverse_charge, export, exempt")
    tax_exemption_reason: str = ""
    currency: str = Field("", description="ISO 4217; blank: the organization's")
    language: str = Field("", description="Blank: the organization's")
    payment_terms_days: int | None = Field(None, description="Blank: the organization's")
    preferred_template: str = ""
    electronic_address: str = Field("", description="BT-49, e.g. a Peppol id or Leitweg-ID")
    electronic_address_scheme: str = Field("", description="EAS code, e.g. 0088, 0204, 9930, EM")
    einvoice_format: str = Field(
        "facturx", description="What is emailed: pdf, facturx, ubl, cii, xrechnung, peppol"
    )
    tags: list[str] = []
    notes: str = ""


class ClientPatch(Schema):
    """Only the fields sent change; null clears a field."""

    kind: str | None = None
    code: str | None = None
    legal_name: str | None = None
    display_name: str | None = None
    emails: list[str] | None = None
    phone: str | None = None
    website: str | None = None
    billing_line1: str | None = None
    billing_line2: str | None = None
    billing_postal_code: str | None = None
    billing_city: str | None = None
    billing_region: str | None = None
    billing_country: str | None = None
    shipping_line1: str | None = None
    shipping_line2: str | None = None
    shipping_postal_code: str | None = None
    shipping_city: str | None = None
    shipping_region: str | None = None
    shipping_country: str | None = None
    vat_id: str | None = None
    tax_treatment: str | None = None
    tax_exemption_reason: str | None = None
    currency: str | None = None
    language: str | None = None
    payment_terms_days: int | None = None
    preferred_template: str | None = None
    electronic_address: str | None = None
    electronic_address_scheme: str | None = None
    einvoice_format: str | None = None
    tags: list[str] | None = None
    notes: str | None = None


class ClientOut(ClientFields):
    id: UUID
    name: str
    is_archived: bool
    merged_into: UUID | None = Field(validation_alias="merged_into_id")
    warnings: list[str] = Field(description="e.g. a VAT id from another country")
    created_at: datetime
    updated_at: datetime


class DuplicateOut(Schema):
    id: UUID
    name: str
    reason: str = Field(description="vat_id, email_domain or name")
    score: int


class ClientSavedOut(ClientOut):
    possible_duplicates: list[DuplicateOut]


class ClientDetailOut(ClientOut):
    open_balance: str = Field(description="Owed on issued invoices, in balance_currency")
    overdue_amount: str = Field(description="The part of open_balance past its due date")
    balance_currency: str


class ClientQuery(Schema):
    q: str = Field("", description="Part of the name, code, an email or the VAT id")
    tag: str = ""
    country: str = Field("", description="Billing country")
    archived: bool = Field(False, description="Archived clients instead of active ones")
    sort: ClientSort = "name"


def _saved(saved: ClientSaved) -> Client:
    saved.client.possible_duplicates = saved.possible_duplicates  # type: ignore[attr-defined]
    return saved.client


@router.get("/clients", response=list[ClientOut], summary="Clients, active ones by default")
@paginate(LimitOffsetPagination)
def clients(request: HttpRequest, filters: Query[ClientQuery]) -> Any:
    chosen: ClientFilters = filters.model_dump()  # type: ignore[assignment]
    return client_list(organization=_membership(request).organization, filters=chosen)


@router.post("/clients", response={201: ClientSavedOut})
def client_post(request: HttpRequest, payload: ClientFields) -> Status[Client]:
    saved = client_create(membership=_membership(request), values=payload.model_dump())
    return Status(201, _saved(saved))


@router.get("/clients/{client_id}", response=ClientDetailOut)
def client_get(request: HttpRequest, client_id: UUID) -> Client:
    client = _client(request, client_id)
    balance = client_balance(client=client, organization=_membership(request).organization)
    client.open_balance = f"{balance.open_amount:f}"  # type: ignore[attr-defined]
    client.overdue_amount = f"{balance.overdue_amount:f}"  # type: ignore[attr-defined]
    client.balance_currency = balance.currency  # type: ignore[attr-defined]
    return client


@router.patch("/clients/{client_id}", response=ClientSavedOut)
def client_patch(request: HttpRequest, client_id: UUID, payload: ClientPatch) -> Client:
    saved = client_update(
        membership=_membership(request),
        client_id=client_id,
        changes=payload.model_dump(exclude_unset=True),
    )
    return _saved(saved)


@router.post("/clients/{client_id}/archive", response=ClientOut)
def client_archive_post(request: HttpRequest, client_id: UUID) -> Client:
    return client_archive(membership=_membership(request), client_id=client_id)


@router.post("/clients/{client_id}/unarchive", response=ClientOut)
def client_unarchive_post(request: HttpRequest, client_id: UUID) -> Client:
    return client_unarchive(membership=_membership(request), client_id=client_id)


class MergeIn(Schema):
    into: UUID = Field(description="The client that stays")


@router.post(
    "/clients/{client_id}/merge",
    response=ClientOut,
    summary="Merge this client into another; returns the one that stays",
    description=(
        "Contacts, timeline and draft documents move to `into`; issued documents stay with "
        "this client, which is archived with `merged_into` set."
    ),
)
def client_merge_post(request: HttpRequest, client_id: UUID, payload: MergeIn) -> Client:
    return client_merge(
        membership=_membership(request), source_id=client_id, target_id=payload.into
    )


class ContactIn(Schema):
    name: str
    role: str = ""
    email: str = ""
    phone: str = ""
    receives_invoices: bool = False


class ContactPatch(Schema):
    name: str | None = None
    role: str | None = None
    email: str | None = None
    phone: str | None = None
    receives_invoices: bool | None = None


class ContactOut(ContactIn):
    id: UUID
    created_at: datetime


@router.get("/clients/{client_id}/contacts", response=list[ContactOut])
@paginate(LimitOffsetPagination)
def contacts(request: HttpRequest, client_id: UUID) -> Any:
    return contact_list(client=_client(request, client_id))


@router.post("/clients/{client_id}/contacts", response={201: ContactOut})
def contact_post(request: HttpRequest, client_id: UUID, payload: ContactIn) -> Status[Contact]:
    contact = contact_create(
        membership=_membership(request), client_id=client_id, values=payload.model_dump()
    )
    return Status(201, contact)


@router.patch("/clients/{client_id}/contacts/{contact_id}", response=ContactOut)
def contact_patch(
    request: HttpRequest, client_id: UUID, contact_id: UUID, payload: ContactPatch
) -> Contact:
    return contact_update(
        membership=_membership(request),
        client_id=client_id,
        contact_id=contact_id,
        changes=payload.model_dump(exclude_unset=True),
    )


@router.delete("/clients/{client_id}/contacts/{contact_id}", response={204: None})
def contact_remove(request: HttpRequest, client_id: UUID, contact_id: UUID) -> Status[None]:
    contact_delete(membership=_membership(request), client_id=client_id, contact_id=contact_id)
    return Status(204, None)


class ActivityIn(Schema):
    kind: str = Field(description="note, call, meeting or email")
    summary: str
    body: str = ""
    occurred_at: datetime | None = Field(None, description="Default: now")


class ActivityOut(Schema):
    id: UUID
    kind: str
    summary: str
    body: str
    document_id: UUID | None
    actor: str | None = Field(None, validation_alias="actor.email")
    occurred_at: datetime


@router.get(
    "/clients/{client_id}/activities", response=list[ActivityOut], summary="Timeline, newest first"
)
@paginate(LimitOffsetPagination)
def activities(request: HttpRequest, client_id: UUID) -> Any:
    return client_timeline(client=_client(request, client_id))


@router.post("/clients/{client_id}/activities", response={201: ActivityOut})
def activity_post(request: HttpRequest, client_id: UUID, payload: ActivityIn) -> Status[Activity]:
    activity = activity_add(
        membership=_membership(request),
        client_id=client_id,
        kind=payload.kind,
        summary=payload.summary,
        body=payload.body,
        occurred_at=payload.occurred_at,
    )
    return Status(201, activity)
