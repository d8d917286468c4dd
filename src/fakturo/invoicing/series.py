"""Number series settings: each series with a preview of its next number, and the one write
that changes a series' pattern, next number or yearly reset."""

import datetime
import zoneinfo

from django.db import transaction
from django.utils import timezone

from fakturo.accounts.choices import Capability
from fakturo.accounts.models import Membership, Organization
from fakturo.accounts.permissions import require
from fakturo.audit.services import audit_record, diff, snapshot
from fakturo.core.errors import NotFound, ValidationFailed
from fakturo.invoicing.choices import NumberReset, SeriesKind
from fakturo.invoicing.locks import series_for_update
from fakturo.invoicing.models import Document, NumberSeries
from fakturo.invoicing.numbering import format_number, pattern_problems

SAMPLE_CLIENT_CODE = "CLIENT"
MAX_NEXT_NUMBER = 10**9 - 1
AUDITED_FIELDS = ("pattern", "next_number", "reset", "period")


def organization_today(organization: Organization) -> datetime.date:
    return timezone.localdate(timezone=zoneinfo.ZoneInfo(organization.timezone))


def next_sequence(series: NumberSeries, *, today: datetime.date) -> int:
    """The sequence a document issued on `today` would get: issuing restarts a yearly series
    whose period is blank or over at 1."""
    if series.reset == NumberReset.YEARLY and series.period < str(today.year):
        return 1
    return series.next_number


def number_preview(pattern: str, *, sequence: int, today: datetime.date) -> str:
    return format_number(
        pattern, sequence=sequence, issue_date=today, client_code=SAMPLE_CLIENT_CODE
    )


def next_number_problems(value: object) -> list[str]:
    if not isinstance(value, int) or isinstance(value, bool):
        return ["Give a whole number."]
    if not 1 <= value <= MAX_NEXT_NUMBER:
        return [f"Give a number from 1 to {MAX_NEXT_NUMBER}."]
    return []


def _with_preview(series: NumberSeries, today: datetime.date) -> NumberSeries:
    series.next_number_preview = number_preview(  # type: ignore[attr-defined]
        series.pattern, sequence=next_sequence(series, today=today), today=today
    )
    return series


def number_series_list(organization: Organization) -> list[NumberSeries]:
    """The organization's series in SeriesKind order (invoice, credit note, quote, proforma),
    each with `next_number_preview`: the next number as it would be issued today."""
    rank = {kind: index for index, kind in enumerate(SeriesKind.values)}
    today = organization_today(organization)
    found = NumberSeries.objects.filter(organization=organization)
    return [_with_preview(s, today) for s in sorted(found, key=lambda s: rank[s.kind])]


def number_series_get(organization: Organization, kind: str) -> NumberSeries:
    """One series with `next_number_preview`; NotFound for a kind that has none."""
    series = NumberSeries.objects.filter(organization=organization, kind=kind).first()
    if series is None:
        raise NotFound("No such number series.")
    return _with_preview(series, organization_today(organization))


def _input_problems(
    pattern: str | None, next_number: int | None, reset: str | None
) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if pattern is not None and (problems := pattern_problems(pattern)):
        errors["pattern"] = problems
    if next_number is not None and (problems := next_number_problems(next_number)):
        errors["next_number"] = problems
    if reset is not None and reset not in NumberReset.values:
        errors["reset"] = [f"Choose one of {', '.join(NumberReset.values)}."]
    return errors


def _require_unused(series: NumberSeries, next_number: int) -> None:
    """Refuse a next number at or below one already drawn in the series' current period (the
    whole series when it never restarts): issuing it again would repeat a number."""
    drawn = Document.objects.filter(
        organization_id=series.organization_id, series=series, sequence__gte=next_number
    )
    if series.reset == NumberReset.YEARLY:
        drawn = drawn.filter(issue_date__year=int(series.period))
    highest = drawn.order_by("-sequence").only("sequence", "number").first()
    if highest is not None and highest.sequence is not None:
        sequence, number = highest.sequence, highest.number
        raise ValidationFailed.for_fields(
            {
                "next_number": [
                    f"Number {sequence} is already used ({number}); "
                    f"the next number must be {sequence + 1} or more."
                ]
            }
        )


@transaction.atomic
def number_series_update(
    *,
    membership: Membership,
    kind: str,
    pattern: str | None = None,
    next_number: int | None = None,
    reset: str | None = None,
) -> NumberSeries:
    """Change the given settings of one series; None leaves a setting as it is.

    Holds the series row lock, the one issuing takes, from the check to the save, so no number
    is drawn in between. The next number may move back only above the highest sequence drawn
    in the current period; moving it forward leaves a gap, which is the user's choice. Setting
    the next number of a yearly series, or making a series yearly, makes the current year its
    period, so the next issue continues from `next_number` rather than restarting at 1.
    """
    require(membership, Capability.MANAGE_ORGANIZATION)
    organization = membership.organization
    if kind not in SeriesKind.values:
        raise NotFound("No such number series.")
    if pattern is not None:
        pattern = pattern.strip()
    errors = _input_problems(pattern, next_number, reset)
    if errors:
        raise ValidationFailed.for_fields(errors)
    series = series_for_update(organization).filter(kind=kind).first()
    if series is None:
        raise NotFound("No such number series.")
    today = organization_today(organization)
    before = snapshot(series, AUDITED_FIELDS)
    becomes_yearly = reset == NumberReset.YEARLY and series.reset != NumberReset.YEARLY
    if pattern is not None:
        series.pattern = pattern
    if reset is not None:
        series.reset = reset
    if series.reset == NumberReset.YEARLY and (becomes_yearly or next_number is not None):
        series.period = max(series.period, str(today.year))
    if next_number is not None:
        _require_unused(series, next_number)
        series.next_number = next_number
    changes = diff(before, snapshot(series, AUDITED_FIELDS))
    if changes:
        series.save(update_fields=list(changes))
        audit_record(
            organization=organization,
            actor=membership.user,
            action="number_series.updated",
            target=series,
            changes=changes,
        )
    return _with_preview(series, today)
