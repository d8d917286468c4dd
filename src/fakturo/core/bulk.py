"""insert_rows(): many new rows in one executemany, for batches of thousands.

Each value is prepared by its model field (`get_db_prep_save`), as bulk_create does, so
both databases get their own types; what it saves is bulk_create's per-object work.
"""

from collections.abc import Iterable, Sequence
from typing import Any

from django.db import connections, models, router


def insert_rows(
    model: type[models.Model], attnames: Sequence[str], rows: Iterable[Sequence[Any]]
) -> None:
    """INSERT `rows` (values in the order of `attnames`, column attnames such as
    "document_id") into `model`'s table."""
    connection = connections[router.db_for_write(model)]
    by_attname = {field.attname: field for field in model._meta.concrete_fields}
    fields = [by_attname[name] for name in attnames]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(field.column) for field in fields)
    placeholders = ", ".join(["%s"] * len(fields))
    table = quote(model._meta.db_table)
    sql = f"INSERT INTO {table} ({columns}) VALUES ({placeholders})"  # noqa: S608
    prepared = [
        [
            field.get_db_prep_save(value, connection)
            for field, value in zip(fields, row, strict=True)
        ]
        for row in rows
    ]
    if prepared:
        with connection.cursor() as cursor:
            cursor.executemany(sql, prepared)
