"""The demo: a realistic organization with a team, clients, products and 18 months of
documents, a second organization and an API token.

Loaded by `fakturo demo`, through the same services as real data. The owner's password is
random on every installation and kept only in the data folder's login file (mode 0600).
"""

import os
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from fakturo.accounts.choices import Role
from fakturo.accounts.models import Membership, Organization, User
from fakturo.accounts.services import api_token_create, organization_setup, organization_update
from fakturo.audit.services import audit_record
from fakturo.core.errors import Conflict
from fakturo.web.demo_sales import SALES_STEPS, sales_load

DEMO_EMAIL = "demo@fakturo.test"
LOGIN_FILE_NAME = "demo-login.txt"
STEPS = 5 + SALES_STEPS

TEAM = (
    ("jonas.weber@lumen-studio.test", "Jonas Weber", Role.ADMIN),
    ("mira.schulz@lumen-studio.test", "Mira Schulz", Role.MEMBER),
    ("k.berg@kanzlei-berg.test", "Katrin Berg", Role.ACCOUNTANT),
)


@dataclass(frozen=True, slots=True)
class DemoLogin:
    url: str
    email: str
    password: str
    api_token: str

    def as_text(self) -> str:
        return (
            f"URL:      {self.url}\n"
            f"Email:    {self.email}\n"
            f"Password: {self.password}\n"
            f"API token (read-only): {self.api_token}\n"
        )


def demo_exists() -> bool:
    return User.objects.filter(email=DEMO_EMAIL).exists()


@transaction.atomic
def demo_load(
    *, site_url: str, login_file: Path, on_step: Callable[[str], None] = lambda step: None
) -> DemoLogin:
    """Create the demo and write its login to `login_file`; Conflict if it exists already.

    One transaction: a failure leaves nothing behind (the file is written last).
    """
    if demo_exists():
        raise Conflict(f"The demo exists already; its login is in {login_file}.")
    password = secrets.token_urlsafe(12)
    owner = organization_setup(
        name="Lumen Design Studio GmbH",
        email=DEMO_EMAIL,
        password=password,
        country="DE",
        currency="EUR",
        language="en",
        full_name="Lena Hoffmann",
    )
    organization_update(
        membership=owner,
        changes={
            "trade_name": "Lumen Design Studio",
            "address_line1": "Oranienstraße 183",
            "postal_code": "10999",
            "city": "Berlin",
            "vat_id": "DE136695976",
            "tax_number": "29/123/45678",
            "iban": "DE89370400440532013000",
            "bic": "COBADEFFXXX",
            "email": "hello@lumen-studio.test",
            "phone": "+49 30 1234567",
            "website": "https://lumen-studio.test",
            "timezone": "Europe/Berlin",
            "payment_terms_days": 14,
        },
    )
    on_step("Lumen Design Studio GmbH")
    owner.organization.refresh_from_db()
    sales_load(owner, today=timezone.localdate(), on_step=on_step)

    for email, full_name, role in TEAM:
        _member_add(
            organization=owner.organization,
            actor=owner.user,
            email=email,
            full_name=full_name,
            role=role,
        )
    on_step("Team of four")

    # Owned by someone else, so the demo owner sees switching between organizations.
    french = organization_setup(
        name="Atelier Lumière SARL",
        email="camille.martin@atelier-lumiere.test",
        password=secrets.token_urlsafe(24),
        country="FR",
        currency="EUR",
        language="fr",
        full_name="Camille Martin",
    )
    organization_update(
        membership=french,
        changes={
            "address_line1": "12 rue de la République",
            "postal_code": "69002",
            "city": "Lyon",
            "vat_id": "FR40303265045",
            "iban": "FR7630006000011234567890189",
            "bic": "AGRIFRPP",
            "timezone": "Europe/Paris",
            "payment_terms_days": 30,
        },
    )
    _member_add(
        organization=french.organization, actor=french.user, user=owner.user, role=Role.ADMIN
    )
    on_step("Atelier Lumière SARL")

    _, api_token = api_token_create(membership=owner, name="Demo (read-only)", read_only=True)
    on_step("Read-only API token")

    login = DemoLogin(url=site_url, email=DEMO_EMAIL, password=password, api_token=api_token)
    _write_private(login_file, login.as_text())
    on_step("Login saved")
    return login


def demo_login_text(login_file: Path) -> str | None:
    return login_file.read_text() if login_file.exists() else None


def _member_add(
    *,
    organization: Organization,
    actor: User,
    role: str,
    user: User | None = None,
    email: str = "",
    full_name: str = "",
) -> Membership:
    """Add a teammate directly (no invitation email); new users get no usable password."""
    if user is None:
        user = User.objects.create_user(email, None, full_name=full_name)
    membership = Membership.objects.create(organization=organization, user=user, role=role)
    audit_record(
        organization=organization,
        actor=actor,
        action="membership.added",
        target=membership,
        changes={"user": [None, user.email], "role": [None, role]},
    )
    return membership


def _write_private(path: Path, text: str) -> None:
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(descriptor, 0o600)  # an older file may have had wider permissions
    with os.fdopen(descriptor, "w") as handle:
        handle.write(text)
