"""Every write to clients, their contacts and their timeline: one transaction each, scoped to
the member's organization, role-checked and audited."""

import datetime
import re
import zoneinfo
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import URLValidator, validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone

from fakturo.accounts.choices import Capability
from fakturo.accounts.models import Membership, Organization
from fakturo.accounts.permissions import require
from fakturo.audit.services import audit_record, diff, snapshot
from fakturo.core.errors import Conflict, NotFound, ValidationFailed
from fakturo.core.identifiers import normalize_address_scheme, normalize_vat_id
from fakturo.core.locales import is_known_country, is_known_currency
from fakturo.crm.checks import PossibleDuplicate, normalized_name
from fakturo.crm.choices import (
    MANUAL_ACTIVITY_KINDS,
    ActivityKind,
    ClientKind,
    DeliveryFormat,
    TaxTreatment,
)
from fakturo.crm.document_templates import template_choices
from fakturo.crm.models import Activity, Client, Contact
from fakturo.crm.selectors import possible_duplicates
from fakturo.crm.timeline import activity_record

CLIENT_FIELDS = (
    "kind",
    "code",
    "legal_name",
    "display_name",
    "emails",
    "phone",
    "website",
    "billing_line1",
    "billing_line2",
    "billing_postal_code",
    "billing_city",
    "billing_region",
    "billing_country",
    "shipping_line1",
    "shipping_line2",
    "shipping_postal_code",
    "shipping_city",
    "shipping_region",
    "shipping_country",
    "vat_id",
    "tax_treatment",
    "tax_exemption_reason",
    "currency",
    "language",
    "payment_terms_days",
    "preferred_template",
    "electronic_address",
    "electronic_address_scheme",
    "einvoice_format",
    "tags",
    "notes",
)
REQUIRED_CLIENT_FIELDS = frozenset({"kind", "legal_name", "tax_treatment"})
# A change to one of these is checked for duplicates.
IDENTITY_FIELDS = frozenset({"legal_name", "display_name", "vat_id", "emails"})
CONTACT_FIELDS = ("name", "role", "email", "phone", "receives_invoices")
LANGUAGES = {code for code, _ in settings.LANGUAGES}
MAX_EMAILS = 10
MAX_TAGS = 20
MAX_TAG_LENGTH = 40
CODE_PATTERN = re.compile(r"[A-Z0-9][A-Z0-9_-]*")
TEMPLATE_PATTERN = re.compile(r"[a-z0-9][a-z0-9_-]*")


@dataclass(frozen=True, slots=True)
class ClientSaved:
    client: Client
    possible_duplicates: list[PossibleDuplicate]


# --- validation -----------------------------------------------------------------------------


def _text(field: str, value: Any, model: type[Client] | type[Contact]) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ValueError("Enter text.")
    text = value.strip()
    max_length = model._meta.get_field(field).max_length  # type: ignore[union-attr]
    if max_length is not None and len(text) > max_length:
        raise ValueError(f"At most {max_length} characters.")
    return text


def _email(value: str) -> str:
    try:
        validate_email(value)
    except DjangoValidationError:
        raise ValueError(f"{value} is not a valid email address.") from None
    local, _, domain = value.rpartition("@")
    return f"{local}@{domain.lower()}"


def _strings(value: Any, what: str) -> list[str]:
    if not isinstance(value, list | tuple) or not all(isinstance(item, str) for item in value):
        raise ValueError(f"A list of {what}.")
    return [item.strip() for item in value if item.strip()]


def _unique(values: list[str]) -> list[str]:
    seen: set[str] = set()
    kept = []
    for value in values:
        if value.casefold() not in seen:
            seen.add(value.casefold())
            kept.append(value)
    return kept


