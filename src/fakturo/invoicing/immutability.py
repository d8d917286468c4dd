"""Database triggers that keep issued documents immutable whatever path writes to them
(admin, raw SQL, a bulk update): the model guards are the first line, these the last.

A migration installs them from the frozen column list of the document table at that point;
a later migration that adds document columns installs them again.
"""

from collections.abc import Iterable

MESSAGE = "issued documents are immutable"
DRAFT = "draft"


def _sqlite(frozen: list[str]) -> list[str]:
    changed = " OR ".join(f'NEW."{c}" IS NOT OLD."{c}"' for c in frozen)
    parent_of = {
        "invoicing_documentline": "{row}.document_id",
        "invoicing_documentadjustment": "{row}.document_id",
        "invoicing_documentline_tax_rates": (
            "(SELECT document_id FROM invoicing_documentline WHERE id = {row}.documentline_id)"
        ),
    }
    statements = [
        f"""CREATE TRIGGER invoicing_document_frozen BEFORE UPDATE ON invoicing_document
            WHEN OLD.status <> '{DRAFT}' AND ({changed})
            BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END""",
        f"""CREATE TRIGGER invoicing_document_kept BEFORE DELETE ON invoicing_document
            WHEN OLD.status <> '{DRAFT}'
            BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END""",
    ]
    for table, parent in parent_of.items():
        for event, row in (("INSERT", "NEW"), ("UPDATE", "OLD"), ("DELETE", "OLD")):
            document = parent.format(row=row)
            statements.append(
                f"""CREATE TRIGGER {table}_{event.lower()}_frozen BEFORE {event} ON {table}
                    WHEN (SELECT status FROM invoicing_document WHERE id = {document})
                         <> '{DRAFT}'
                    BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"""
            )
    return statements


def _postgresql(frozen: list[str]) -> list[str]:
    changed = " OR ".join(f'NEW."{c}" IS DISTINCT FROM OLD."{c}"' for c in frozen)
    statements = [
        f"""CREATE OR REPLACE FUNCTION invoicing_document_frozen() RETURNS trigger AS $$
            BEGIN
              IF OLD.status <> '{DRAFT}' THEN
                IF TG_OP = 'DELETE' OR ({changed}) THEN
                  RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'integrity_constraint_violation';
                END IF;
              END IF;
              IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
              RETURN NEW;
            END $$ LANGUAGE plpgsql""",
        """CREATE TRIGGER invoicing_document_frozen BEFORE UPDATE OR DELETE ON invoicing_document
           FOR EACH ROW EXECUTE FUNCTION invoicing_document_frozen()""",
        f"""CREATE OR REPLACE FUNCTION invoicing_child_frozen() RETURNS trigger AS $$
            DECLARE
              row_document uuid;
              row_status text;
            BEGIN
              IF TG_TABLE_NAME = 'invoicing_documentline_tax_rates' THEN
                SELECT document_id INTO row_document FROM invoicing_documentline
                 WHERE id = (CASE WHEN TG_OP = 'INSERT' THEN NEW.documentline_id
                                  ELSE OLD.documentline_id END);
              ELSIF TG_OP = 'INSERT' THEN
                row_document := NEW.document_id;
              ELSE
                row_document := OLD.document_id;
              END IF;
              SELECT status INTO row_status FROM invoicing_document WHERE id = row_document;
              IF row_status IS NOT NULL AND row_status <> '{DRAFT}' THEN
                RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'integrity_constraint_violation';
              END IF;
              IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
              RETURN NEW;
            END $$ LANGUAGE plpgsql""",
    ]
    for table in (
        "invoicing_documentline",
        "invoicing_documentadjustment",
        "invoicing_documentline_tax_rates",
    ):
        statements.append(
            f"""CREATE TRIGGER {table}_frozen BEFORE INSERT OR UPDATE OR DELETE ON {table}
                FOR EACH ROW EXECUTE FUNCTION invoicing_child_frozen()"""
        )
    return statements


def _drop(vendor: str) -> list[str]:
    tables = (
        "invoicing_documentline",
        "invoicing_documentadjustment",
        "invoicing_documentline_tax_rates",
    )
    if vendor == "postgresql":
        return [
            "DROP TRIGGER IF EXISTS invoicing_document_frozen ON invoicing_document",
            *(f"DROP TRIGGER IF EXISTS {t}_frozen ON {t}" for t in tables),
        ]
    return [
        "DROP TRIGGER IF EXISTS invoicing_document_frozen",
        "DROP TRIGGER IF EXISTS invoicing_document_kept",
        *(
            f"DROP TRIGGER IF EXISTS {t}_{e}_frozen"
            for t in tables
            for e in ("insert", "update", "delete")
        ),
    ]


def install_statements(vendor: str, columns: Iterable[str], mutable: Iterable[str]) -> list[str]:
    frozen = sorted(set(columns) - set(mutable))
    create = _postgresql(frozen) if vendor == "postgresql" else _sqlite(frozen)
    return [*_drop(vendor), *create]


def drop_statements(vendor: str) -> list[str]:
    return _drop(vendor)
