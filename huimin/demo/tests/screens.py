"""What the admin's browser tests share for their pictures: the folder `make screenshots` names
(HUIMIN_SCREENSHOTS_DIR, None when unset), whether a page fits its window's width, and a whole-page picture of
an admin screen (the admin scrolls inside its main area, not the document, so the window is first made as tall
as the page)."""

from __future__ import annotations

import os
from pathlib import Path


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
