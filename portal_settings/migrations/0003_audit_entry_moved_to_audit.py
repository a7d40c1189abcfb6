from django.db import migrations


class Migration(migrations.Migration):
    """The audit trail now belongs to the audit app (audit 0001); the table stays."""

    dependencies = [
        ("portal_settings", "0002_sign_in_unlocked"),
        ("audit", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[migrations.DeleteModel(name="AuditEntry")],
        ),
    ]
