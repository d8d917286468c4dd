"""Every write to organizations, people, invitations and API tokens."""

import secrets
from datetime import timedelta
from typing import Any
from uuid import UUID

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.mail import send_mail
from django.core.validators import URLValidator, validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify

from fakturo.accounts.choices import Capability, Role
from fakturo.accounts.models import (
    ApiToken,
    Invitation,
    LoginFailure,
    Membership,
    Organization,
    User,
    hash_secret,
)
from fakturo.accounts.permissions import require
from fakturo.accounts.provisioning import provision
from fakturo.audit.services import audit_record, diff, snapshot
from fakturo.core.errors import Conflict, NotFound, ValidationFailed
from fakturo.core.identifiers import (
    normalize_address_scheme,
    normalize_bic,
    normalize_iban,
    normalize_vat_id,
    vat_id_country,
)
from fakturo.core.locales import is_known_country, is_known_currency, is_known_timezone

ORGANIZATION_FIELDS = (
    "legal_name",
    "trade_name",
    "address_line1",
    "address_line2",
    "postal_code",
    "city",
    "region",
    "country",
    "vat_id",
    "tax_number",
    "iban",
    "bic",
    "email",
    "phone",
    "website",
    "electronic_address",
    "electronic_address_scheme",
    "default_currency",
    "language",
    "timezone",
    "payment_terms_days",
    "fiscal_year_start_month",
)
LANGUAGES = {code for code, _ in settings.LANGUAGES}
TOKEN_PREFIX = "fk_"
INVITATION_DAYS = 7


def clean_organization_fields(values: dict[str, Any], *, country: str) -> dict[str, Any]:
    """Normalize organization fields; raise ValidationFailed naming every bad field."""
    errors: dict[str, list[str]] = {}
    cleaned: dict[str, Any] = {}
    for field, raw in values.items():
        if field not in ORGANIZATION_FIELDS:
            errors.setdefault(field, []).append("Unknown field.")
            continue
        value = raw.strip() if isinstance(raw, str) else raw
        try:
            cleaned[field] = _clean_organization_field(field, value, country=country)
        except ValueError as error:
            errors.setdefault(field, []).append(str(error))
    if errors:
        raise ValidationFailed.for_fields(errors)
    return cleaned


def _clean_organization_field(field: str, value: Any, *, country: str) -> Any:
    if field in ("legal_name",) and not value:
        raise ValueError("This field is required.")
    if field == "country":
        value = str(value).upper()
        if not is_known_country(value):
            raise ValueError("Use an ISO 3166 country code such as DE or FR.")
    elif field == "default_currency":
        value = str(value).upper()
        if not is_known_currency(value):
            raise ValueError("Use an ISO 4217 currency code such as EUR.")
    elif field == "language" and value not in LANGUAGES:
        raise ValueError(f"Choose one of {', '.join(sorted(LANGUAGES))}.")
    elif field == "timezone" and not is_known_timezone(str(value)):
        raise ValueError("Use an IANA time zone such as Europe/Berlin.")
    elif field == "vat_id" and value:
        value = normalize_vat_id(value, country=country)
        if vat_id_country(value) != country:
            raise ValueError(f"This VAT id is from {vat_id_country(value)}, not {country}.")
    elif field == "iban" and value:
        value = normalize_iban(value)
    elif field == "bic" and value:
        value = normalize_bic(value)
    elif field == "email" and value:
        try:
            validate_email(value)
        except DjangoValidationError:
            raise ValueError("Enter a valid email address.") from None
    elif field == "website" and value:
        try:
            URLValidator(schemes=["http", "https"])(value)
        except DjangoValidationError:
            raise ValueError("Enter a valid http(s) URL.") from None
    elif field == "electronic_address_scheme" and value:
        value = normalize_address_scheme(value)
    elif field == "payment_terms_days":
        if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= 365:
            raise ValueError("Days between 0 and 365.")
    elif field == "fiscal_year_start_month":
        if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= 12:
            raise ValueError("A month number from 1 to 12.")
    elif isinstance(value, str) and len(value) > Organization._meta.get_field(field).max_length:  # type: ignore[union-attr,operator]
        raise ValueError("Too long.")
    return value


