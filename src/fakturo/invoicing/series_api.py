"""/api/v1/number-series: how documents are numbered, one series per kind."""

from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Field, Router, Schema
from ninja.pagination import LimitOffsetPagination, paginate

from fakturo.accounts.choices import Capability
from fakturo.accounts.models import Membership
from fakturo.accounts.permissions import require
from fakturo.invoicing.models import NumberSeries
from fakturo.invoicing.series import number_series_get, number_series_list, number_series_update

router = Router(tags=["number series"])


class NumberSeriesOut(Schema):
    kind: str = Field(description="invoice (deposit invoices too), credit_note, quote, proforma")
    pattern: str
    next_number: int
    reset: str = Field(description="never or yearly")
    period: str = Field(description="The year a yearly series counts in")
    next_number_preview: str = Field(
        description='The next number if issued today, with "CLIENT" for {CLIENT}'
    )


class NumberSeriesPatch(Schema):
    pattern: Annotated[str, Field(max_length=60)] | None = Field(
        None, description="Tokens {YYYY} {YY} {MM} {SEQ:n} {CLIENT}; {SEQ} is required"
    )
    next_number: Annotated[int, Field(strict=True)] | None = Field(
        None,
        description="Forward leaves a gap; back only above the highest number already used",
    )
    reset: str | None = Field(None, description="never or yearly")


def _membership(request: HttpRequest) -> Membership:
    membership: Membership = request.membership  # type: ignore[attr-defined]
    require(membership, Capability.READ)
    return membership


@router.get("/number-series", response=list[NumberSeriesOut], summary="List number series")
@paginate(LimitOffsetPagination)
def series_list(request: HttpRequest) -> Any:
    return number_series_list(_membership(request).organization)


@router.get("/number-series/{kind}", response=NumberSeriesOut, summary="One number series")
def series_get(request: HttpRequest, kind: str) -> NumberSeries:
    return number_series_get(_membership(request).organization, kind)


@router.patch(
    "/number-series/{kind}",
    response=NumberSeriesOut,
    summary="Change a series' pattern, next number or reset (owner, admin)",
)
def series_update(request: HttpRequest, kind: str, payload: NumberSeriesPatch) -> NumberSeries:
    return number_series_update(
        membership=_membership(request),
        kind=kind,
        pattern=payload.pattern,
        next_number=payload.next_number,
        reset=payload.reset,
    )
