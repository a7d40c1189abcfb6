"""Presets: named sets of levels, applied through the settings service at every level."""

import html

import pytest
from django.urls import reverse

from audit.models import AuditEntry
from portal_settings.models import PortalSettings, Preset
from portal_settings.services import preset_save
from portal_settings.targets import Target

pytestmark = pytest.mark.django_db

MINOR = {"billing": "off", "packages": "off", "appointments": "view"}


def text(response) -> str:
    return html.unescape(response.content.decode())


@pytest.fixture
def minor(practice_admin, organization):
    return preset_save(actor=practice_admin, organization=organization, name="Minor", values=MINOR)


def version(obj) -> str:
    return Target.of(obj).reload().version_token()


def own(obj) -> dict:
    return Target.of(obj).reload().own_values()


def test_a_practice_admin_creates_a_preset_and_it_is_recorded(admin_http, organization):
    response = admin_http.post(
        reverse("portal_settings:preset-create"),
        {"name": "Billing only", "section-billing": "full", "section-documents": "off"},
    )
    assert response.status_code == 302
    preset = Preset.objects.get()
    assert (preset.organization, preset.values) == (
        organization,
        {"billing": "full", "documents": "off"},
    )
    entry = AuditEntry.objects.get(action=AuditEntry.Action.PRESET_SAVED)
    assert entry.new_value == "Billing: Full · Documents: Off"
    assert "Billing only" in text(admin_http.get(reverse("portal_settings:presets")))


@pytest.mark.parametrize(
    "data, message",
    [
        ({"name": "Minor", "section-billing": "off"}, "already has a preset with that name"),
        ({"name": "mINOR", "section-billing": "off"}, "already has a preset with that name"),
        ({"name": "Empty"}, "Choose a level for at least one section"),
        ({"name": "Bad", "section-care_plans": "view"}, "“View care plans” can be Full, Off"),
        ({"name": "Two\nlines", "section-billing": "off"}, "single line"),
        ({"name": "", "section-billing": "off"}, "Give the preset a name."),
        ({"name": "x" * 101, "section-billing": "off"}, "A preset's name has at most 100"),
        ({"name": "a\x00b", "section-billing": "off"}, "A preset's name cannot hold"),
    ],
)
def test_a_bad_preset_is_refused_with_a_message(admin_http, minor, data, message):
    response = admin_http.post(reverse("portal_settings:preset-create"), data)
    assert response.status_code == 400
    assert message in text(response)
    for django_words in ("This field is required", "Ensure this value", "Null characters"):
        assert django_words not in text(response)
    assert Preset.objects.count() == 1


def test_providers_apply_presets_but_do_not_write_them(provider_http, minor):
    assert provider_http.get(reverse("portal_settings:presets")).status_code == 200
    assert (
        provider_http.post(
            reverse("portal_settings:preset-create"), {"name": "X", "section-billing": "off"}
        ).status_code
        == 403
    )
    assert (
        provider_http.get(reverse("portal_settings:preset-edit", args=[minor.pk])).status_code
        == 403
    )


def test_applying_to_a_client_sets_its_levels_with_the_preset_in_the_history(
    provider_http, provider, client_record, minor
):
    PortalSettings.objects.create(client=client_record, values={"billing": "off"})
    response = provider_http.post(
        reverse("portal_settings:client-preset", args=[client_record.pk]),
        {
            "preset": minor.pk,
            f"levels-{minor.pk}": minor.levels_token(),
            "version": version(client_record),
        },
    )
    assert response.status_code == 302
    assert own(client_record) == MINOR
    entries = AuditEntry.objects.filter(action=AuditEntry.Action.SETTING_CHANGED)
    # billing was already off for this client: only the real changes are recorded
    assert sorted(e.section for e in entries) == ["appointments", "packages"]
    assert {(e.note, e.client_id, e.actor_id) for e in entries} == {
        ("preset: Minor", client_record.pk, provider.pk)
    }
    page = text(provider_http.get(response.url))
    assert "Preset Minor applied" in page


