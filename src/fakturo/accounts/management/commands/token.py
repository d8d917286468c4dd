from argparse import ArgumentParser
from typing import Any
from uuid import UUID

from django.core.management.base import BaseCommand, CommandError

from fakturo.accounts.models import ApiToken, Membership
from fakturo.accounts.services import api_token_create, api_token_revoke
from fakturo.core.errors import ServiceError


class Command(BaseCommand):
    help = "Create or revoke an API token."

    def add_arguments(self, parser: ArgumentParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="create|revoke")
        create = actions.add_parser("create", help="Create a token and print its secret.")
        create.add_argument("--email", required=True, help="The token's user.")
        create.add_argument("--org", metavar="SLUG", help="Needed when the user has several.")
        create.add_argument("--read-only", action="store_true", help="Allow reads only.")
        create.add_argument("--name", default="Command line", help="A label for the token.")
        revoke = actions.add_parser("revoke", help="Revoke a token.")
        revoke.add_argument("token", metavar="TOKEN_ID_OR_PREFIX")
        revoke.add_argument("--email", required=True, help="Who revokes it.")
        revoke.add_argument("--org", metavar="SLUG", help="Needed when the user has several.")

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        membership = self.membership(options["email"], options["org"])
        try:
            if action == "create":
                _, secret = api_token_create(
                    membership=membership, name=options["name"], read_only=options["read_only"]
                )
                self.stdout.write(secret)
            else:
                token_id = self.token_id(membership, options["token"])
                token = api_token_revoke(membership=membership, token_id=token_id)
                self.stdout.write(f"Revoked {token}.")
        except ServiceError as error:
            raise CommandError(error.detail, returncode=1) from None

    def membership(self, email: str, slug: str | None) -> Membership:
        memberships = Membership.objects.select_related("organization", "user").filter(
            user__email=email.strip().lower(), user__is_active=True
        )
        if slug:
            memberships = memberships.filter(organization__slug=slug)
        found = list(memberships)
        if not found:
            where = f" in {slug}" if slug else ""
            raise CommandError(f"{email} is not a member{where}.")
        if len(found) > 1:
            slugs = ", ".join(sorted(m.organization.slug for m in found))
            raise CommandError(
                f"{email} belongs to several organizations; choose one with --org: {slugs}"
            )
        return found[0]

    def token_id(self, membership: Membership, id_or_prefix: str) -> UUID:
        try:
            return UUID(id_or_prefix)
        except ValueError:
            pass
        ids = list(
            ApiToken.objects.filter(
                organization=membership.organization,
                prefix=id_or_prefix,
                revoked_at__isnull=True,
            ).values_list("id", flat=True)[:2]
        )
        if len(ids) != 1:
            problem = "No active token" if not ids else "Several tokens"
            raise CommandError(
                f"{problem} with the prefix {id_or_prefix} in {membership.organization.slug}."
            )
        return ids[0]
