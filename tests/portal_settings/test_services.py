import pytest

from audit.models import AuditEntry
from portal_settings.models import PortalSettings
from portal_settings.services import (
    SettingsValueError,
    StaleSettingsError,
    portal_settings_update,
)
from portal_settings.targets import Target
from tests.factories import ClientFactory

pytestmark = pytest.mark.django_db


def save(actor, obj, changes, note="", version=None):
    """A SAVE; a change hiding a client's records gives its reason (tests/portal_settings/
    test_reasons.py tests the rule)."""
    target = Target.of(obj).reload()
    return portal_settings_update(
        actor=actor,
        target=target,
        changes=changes,
        shown_version=target.version_token() if version is None else version,
        note=note,
        reason="not_relevant",
    )


def own(obj):
    return Target.of(obj).reload().own_values()


def test_a_change_writes_one_row_and_one_audit_entry(provider, client_record):
    applied = save(provider, client_record, {"billing": "view"}, note="Parent's request")
    assert [(c.section.key, c.old, c.new, c.before, c.access) for c in applied] == [
        ("billing", None, "view", "full", "view")
    ]
    assert PortalSettings.objects.get(client=client_record).values == {"billing": "view"}
    entry = AuditEntry.objects.get()
    assert (
        entry.actor,
        entry.level,
        entry.client,
        entry.section,
        entry.old_value,
        entry.new_value,
        entry.note,
    ) == (
        provider,
        "client",
        client_record,
        "billing",
        "default:Inherited from practice: Full",  # what it inherited then, kept for the History
        "view",
        "Parent's request",
    )
    assert entry.created_at.utcoffset().total_seconds() == 0


def test_a_change_from_view_only_to_off_keeps_both_levels(provider, client_record):
    save(provider, client_record, {"billing": "view"})
    applied = save(provider, client_record, {"billing": "off"})
    assert [(c.old, c.new, c.before, c.access) for c in applied] == [("view", "off", "view", "off")]
    assert own(client_record) == {"billing": "off"}
    entry = AuditEntry.objects.order_by("pk").last()
    assert (entry.old_value, entry.new_value) == ("view", "off")


def test_an_off_change_writes_off(provider, client_record):
    save(provider, client_record, {"billing": "off"}, note="Parent's request")
    assert PortalSettings.objects.get(client=client_record).values == {"billing": "off"}
    assert AuditEntry.objects.get().new_value == "off"


def test_choosing_the_inherited_value_removes_the_override(provider, client_record, group):
    client_record.group = group
    client_record.save()
    save(provider, group, {"billing": "off"})
    save(provider, client_record, {"billing": "full"})
    assert own(client_record) == {"billing": "full"}
    applied = save(provider, client_record, {"billing": "off"})
    assert own(client_record) == {}
    assert applied[0].follows_default and applied[0].access == "off"
    assert (
        AuditEntry.objects.filter(client=client_record).order_by("pk").last().new_value
        == f"default:Inherited from {group.name}: Off"
    )


def test_use_default_removes_an_override(provider, client_record):
    save(provider, client_record, {"goals": "off"})
    applied = save(provider, client_record, {"goals": None})
    assert own(client_record) == {}
    assert applied[0].access == "full"


def test_no_real_change_writes_nothing(provider, client_record):
    assert save(provider, client_record, {"billing": "full"}) == []
    assert save(provider, client_record, {"goals": None}) == []
    assert not PortalSettings.objects.exists()
    assert not AuditEntry.objects.exists()


def test_a_stale_form_saves_nothing(provider, practice_admin, client_record):
    shown = Target.of(client_record).reload().version_token()
    save(practice_admin, client_record, {"goals": "off"})
    with pytest.raises(StaleSettingsError):
        save(provider, client_record, {"billing": "off"}, version=shown)
    assert own(client_record) == {"goals": "off"}
    assert AuditEntry.objects.count() == 1


def test_a_change_to_the_group_makes_a_client_form_stale(provider, client_record, group):
    client_record.group = group
    client_record.save()
    shown = Target.of(client_record).reload().version_token()
    save(provider, group, {"journal": "off"})
    with pytest.raises(StaleSettingsError):
        save(provider, client_record, {"billing": "off"}, version=shown)


