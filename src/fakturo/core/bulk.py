"""insert_rows() and insert_objects(): many new rows in one executemany, for batches of
thousands (bulk_create's one giant multi-row INSERT is slow to build, above all with
psycopg's client-side parameter binding).

Values are prepared as bulk_create prepares them (`get_db_prep_save`), except the common
types both drivers take as they are (text, numbers, decimals, booleans, UUIDs), which skip
Django's per-value work: that is most of what the batch saves over bulk_create.
"""

from collections.abc import Callable, Iterable, Sequence
from functools import partial
from typing import Any

from django.db import connections, models, router
from django.db.backends.base.base import BaseDatabaseWrapper

# Field types whose Python values every backend's driver adapts itself (the decimal
# adaptation of Django is the identity on SQLite and PostgreSQL).
_AS_IS = frozenset(
    {
        "CharField",
        "TextField",
        "SlugField",
        "BooleanField",
        "IntegerField",
        "BigIntegerField",
        "SmallIntegerField",
        "PositiveIntegerField",
        "PositiveSmallIntegerField",
        "PositiveBigIntegerField",
        "AutoField",
        "BigAutoField",
        "DecimalField",
    }
)


def _uuid_hex(value: Any) -> Any:
    return None if value is None else value.hex


def _preparer(field: Any, connection: BaseDatabaseWrapper) -> Callable[[Any], Any] | None:
    """How to prepare one column's values; None: pass them as they are."""
    target = field.target_field if field.is_relation else field
    kind = target.get_internal_type()
    if kind == "UUIDField":
        return None if connection.features.has_native_uuid_field else _uuid_hex
    if kind in _AS_IS and (field is target or field.get_internal_type() == "ForeignKey"):
        return None
    return partial(field.get_db_prep_save, connection=connection)


def insert_rows(
    model: type[models.Model], attnames: Sequence[str], rows: Iterable[Sequence[Any]]
) -> None:
    """INSERT `rows` (values in the order of `attnames`, column attnames such as
    "document_id") into `model`'s table."""
    connection = connections[router.db_for_write(model)]
    by_attname = {field.attname: field for field in model._meta.concrete_fields}
    fields = [by_attname[name] for name in attnames]
    preparers = [_preparer(field, connection) for field in fields]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(field.column) for field in fields)
    placeholders = ", ".join(["%s"] * len(fields))
    table = quote(model._meta.db_table)
    sql = f"INSERT INTO {table} ({columns}) VALUES ({placeholders})"  # noqa: S608
    if all(prepare is None for prepare in preparers):
        prepared: list[Sequence[Any]] = list(rows)
    else:
        prepared = [
            [
                value if prepare is None else prepare(value)
                for prepare, value in zip(preparers, row, strict=True)
            ]
            for row in rows
        ]
    if prepared:
        with connection.cursor() as cursor:
            cursor.executemany(sql, prepared)


def insert_objects(objects: Sequence[models.Model]) -> None:
    """INSERT new model instances of one model, all their columns, primary keys set.

    Unlike bulk_create, fields' pre_save() is not called: models with auto_now fields don't
    belong here.
    """
    if not objects:
        return
    model = type(objects[0])
    attnames = [field.attname for field in model._meta.concrete_fields]
    insert_rows(model, attnames, ([getattr(obj, name) for name in attnames] for obj in objects))
    alias = router.db_for_write(model)
    for obj in objects:
        obj._state.adding = False
        obj._state.db = alias
