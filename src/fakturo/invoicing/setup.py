"""What a new organization's invoicing starts with, and the invoicing jobs."""

from datetime import datetime, timedelta

from fakturo.invoicing.choices import NumberReset, SeriesKind
from fakturo.invoicing.models import NumberSeries
from fakturo.invoicing.services import quotes_expire
from fakturo.jobs.registry import register

DEFAULT_PATTERNS = {
    SeriesKind.INVOICE: "{YYYY}-{SEQ:4}",
    SeriesKind.CREDIT_NOTE: "CN-{YYYY}-{SEQ:4}",
    SeriesKind.QUOTE: "Q-{YYYY}-{SEQ:4}",
    SeriesKind.PROFORMA: "PF-{YYYY}-{SEQ:4}",
}


def number_series_install_defaults(organization: object) -> None:
    for kind, pattern in DEFAULT_PATTERNS.items():
        NumberSeries.objects.get_or_create(
            organization=organization,
            kind=kind,
            defaults={"pattern": pattern, "reset": NumberReset.YEARLY},
        )


@register("invoicing.expire_quotes", every=timedelta(hours=1))
def expire_quotes(now: datetime) -> str:
    """Mark sent quotes past their validity as expired."""
    return f"expired {quotes_expire(now)} quotes"
