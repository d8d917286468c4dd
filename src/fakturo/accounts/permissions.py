from fakturo.accounts.models import Membership
from fakturo.core.errors import PermissionDenied


def require(membership: Membership, capability: str) -> None:
    """Raise PermissionDenied unless the member's role grants `capability`."""
    if not membership.can(capability):
        raise PermissionDenied(f"Your role ({membership.get_role_display()}) does not allow this.")
