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
