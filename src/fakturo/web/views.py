from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.core.paginator import Paginator
from django.db import connection
from django.db.models import Count
from django.db.models.functions import TruncDate
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from fakturo.accounts.forms import AuditFilterForm
from fakturo.accounts.models import Organization
from fakturo.accounts.selectors import invitation_list, member_list, token_list
from fakturo.accounts.views import current_membership, member_required
from fakturo.audit.selectors import AuditFilters, audit_event_list

AUDIT_PAGE_SIZE = 50


@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness and readiness: answers 200 only when the database answers."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as error:  # any database failure means "not healthy"
        return JsonResponse({"status": "error", "database": str(error)}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


@dataclass(frozen=True)
class OnboardingStep:
    label: str
    is_done: bool
    url: str


def onboarding_steps(
    organization: Organization, *, has_colleague: bool, has_token: bool
) -> list[OnboardingStep]:
    settings_url = reverse("settings_organization")
    return [
        OnboardingStep(
            "Complete your address",
            bool(organization.address_line1 and organization.postal_code and organization.city),
            settings_url,
        ),
        OnboardingStep(
            "Add your VAT id or tax number",
            bool(organization.vat_id or organization.tax_number),
            settings_url,
        ),
        OnboardingStep("Add your bank account (IBAN)", bool(organization.iban), settings_url),
        OnboardingStep("Invite a colleague", has_colleague, reverse("settings_members")),
        OnboardingStep("Create an API token", has_token, reverse("settings_tokens")),
    ]


def _activity_by_day(organization: Organization, days: int = 14) -> list[dict[str, object]]:
    """Audit events per day over the last `days`, in the organization's time zone."""
    zone = ZoneInfo(organization.timezone)
    today = timezone.localdate(timezone=zone)
    first_day = today - timedelta(days=days - 1)
    since = datetime.combine(first_day, time.min, tzinfo=zone)
    counts = {
        row["day"]: row["count"]
        for row in audit_event_list(organization=organization, filters={"since": since})
        .annotate(day=TruncDate("occurred_at", tzinfo=zone))
        .values("day")
        .annotate(count=Count("id"))
        .order_by("day")
    }
    return [
        {"day": day.isoformat(), "count": counts.get(day, 0)}
        for day in (first_day + timedelta(days=offset) for offset in range(days))
    ]


@member_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    membership = current_membership(request)
    organization = membership.organization
    has_colleague = (
        member_list(organization=organization).count() > 1
        or invitation_list(organization=organization).exists()
    )
    has_token = token_list(organization=organization, user=membership.user).exists()
    steps = onboarding_steps(organization, has_colleague=has_colleague, has_token=has_token)
    context = {
        "steps": steps,
        "steps_done": sum(step.is_done for step in steps),
        "events": audit_event_list(organization=organization, filters={})[:10],
        "activity": _activity_by_day(organization),
    }
    return render(request, "web/dashboard.html", context)


def _audit_filters(form: AuditFilterForm, zone: ZoneInfo) -> AuditFilters:
    """The form's values as the selector's filters: whole days in the organization's zone."""
    data = form.cleaned_data
    filters: AuditFilters = {}
    for key in ("action", "actor", "target_type"):
        if data.get(key):
            filters[key] = data[key].strip()
    if data.get("date_from"):
        filters["since"] = datetime.combine(data["date_from"], time.min, tzinfo=zone)
    if data.get("date_to"):
        next_day = data["date_to"] + timedelta(days=1)
        filters["until"] = datetime.combine(next_day, time.min, tzinfo=zone)
    return filters


@member_required
@require_GET
def audit_log(request: HttpRequest) -> HttpResponse:
    organization = current_membership(request).organization
    form = AuditFilterForm(request.GET)
    filters = _audit_filters(form, ZoneInfo(organization.timezone)) if form.is_valid() else {}
    events = audit_event_list(organization=organization, filters=filters)
    page = Paginator(events, AUDIT_PAGE_SIZE).get_page(request.GET.get("page"))
    every_event = audit_event_list(organization=organization, filters={}).order_by()
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "query": query.urlencode(),
        "actions": every_event.values_list("action", flat=True).distinct(),
        "target_types": every_event.values_list("target_type", flat=True).distinct(),
    }
    return render(request, "web/audit_log.html", context)
