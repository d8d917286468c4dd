from django.db import migrations

from fakturo.invoicing.immutability import drop_statements, install_statements

MUTABLE_AFTER_ISSUE = [
    "status",
    "sent_at",
    "amount_paid",
    "balance_due",
    "internal_notes",
    "tags",
    "updated_at",
    "accepted_at",
    "declined_at",
    "converted_to_id",
    "voided_at",
    "created_by_id",
    "pdf_sha256",
]


def install(apps, schema_editor):
    document = apps.get_model("invoicing", "Document")
    columns = [field.column for field in document._meta.concrete_fields]
    for statement in install_statements(
        schema_editor.connection.vendor, columns, MUTABLE_AFTER_ISSUE
    ):
        schema_editor.execute(statement)


def uninstall(apps, schema_editor):
    for statement in drop_statements(schema_editor.connection.vendor):
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("invoicing", "0001_initial")]

    operations = [migrations.RunPython(install, uninstall)]
