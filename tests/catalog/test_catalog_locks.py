"""On PostgreSQL, tax-rate writes lock the organization row, then the rate (one lock order)."""

from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from fakturo.accounts.models import Membership
from fakturo.catalog.models import TaxRate
from fakturo.catalog.services import tax_rate_archive, tax_rate_delete, tax_rate_update

pytestmark = pytest.mark.postgres


def locked_tables(queries: CaptureQueriesContext) -> list[str]:
    tables = ("accounts_organization", "catalog_taxrate")
    return [
        next(table for table in tables if f'FROM "{table}"' in query["sql"])
        for query in queries.captured_queries
        if "FOR UPDATE" in query["sql"]
    ]


@pytest.mark.parametrize(
    "write",
    [
        lambda m, pk: tax_rate_update(membership=m, tax_rate_id=pk, changes={"is_default": True}),
        lambda m, pk: tax_rate_archive(membership=m, tax_rate_id=pk),
        lambda m, pk: tax_rate_delete(membership=m, tax_rate_id=pk),
    ],
)
def test_a_tax_rate_write_locks_the_organization_then_the_rates(
    owner: Membership, reduced_rate: TaxRate, write: Callable[..., Any]
) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("needs DATABASE_URL pointing at PostgreSQL")

    with CaptureQueriesContext(connection) as queries:
        write(owner, reduced_rate.pk)

    tables = locked_tables(queries)
    assert tables[:2] == ["accounts_organization", "catalog_taxrate"]
    assert set(tables) == {"accounts_organization", "catalog_taxrate"}
