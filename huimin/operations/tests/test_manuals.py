"""操作手册: the five manuals listed and each shown as a page to every staff member (from the help menu),
every raw tag in a file escaped and unsafe links dropped, headings linkable, and an unknown manual a 404.
The manuals name menus that exist."""

from __future__ import annotations

import json
import re

import pytest
from django.urls import reverse

from huimin.operations import manuals
from huimin.sites.enums import Role

from .helpers import make_site, person, platform_admin

pytestmark = pytest.mark.django_db
TITLES = ["管理手册", "运维手册", "安全手册", "服务手册", "数据手册"]


def test_the_five_manuals_are_listed_for_a_message_handler(client):
    unit, site = make_site("手册")
    client.force_login(person(site, unit, Role.MESSAGE_HANDLER))
    page = client.get(reverse("operations_manuals")).content.decode()
    for slug, title in zip(("guanli", "yunwei", "anquan", "fuwu", "shuju"), TITLES, strict=True):
        assert title in page and reverse("operations_manual", args=[slug]) in page
    # In the help menu of every staff member.
    assert ("帮助", "操作手册", reverse("operations_manuals")) in menu(client)


@pytest.mark.parametrize("slug", ["guanli", "yunwei", "anquan", "fuwu", "shuju"])
def test_each_manual_renders_with_steps_and_a_table_of_contents(client, slug):
    client.force_login(platform_admin())
    page = client.get(reverse("operations_manual", args=[slug])).content.decode()
    manual = manuals.manual(slug)
    assert f"<title>{manual.title}" in page or manual.title in page
    assert "<ol>" in page and manual.sections
    for section in manual.sections:
        assert f'id="{section}"' in page
    assert "其他操作手册" in page


def test_the_duty_section_is_linked_from_the_duty_screen():
    assert "值班读网" in manuals.manual("yunwei").sections


def test_raw_html_and_script_links_in_a_manual_are_escaped():
    manual = manuals.parse(
        "test",
        "# 测试手册\n\n<script>alert(1)</script> 第一段\n\n## 一节 <b>粗</b>\n\n"
        "1. [点我](javascript:alert(1))\n2. [本站](/admin/)\n",
    )
    html = str(manual.html)
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert 'href="javascript' not in html and '<a href="/admin/">本站</a>' in html
    assert "&lt;b&gt;粗&lt;/b&gt;" in html and "<b>" not in html
    assert manual.title == "测试手册" and "<h1" not in html  # the screen shows the title once
    assert manual.summary.startswith("<script>")  # plain text: the template escapes it


def test_an_unknown_or_hostile_manual_is_a_404(client):
    client.force_login(platform_admin())
    for slug in ("nosuch", "..", "guanli.md", "GUANLI"):
        assert client.get(f"/admin/operations/manuals/{slug}/").status_code == 404, slug
    assert manuals.manual("../../settings") is None


def menu(client) -> set[tuple[str, str, str]]:
    """(submenu, item, url) of every item of the admin's main menu as the signed-in person sees it."""
    home = client.get("/admin/").content.decode()
    props = json.loads(
        re.search(r'id="wagtail-sidebar-props" type="application/json">(.*?)</script>', home, re.S)[1]
    )
    found = set()

    def walk(items, parent):
        for item in items:
            args = item.get("_args") or []
            data = args[0] if args else {}
            found.add((parent, data.get("label", ""), data.get("url", "")))
            if len(args) > 1 and isinstance(args[1], list):
                walk(args[1], data.get("label", ""))

    for module in props["modules"]:
        if module.get("_type") == "wagtail.sidebar.MainMenuModule":
            walk(module["_args"][0], "")
    return found


def test_the_manuals_name_menus_that_exist(client):
    """Every “菜单 → 子菜单” the manuals name is a menu item a platform administrator sees."""
    make_site("菜单")  # the per-site screens are offered once there is a site
    client.force_login(platform_admin())
    items = {(parent, label) for parent, label, _url in menu(client)}
    text = "".join(manual_file.read_text(encoding="utf-8") for manual_file in manuals.HERE.glob("*.md"))
    named = set(re.findall(r"“([^”→]+?) → ([^”]+?)”", text))
    assert len(named) > 15
    missing = sorted(f"{top} → {item}" for top, item in named if (top, item) not in items)
    assert not missing, missing
