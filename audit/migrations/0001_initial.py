# The audit trail moves here from portal_settings (the bottom layer, so every app can record
# what it does). The table already exists: this migration only tells Django's state where the
# model now lives; 0002 renames the table and its indexes.

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("clients", "0003_access_refusal"),
        ("portal_settings", "0002_sign_in_unlocked"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name="AuditEntry",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("actor_label", models.CharField(max_length=300)),
                        (
                            "created_at",
                            models.DateTimeField(db_index=True, default=django.utils.timezone.now),
                        ),
                        (
                            "action",
                            models.CharField(
                                choices=[
                                    ("setting_changed", "Portal setting changed"),
                                    ("client_added", "Client added"),
                                    ("client_archived", "Client archived"),
                                    ("client_restored", "Client restored"),
                                    ("group_changed", "Client's group changed"),
                                    ("portal_login_changed", "Portal login changed"),
                                    ("sign_in_unlocked", "Sign-in unlocked"),
                                ],
                                max_length=32,
                            ),
                        ),
                        (
                            "level",
                            models.CharField(
                                choices=[
                                    ("organization", "Practice default"),
                                    ("group", "Group"),
                                    ("client", "Client"),
                                ],
                                max_length=16,
                            ),
                        ),
                        ("section", models.CharField(blank=True, max_length=32)),
                        ("old_value", models.CharField(blank=True, max_length=200)),
                        ("new_value", models.CharField(blank=True, max_length=200)),
                        ("note", models.CharField(blank=True, max_length=500)),
                        (
                            "actor",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "client",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to="clients.client",
                            ),
                        ),
                        (
                            "group",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to="clients.clientgroup",
                            ),
                        ),
                        (
                            "organization",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to="clients.organization",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "portal_settings_auditentry",
                        "verbose_name": "audit entry",
                        "verbose_name_plural": "audit trail",
                        "ordering": ["-created_at", "-pk"],
                        "indexes": [
                            models.Index(
                                fields=["organization", "level", "-created_at"],
                                name="portal_sett_organiz_ac8b36_idx",
                            ),
                            models.Index(
                                fields=["client", "-created_at"],
                                name="portal_sett_client__f450c8_idx",
                            ),
                            models.Index(
                                fields=["group", "-created_at"],
                                name="portal_sett_group_i_d1dfeb_idx",
                            ),
                        ],
                        "constraints": [
                            models.CheckConstraint(
                                condition=models.Q(
                                    models.Q(
                                        ("client__isnull", True),
                                        ("group__isnull", True),
                                        ("level", "organization"),
                                    ),
                                    models.Q(
                                        ("client__isnull", True),
                                        ("group__isnull", False),
                                        ("level", "group"),
                                    ),
                                    models.Q(
                                        ("client__isnull", False),
                                        ("group__isnull", True),
                                        ("level", "client"),
                                    ),
                                    _connector="OR",
                                ),
                                name="auditentry_target_matches_level",
                            )
                        ],
                    },
                ),
            ],
        ),
    ]
