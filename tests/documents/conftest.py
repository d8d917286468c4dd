import datetime
from collections.abc import Callable
from typing import Any

import pytest

from fakturo.accounts.models import Membership
from fakturo.invoicing.services import document_issue, quote_send
from tests.invoicing.conftest import client, make_invoice, rates, seller

__all__ = ["client", "make_invoice", "rates", "seller"]

ISSUED_AT = datetime.datetime(2026, 3, 2, 9, 30, tzinfo=datetime.UTC)


@pytest.fixture
def issue(seller: Membership) -> Callable[..., Any]:
    """Issue a draft made by make_invoice (send it, for a quote); returns the document."""

    def run(document: Any, membership: Membership | None = None) -> Any:
        service = quote_send if document.kind == "quote" else document_issue
        return service(membership=membership or seller, document_id=document.pk)

    return run


@pytest.fixture
def issued_invoice(make_invoice: Callable[..., Any], issue: Callable[..., Any]) -> Any:
    return issue(make_invoice())