def _unique_slug(name: str) -> str:
    base = slugify(name)[:50] or "organization"
    slug, number = base, 1
    while Organization.objects.filter(slug=slug).exists():
        number += 1
        slug = f"{base}-{number}"
    return slug


@transaction.atomic
def organization_setup(
    *,
    name: str,
    email: str,
    password: str,
    country: str = "DE",
    currency: str = "EUR",
    language: str = "en",
    full_name: str = "",
) -> Membership:
    """Create an organization and its owner, a new user who logs in with `email`."""
    email = email.strip().lower()
    field_errors: dict[str, list[str]] = {}
    try:
        validate_email(email)
    except DjangoValidationError:
        field_errors["email"] = ["Enter a valid email address."]
    else:
        if User.objects.filter(email=email).exists():
            field_errors["email"] = [f"A user with the email {email} exists already."]
    try:
        validate_password(password)
    except DjangoValidationError as error:
        field_errors["password"] = list(error.messages)
    try:
        fields = clean_organization_fields(
            {
                "legal_name": name,
                "country": country,
                "default_currency": currency,
                "language": language,
            },
            country=country,
        )
    except ValidationFailed as error:
        for item in error.errors:
            field_errors.setdefault(item["field"], []).append(item["message"])
    if field_errors:
        raise ValidationFailed.for_fields(field_errors)
    try:
        user = User.objects.create_user(email, password, full_name=full_name, language=language)
    except IntegrityError:
        raise Conflict(f"A user with the email {email} exists already.") from None
    organization = Organization.objects.create(slug=_unique_slug(name), **fields)
    membership = Membership.objects.create(organization=organization, user=user, role=Role.OWNER)
    provision(organization)
    audit_record(
        organization=organization,
        actor=user,
        action="organization.created",
        target=organization,
        changes=diff({}, snapshot(organization, ORGANIZATION_FIELDS)),
    )
    return membership


@transaction.atomic
def organization_update(*, membership: Membership, changes: dict[str, Any]) -> Organization:
    require(membership, Capability.MANAGE_ORGANIZATION)
    organization = Organization.objects.select_for_update().get(pk=membership.organization_id)
    country = str(changes.get("country") or organization.country).upper()
    if "country" in changes and "vat_id" not in changes and organization.vat_id:
        changes = {**changes, "vat_id": organization.vat_id}  # must agree with the new country
    cleaned = clean_organization_fields(changes, country=country)
    before = snapshot(organization, cleaned)
    for field, value in cleaned.items():
        setattr(organization, field, value)
    organization.save()
    changed = diff(before, snapshot(organization, cleaned))
    if changed:
        audit_record(
            organization=organization,
            actor=membership.user,
            action="organization.updated",
            target=organization,
            changes=changed,
        )
    membership.organization = organization
    return organization


def _member_for_update(organization: Organization, membership_id: UUID) -> Membership:
    try:
        return (
            Membership.objects.select_for_update()
            .select_related("user")
            .get(organization=organization, pk=membership_id)
        )
    except Membership.DoesNotExist:
        raise NotFound("No such member in this organization.") from None


def _require_other_owner(organization: Organization, leaving: Membership) -> None:
    owners = Membership.objects.select_for_update().filter(
        organization=organization, role=Role.OWNER
    )
    if leaving.role == Role.OWNER and not owners.exclude(pk=leaving.pk).exists():
        raise Conflict("An organization keeps at least one owner.")


@transaction.atomic
def membership_change_role(*, membership: Membership, member_id: UUID, role: str) -> Membership:
    require(membership, Capability.MANAGE_MEMBERS)
    if role not in Role.values:
        raise ValidationFailed.for_fields({"role": [f"Choose one of {', '.join(Role.values)}."]})
    organization = membership.organization
    member = _member_for_update(organization, member_id)
    if Role.OWNER in (role, member.role) and membership.role != Role.OWNER:
        raise ValidationFailed.for_fields({"role": ["Only an owner can grant or take owner."]})
    if role != Role.OWNER:
        _require_other_owner(organization, member)
    before = member.role
    member.role = role
    member.save(update_fields=["role"])
    audit_record(
        organization=organization,
        actor=membership.user,
        action="membership.role_changed",
        target=member,
        changes={"role": [before, role]},
    )
    return member


