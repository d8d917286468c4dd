"""Row locks for read-modify-write, taken in one order: document → related document →
number series. (SQLite serializes writers anyway; select_for_update is a no-op there.)"""

from django.db.models import QuerySet

from fakturo.invoicing.models import Document, NumberSeries


def documents_for_update(organization: object) -> QuerySet[Document]:
    return Document.objects.select_for_update().filter(organization=organization)


def series_for_update(organization: object) -> QuerySet[NumberSeries]:
    return NumberSeries.objects.select_for_update().filter(organization=organization)
