from typing import Any

from django.http import HttpRequest

from fakturo.accounts.selectors import memberships_of


def organization(request: HttpRequest) -> dict[str, Any]:
    membership = getattr(request, "membership", None)
    if membership is None:
        return {}
    return {
        "membership": membership,
        "current_organization": membership.organization,
        "memberships": lambda: list(memberships_of(request.user)),  # type: ignore[arg-type]
    }