@transaction.atomic
def membership_remove(*, membership: Membership, member_id: UUID) -> None:
    organization = membership.organization
    member = _member_for_update(organization, member_id)
    if member.pk != membership.pk:
        require(membership, Capability.MANAGE_MEMBERS)
        if member.role == Role.OWNER and membership.role != Role.OWNER:
            raise ValidationFailed.for_fields({"role": ["Only an owner can remove an owner."]})
    _require_other_owner(organization, member)
    audit_record(
        organization=organization,
        actor=membership.user,
        action="membership.removed",
        target=member,
        changes={"user": [member.user.email, None], "role": [member.role, None]},
    )
    ApiToken.objects.filter(organization=organization, user=member.user).update(
        revoked_at=timezone.now()
    )
    member.delete()


@transaction.atomic
def invitation_create(
    *, membership: Membership, email: str, role: str, accept_url_template: str
) -> tuple[Invitation, str]:
    """Invite someone by email; `accept_url_template` has `{code}` for the secret code.

    Returns the invitation and its code (sent by email after commit, never stored in clear).
    """
    require(membership, Capability.MANAGE_MEMBERS)
    email = email.strip().lower()
    errors: dict[str, list[str]] = {}
    try:
        validate_email(email)
    except DjangoValidationError:
        errors["email"] = ["Enter a valid email address."]
    if role not in Role.values:
        errors["role"] = [f"Choose one of {', '.join(Role.values)}."]
    elif role == Role.OWNER and membership.role != Role.OWNER:
        errors["role"] = ["Only an owner can invite an owner."]
    organization = membership.organization
    if (
        not errors
        and Membership.objects.filter(organization=organization, user__email=email).exists()
    ):
        errors["email"] = [f"{email} is a member already."]
    if errors:
        raise ValidationFailed.for_fields(errors)
    code = secrets.token_urlsafe(32)
    invitation = Invitation.objects.create(
        organization=organization,
        email=email,
        role=role,
        code_hash=hash_secret(code),
        invited_by=membership.user,
        expires_at=timezone.now() + timedelta(days=INVITATION_DAYS),
    )
    audit_record(
        organization=organization,
        actor=membership.user,
        action="invitation.created",
        target=invitation,
        changes={"email": [None, email], "role": [None, role]},
    )
    accept_url = accept_url_template.format(code=code)
    subject = f"You are invited to {organization.display_name} on Fakturo"
    body = (
        f"{membership.user} invites you to join {organization.display_name} as {role}.\n\n"
        f"Accept within {INVITATION_DAYS} days: {accept_url}\n"
    )
    transaction.on_commit(lambda: send_mail(subject, body, None, [email]))
    return invitation, code


@transaction.atomic
def invitation_revoke(*, membership: Membership, invitation_id: UUID) -> None:
    require(membership, Capability.MANAGE_MEMBERS)
    invitation = (
        Invitation.objects.select_for_update()
        .filter(organization=membership.organization, pk=invitation_id)
        .first()
    )
    if invitation is None or not invitation.is_open:
        raise NotFound("No such open invitation.")
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at"])
    audit_record(
        organization=membership.organization,
        actor=membership.user,
        action="invitation.revoked",
        target=invitation,
    )


def invitation_by_code(code: str) -> Invitation | None:
    invitation = (
        Invitation.objects.select_related("organization")
        .filter(code_hash=hash_secret(code))
        .first()
    )
    return invitation if invitation is not None and invitation.is_open else None


