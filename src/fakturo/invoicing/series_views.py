"""Settings → Numbering: one form per number series, with a live preview of the next number."""

import datetime
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied as AccessDenied
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from fakturo.accounts.choices import Capability
from fakturo.accounts.forms import add_service_errors
from fakturo.accounts.views import current_membership, member_required
from fakturo.core.errors import NotFound, ValidationFailed
from fakturo.invoicing.choices import NumberReset
from fakturo.invoicing.models import NumberSeries
from fakturo.invoicing.numbering import pattern_problems
from fakturo.invoicing.series import (
    next_number_problems,
    next_sequence,
    number_preview,
    number_series_get,
    number_series_list,
    number_series_update,
    organization_today,
)


class NumberSeriesForm(forms.Form):
    """One series' settings; the prefix is its kind, so the four forms share a page."""

    pattern = forms.CharField(
        help_text=(
            "Tokens: {YYYY} year, {YY} two-digit year, {MM} month, {SEQ:n} the number "
            "zero-padded to n digits (required), {CLIENT} the client's code."
        ),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    next_number = forms.IntegerField(
        help_text=(
            "To continue from another tool, enter its next number. Moving it forward leaves a "
            "gap in your numbering; it can move back only above the highest number already used."
        ),
        widget=forms.NumberInput(attrs={"min": 1}),
    )
    reset_yearly = forms.BooleanField(label="Restart at 1 every year", required=False)

    def __init__(
        self,
        data: QueryDict | None = None,
        *,
        series: NumberSeries,
        today: datetime.date,
        read_only: bool,
    ) -> None:
        # The number shown is the one the next issue gets, so the field and its preview agree.
        initial = {
            "pattern": series.pattern,
            "next_number": next_sequence(series, today=today),
            "reset_yearly": series.reset == NumberReset.YEARLY,
        }
        super().__init__(data, initial=initial, prefix=series.kind)
        self.series = series
        if read_only:
            for field in self.fields.values():
                field.disabled = True

    def changes(self) -> dict[str, Any]:
        """The service's arguments for what the user changed; the rest stays as it is."""
        changes: dict[str, Any] = {}
        if "pattern" in self.changed_data:
            changes["pattern"] = self.cleaned_data["pattern"]
        if "next_number" in self.changed_data:
            changes["next_number"] = self.cleaned_data["next_number"]
        if "reset_yearly" in self.changed_data:
            yearly = self.cleaned_data["reset_yearly"]
            changes["reset"] = NumberReset.YEARLY if yearly else NumberReset.NEVER
        return changes


@member_required
@require_http_methods(["GET", "POST"])
def settings_numbering(request: HttpRequest) -> HttpResponse:
    membership = current_membership(request)
    can_manage = membership.can(Capability.MANAGE_ORGANIZATION)
    if request.method == "POST" and not can_manage:
        raise AccessDenied("Your role does not allow changing the numbering.")
    posted_kind = request.POST.get("kind") if request.method == "POST" else None
    today = organization_today(membership.organization)
    series_forms = [
        NumberSeriesForm(
            request.POST if series.kind == posted_kind else None,
            series=series,
            today=today,
            read_only=not can_manage,
        )
        for series in number_series_list(membership.organization)
    ]
    if request.method == "POST":
        form = next((f for f in series_forms if f.is_bound), None)
        if form is None:
            raise NotFound("No such number series.")
        if form.is_valid():
            changes = form.changes()
            if not changes:
                messages.info(request, "Nothing changed.")
                return redirect("settings_numbering")
            try:
                number_series_update(membership=membership, kind=form.series.kind, **changes)
            except ValidationFailed as error:
                add_service_errors(form, error)
            else:
                label = form.series.get_kind_display()
                messages.success(request, f"Numbering of {label.lower()} saved.")
                return redirect("settings_numbering")
    return render(
        request,
        "invoicing/settings_numbering.html",
        {"series_forms": series_forms, "can_manage": can_manage},
    )


def _typed_sequence(raw: str | None, series: NumberSeries, today: datetime.date) -> int | str:
    """The typed next number as an int when it is one (else as typed, for its problem)."""
    if raw is None or not raw.strip():
        return next_sequence(series, today=today)
    try:
        return int(raw)
    except ValueError:
        return raw


@member_required
@require_GET
def settings_numbering_preview(request: HttpRequest) -> HttpResponse:
    """The preview of one series' next number for what is typed in its form, or the problems
    with it: the same rules the save applies."""
    membership = current_membership(request)
    series = number_series_get(membership.organization, request.GET.get("kind", ""))
    today = organization_today(membership.organization)
    pattern = request.GET.get(f"{series.kind}-pattern", series.pattern).strip()
    sequence = _typed_sequence(request.GET.get(f"{series.kind}-next_number"), series, today)
    problems = pattern_problems(pattern) + next_number_problems(sequence)
    preview = "" if problems else number_preview(pattern, sequence=int(sequence), today=today)
    return render(
        request,
        "invoicing/partials/_number_preview.html",
        {"preview": preview, "problems": problems},
    )
