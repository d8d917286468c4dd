"""Sign-in, invitations and the organization's settings pages: parse, call one service, render."""

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from math import ceil
from typing import Any
from uuid import UUID

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as AccessDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRedirect

from fakturo.accounts.choices import Capability, Role
from fakturo.accounts.forms import (
    ApiTokenForm,
    InvitationForm,
    InvitationSignupForm,
    LoginForm,
    OrganizationForm,
    RoleForm,
    add_service_errors,
)
from fakturo.accounts.middleware import SESSION_KEY
from fakturo.accounts.models import Membership, User
from fakturo.accounts.selectors import invitation_list, member_list, membership_for, token_list
from fakturo.accounts.services import (
    api_token_create,
    api_token_revoke,
    invitation_accept,
    invitation_by_code,
    invitation_create,
    invitation_revoke,
    login_failure_record,
    login_failures_clear,
    login_is_throttled,
    membership_change_role,
    membership_remove,
    organization_update,
)
from fakturo.core.errors import (
    Conflict,
    NotFound,
    PermissionDenied,
    ServiceError,
    ValidationFailed,
)

View = Callable[..., HttpResponse]


def member_required(view: View) -> View:
    """Log in first; without a membership show a page saying so. A service error the view
    didn't handle becomes its status: PermissionDenied a 403, NotFound a 404 (another
    organization's object looks absent), never a 500."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if getattr(request, "membership", None) is None:
            return render(request, "web/no_organization.html")
        try:
            return view(request, *args, **kwargs)
        except PermissionDenied as error:
            raise AccessDenied(error.detail) from None
        except NotFound as error:
            raise Http404(error.detail) from None
        except ServiceError as error:
            context = {"status": error.status, "title": error.title, "detail": error.detail}
            return render(request, "web/error.html", context, status=error.status)

    return wrapper


def current_membership(request: HttpRequest) -> Membership:
    return request.membership  # type: ignore[attr-defined,no-any-return]


def error_text(error: ServiceError) -> str:
    return " ".join(item["message"] for item in error.errors) or error.detail


def _client_address(request: HttpRequest) -> str | None:
    return request.META.get("REMOTE_ADDR") or None


class LoginView(auth_views.LoginView):
    """Django's login with our form, refusing to check passwords while attempts are throttled."""

    template_name = "accounts/login.html"
    form_class = LoginForm  # type: ignore[assignment]
    redirect_authenticated_user = True

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        email = request.POST.get("email", "").strip()
        if login_is_throttled(email=email, ip_address=_client_address(request)):
            form = LoginForm(request, initial={"email": email})
            minutes = ceil(settings.LOGIN_FAILURE_WINDOW_SECONDS / 60)
            context = self.get_context_data(form=form, throttled_minutes=minutes)
            return self.render_to_response(context, status=429)
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form: LoginForm) -> HttpResponse:  # type: ignore[override]
        if form.data.get("password"):
            login_failure_record(
                email=form.data.get("email", ""), ip_address=_client_address(self.request)
            )
        return super().form_invalid(form)  # type: ignore[arg-type]

    def form_valid(self, form: LoginForm) -> HttpResponse:  # type: ignore[override]
        login_failures_clear(email=form.cleaned_data["email"])
        return super().form_valid(form)  # type: ignore[arg-type]


@require_http_methods(["GET", "POST"])
def invitation_accept_view(request: HttpRequest, code: str) -> HttpResponse:
    invitation = invitation_by_code(code)
    if invitation is None:
        return render(request, "accounts/invitation_invalid.html", status=404)
    user = request.user if request.user.is_authenticated else None
    has_account = user is None and User.objects.filter(email=invitation.email).exists()
    form = InvitationSignupForm(request.POST if request.method == "POST" and not user else None)
    context = {"invitation": invitation, "form": form, "has_account": has_account}
    if request.method == "POST" and (user is not None or form.is_valid()):
        try:
            membership = invitation_accept(
                code=code,
                user=user,
                password=form.cleaned_data.get("password", "") if user is None else "",
                full_name=form.cleaned_data.get("full_name", "") if user is None else "",
            )
        except NotFound:
            return render(request, "accounts/invitation_invalid.html", status=404)
        except ServiceError as error:
            if user is None:
                add_service_errors(form, error)
            else:
                context["error"] = error_text(error)
        else:
            if user is None:
                login(request, membership.user, backend="fakturo.accounts.backends.EmailBackend")
            request.session[SESSION_KEY] = str(membership.organization_id)
            messages.success(request, f"Welcome to {membership.organization.display_name}.")
            return redirect("dashboard")
    return render(request, "accounts/invitation_accept.html", context)


@login_required
@require_POST
def organization_switch(request: HttpRequest) -> HttpResponse:
    try:
        organization_id = UUID(request.POST.get("organization_id", ""))
    except ValueError:
        raise Http404("No such organization.") from None
    membership = membership_for(user=request.user, organization_id=organization_id)  # type: ignore[arg-type]
    if membership is None:
        raise Http404("No such organization.")
    request.session[SESSION_KEY] = str(membership.organization_id)
    messages.info(request, f"Switched to {membership.organization.display_name}.")
    return redirect("dashboard")


@member_required
@require_http_methods(["GET", "POST"])
def settings_organization(request: HttpRequest) -> HttpResponse:
    membership = current_membership(request)
    can_manage = membership.can(Capability.MANAGE_ORGANIZATION)
    if request.method == "POST" and not can_manage:
        raise AccessDenied("Your role does not allow changing the organization.")
    form = OrganizationForm(
        request.POST if request.method == "POST" else None,
        organization=membership.organization,
        read_only=not can_manage,
    )
    if request.method == "POST" and form.is_valid():
        changes = form.changes()
        if not changes:
            messages.info(request, "Nothing changed.")
            return redirect("settings_organization")
        try:
            organization_update(membership=membership, changes=changes)
        except ValidationFailed as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Organization settings saved.")
            return redirect("settings_organization")
    return render(
        request, "accounts/settings_organization.html", {"form": form, "can_manage": can_manage}
    )


