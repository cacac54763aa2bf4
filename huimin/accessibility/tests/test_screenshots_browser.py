"""Screenshots of the home and message pages in the standard, high-contrast and elderly versions.

`make screenshots` runs this with HUIMIN_SCREENSHOTS_DIR=docs/screenshots to refresh the pictures in
docs/accessibility.md; in the suite they go to a temporary folder and the test checks that each version
really looks different.
"""

import hashlib
import os
from pathlib import Path

import pytest

from huimin.accessibility.enums import MODE_COOKIE

pytestmark = pytest.mark.browser
PAGES = {"home": ("127.0.0.1", "/"), "letter-form": ("slj.localhost", "/hudong/liuyan/")}


def _relative_luminance(rgb: str) -> float:
    channels = [int(part) / 255 for part in rgb[rgb.index("(") + 1 : rgb.index(")")].split(",")[:3]]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


@pytest.mark.parametrize("name", PAGES)
def test_each_version_is_captured_and_looks_different(browser_page, live_demo, tmp_path, name):
    folder = Path(os.environ.get("HUIMIN_SCREENSHOTS_DIR") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    host, path = PAGES[name]
    page = browser_page
    page.set_viewport_size({"width": 1280, "height": 900})
    url = f"http://{host}:{live_demo['port']}{path}"
    digests = {}

    page.goto(url)
    digests["standard"] = _shoot(page, folder / f"{name}-standard.png")

    page.get_by_role("button", name="无障碍浏览").click()
    page.get_by_role("button", name="高对比度").click()
    page.get_by_role("button", name="关闭").click()
    background = page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert _relative_luminance(background) < 0.05, background
    digests["contrast"] = _shoot(page, folder / f"{name}-high-contrast.png")

    page.get_by_role("button", name="无障碍浏览").click()
    page.get_by_role("button", name="重置").click()
    page.context.add_cookies([{"name": MODE_COOKIE, "value": "elder", "domain": host, "path": "/"}])
    page.goto(url)
    assert page.evaluate("document.documentElement.className").startswith("mode-elder")
    digests["elder"] = _shoot(page, folder / f"{name}-elder.png")

    assert len(set(digests.values())) == 3, "the three versions must look different"


def _shoot(page, target: Path) -> str:
    page.evaluate("window.scrollTo(0, 0)")
    data = page.screenshot(path=str(target), full_page=False)
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 10_000
    return hashlib.sha256(data).hexdigest()
