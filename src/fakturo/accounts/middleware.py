from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from fakturo.accounts.selectors import membership_for, memberships_of

SESSION_KEY = "organization_id"


class CurrentOrganizationMiddleware:
    """For a logged-in user, set `request.membership` (and `request.organization`) from the
    organization chosen in the session, falling back to the user's first one."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.membership = None  # type: ignore[attr-defined]
        request.organization = None  # type: ignore[attr-defined]
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            membership = None
            chosen = request.session.get(SESSION_KEY)
            if chosen:
                membership = membership_for(user=user, organization_id=chosen)
            if membership is None:
                # The organization the user joined first: for most people, their own.
                membership = (
                    memberships_of(user).select_related("user").order_by("created_at").first()
                )
                if membership is not None:
                    request.session[SESSION_KEY] = str(membership.organization_id)
            if membership is not None:
                request.membership = membership  # type: ignore[attr-defined]
                request.organization = membership.organization  # type: ignore[attr-defined]
        return self.get_response(request)