def _clean_client_field(field: str, value: Any, *, country: str) -> Any:
    if field == "emails":
        emails = _unique([_email(email) for email in _strings(value, "email addresses")])
        if len(emails) > MAX_EMAILS:
            raise ValueError(f"At most {MAX_EMAILS} addresses.")
        return emails
    if field == "tags":
        tags = _unique(_strings(value, "tags"))
        if any(len(tag) > MAX_TAG_LENGTH for tag in tags):
            raise ValueError(f"A tag has at most {MAX_TAG_LENGTH} characters.")
        if len(tags) > MAX_TAGS:
            raise ValueError(f"At most {MAX_TAGS} tags.")
        return tags
    if field == "payment_terms_days":
        if value is not None and (
            not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= 365
        ):
            raise ValueError("Days between 0 and 365, or blank for the organization's terms.")
        return value
    if field == "website" and isinstance(value, str) and value.strip():
        value = value.strip()
        if "://" not in value:
            value = f"https://{value}"
    text = _text(field, value, Client)
    if field == "einvoice_format" and not text:
        return DeliveryFormat.FACTURX
    if not text:
        if field in REQUIRED_CLIENT_FIELDS:
            raise ValueError("This field is required.")
        return text
    if field == "kind" and text not in ClientKind.values:
        raise ValueError(f"One of {', '.join(ClientKind.values)}.")
    if field == "tax_treatment" and text not in TaxTreatment.values:
        raise ValueError(f"One of {', '.join(TaxTreatment.values)}.")
    if field == "code":
        text = text.upper()
        if not CODE_PATTERN.fullmatch(text):
            raise ValueError("Letters A–Z, digits, - and _ only.")
    elif field in ("billing_country", "shipping_country"):
        text = text.upper()
        if not is_known_country(text):
            raise ValueError("Use an ISO 3166 country code such as DE or FR.")
    elif field == "vat_id":
        text = normalize_vat_id(text, country=country)
    elif field == "currency":
        text = text.upper()
        if not is_known_currency(text):
            raise ValueError("Use an ISO 4217 currency code such as EUR.")
    elif field == "language" and text not in LANGUAGES:
        raise ValueError(f"Choose one of {', '.join(sorted(LANGUAGES))}.")
    elif field == "preferred_template":
        text = text.lower()
        if not TEMPLATE_PATTERN.fullmatch(text):
            raise ValueError("A slug: letters a–z, digits, - and _.")
    elif field == "electronic_address_scheme":
        text = normalize_address_scheme(text)
    elif field == "einvoice_format" and text not in DeliveryFormat.values:
        raise ValueError(f"One of {', '.join(DeliveryFormat.values)}.")
    elif field == "website":
        try:
            URLValidator(schemes=["http", "https"])(text)
        except DjangoValidationError:
            raise ValueError("Enter a valid http(s) URL.") from None
    return text


def _clean_client_fields(
    values: dict[str, Any], *, country: str, organization: Organization
) -> dict[str, Any]:
    """Normalize client fields; raise ValidationFailed naming every bad field.

    `country` is the billing country a VAT id without a prefix belongs to.
    """
    errors: dict[str, list[str]] = {}
    cleaned: dict[str, Any] = {}
    for field, value in values.items():
        if field not in CLIENT_FIELDS:
            errors.setdefault(field, []).append("Unknown field.")
            continue
        try:
            cleaned[field] = _clean_client_field(field, value, country=country)
        except ValueError as error:
            errors.setdefault(field, []).append(str(error))
    template = cleaned.get("preferred_template")
    if template:
        slugs = [slug for slug, _ in template_choices(organization)]
        if template not in slugs:
            errors["preferred_template"] = [
                f"No such document template. One of {', '.join(slugs)}."
            ]
    if errors:
        raise ValidationFailed.for_fields(errors)
    return cleaned


def _check_client(client: Client) -> None:
    """Rules between fields, on the client as it will be saved."""
    if client.tax_treatment == TaxTreatment.EXEMPT and not client.tax_exemption_reason:
        raise ValidationFailed.for_fields(
            {"tax_exemption_reason": ["Exempt clients need the reason for the exemption."]}
        )


def _billing_country(values: dict[str, Any], current: str) -> str:
    value = values.get("billing_country", current)
    return value.strip().upper() if isinstance(value, str) else ""


# --- codes ----------------------------------------------------------------------------------