def test_a_change_to_the_practice_default_makes_group_forms_stale(practice_admin, group):
    shown = Target.of(group).reload().version_token()
    save(practice_admin, group.organization, {"journal": "off"})
    with pytest.raises(StaleSettingsError):
        save(practice_admin, group, {"billing": "off"}, version=shown)


def test_moving_the_client_to_another_group_makes_its_form_stale(provider, client_record, group):
    shown = Target.of(client_record).reload().version_token()
    client_record.group = group
    client_record.save()
    with pytest.raises(StaleSettingsError):
        save(provider, client_record, {"billing": "off"}, version=shown)


@pytest.mark.parametrize(
    "changes",
    [
        {"teleport": "off"},
        {"billing": "no"},
        {"billing": 0},
        {"billing": False},
        {"billing": "on"},
        {"billing": "FULL "},
        # View care plans has no actions, so no View only.
        {"care_plans": "view"},
    ],
)
def test_bad_input_is_refused_and_nothing_is_written(provider, client_record, changes):
    with pytest.raises(SettingsValueError):
        save(provider, client_record, {"goals": "off", **changes})
    assert not PortalSettings.objects.exists()
    assert not AuditEntry.objects.exists()


@pytest.mark.parametrize("clients", [1, 40])
def test_a_group_change_writes_rows_independent_of_its_size(
    provider, group, organization, clients, django_assert_num_queries
):
    for _ in range(clients):
        ClientFactory(organization=organization, group=group)
    # Whatever the group's size: the page's read, then in the transaction the row lock, the
    # reload, the row insert and one audit insert, plus four savepoint statements.
    with django_assert_num_queries(9):
        save_group = Target.of(group).reload()
        portal_settings_update(
            actor=provider,
            target=save_group,
            changes={"billing": "off"},
            shown_version=save_group.version_token(),
        )
    assert PortalSettings.objects.count() == 1
    assert AuditEntry.objects.count() == 1


def test_practice_default_change_is_one_row(practice_admin, organization):
    for _ in range(30):
        ClientFactory(organization=organization)
    save(practice_admin, organization, {"billing": "off", "goals": "off"})
    assert PortalSettings.objects.count() == 1
    assert AuditEntry.objects.filter(level="organization").count() == 2


def test_audit_entries_cannot_be_edited_or_deleted(provider, client_record):
    save(provider, client_record, {"billing": "off"})
    entry = AuditEntry.objects.get()
    entry.note = "rewritten"
    with pytest.raises(TypeError):
        entry.save()
    with pytest.raises(TypeError):
        entry.delete()
    with pytest.raises(TypeError):
        AuditEntry.objects.update(note="rewritten")
    with pytest.raises(TypeError):
        AuditEntry.objects.all().delete()
    assert AuditEntry.objects.get().note == ""


def test_a_settings_row_needs_exactly_one_target(organization, client_record):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        PortalSettings.objects.create(values={})
    with pytest.raises(IntegrityError), transaction.atomic():
        PortalSettings.objects.create(organization=organization, client=client_record)


def test_a_target_cannot_have_two_rows(client_record):
    from django.db import IntegrityError, transaction

    PortalSettings.objects.create(client=client_record)
    with pytest.raises(IntegrityError), transaction.atomic():
        PortalSettings.objects.create(client=client_record)


def _writes(queries) -> int:
    verbs = ("INSERT", "UPDATE", "DELETE")
    return sum(q["sql"].lstrip().upper().startswith(verbs) for q in queries)


@pytest.mark.parametrize("level", ["organization", "group"])
def test_writes_do_not_depend_on_the_number_of_clients(practice_admin, organization, group, level):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    target = organization if level == "organization" else group
    counts = []
    for new_clients in (1, 99):  # 1 client, then 100
        for _ in range(new_clients):
            ClientFactory(organization=organization, group=group)
        with CaptureQueriesContext(connection) as captured:
            save(practice_admin, target, {"billing": "off", "goals": "off"})
            save(practice_admin, target, {"billing": "full", "goals": "full"})
        counts.append(_writes(captured.captured_queries))
    # each save: one statement for the settings row, one for its two audit rows
    assert counts == [4, 4]
