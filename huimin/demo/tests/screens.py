"""What the browser tests share for their pictures and checks: the folder `make screenshots` names
(HUIMIN_SCREENSHOTS_DIR, None when unset), whether a page fits its window's width, a whole-page picture of
an admin screen (the admin scrolls inside its main area, not the document, so the window is first made as tall
as the page), a public page checked (display mode, axe, fit and picture) at both widths, the display mode set
by its cookie, and moving the focus with Tab."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from pathlib import Path

from huimin.accessibility.enums import MODE_COOKIE
from huimin.accessibility.tests.axe import assert_no_violations

WIDTHS = (1280, 375)


def screenshots_folder() -> Path | None:
    target = os.environ.get("HUIMIN_SCREENSHOTS_DIR")
    if not target:
        return None
    path = Path(target)
    path.mkdir(parents=True, exist_ok=True)
    return path


def fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def shoot_admin(page, folder: Path | None, name: str, *, fmt: str = "png") -> None:
    """Save `<name>.png` (`.jpg` with fmt="jpeg") of the whole admin page into `folder`, if there is one."""
    if folder is None:
        return
    size = page.viewport_size
    height = page.evaluate(
        "Math.max(document.documentElement.scrollHeight,"
        " ...Array.from(document.querySelectorAll('main, .content-wrapper')).map(e => e.scrollHeight))"
    )
    page.set_viewport_size({"width": size["width"], "height": min(int(height) + 40, 8000)})
    page.evaluate("window.scrollTo(0, 0)")
    options = {"type": "jpeg", "quality": 70} if fmt == "jpeg" else {"type": "png"}
    suffix = "jpg" if fmt == "jpeg" else "png"
    data = page.screenshot(path=str(folder / f"{name}.{suffix}"), full_page=True, **options)
    page.set_viewport_size(size)
    assert len(data) > 10_000, f"{name}: an empty picture"


def check_page(page, name: str, mode: str) -> None:
    """The page as it is, in display mode `mode`: no axe violation and no sideways scrolling at 1280 and at
    375 px, with a picture `<name>-<mode>-<width>.png` of each when screenshots are asked for."""
    assert page.evaluate("document.documentElement.className").split()[0] == f"mode-{mode}"
    folder = screenshots_folder()
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        assert fits(page), f"{name} scrolls sideways at {width} px in the {mode} mode"
        assert_no_violations(page)
        if folder is not None:
            page.evaluate("window.scrollTo(0, 0)")
            page.screenshot(path=str(folder / f"{name}-{mode}-{width}.png"), full_page=True)
    page.set_viewport_size({"width": WIDTHS[0], "height": 900})


def set_mode(page, mode: str, hosts: Iterable[str]) -> None:
    """The display mode (standard, elder, text) on `hosts`, by its cookie; other cookies are kept."""
    page.context.clear_cookies(name=MODE_COOKIE)
    if mode != "standard":
        page.context.add_cookies(
            [{"name": MODE_COOKIE, "value": mode, "domain": host, "path": "/"} for host in hosts]
        )


def focused(page) -> dict:
    """The focused element: its id, text, tag name and type."""
    return page.evaluate(
        "() => ({id: document.activeElement.id, text: document.activeElement.textContent.trim(),"
        " tag: document.activeElement.tagName, type: document.activeElement.type || ''})"
    )


def tab_to(page, predicate: Callable[[dict], bool], limit: int = 120) -> None:
    """Press Tab until the focused element satisfies `predicate` (given `focused(page)`)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if predicate(focused(page)):
            return
    raise AssertionError(f"never reached the element; last focused {focused(page)}")


def tab_to_id(page, element_id: str) -> None:
    tab_to(page, lambda f: f["id"] == element_id)