def _code_base(name: str) -> str:
    """The first letters of the name, upper case: "Blue Harbour Ltd" → "BLUE"."""
    base = ""
    for word in normalized_name(name).upper().split():
        base += "".join(char for char in word if char.isascii() and char.isalnum())
        if len(base) >= 3:
            break
    return base[:6] or "CLIENT"


def _free_code(client: Client) -> str:
    base = _code_base(client.name)
    taken = set(
        Client.objects.filter(organization_id=client.organization_id, code__startswith=base)
        .exclude(pk=client.pk)
        .values_list("code", flat=True)
    )
    code, number = base, 1
    while code in taken:
        number += 1
        code = f"{base}{number}"
    return code


def _save(client: Client, *, creating: bool) -> None:
    """Save, drawing a code from the name when the client has none.

    The database's unique constraint decides: a code given by the user that is taken is a
    validation error; a drawn code that another writer took meanwhile is drawn again.
    """
    drawn = not client.code
    for _ in range(5):
        if drawn:
            client.code = _free_code(client)
        try:
            with transaction.atomic():
                client.save(force_insert=creating)
            return
        except IntegrityError:
            if not drawn:
                raise ValidationFailed.for_fields(
                    {"code": [f"Another client has the code {client.code}."]}
                ) from None
    raise Conflict("No free client code was found; give one.")


# --- clients --------------------------------------------------------------------------------


def _client_for_update(membership: Membership, client_id: UUID) -> Client:
    client = (
        Client.objects.select_for_update()
        .filter(organization=membership.organization, pk=client_id)
        .first()
    )
    if client is None:
        raise NotFound("No such client.")
    return client


def _duplicates_of(client: Client, membership: Membership) -> list[PossibleDuplicate]:
    return possible_duplicates(
        organization=membership.organization,
        names=[client.legal_name, client.display_name],
        vat_id=client.vat_id,
        emails=client.emails,
        exclude_id=client.pk,
    )


@transaction.atomic
def client_create(*, membership: Membership, values: dict[str, Any]) -> ClientSaved:
    """Create a client. Without a code, one is drawn from the name (BLUE, BLUE2, …).

    A VAT id from another country than the billing address, or a client that looks like an
    existing one, doesn't stop it: `client.warnings` and `possible_duplicates` tell.
    """
    require(membership, Capability.EDIT_DOCUMENTS)
    organization = membership.organization
    cleaned = _clean_client_fields(
        values, country=_billing_country(values, ""), organization=organization
    )
    if "legal_name" not in cleaned:
        raise ValidationFailed.for_fields({"legal_name": ["This field is required."]})
    client = Client(organization=organization, **cleaned)
    _check_client(client)
    _save(client, creating=True)
    audit_record(
        organization=organization,
        actor=membership.user,
        action="client.created",
        target=client,
        changes=diff({}, snapshot(client, CLIENT_FIELDS)),
    )
    return ClientSaved(client, _duplicates_of(client, membership))


@transaction.atomic
def client_update(
    *, membership: Membership, client_id: UUID, changes: dict[str, Any]
) -> ClientSaved:
    """Change the fields in `changes`; a blank code draws a new one from the name.

    `possible_duplicates` is filled when the name, VAT id or emails changed.
    """
    require(membership, Capability.EDIT_DOCUMENTS)
    client = _client_for_update(membership, client_id)
    cleaned = _clean_client_fields(
        changes,
        country=_billing_country(changes, client.billing_country),
        organization=membership.organization,
    )
    before = snapshot(client, CLIENT_FIELDS)
    for field, value in cleaned.items():
        setattr(client, field, value)
    _check_client(client)
    if diff(before, snapshot(client, CLIENT_FIELDS)):
        client.updated_at = timezone.now()
        _save(client, creating=False)
        audit_record(
            organization=membership.organization,
            actor=membership.user,
            action="client.updated",
            target=client,
            changes=diff(before, snapshot(client, CLIENT_FIELDS)),
        )
    duplicates = _duplicates_of(client, membership) if IDENTITY_FIELDS & cleaned.keys() else []
    return ClientSaved(client, duplicates)


