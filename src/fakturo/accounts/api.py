from datetime import datetime
from typing import Annotated
from uuid import UUID

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status
from ninja.pagination import LimitOffsetPagination, paginate

from fakturo.accounts.choices import Capability
from fakturo.accounts.models import ApiToken, Membership, Organization
from fakturo.accounts.permissions import require
from fakturo.accounts.selectors import member_list, memberships_of, token_list
from fakturo.accounts.services import api_token_create, api_token_revoke, organization_update

router = Router(tags=["organization"])


def _membership(request: HttpRequest) -> Membership:
    membership: Membership = request.membership  # type: ignore[attr-defined]
    require(membership, Capability.READ)
    return membership


class OrganizationRef(Schema):
    id: UUID
    slug: str
    name: str = Field(validation_alias="display_name")


class MembershipOut(Schema):
    organization: OrganizationRef
    role: str


class UserOut(Schema):
    id: UUID
    email: str
    full_name: str
    language: str


class MeOut(Schema):
    user: UserOut
    organization: OrganizationRef
    role: str
    token_read_only: bool
    memberships: list[MembershipOut]


@router.get("/me", response=MeOut, summary="The token's user, organization and role")
def me(request: HttpRequest) -> dict[str, object]:
    membership = _membership(request)
    return {
        "user": membership.user,
        "organization": membership.organization,
        "role": membership.role,
        "token_read_only": request.api_token.is_read_only,  # type: ignore[attr-defined]
        "memberships": list(memberships_of(membership.user)),
    }


class OrganizationOut(Schema):
    id: UUID
    slug: str
    legal_name: str
    trade_name: str
    address_line1: str
    address_line2: str
    postal_code: str
    city: str
    region: str
    country: str
    vat_id: str
    tax_number: str
    iban: str
    bic: str
    email: str
    phone: str
    website: str
    electronic_address: str
    electronic_address_scheme: str
    default_currency: str
    language: str
    timezone: str
    payment_terms_days: int
    fiscal_year_start_month: int
    created_at: datetime


Text = Annotated[str, Field(max_length=200)]


class OrganizationPatch(Schema):
    legal_name: Text | None = None
    trade_name: Text | None = None
    address_line1: Text | None = None
    address_line2: Text | None = None
    postal_code: Annotated[str, Field(max_length=20)] | None = None
    city: Annotated[str, Field(max_length=100)] | None = None
    region: Annotated[str, Field(max_length=100)] | None = None
    country: Annotated[str, Field(min_length=2, max_length=2)] | None = None
    vat_id: Annotated[str, Field(max_length=20)] | None = None
    tax_number: Annotated[str, Field(max_length=40)] | None = None
    iban: Annotated[str, Field(max_length=42)] | None = None
    bic: Annotated[str, Field(max_length=11)] | None = None
    email: Annotated[str, Field(max_length=254)] | None = None
    phone: Annotated[str, Field(max_length=40)] | None = None
    website: Annotated[str, Field(max_length=200)] | None = None
    electronic_address: Annotated[str, Field(max_length=200)] | None = None
    electronic_address_scheme: Annotated[str, Field(max_length=4)] | None = None
    default_currency: Annotated[str, Field(min_length=3, max_length=3)] | None = None
    language: Annotated[str, Field(max_length=10)] | None = None
    timezone: Annotated[str, Field(max_length=60)] | None = None
    payment_terms_days: Annotated[int, Field(ge=0, le=365, strict=True)] | None = None
    fiscal_year_start_month: Annotated[int, Field(ge=1, le=12, strict=True)] | None = None


@router.get("/organization", response=OrganizationOut)
def organization_detail(request: HttpRequest) -> Organization:
    return _membership(request).organization


@router.patch("/organization", response=OrganizationOut, summary="Change organization settings")
def organization_patch(request: HttpRequest, payload: OrganizationPatch) -> Organization:
    changes = {
        key: value
        for key, value in payload.model_dump(exclude_unset=True).items()
        if value is not None
    }
    return organization_update(membership=_membership(request), changes=changes)


class MemberOut(Schema):
    id: UUID
    email: str = Field(validation_alias="user.email")
    full_name: str = Field(validation_alias="user.full_name")
    role: str
    joined_at: datetime = Field(validation_alias="created_at")


@router.get("/members", response=list[MemberOut])
@paginate(LimitOffsetPagination)
def members(request: HttpRequest) -> object:
    return member_list(organization=_membership(request).organization)


class TokenOut(Schema):
    id: UUID
    name: str
    prefix: str
    read_only: bool = Field(validation_alias="is_read_only")
    created_at: datetime
    last_used_at: datetime | None


class TokenCreated(TokenOut):
    token: str = Field(description="The secret: shown only in this response")


class TokenIn(Schema):
    name: Annotated[str, Field(min_length=1, max_length=100)]
    read_only: bool = False


@router.get("/tokens", response=list[TokenOut], tags=["tokens"], summary="Your active tokens")
@paginate(LimitOffsetPagination)
def tokens(request: HttpRequest) -> object:
    membership = _membership(request)
    return token_list(organization=membership.organization, user=membership.user)


@router.post("/tokens", response={201: TokenCreated}, tags=["tokens"])
def token_create(request: HttpRequest, payload: TokenIn) -> Status[ApiToken]:
    token, secret = api_token_create(
        membership=_membership(request), name=payload.name, read_only=payload.read_only
    )
    token.token = secret  # type: ignore[attr-defined]  # only on this response
    return Status(201, token)


@router.delete("/tokens/{token_id}", response={204: None}, tags=["tokens"])
def token_revoke(request: HttpRequest, token_id: UUID) -> Status[None]:
    api_token_revoke(membership=_membership(request), token_id=token_id)
    return Status(204, None)
