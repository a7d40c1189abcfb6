"""Browser-test help for phone widths, where the header's links sit behind a Menu button."""


def open_menu(page):
    """Open the header's menu if it is folded (phone width, JavaScript on); else do nothing."""
    button = page.get_by_role("button", name="Menu")
    if button.is_visible() and button.get_attribute("aria-expanded") != "true":
        button.click()
