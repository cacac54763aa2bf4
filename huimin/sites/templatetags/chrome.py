"""The public chrome's template tags: the breadcrumb trail every page below the home page shows, and the
pictures of the home page's blocks."""

from __future__ import annotations

from django import template
from wagtail.models import Page

from huimin.sites import chrome
from huimin.sites.queries import navigation_rules

register = template.Library()
HOME_LABEL = "首页"
UNNAMED = "当前页面"


def _page_trail(page: Page, request) -> list[tuple[str, str | None]]:
    if page.depth <= 2:
        return []
    found = chrome.current().for_page(page)
    ancestors = found.ancestors(page) if found is not None else None  # kept for pages near the home page
    if ancestors is None:
        ancestors = page.get_ancestors().filter(depth__gt=1)
    trail = [
        (HOME_LABEL if ancestor.depth == 2 else ancestor.title, ancestor.get_url(request))
        for ancestor in ancestors
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


@register.simple_tag
def kept_image(image, spec: str, **attrs):
    """Wagtail's `{% image image spec attr=… %}`, the rendition kept by the process (`chrome.py`) under
    everything it is made from: the image, its file, its focal point and the filter. Wagtail's own tag asks
    its rendition cache twice per picture, each time pickling the rendition."""
    if not image:
        return ""
    from wagtail.images.models import Filter
    from wagtail.images.shortcuts import get_rendition_or_not_found

    key = (
        "rendition",
        image.pk,
        image.file.name,
        image.focal_point_x,
        image.focal_point_y,
        image.focal_point_width,
        image.focal_point_height,
        spec,
    )
    rendition = chrome.current().memo(key, lambda: get_rendition_or_not_found(image, Filter(spec=spec)))
    return rendition.img_tag(attrs)