def _set_archived(membership: Membership, client_id: UUID, archived: bool) -> Client:
    require(membership, Capability.EDIT_DOCUMENTS)
    client = _client_for_update(membership, client_id)
    if client.merged_into_id is not None and not archived:
        raise Conflict(f"{client} was merged into another client; it stays archived.")
    if client.is_archived == archived:
        return client
    client.is_archived = archived
    client.updated_at = timezone.now()
    client.save(update_fields=["is_archived", "updated_at"])
    audit_record(
        organization=membership.organization,
        actor=membership.user,
        action="client.archived" if archived else "client.unarchived",
        target=client,
        changes={"is_archived": [not archived, archived]},
    )
    return client


@transaction.atomic
def client_archive(*, membership: Membership, client_id: UUID) -> Client:
    """Hide the client from lists and new documents; clients are archived, never deleted."""
    return _set_archived(membership, client_id, True)


@transaction.atomic
def client_unarchive(*, membership: Membership, client_id: UUID) -> Client:
    return _set_archived(membership, client_id, False)


@transaction.atomic
def client_merge(*, membership: Membership, source_id: UUID, target_id: UUID) -> Client:
    """Merge the source client into the target, which stays; returns the target.

    Moves the source's contacts, its timeline and its draft documents to the target. Issued
    documents stay with the source: they are frozen, and their snapshot keeps the buyer as
    issued, so the source's page still shows them and their balance. The target keeps its
    own fields. The source is archived with `merged_into` set: it takes no new documents and
    can't be unarchived. The target's timeline records the merge.

    Locks both clients in primary-key order, so two merges of the same pair can't deadlock.
    """
    require(membership, Capability.EDIT_DOCUMENTS)
    if source_id == target_id:
        raise ValidationFailed.for_fields({"into": ["A client can't be merged into itself."]})
    organization = membership.organization
    locked = {
        client.pk: client
        for client in Client.objects.select_for_update()
        .filter(organization=organization, pk__in=[source_id, target_id])
        .order_by("pk")
    }
    source, target = locked.get(source_id), locked.get(target_id)
    if source is None:
        raise NotFound("No such client.")
    if target is None:
        raise ValidationFailed.for_fields({"into": ["No such client."]})
    if source.merged_into_id is not None:
        raise Conflict(f"{source} was merged into another client already.")
    if target.is_archived:
        raise ValidationFailed.for_fields({"into": [f"{target} is archived."]})
    moved_contacts = Contact.objects.filter(client=source).update(client=target)
    moved_activities = Activity.objects.filter(client=source).update(client=target)
    moved_drafts = source.documents.filter(status="draft").update(client=target)
    was_archived = source.is_archived
    source.is_archived = True
    source.merged_into = target
    source.updated_at = timezone.now()
    source.save(update_fields=["is_archived", "merged_into", "updated_at"])
    activity_record(
        client=target,
        kind=ActivityKind.CLIENT_MERGED,
        summary=f"{source} ({source.code}) merged into this client",
        body=(
            f"Moved {moved_contacts} contacts, {moved_activities} timeline entries and "
            f"{moved_drafts} draft documents. Issued documents stay with {source.code}."
        ),
        actor=membership.user,
    )
    audit_record(
        organization=organization,
        actor=membership.user,
        action="client.merged",
        target=source,
        changes={
            "is_archived": [was_archived, True],
            "merged_into": [None, str(target.pk)],
            "moved_contacts": [None, moved_contacts],
            "moved_activities": [None, moved_activities],
            "moved_drafts": [None, moved_drafts],
        },
    )
    return target


# --- contacts -------------------------------------------------------------------------------


def _clean_contact_fields(values: dict[str, Any]) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    cleaned: dict[str, Any] = {}
    for field, value in values.items():
        if field not in CONTACT_FIELDS:
            errors.setdefault(field, []).append("Unknown field.")
            continue
        try:
            if field == "receives_invoices":
                if not isinstance(value, bool):
                    raise ValueError("true or false.")
                cleaned[field] = value
                continue
            text = _text(field, value, Contact)
            if field == "name" and not text:
                raise ValueError("This field is required.")
            cleaned[field] = _email(text) if field == "email" and text else text
        except ValueError as error:
            errors.setdefault(field, []).append(str(error))
    if errors:
        raise ValidationFailed.for_fields(errors)
    return cleaned