@dataclass(frozen=True)
class MemberRow:
    member: Membership
    is_you: bool
    can_edit: bool  # change the role or remove


def _members_context(
    request: HttpRequest, invitation_form: InvitationForm | None = None
) -> dict[str, Any]:
    membership = current_membership(request)
    organization = membership.organization
    can_manage = membership.can(Capability.MANAGE_MEMBERS)
    is_owner = membership.role == Role.OWNER
    roles = [choice for choice in Role.choices if is_owner or choice[0] != Role.OWNER]
    invitation_form = invitation_form or InvitationForm()
    invitation_form.fields["role"].choices = roles  # type: ignore[attr-defined]
    rows = [
        MemberRow(
            member=member,
            is_you=member.pk == membership.pk,
            can_edit=can_manage
            and member.pk != membership.pk
            and (is_owner or member.role != Role.OWNER),
        )
        for member in member_list(organization=organization)
    ]
    return {
        "member_rows": rows,
        "invitations": [i for i in invitation_list(organization=organization) if i.is_open],
        "can_manage_members": can_manage,
        "assignable_roles": roles,
        "invitation_form": invitation_form,
    }


def _members_done(
    request: HttpRequest, invitation_form: InvitationForm | None = None
) -> HttpResponse:
    """After an action: the members panel again for htmx, else the page (a redirect if it went
    well, so a reload doesn't post twice)."""
    context = _members_context(request, invitation_form)
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, "accounts/partials/_members.html", context)
    if invitation_form is not None and invitation_form.errors:
        return render(request, "accounts/settings_members.html", context)
    return redirect("settings_members")


@member_required
@require_GET
def settings_members(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/settings_members.html", _members_context(request))


@member_required
@require_POST
def member_invite(request: HttpRequest) -> HttpResponse:
    form = InvitationForm(request.POST)
    if form.is_valid():
        accept_url = request.build_absolute_uri(reverse("invitation_accept", args=["CODE"]))
        before, _, after = accept_url.rpartition("CODE")
        try:
            invitation_create(
                membership=current_membership(request),
                email=form.cleaned_data["email"],
                role=form.cleaned_data["role"],
                accept_url_template=before + "{code}" + after,
            )
        except ValidationFailed as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Invitation sent to {form.cleaned_data['email']}.")
            form = InvitationForm()
    return _members_done(request, form)


@member_required
@require_POST
def member_change_role(request: HttpRequest, member_id: UUID) -> HttpResponse:
    form = RoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose a role.")
        return _members_done(request)
    try:
        member = membership_change_role(
            membership=current_membership(request),
            member_id=member_id,
            role=form.cleaned_data["role"],
        )
    except (ValidationFailed, Conflict) as error:
        messages.error(request, error_text(error))
    else:
        messages.success(request, f"{member.user} is now {member.get_role_display()}.")
    return _members_done(request)


@member_required
@require_POST
def member_remove(request: HttpRequest, member_id: UUID) -> HttpResponse:
    membership = current_membership(request)
    leaving = membership.pk == member_id
    try:
        membership_remove(membership=membership, member_id=member_id)
    except (ValidationFailed, Conflict) as error:
        messages.error(request, error_text(error))
        return _members_done(request)
    if leaving:
        request.session.pop(SESSION_KEY, None)
        messages.success(request, f"You left {membership.organization.display_name}.")
        if request.htmx:  # type: ignore[attr-defined]
            return HttpResponseClientRedirect(reverse("dashboard"))
        return redirect("dashboard")
    messages.success(request, "Member removed.")
    return _members_done(request)


@member_required
@require_POST
def invitation_revoke_view(request: HttpRequest, invitation_id: UUID) -> HttpResponse:
    invitation_revoke(membership=current_membership(request), invitation_id=invitation_id)
    messages.success(request, "Invitation revoked.")
    return _members_done(request)


@member_required
@require_http_methods(["GET", "POST"])
def settings_tokens(request: HttpRequest) -> HttpResponse:
    membership = current_membership(request)
    form = ApiTokenForm(request.POST if request.method == "POST" else None)
    if not membership.can(Capability.USE_API_WRITE):
        form.fields["read_only"].initial = True
        form.fields["read_only"].disabled = True
    if request.method == "POST" and form.is_valid():
        try:
            token, secret = api_token_create(
                membership=membership,
                name=form.cleaned_data["name"],
                read_only=form.cleaned_data["read_only"],
            )
        except ValidationFailed as error:
            add_service_errors(form, error)
        else:
            # The secret is rendered here and stored nowhere, so it can't be shown again.
            response = render(
                request, "accounts/token_created.html", {"token": token, "secret": secret}
            )
            response["Cache-Control"] = "no-store"
            return response
    tokens = token_list(organization=membership.organization, user=membership.user)
    return render(request, "accounts/settings_tokens.html", {"form": form, "tokens": tokens})


@member_required
@require_http_methods(["GET", "POST"])
def api_token_revoke_view(request: HttpRequest, token_id: UUID) -> HttpResponse:
    membership = current_membership(request)
    if request.method == "POST":
        revoked = api_token_revoke(membership=membership, token_id=token_id)
        messages.success(request, f"Token “{revoked.name}” revoked.")
        return redirect("settings_tokens")
    token = (
        token_list(organization=membership.organization, user=membership.user)
        .filter(pk=token_id)
        .first()
    )
    if token is None:
        raise Http404("No such active token.")
    return render(request, "accounts/token_revoke.html", {"token": token})
