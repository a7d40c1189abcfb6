import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError

from portal_settings.checks import check_portal_section_tags


def test_the_real_urlconf_passes():
    assert check_portal_section_tags() == []


def test_a_view_naming_an_unknown_section_fails_the_check():
    errors = check_portal_section_tags(urlconf="tests.portal_settings.urls_bad_tag")
    assert [e.id for e in errors] == ["portal_settings.E001"]
    assert "telepathy" in errors[0].msg


def test_an_untagged_portal_view_fails_the_check():
    errors = check_portal_section_tags(urlconf="tests.portal_settings.urls_untagged")
    assert [e.id for e in errors] == ["portal_settings.E002"]


@pytest.mark.urls("tests.portal_settings.urls_bad_tag")
def test_start_up_check_command_fails():
    with pytest.raises(SystemCheckError, match="telepathy"):
        call_command("check")


def test_a_section_view_that_does_not_say_whether_it_acts_fails_the_check():
    errors = check_portal_section_tags(urlconf="tests.portal_settings.urls_no_action")
    (error,) = [e for e in errors if e.id == "portal_settings.E003"]
    assert "portal:goals" in error.msg and "does not say whether it acts" in error.msg


def test_a_section_offering_view_only_without_any_acting_view_fails_the_check():
    """View only would then be the same as Full: some action was not tagged as one."""
    errors = check_portal_section_tags(urlconf="tests.portal_settings.urls_no_action")
    assert [e.id for e in errors if "'billing'" in e.msg] == ["portal_settings.E004"]
