"""操作手册: the staff's operation manuals (管理、运维、安全、服务、数据), one Markdown file each in
`huimin/operations/data/manuals/` (under data/, so the package ships them), listed in `MANUALS` in the
order the admin shows them. Rendered with markdown-it-py (CommonMark plus tables) with raw HTML off, so
everything in a file is shown escaped and links to `javascript:` and the like are dropped; each heading
gets an id (its text) so a screen can link to a section (`…/yunwei/#值班读网`)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.utils.safestring import SafeString, mark_safe

HERE = Path(__file__).resolve().parents[1] / "data" / "manuals"
# (slug, file): the slug is the manual's address under /admin/operations/manuals/.
MANUALS = [
    ("guanli", "guanli.md"),
    ("yunwei", "yunwei.md"),
    ("anquan", "anquan.md"),
    ("fuwu", "fuwu.md"),
    ("shuju", "shuju.md"),
]
SLUG = re.compile(r"\A[a-z]{2,20}\Z")


@dataclass(frozen=True)
class Manual:
    slug: str
    title: str
    summary: str  # the first paragraph
    html: SafeString
    sections: tuple[str, ...]  # the second-level headings, for the table of contents


def _heading_ids(md) -> None:
    def heading_open(renderer, tokens, index, options, env):
        token = tokens[index]
        inline = tokens[index + 1]
        text = "".join(
            child.content for child in inline.children or [] if child.type in ("text", "code_inline")
        )
        token.attrSet("id", text.strip())
        return renderer.renderToken(tokens, index, options, env)

    md.add_render_rule("heading_open", heading_open)


def _markdown():
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark", {"html": False}).enable("table")
    _heading_ids(md)
    return md


def render(text: str) -> SafeString:
    """Markdown to HTML with every raw tag escaped."""
    return mark_safe(_markdown().render(text))  # noqa: S308 - markdown-it escapes: html is off


def parse(slug: str, text: str) -> Manual:
    lines = text.splitlines()
    title = next((line[2:].strip() for line in lines if line.startswith("# ")), slug)
    paragraphs = [block.strip() for block in text.split("\n\n")]
    summary = next((p for p in paragraphs if p and not p.startswith(("#", "-", "|", "1."))), "")
    sections = tuple(line[3:].strip() for line in lines if line.startswith("## "))
    body = "\n".join(line for line in lines if not line.startswith("# "))  # the screen shows the title
    return Manual(slug, title, " ".join(summary.split()), render(body), sections)


@cache
def _load(slug: str) -> Manual:
    name = dict(MANUALS)[slug]
    return parse(slug, (HERE / name).read_text(encoding="utf-8"))


def manual(slug: str) -> Manual | None:
    if not SLUG.match(slug or "") or slug not in dict(MANUALS):
        return None
    return _load(slug)


def manuals() -> list[Manual]:
    return [_load(slug) for slug, _name in MANUALS]
