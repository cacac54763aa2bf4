"""The "订阅" entry other apps' public pages show (`{% load subscribe %}`):

- `{% subscribe_entry page %}` on a column, a policy library (with the library's current filter, read from
  the request), a guide list, a data catalogue or a topic page;
- `{% subscribe_search_entry query %}` on the search results.

Each renders one link to the new-subscription form with what it subscribes to; nothing for a page whose
content is never pushed (a column of news only, for one) or for an empty query.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django import template
from django.urls import reverse
from django.utils.html import format_html

from ..criteria import LIBRARY_FILTERS, MAX_QUERY_CHARS, is_pushed_column

register = template.Library()


def _entry(params: dict, label: str, hint: str):
    url = f"{reverse('subscriptions:new')}?{urlencode(params)}"
    return format_html('<p class="subscribe-entry"><a href="{}">{}</a>{}</p>', url, label, hint)


@register.simple_tag(takes_context=True)
def subscribe_entry(context, page):
    if page is None or not getattr(page, "pk", None):
        return ""
    model = type(page).__name__
    if model == "TopicPage":
        return _entry(
            {"kind": "topic", "page": page.pk},
            "订阅本专题",
            "：专题收录的政策、解读和办事指南发布时推送给您。",
        )
    if model == "PolicyLibraryPage":
        request = context.get("request")
        params = {"kind": "library", "page": page.pk}
        if request is not None:
            for name in LIBRARY_FILTERS:
                value = str(request.GET.get(name, "") or "").strip()[:20]
                if value:
                    params[name] = value
        filtered = len(params) > 2
        label = "订阅当前筛选结果" if filtered else "订阅政策文件"
        return _entry(params, label, "：符合条件的政策文件发布或有实质更新时推送给您。")
    if model in ("ColumnPage", "GuideIndexPage", "DataCatalogPage") and is_pushed_column(page):
        label = {"GuideIndexPage": "订阅办事指南", "DataCatalogPage": "订阅开放数据"}.get(model, "订阅本栏目")
        return _entry({"kind": "column", "page": page.pk}, label, "：新信息推送到站内消息、邮箱或手机。")
    return ""


@register.simple_tag
def subscribe_search_entry(query):
    text = str(query or "").replace("\x00", "").strip()
    if not text or len(text) > MAX_QUERY_CHARS:
        return ""
    return _entry(
        {"kind": "search", "q": text},
        "订阅此关键词",
        "：今后发布的政策、解读、办事指南、通知公告和开放数据含有这些词时推送给您。",
    )
