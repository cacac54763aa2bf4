"""axe-core in the browser tests: the WCAG 2.0/2.1 A and AA rules, and the one assertion every page meets."""

from axe_playwright_python.sync_playwright import Axe

WCAG_RULES = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}
_axe = Axe()


def assert_no_violations(page, options=WCAG_RULES):
    """Zero violations of `options`' rules on the page as it is now, and axe really checked something."""
    results = _axe.run(page, options=options)
    assert results.violations_count == 0, results.generate_report()
    assert results.response["passes"], "axe checked nothing"
