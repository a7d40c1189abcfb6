"""axe-core in the browser tests: no serious or critical violation on a page."""

SERIOUS = ("serious", "critical")
WIDTHS = ((1280, 900), (390, 844))


def serious_violations(page) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    return [
        f"{v['id']} ({v['impact']}): {v['help']} at "
        + ", ".join(str(node["target"]) for node in v["nodes"][:5])
        for v in Axe().run(page).response["violations"]
        if v["impact"] in SERIOUS
    ]


def assert_accessible_at_both_widths(page):
    for width, height in WIDTHS:
        page.set_viewport_size({"width": width, "height": height})
        problems = serious_violations(page)
        assert not problems, f"axe-core on {page.url} at {width} px:\n" + "\n".join(problems)
