"""The public chrome's template tags: the breadcrumb trail every page below the home page shows."""

from __future__ import annotations

from django import template
from wagtail.models import Page

from huimin.sites.queries import navigation_rules

register = template.Library()
HOME_LABEL = "首页"
UNNAMED = "当前页面"


def _page_trail(page: Page, request) -> list[tuple[str, str | None]]:
    if page.depth <= 2:
        return []
    trail = [
        (HOME_LABEL if ancestor.depth == 2 else ancestor.title, ancestor.get_url(request))
        for ancestor in page.get_ancestors().filter(depth__gt=1)
    ]
    return [*trail, (page.title, None)]


def path_trail(path: str) -> list[tuple[str, str | None]]:
    """The trail of a view that is not a page of the tree, from its address and the known tool addresses
    (huimin/sites/data/navigation.json `tool_paths`): /hudong/liuyan/chaxun/ is 首页 › 我要留言 › 留言查询."""
    if not path or path == "/":
        return []
    known = navigation_rules()["tool_paths"]
    trail: list[tuple[str, str | None]] = [(HOME_LABEL, "/")]
    prefix = "/"
    for part in path.strip("/").split("/"):
        prefix += part + "/"
        if prefix in known and prefix != path:
            trail.append((known[prefix], prefix))
    trail.append((known.get(path, UNNAMED), None))
    return trail


@register.simple_tag(takes_context=True)
def breadcrumb_trail(context) -> list[tuple[str, str | None]]:
    """[(label, url)] from the home page to the page shown (whose url is None); empty on the home page.
    A page of the tree: its ancestors below the tree root. Another view: the `breadcrumbs` list it gives
    ([(label, url)], the last being itself), else its address read against the known tool addresses."""
    page = context.get("page")
    request = context.get("request")
    if isinstance(page, Page):
        return _page_trail(page, request)
    given = context.get("breadcrumbs")
    if given:
        return [(HOME_LABEL, "/"), *[(label, url) for label, url in given[:-1]], (given[-1][0], None)]
    return path_trail(getattr(request, "path", ""))
