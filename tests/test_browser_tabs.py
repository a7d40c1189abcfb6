"""The provider's tab bars (a client list's Active/Archived, whose settings) draw their rule
across the page, as a tab bar does, not as a short stroke under the first tabs."""

import pytest

from tests.browser import log_in
from tests.factories import ClientFactory, OrganizationFactory, PracticeAdminFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("width", [1280, 390])
def test_a_tab_bar_s_rule_spans_the_page(new_page, width):
    organization = OrganizationFactory()
    admin = PracticeAdminFactory(organization=organization).user
    ClientFactory(organization=organization)
    page = new_page(width=width, height=900)
    log_in(page, admin)
    for url, name in (("/clients/", "Client status"), ("/settings/portal/", "Whose settings")):
        page.goto(url)
        content = page.locator("main").evaluate(
            "m => { const s = getComputedStyle(m); return m.clientWidth"
            " - parseFloat(s.paddingLeft) - parseFloat(s.paddingRight); }"
        )
        bar = page.get_by_role("navigation", name=name).locator("ul").bounding_box()
        assert bar["width"] >= content - 1, url
        assert bar["x"] >= 0 and bar["x"] + bar["width"] <= width, url
