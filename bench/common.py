"""What the benchmark scripts share: a fresh database, Django, and a seller with a client."""

import os
import statistics
import tempfile
import uuid
from decimal import Decimal
from typing import Any
from urllib.parse import urlsplit, urlunsplit


def prepare_database() -> str:
    """A fresh database for this run: SQLite in a new data folder, or with DATABASE_URL
    (PostgreSQL) a new database named after the one in the URL with a `_bench` suffix."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        os.environ["FAKTURO_DATA_DIR"] = tempfile.mkdtemp(prefix="fakturo-bench-")
        os.environ.pop("DATABASE_URL", None)
        return "sqlite"
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/") + "_bench"
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
        connection.execute(f'CREATE DATABASE "{name}"')
    os.environ["DATABASE_URL"] = urlunsplit(parts._replace(path=f"/{name}"))
    os.environ.setdefault("FAKTURO_DATA_DIR", tempfile.mkdtemp(prefix="fakturo-bench-"))
    return "postgresql"


def setup_django() -> str:
    """Prepare the database, start Django and migrate; returns the database's name."""
    database = prepare_database()
    os.environ["DJANGO_SETTINGS_MODULE"] = "fakturo.settings"
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    os.environ["ALLOWED_HOSTS"] = "testserver"

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    return database


def seller_and_client() -> tuple[Any, Any, Any]:
    """A German seller's owner membership, a client in Hamburg, and a 19 % VAT rate."""
    from fakturo.accounts.services import organization_setup, organization_update
    from fakturo.catalog.models import TaxRate
    from fakturo.crm.models import Client

    owner = organization_setup(
        name="Bench GmbH", email="bench@fakturo.test", password=uuid.uuid4().hex, country="DE"
    )
    organization_update(
        membership=owner,
        changes={
            "address_line1": "Torstraße 1",
            "postal_code": "10119",
            "city": "Berlin",
            "vat_id": "DE123456788",
            "iban": "DE89370400440532013000",
            "bic": "COBADEFFXXX",
            "email": "billing@bench.test",
        },
    )
    owner.organization.refresh_from_db()
    rate = TaxRate.objects.create(
        organization=owner.organization, name="VAT 19 %", percentage=Decimal(19)
    )
    customer = Client.objects.create(
        organization=owner.organization,
        code="C1",
        legal_name="Client Ltd",
        billing_line1="1 Road",
        billing_postal_code="20095",
        billing_city="Hamburg",
        billing_country="DE",
    )
    return owner, customer, rate


def percentile(values: list[float], share: float) -> float:
    """The `share` (0.5, 0.95) percentile of `values`, rounded to 0.1."""
    return round(statistics.quantiles(values, n=100)[int(share * 100) - 1], 1)