def test_applying_to_a_group_and_to_the_practice(admin_http, organization, group, minor):
    admin_http.post(
        reverse("portal_settings:group-preset", args=[group.pk]),
        {"preset": minor.pk, f"levels-{minor.pk}": minor.levels_token(), "version": version(group)},
    )
    assert own(group) == MINOR
    admin_http.post(
        reverse("portal_settings:organization-preset"),
        {
            "preset": minor.pk,
            f"levels-{minor.pk}": minor.levels_token(),
            "version": version(organization),
        },
    )
    assert own(organization) == MINOR
    levels = set(
        AuditEntry.objects.filter(
            note="preset: Minor", action=AuditEntry.Action.SETTING_CHANGED
        ).values_list("level", flat=True)
    )
    assert levels == {"group", "organization"}


def test_a_provider_cannot_apply_a_preset_to_the_practice_defaults(
    provider_http, organization, minor
):
    response = provider_http.post(
        reverse("portal_settings:organization-preset"),
        {
            "preset": minor.pk,
            f"levels-{minor.pk}": minor.levels_token(),
            "version": version(organization),
        },
    )
    assert response.status_code == 403
    assert own(organization) == {}


def test_a_stale_page_applies_nothing(provider_http, provider, client_record, minor):
    shown = version(client_record)
    PortalSettings.objects.create(client=client_record, values={"goals": "off"}, version=1)
    response = provider_http.post(
        reverse("portal_settings:client-preset", args=[client_record.pk]),
        {"preset": minor.pk, f"levels-{minor.pk}": minor.levels_token(), "version": shown},
    )
    assert "changed by someone else" in text(provider_http.get(response.url))
    assert own(client_record) == {"goals": "off"}
    assert not AuditEntry.objects.filter(
        note="preset: Minor", action=AuditEntry.Action.SETTING_CHANGED
    ).exists()


def test_another_practices_preset_is_a_404_and_changes_nothing(
    provider_http, client_record, other_organization, other_provider
):
    theirs = preset_save(
        actor=other_provider, organization=other_organization, name="Theirs", values=MINOR
    )
    response = provider_http.post(
        reverse("portal_settings:client-preset", args=[client_record.pk]),
        {
            "preset": theirs.pk,
            f"levels-{theirs.pk}": theirs.levels_token(),
            "version": version(client_record),
        },
    )
    assert response.status_code == 404
    assert own(client_record) == {}


def test_the_service_refuses_a_preset_of_another_practice(
    provider, client_record, other_organization, other_provider
):
    from portal_settings.services import SettingsValueError, preset_apply

    theirs = preset_save(
        actor=other_provider, organization=other_organization, name="Theirs", values=MINOR
    )
    target = Target.of(client_record).reload()
    with pytest.raises(SettingsValueError, match="another practice"):
        preset_apply(
            actor=provider, preset=theirs, target=target, shown_version=target.version_token()
        )
    assert own(client_record) == {}


def test_editing_a_preset_later_changes_nobody_it_was_applied_to(
    admin_http, practice_admin, client_record, minor
):
    admin_http.post(
        reverse("portal_settings:client-preset", args=[client_record.pk]),
        {
            "preset": minor.pk,
            f"levels-{minor.pk}": minor.levels_token(),
            "version": version(client_record),
        },
    )
    page = text(admin_http.get(reverse("portal_settings:preset-edit", args=[minor.pk])))
    assert "keep the levels they were given" in page
    admin_http.post(
        reverse("portal_settings:preset-edit", args=[minor.pk]),
        {"name": "Minor", "section-billing": "full", "version": minor.version_token()},
    )
    minor.refresh_from_db()
    assert minor.values == {"billing": "full"}
    assert own(client_record) == MINOR


def test_an_admin_cannot_edit_another_practices_preset(
    admin_http, other_organization, other_provider
):
    theirs = preset_save(
        actor=other_provider, organization=other_organization, name="Theirs", values=MINOR
    )
    response = admin_http.post(
        reverse("portal_settings:preset-edit", args=[theirs.pk]),
        {"name": "Mine now", "section-billing": "full"},
    )
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.name == "Theirs"


def test_the_demo_ships_three_presets():
    from django.core.management import call_command

    call_command("seed_demo", verbosity=0)
    assert set(Preset.objects.values_list("name", flat=True)) == {
        "Minor",
        "Billing only",
        "Read-only records",
    }
    call_command("seed_demo", verbosity=0)  # idempotent
    assert Preset.objects.count() == 3


def test_the_settings_page_offers_the_practices_presets(provider_http, client_record, minor):
    page = text(provider_http.get(reverse("portal_settings:client", args=[client_record.pk])))
    assert "Apply a preset" in page and "Minor (" in page


