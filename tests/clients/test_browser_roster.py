"""The roster's access statuses and filters in a real browser, with and without JavaScript."""

import pytest
from playwright.sync_api import expect

from tests.axe import assert_accessible_at_both_widths
from tests.browser import sign_in
from tests.factories import (
    PASSWORD,
    ClientFactory,
    ClientGroupFactory,
    MembershipFactory,
    OrganizationFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def roster():
    organization = OrganizationFactory()
    teens = ClientGroupFactory(organization=organization, name="Teens")
    teen = ClientFactory(organization=organization, group=teens, user__last_name="Teen")
    adult = ClientFactory(organization=organization, user__last_name="Adult")
    provider = MembershipFactory(organization=organization).user
    return provider, teen, adult


def test_choosing_a_group_filters_the_roster_live(new_page, roster):
    provider, teen, adult = roster
    page = new_page()
    sign_in(page, provider.email, PASSWORD)
    table = page.locator("#client-results")
    expect(table).to_contain_text(adult.user.email)
    expect(table).to_contain_text("Never signed in")
    page.get_by_label("Group").select_option(label="Teens")  # htmx: no submit needed
    expect(table).not_to_contain_text(adult.user.email)
    expect(table).to_contain_text(teen.user.email)
    assert "group=" in page.url
    assert_accessible_at_both_widths(page)
    page.goto(teen.get_absolute_url())
    expect(page.get_by_text("Portal: Never signed in")).to_be_visible()
    assert_accessible_at_both_widths(page)


def test_the_filters_work_without_javascript(chromium, live_server, roster):
    provider, teen, adult = roster
    context = chromium.new_context(base_url=live_server.url, java_script_enabled=False)
    try:
        page = context.new_page()
        sign_in(page, provider.email, PASSWORD)
        page.get_by_label("Group").select_option(label="Teens")
        page.get_by_role("button", name="Search").click()
        table = page.locator("#client-results")
        expect(table).to_contain_text(teen.user.email)
        expect(table).not_to_contain_text(adult.user.email)
    finally:
        context.close()


# Where each line of an element's text starts (character offsets), as the browser laid it out.
LINE_STARTS = """el => {
  const text = el.firstChild ? el.textContent : '';
  const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
  const starts = []; let offset = 0; let top = null;
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    for (let i = 0; i < node.length; i++) {
      const range = document.createRange();
      range.setStart(node, i); range.setEnd(node, i + 1);
      const rect = range.getClientRects()[0];
      if (rect && top !== null && rect.top > top + 2) starts.push(offset + i);
      if (rect) top = rect.top;
    }
    offset += node.length;
  }
  return starts;
}"""


def test_email_addresses_on_a_phone_wrap_between_words_not_inside_them(new_page):
    organization = OrganizationFactory()
    emails = ["hugo.laurent@demo.test", "christopher.montgomery@example-clinic.test"]
    for email in emails:
        ClientFactory(organization=organization, user__email=email)
    provider = MembershipFactory(organization=organization).user
    page = new_page(width=390, height=844)
    sign_in(page, provider.email, PASSWORD)
    shown = page.locator("#client-results .phone-only")
    assert sorted(shown.all_text_contents()) == sorted(emails)
    for index in range(shown.count()):
        email = shown.nth(index).text_content()
        for start in shown.nth(index).evaluate(LINE_STARTS):
            # A new line starts after a dot or hyphen or at the @, never inside "laurent".
            assert email[start - 1] in ".-" or email[start] == "@", (email, start)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
