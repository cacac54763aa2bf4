"""The browser tests' server has its clock pinned to DEMO_NOW by construction, so what could still read
today's date is the pytest side of a browser test. CI's moved-clock SQLite run catches that only on the day
it runs; this test reads every browser test module (and the helpers they share) and refuses any call that
asks the wall clock for a date or time, so that side is covered on any day, and in a local
`make test-moved MOVED_MARKS="not browser"`, without running Chromium."""

from __future__ import annotations

import ast
from pathlib import Path

import huimin

ROOT = Path(huimin.__file__).parent
# Calls that read today's date or the current moment, by their dotted name's last two parts.
WALL_CLOCK = {
    ("date", "today"),
    ("datetime", "now"),
    ("datetime", "today"),
    ("datetime", "utcnow"),
    ("timezone", "now"),
    ("timezone", "localdate"),
    ("timezone", "localtime"),
    ("time", "time"),
    ("time", "localtime"),
    ("time", "gmtime"),
}
SHARED_HELPERS = ["demo/tests/browser_login.py", "accessibility/tests/axe.py"]


def _dotted(node: ast.AST) -> tuple[str, ...]:
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
    return tuple(reversed(parts))


def wall_clock_calls(source: str) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call):
            continue
        name = _dotted(node.func)
        if len(name) >= 2 and name[-2:] in WALL_CLOCK:
            if name[-2:] == ("timezone", "localtime") and node.args:
                continue  # converting a given moment, not reading the clock
            found.append((node.lineno, ".".join(name)))
    return found


def browser_modules() -> list[Path]:
    """Every test module marked `browser` (whatever its name), and the helpers they share."""
    marked = [
        path for path in sorted(ROOT.rglob("tests/test_*.py")) if "mark.browser" in path.read_text("utf-8")
    ]
    return marked + [ROOT / path for path in SHARED_HELPERS]


def test_the_check_finds_each_kind_of_wall_clock_read():
    source = "import datetime, time\nfrom django.utils import timezone\n" + "\n".join(
        f"{a}.{b}()" for a, b in sorted(WALL_CLOCK)
    )
    assert len(wall_clock_calls(source)) == len(WALL_CLOCK)
    assert wall_clock_calls("timezone.localtime(moment)\ntime.monotonic()\n") == []


def test_no_browser_test_reads_the_wall_clock():
    modules = browser_modules()
    assert len(modules) > 20  # the search found the browser tests
    offenders = [
        f"{path.relative_to(ROOT)}:{line} {call}()"
        for path in modules
        for line, call in wall_clock_calls(path.read_text(encoding="utf-8"))
    ]
    assert offenders == [], "pin the clock (DEMO_NOW, time_machine) instead of reading it: " + ", ".join(
        offenders
    )
