"""The client pages: parse the form, call one service, redirect or render."""

import zoneinfo
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from fakturo.accounts.choices import Capability
from fakturo.accounts.forms import add_service_errors
from fakturo.accounts.models import Membership
from fakturo.accounts.permissions import require
from fakturo.accounts.views import current_membership, error_text, member_required
from fakturo.core.errors import Conflict, ValidationFailed
from fakturo.crm.forms import ActivityForm, ClientFilterForm, ClientForm, ContactForm, MergeForm
from fakturo.crm.models import Client
from fakturo.crm.selectors import (
    client_balance,
    client_detail,
    client_documents,
    client_list,
    client_tags,
    client_timeline,
    contact_detail,
    contact_list,
    possible_duplicates,
    today_for,
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

CLIENTS_PER_PAGE = 50
DOCUMENTS_SHOWN = 25
TIMELINE_SHOWN = 50
DUPLICATE_REASONS = {"vat_id": "same VAT id", "email_domain": "same email domain", "name": "name"}


def _client(request: HttpRequest, client_id: UUID) -> Client:
    return client_detail(organization=current_membership(request).organization, client_id=client_id)


def _can_edit(membership: Membership) -> bool:
    return membership.can(Capability.EDIT_DOCUMENTS)


def _editor(request: HttpRequest) -> Membership:
    """The current member, if their role may change clients; else a 403."""
    membership = current_membership(request)
    require(membership, Capability.EDIT_DOCUMENTS)
    return membership


@member_required
@require_GET
def client_list_view(request: HttpRequest) -> HttpResponse:
    membership = current_membership(request)
    form = ClientFilterForm(request.GET)
    filters = form.filters()
    clients = client_list(organization=membership.organization, filters=filters)
    page = Paginator(clients, CLIENTS_PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    without_sort = query.copy()
    without_sort.pop("sort", None)
    context = {
        "form": form,
        "page": page,
        "query": query.urlencode(),
        "query_without_sort": without_sort.urlencode(),
        "sort": filters.get("sort", "name"),
        "can_edit": _can_edit(membership),
    }
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, "crm/partials/_client_results.html", context)
    context["tags"] = client_tags(organization=membership.organization)
    return render(request, "crm/client_list.html", context)


def _report_duplicates(request: HttpRequest, saved: ClientSaved) -> None:
    """After a save: link the clients this one may duplicate (it was saved all the same).
    Warnings need no message: the client page always shows them."""
    if not saved.possible_duplicates:
        return
    links = format_html_join(
        ", ",
        '<a href="{}">{}</a> ({})',
        (
            (
                reverse("crm:client_detail", args=[match.id]),
                match.name,
                DUPLICATE_REASONS[match.reason],
            )
            for match in saved.possible_duplicates
        ),
    )
    messages.warning(request, format_html("This client may be a duplicate of {}.", links))


@member_required
@require_http_methods(["GET", "POST"])
def client_create_view(request: HttpRequest) -> HttpResponse:
    membership = _editor(request)
    form = ClientForm(
        request.POST if request.method == "POST" else None, organization=membership.organization
    )
    if request.method == "POST" and form.is_valid():
        try:
            saved = client_create(membership=membership, values=form.values())
        except ValidationFailed as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Client {saved.client} created.")
            _report_duplicates(request, saved)
            return redirect("crm:client_detail", client_id=saved.client.pk)
    return render(request, "crm/client_form.html", {"form": form, "client": None})


@member_required
@require_http_methods(["GET", "POST"])
def client_edit_view(request: HttpRequest, client_id: UUID) -> HttpResponse:
    membership = _editor(request)
    client = _client(request, client_id)
    form = ClientForm(
        request.POST if request.method == "POST" else None,
        organization=membership.organization,
        client=client,
    )
    if request.method == "POST" and form.is_valid():
        try:
            saved = client_update(
                membership=membership, client_id=client.pk, changes=form.changes()
            )
        except ValidationFailed as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Client saved." if form.has_changed() else "Nothing changed.")
            _report_duplicates(request, saved)
            return redirect("crm:client_detail", client_id=client.pk)
    return render(request, "crm/client_form.html", {"form": form, "client": client})


def _detail_context(
    request: HttpRequest,
    client: Client,
    *,
    contact_form: ContactForm | None = None,
    activity_form: ActivityForm | None = None,
) -> dict[str, Any]:
    membership = current_membership(request)
    organization = membership.organization
    documents = client_documents(client=client, organization=organization)
    return {
        "client": client,
        "can_edit": _can_edit(membership),
        "merged_into": (
            client_detail(organization=organization, client_id=client.merged_into_id)
            if client.merged_into_id
            else None
        ),
        "contacts": contact_list(client=client),
        "contact_form": contact_form or ContactForm(prefix="contact"),
        "activities": client_timeline(client=client)[:TIMELINE_SHOWN],
        "activity_form": activity_form or ActivityForm(prefix="activity"),
        "balance": client_balance(client=client, organization=organization),
        "documents": documents[:DOCUMENTS_SHOWN],
        "document_count": documents.count(),
        "today": today_for(organization),
    }


@member_required
@require_GET
def client_detail_view(request: HttpRequest, client_id: UUID) -> HttpResponse:
    client = _client(request, client_id)
    return render(request, "crm/client_detail.html", _detail_context(request, client))


def _panel_done(request: HttpRequest, client: Client, panel: str, **forms: Any) -> HttpResponse:
    """After a contact or timeline action: the panel again for htmx; else the page (a redirect
    if it went well, so a reload doesn't post twice)."""
    failed = any(form.errors for form in forms.values())
    if request.htmx:  # type: ignore[attr-defined]
        context = _detail_context(request, client, **(forms if failed else {}))
        return render(request, f"crm/partials/_{panel}.html", context)
    if failed:
        context = _detail_context(request, client, **forms)
        return render(request, "crm/client_detail.html", context, status=422)
    return redirect("crm:client_detail", client_id=client.pk)


@member_required
@require_POST
def contact_create_view(request: HttpRequest, client_id: UUID) -> HttpResponse:
    membership = _editor(request)
    client = _client(request, client_id)
    form = ContactForm(request.POST, prefix="contact")
    if form.is_valid():
        try:
            contact_create(membership=membership, client_id=client.pk, values=form.values())
        except ValidationFailed as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Contact {form.cleaned_data['name']} added.")
    return _panel_done(request, client, "contacts", contact_form=form)


@member_required
@require_http_methods(["GET", "POST"])
def contact_edit_view(request: HttpRequest, client_id: UUID, contact_id: UUID) -> HttpResponse:
    membership = _editor(request)
    client = _client(request, client_id)
    contact = contact_detail(client=client, contact_id=contact_id)
    form = ContactForm(request.POST if request.method == "POST" else None, contact=contact)
    if request.method == "POST" and form.is_valid():
        try:
            contact_update(
                membership=membership,
                client_id=client.pk,
                contact_id=contact.pk,
                changes=form.changes(),
            )
        except ValidationFailed as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Contact saved.")
            return redirect("crm:client_detail", client_id=client.pk)
    return render(
        request, "crm/contact_form.html", {"form": form, "client": client, "contact": contact}
    )


@member_required
@require_POST
def contact_delete_view(request: HttpRequest, client_id: UUID, contact_id: UUID) -> HttpResponse:
    membership = _editor(request)
    client = _client(request, client_id)
    contact_delete(membership=membership, client_id=client.pk, contact_id=contact_id)
    messages.success(request, "Contact deleted.")
    return _panel_done(request, client, "contacts")


@member_required
@require_POST
def activity_add_view(request: HttpRequest, client_id: UUID) -> HttpResponse:
    membership = _editor(request)
    client = _client(request, client_id)
    form = ActivityForm(request.POST, prefix="activity")
    # The time typed is the organization's local time.
    with timezone.override(zoneinfo.ZoneInfo(membership.organization.timezone)):
        is_valid = form.is_valid()
    if is_valid:
        try:
            activity_add(
                membership=membership,
                client_id=client.pk,
                kind=form.cleaned_data["kind"],
                summary=form.cleaned_data["summary"],
                body=form.cleaned_data["body"],
                occurred_at=form.cleaned_data["occurred_at"],
            )
        except ValidationFailed as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Added to the timeline.")
    return _panel_done(request, client, "timeline", activity_form=form)


@member_required
@require_POST
def client_archive_view(request: HttpRequest, client_id: UUID) -> HttpResponse:
    client = client_archive(membership=_editor(request), client_id=client_id)
    messages.success(request, f"{client} archived.")
    return redirect("crm:client_detail", client_id=client.pk)


@member_required
@require_POST
def client_unarchive_view(request: HttpRequest, client_id: UUID) -> HttpResponse:
    try:
        client = client_unarchive(membership=_editor(request), client_id=client_id)
    except Conflict as error:
        messages.error(request, error_text(error))
    else:
        messages.success(request, f"{client} is active again.")
    return redirect("crm:client_detail", client_id=client_id)


def _merge_choices(membership: Membership, client: Client) -> list[Any]:
    """Active clients to merge into, likely duplicates first."""
    organization = membership.organization
    duplicates = possible_duplicates(
        organization=organization,
        names=[client.legal_name, client.display_name],
        vat_id=client.vat_id,
        emails=client.emails,
        exclude_id=client.pk,
    )
    others = client_list(organization=organization, filters={}).exclude(pk=client.pk)
    everyone = [(str(other.pk), f"{other} ({other.code})") for other in others]
    if not duplicates:
        return [("", "Choose a client"), *everyone]
    active = {choice[0] for choice in everyone}
    likely = [(str(match.id), match.name) for match in duplicates if str(match.id) in active]
    return [("", "Choose a client"), ("Possible duplicates", likely), ("All clients", everyone)]


@member_required
@require_http_methods(["GET", "POST"])
def client_merge_view(request: HttpRequest, client_id: UUID) -> HttpResponse:
    membership = _editor(request)
    client = _client(request, client_id)
    form = MergeForm(
        request.POST if request.method == "POST" else None,
        choices=_merge_choices(membership, client),
    )
    if request.method == "POST" and form.is_valid():
        try:
            target = client_merge(
                membership=membership,
                source_id=client.pk,
                target_id=UUID(form.cleaned_data["into"]),
            )
        except (ValidationFailed, Conflict) as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{client} merged into {target}.")
            return redirect("crm:client_detail", client_id=target.pk)
    return render(request, "crm/client_merge.html", {"form": form, "client": client})
