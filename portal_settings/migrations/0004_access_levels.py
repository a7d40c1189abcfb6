"""On/off settings become access levels: True -> "full", False -> "off".

Nothing is lost: every explicit value keeps its meaning (on was "view and act", off was "not
part of the portal"). Backwards, "full" -> True and "off" -> False; "view" has no on/off
equivalent and becomes False (off), so undoing the migration never grants an action that a
provider withheld. The audit trail is append-only and is not rewritten: rows written before
this migration say "on"/"off", and the History reads them as Full/Off.
"""

from django.db import migrations

FORWARD = {True: "full", False: "off"}
BACKWARD = {"full": True, "view": False, "off": False}


def values_to_levels(values: dict) -> dict:
    """A row's on/off values as levels; a value that is already a level is kept."""
    return {
        key: FORWARD.get(value, value) if isinstance(value, bool) else value
        for key, value in values.items()
    }


def values_to_on_off(values: dict) -> dict:
    return {
        key: BACKWARD.get(value, value) if isinstance(value, str) else value
        for key, value in values.items()
    }


def _convert(apps, convert):
    PortalSettings = apps.get_model("portal_settings", "PortalSettings")
    changed = []
    for row in PortalSettings.objects.only("pk", "values").iterator(chunk_size=2000):
        values = convert(row.values or {})
        if values != row.values:
            row.values = values
            changed.append(row)
    PortalSettings.objects.bulk_update(changed, ["values"], batch_size=1000)


def forwards(apps, schema_editor):
    _convert(apps, values_to_levels)


def backwards(apps, schema_editor):
    _convert(apps, values_to_on_off)


class Migration(migrations.Migration):
    dependencies = [("portal_settings", "0003_audit_entry_moved_to_audit")]

    operations = [migrations.RunPython(forwards, backwards)]
