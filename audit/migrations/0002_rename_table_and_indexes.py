from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0001_initial"),
        ("portal_settings", "0003_audit_entry_moved_to_audit"),
    ]

    operations = [
        migrations.AlterModelTable(name="auditentry", table=None),
        migrations.RenameIndex(
            model_name="auditentry",
            new_name="audit_audit_organiz_25fbab_idx",
            old_name="portal_sett_organiz_ac8b36_idx",
        ),
        migrations.RenameIndex(
            model_name="auditentry",
            new_name="audit_audit_client__6c19f2_idx",
            old_name="portal_sett_client__f450c8_idx",
        ),
        migrations.RenameIndex(
            model_name="auditentry",
            new_name="audit_audit_group_i_a0bffa_idx",
            old_name="portal_sett_group_i_d1dfeb_idx",
        ),
    ]