def test_a_client_sees_the_presets_levels_at_their_next_request(
    provider, client_record, client_http, minor
):
    from portal_settings.services import preset_apply

    target = Target.of(client_record).reload()
    preset_apply(actor=provider, preset=minor, target=target, shown_version=target.version_token())
    assert client_http.get(reverse("portal:billing")).status_code == 403


def test_the_list_says_other_sections_are_left_only_when_the_preset_leaves_some_out(
    admin_http, practice_admin, organization, minor
):
    from portal_settings.sections import SECTIONS

    every = {section.key: "off" for section in SECTIONS if section.allows_level("off")}
    preset_save(actor=practice_admin, organization=organization, name="Everything", values=every)
    page = text(admin_http.get(reverse("portal_settings:presets")))
    minor_row, every_row = (
        next(row for row in page.split("<tr>") if f">{name}</a>" in row)
        for name in ("Minor", "Everything")
    )
    # Minor sets three sections: the others are left as they are. Everything sets them all.
    assert "Other sections are left as they are." in minor_row
    assert "left as they are" not in every_row


MINOR_IN_LABELS = (
    "View and pay bills: Off · Schedule appointments: View only · View and purchase packages: Off"
)


def test_a_presets_levels_read_in_the_sections_labels(admin_http, client_record, minor):
    listed = text(admin_http.get(reverse("portal_settings:presets")))
    assert "View and pay bills: Off" in listed
    settings = text(admin_http.get(reverse("portal_settings:client", args=[client_record.pk])))
    assert f"Minor ({MINOR_IN_LABELS})" in settings
    delete = text(admin_http.get(reverse("portal_settings:preset-delete", args=[minor.pk])))
    assert MINOR_IN_LABELS in delete
    assert "Billing: Off" not in listed + settings + delete


def test_the_trail_keeps_a_full_presets_levels_whole(practice_admin, organization):
    # The trail's value column holds 200 characters: a preset of every section is recorded
    # whole in the tab names, not cut off.
    from portal_settings.sections import SECTIONS

    every = {section.key: section.levels[-1].value for section in SECTIONS}
    preset_save(actor=practice_admin, organization=organization, name="All", values=every)
    entry = AuditEntry.objects.get(action=AuditEntry.Action.PRESET_SAVED)
    assert entry.new_value.endswith("Packages: Off")
    assert entry.new_value.count(" · ") == len(SECTIONS) - 1


def test_the_history_says_a_saved_or_deleted_presets_levels_in_the_labels(
    admin_http, practice_admin, organization, minor
):
    from portal_settings.services import preset_delete

    preset_delete(actor=practice_admin, organization=organization, preset=minor)
    page = text(admin_http.get(reverse("portal_settings:organization")))
    assert f"— → {MINOR_IN_LABELS}" in page  # saved
    assert f"{MINOR_IN_LABELS} → deleted" in page
    assert "Billing: Off" not in page


def test_the_admin_trail_says_a_saved_presets_levels_in_the_labels(organization, minor):
    from django.contrib import admin

    entry = AuditEntry.objects.get(action=AuditEntry.Action.PRESET_SAVED)
    assert admin.site._registry[AuditEntry].new(entry) == MINOR_IN_LABELS


def test_the_preset_list_gives_each_level_its_own_line(admin_http, minor):
    import re

    page = text(admin_http.get(reverse("portal_settings:presets")))
    row = next(row for row in page.split("<tr>") if ">Minor</a>" in row)
    items = [re.sub(r"<[^>]+>", "", item).strip() for item in re.findall(r"<li>(.*?)</li>", row)]
    assert items == [
        "View and pay bills: Off",
        "Schedule appointments: View only",
        "View and purchase packages: Off",
    ]


def test_apply_a_preset_links_to_the_presets_in_words_that_say_where_it_goes(
    provider_http, client_record, minor
):
    import re

    page = text(provider_http.get(reverse("portal_settings:client", args=[client_record.pk])))
    block = page.split('class="apply-preset"', 1)[1].split("</section>", 1)[0]
    links = re.findall(r'<a href="/settings/presets/">(.*?)</a>', block)
    assert links == ["See every preset's levels"]  # not a bare "Presets" after the sentence
