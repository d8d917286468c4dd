from typing import Any

from django.http import HttpRequest
from ninja.security import HttpBearer

from fakturo.accounts.selectors import membership_for
from fakturo.accounts.services import api_token_authenticate
from fakturo.core.errors import PermissionDenied

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class TokenAuth(HttpBearer):
    """Bearer token → `request.membership` (the token's user in the token's organization)."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        api_token = api_token_authenticate(token)
        if api_token is None:
            return None
        membership = membership_for(user=api_token.user, organization_id=api_token.organization_id)
        if membership is None:
            return None
        if api_token.is_read_only and request.method not in SAFE_METHODS:
            raise PermissionDenied("This token is read-only.")
        request.membership = membership  # type: ignore[attr-defined]
        request.api_token = api_token  # type: ignore[attr-defined]
        return api_token