@transaction.atomic
def invitation_accept(
    *, code: str, user: User | None = None, password: str = "", full_name: str = ""
) -> Membership:
    """Join through an invitation: as the logged-in `user`, or as a new user with `password`."""
    invitation = Invitation.objects.select_for_update().filter(code_hash=hash_secret(code)).first()
    if invitation is None or not invitation.is_open:
        raise NotFound("This invitation is unknown, used or expired.")
    if user is None:
        if User.objects.filter(email=invitation.email).exists():
            raise Conflict("An account with this email exists: log in to accept.")
        try:
            validate_password(password)
        except DjangoValidationError as error:
            raise ValidationFailed.for_fields({"password": list(error.messages)}) from None
        user = User.objects.create_user(invitation.email, password, full_name=full_name)
    elif user.email != invitation.email:
        raise ValidationFailed.for_fields(
            {"email": [f"This invitation is for {invitation.email}."]}
        )
    membership, _ = Membership.objects.get_or_create(
        organization_id=invitation.organization_id, user=user, defaults={"role": invitation.role}
    )
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_at"])
    audit_record(
        organization=membership.organization,
        actor=user,
        action="membership.joined",
        target=membership,
        changes={"user": [None, user.email], "role": [None, membership.role]},
    )
    return membership


@transaction.atomic
def api_token_create(*, membership: Membership, name: str, read_only: bool) -> tuple[ApiToken, str]:
    """Create a token for the member; returns it with its secret, which is shown only once.

    A token never grants more than its user's role: a member without write rights gets only
    read-only tokens.
    """
    require(membership, Capability.READ)
    name = name.strip()
    errors: dict[str, list[str]] = {}
    if not name:
        errors["name"] = ["This field is required."]
    elif len(name) > 100:
        errors["name"] = ["At most 100 characters."]
    if not read_only and not membership.can(Capability.USE_API_WRITE):
        errors["read_only"] = ["Your role allows only read-only tokens."]
    if errors:
        raise ValidationFailed.for_fields(errors)
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        organization=membership.organization,
        user=membership.user,
        name=name,
        prefix=secret[:10],
        token_hash=hash_secret(secret),
        is_read_only=read_only,
    )
    audit_record(
        organization=membership.organization,
        actor=membership.user,
        action="api_token.created",
        target=token,
        changes={"name": [None, name], "read_only": [None, read_only]},
    )
    return token, secret


@transaction.atomic
def api_token_revoke(*, membership: Membership, token_id: UUID) -> ApiToken:
    """Revoke one of the member's own tokens; admins and owners may revoke anyone's."""
    tokens = ApiToken.objects.select_for_update().filter(
        organization=membership.organization, revoked_at__isnull=True
    )
    if not membership.can(Capability.MANAGE_MEMBERS):
        tokens = tokens.filter(user=membership.user)
    token = tokens.filter(pk=token_id).first()
    if token is None:
        raise NotFound("No such active token.")
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    audit_record(
        organization=membership.organization,
        actor=membership.user,
        action="api_token.revoked",
        target=token,
        changes={"revoked_at": [None, token.revoked_at.isoformat()]},
    )
    return token


def api_token_authenticate(secret: str) -> ApiToken | None:
    """The active token with this secret, its user and organization loaded; marks it used."""
    if not secret.startswith(TOKEN_PREFIX):
        return None
    token = (
        ApiToken.objects.select_related("user", "organization")
        .filter(token_hash=hash_secret(secret), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    # Written at most once a minute per token, so reads don't turn into a write each.
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token


def login_is_throttled(*, email: str, ip_address: str | None) -> bool:
    since = timezone.now() - timedelta(seconds=settings.LOGIN_FAILURE_WINDOW_SECONDS)
    recent = LoginFailure.objects.filter(failed_at__gte=since)
    limit = settings.LOGIN_FAILURE_LIMIT
    by_email = recent.filter(email=email.strip().lower()).count()
    by_address = recent.filter(ip_address=ip_address).count() if ip_address else 0
    # An address may try a few accounts (an office behind one NAT), not endlessly many.
    return by_email >= limit or by_address >= limit * 4


def login_failure_record(*, email: str, ip_address: str | None) -> None:
    LoginFailure.objects.create(email=email.strip().lower()[:254], ip_address=ip_address)


def login_failures_clear(*, email: str) -> None:
    LoginFailure.objects.filter(email=email.strip().lower()).delete()
