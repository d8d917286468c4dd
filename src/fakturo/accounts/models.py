import hashlib
import uuid
from typing import Any, ClassVar

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.utils.timezone import now

from fakturo.accounts.choices import MONTHS, ROLE_CAPABILITIES, Role


class UserManager(BaseUserManager["User"]):
    def create_user(self, email: str, password: str | None = None, **fields: Any) -> "User":
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **fields: Any) -> "User":
        return self.create_user(email, password, is_staff=True, is_superuser=True, **fields)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who logs in by email; belongs to organizations through memberships."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    email = models.EmailField(unique=True)
    full_name = models.CharField(max_length=200, blank=True)
    language = models.CharField(max_length=10, default="en")
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False)
    date_joined = models.DateTimeField(default=now)

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    objects = UserManager()

    def __str__(self) -> str:
        return self.full_name or self.email


class Organization(models.Model):
    """A tenant: every business object belongs to exactly one organization."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    slug = models.SlugField(max_length=60, unique=True)
    legal_name = models.CharField(max_length=200)
    trade_name = models.CharField(max_length=200, blank=True)
    address_line1 = models.CharField(max_length=200, blank=True)
    address_line2 = models.CharField(max_length=200, blank=True)
    postal_code = models.CharField(max_length=20, blank=True)
    city = models.CharField(max_length=100, blank=True)
    region = models.CharField(max_length=100, blank=True)
    country = models.CharField(max_length=2, help_text="ISO 3166-1 alpha-2")
    vat_id = models.CharField(max_length=20, blank=True)
    tax_number = models.CharField(max_length=40, blank=True)
    iban = models.CharField(max_length=34, blank=True)
    bic = models.CharField(max_length=11, blank=True)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    website = models.URLField(blank=True)
    electronic_address = models.CharField(
        max_length=200, blank=True, help_text="Where e-invoices reach us, e.g. a Peppol id"
    )
    electronic_address_scheme = models.CharField(
        max_length=4, blank=True, help_text="EAS code, e.g. 0088 (GLN), 9930 (DE VAT), EM (email)"
    )
    default_currency = models.CharField(max_length=3, help_text="ISO 4217")
    language = models.CharField(max_length=10, default="en")
    timezone = models.CharField(max_length=60, default="UTC")
    payment_terms_days = models.PositiveSmallIntegerField(default=14)
    fiscal_year_start_month = models.PositiveSmallIntegerField(choices=MONTHS, default=1)
    created_at = models.DateTimeField(default=now)

    class Meta:
        ordering = ("legal_name",)

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.trade_name or self.legal_name


class Membership(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="memberships"
    )
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=20, choices=Role.choices)
    created_at = models.DateTimeField(default=now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=("organization", "user"), name="membership_unique")
        ]
        ordering = ("created_at",)

    def __str__(self) -> str:
        return f"{self.user} in {self.organization} as {self.role}"

    def can(self, capability: str) -> bool:
        return capability in ROLE_CAPABILITIES[self.role]


def hash_secret(secret: str) -> str:
    """Tokens and invitation codes are stored only as their SHA-256."""
    return hashlib.sha256(secret.encode()).hexdigest()


class Invitation(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="invitations"
    )
    email = models.EmailField()
    role = models.CharField(max_length=20, choices=Role.choices)
    code_hash = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(default=now)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("-created_at",)

    def __str__(self) -> str:
        return f"Invitation of {self.email} to {self.organization}"

    @property
    def is_open(self) -> bool:
        return self.accepted_at is None and self.revoked_at is None and self.expires_at > now()


class ApiToken(models.Model):
    """A Bearer token for the API: belongs to one user in one organization; shown once."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="api_tokens"
    )
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=12, help_text="First characters, to recognise a token")
    token_hash = models.CharField(max_length=64, unique=True)
    is_read_only = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("-created_at",)

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class LoginFailure(models.Model):
    """One failed login; recent ones throttle further attempts for that email or address."""

    email = models.CharField(max_length=254, db_index=True)
    ip_address = models.GenericIPAddressField(null=True, db_index=True)
    failed_at = models.DateTimeField(default=now, db_index=True)

    def __str__(self) -> str:
        return f"{self.email} at {self.failed_at:%Y-%m-%d %H:%M}"
