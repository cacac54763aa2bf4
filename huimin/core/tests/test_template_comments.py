"""Django's `{# … #}` comment ends on its own line: one that spans lines is printed on the page as text. Every
template of Huimin keeps its longer comments in `{% comment %}`."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
OPENED = re.compile(r"\{#(?:(?!#\}).)*$")


def test_no_template_has_a_one_line_comment_running_over_lines():
    found = []
    for path in ROOT.rglob("templates/**/*.html"):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if OPENED.search(line):
                found.append(f"{path.relative_to(ROOT)}:{number}")
    assert not found, found


def test_the_check_finds_a_comment_left_open():
    assert OPENED.search("{# a comment that goes on") and not OPENED.search("{# one line #} text")
