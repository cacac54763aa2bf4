"""Walking a page with the keyboard alone in the browser tests: what has focus, and Tab until something
does."""

from __future__ import annotations

from collections.abc import Callable

# The focused element: a key (its id, or for an element without one its tag and text), its text, where it is
# on the page, whether its focus can be seen (an outline of at least 2 px or a box shadow), and whether it is
# in the page footer.
FOCUSED = """() => {
    const e = document.activeElement, s = getComputedStyle(e), r = e.getBoundingClientRect();
    const text = (e.innerText || e.value || '').trim();
    return {key: e.id || `${e.tagName.toLowerCase()}:${e.textContent.trim()}`, id: e.id, tag: e.tagName,
            text: text.slice(0, 30), top: r.top + window.scrollY, left: r.left, height: r.height,
            visible: (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2) || s.boxShadow !== 'none',
            footer: !!e.closest('footer')};
}"""


def focused(page) -> dict:
    return page.evaluate(FOCUSED)


def tab(page) -> dict:
    """Press Tab; what has focus then."""
    page.keyboard.press("Tab")
    return focused(page)


def tab_to(page, wanted: str | Callable[[dict], bool], limit: int = 60) -> list[dict]:
    """Tab until the element with key `wanted` (or the first for which `wanted(stop)` is true) has focus;
    every stop on the way, the last being that element. Fails when it is not reached in `limit` presses."""
    matches = wanted if callable(wanted) else (lambda stop: stop["key"] == wanted)
    stops = []
    for _ in range(limit):
        stops.append(tab(page))
        if matches(stops[-1]):
            return stops
    raise AssertionError(f"Tab never reached {wanted}: {[s['key'] for s in stops]}")
