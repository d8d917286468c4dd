from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("einvoice", "0001_received_documents")]

    operations = [
        migrations.RenameField(
            model_name="receiveddocument", old_name="amount_paid", new_name="prepaid_amount"
        ),
    ]
