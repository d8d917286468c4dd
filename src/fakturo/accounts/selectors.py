from django.db.models import QuerySet

from fakturo.accounts.models import ApiToken, Invitation, Membership, Organization, User


def memberships_of(user: User) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(user=user)
        .select_related("organization")
        .order_by("organization__legal_name")
    )


def membership_for(*, user: User, organization_id: object) -> Membership | None:
    return (
        Membership.objects.filter(user=user, organization_id=organization_id)
        .select_related("organization", "user")
        .first()
    )


def member_list(*, organization: Organization) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(organization=organization)
        .select_related("user")
        .order_by("user__email")
    )


def invitation_list(*, organization: Organization) -> QuerySet[Invitation]:
    return Invitation.objects.filter(
        organization=organization, accepted_at__isnull=True, revoked_at__isnull=True
    ).select_related("invited_by")


def token_list(*, organization: Organization, user: User) -> QuerySet[ApiToken]:
    """A member sees their own tokens in this organization."""
    return ApiToken.objects.filter(organization=organization, user=user, revoked_at__isnull=True)