def _contact_for_update(client: Client, contact_id: UUID) -> Contact:
    contact = Contact.objects.select_for_update().filter(client=client, pk=contact_id).first()
    if contact is None:
        raise NotFound("No such contact.")
    return contact


def _audit_contact(
    membership: Membership, contact: Contact, action: str, changes: dict[str, list[Any]]
) -> None:
    audit_record(
        organization=membership.organization,
        actor=membership.user,
        action=f"contact.{action}",
        target=contact,
        changes=changes,
    )


@transaction.atomic
def contact_create(*, membership: Membership, client_id: UUID, values: dict[str, Any]) -> Contact:
    require(membership, Capability.EDIT_DOCUMENTS)
    client = _client_for_update(membership, client_id)  # a merge moving contacts waits
    cleaned = _clean_contact_fields(values)
    if "name" not in cleaned:
        raise ValidationFailed.for_fields({"name": ["This field is required."]})
    contact = Contact.objects.create(organization=membership.organization, client=client, **cleaned)
    _audit_contact(membership, contact, "created", diff({}, snapshot(contact, CONTACT_FIELDS)))
    return contact


@transaction.atomic
def contact_update(
    *, membership: Membership, client_id: UUID, contact_id: UUID, changes: dict[str, Any]
) -> Contact:
    require(membership, Capability.EDIT_DOCUMENTS)
    contact = _contact_for_update(_client_for_update(membership, client_id), contact_id)
    cleaned = _clean_contact_fields(changes)
    before = snapshot(contact, CONTACT_FIELDS)
    for field, value in cleaned.items():
        setattr(contact, field, value)
    changed = diff(before, snapshot(contact, CONTACT_FIELDS))
    if changed:
        contact.save()
        _audit_contact(membership, contact, "updated", changed)
    return contact


@transaction.atomic
def contact_delete(*, membership: Membership, client_id: UUID, contact_id: UUID) -> None:
    require(membership, Capability.EDIT_DOCUMENTS)
    contact = _contact_for_update(_client_for_update(membership, client_id), contact_id)
    _audit_contact(membership, contact, "deleted", diff(snapshot(contact, CONTACT_FIELDS), {}))
    contact.delete()


# --- timeline -------------------------------------------------------------------------------


@transaction.atomic
def activity_add(
    *,
    membership: Membership,
    client_id: UUID,
    kind: str,
    summary: str,
    body: str = "",
    occurred_at: datetime.datetime | None = None,
) -> Activity:
    """Add a note, call, meeting or email to the client's timeline, by default as of now.

    A time without a zone is read in the organization's time zone.
    """
    require(membership, Capability.EDIT_DOCUMENTS)
    errors: dict[str, list[str]] = {}
    if kind not in MANUAL_ACTIVITY_KINDS:
        errors["kind"] = [f"One of {', '.join(MANUAL_ACTIVITY_KINDS)}."]
    summary = summary.strip()
    if not summary:
        errors["summary"] = ["This field is required."]
    elif len(summary) > 300:
        errors["summary"] = ["At most 300 characters."]
    if errors:
        raise ValidationFailed.for_fields(errors)
    organization = membership.organization
    client = _client_for_update(membership, client_id)  # a merge moving the timeline waits
    if occurred_at is not None and timezone.is_naive(occurred_at):
        occurred_at = timezone.make_aware(occurred_at, zoneinfo.ZoneInfo(organization.timezone))
    activity = activity_record(
        client=client,
        kind=kind,
        summary=summary,
        body=body.strip(),
        actor=membership.user,
        occurred_at=occurred_at,
    )
    audit_record(
        organization=organization,
        actor=membership.user,
        action="activity.added",
        target=activity,
        changes={
            "client": [None, str(client.pk)],
            "kind": [None, kind],
            "summary": [None, summary],
        },
    )
    return activity
