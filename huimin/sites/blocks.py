"""StreamField blocks of the site group: the main navigation a site's administrators edit."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from wagtail import blocks


class NavLinkBlock(blocks.StructBlock):
    """One link of a navigation group: a page of the site, or an address (a tool such as /qa/)."""

    page = blocks.PageChooserBlock(label="页面", required=False)
    url = blocks.CharBlock(
        label="链接地址",
        required=False,
        max_length=300,
        help_text="站内地址如 /qa/，或以 https:// 开头的完整网址；已选页面时不填。",
    )
    label = blocks.CharBlock(label="显示名称", required=False, max_length=20, help_text="留空则用页面标题。")

    class Meta:
        label = "链接"
        icon = "link"

    def clean(self, value):
        value = super().clean(value)
        url = (value.get("url") or "").strip()
        errors = {}
        if not value.get("page") and not url:
            errors["page"] = ValidationError("请选择页面或填写链接地址。")
        elif url and not ((url.startswith("/") and not url.startswith("//")) or url.startswith("https://")):
            errors["url"] = ValidationError("链接地址须为以 / 开头的站内地址，或以 https:// 开头的网址。")
        if url and not value.get("page") and not (value.get("label") or "").strip():
            errors["label"] = ValidationError("填写链接地址时须填写显示名称。")
        if errors:
            raise blocks.StructBlockValidationError(block_errors=errors)
        return value


class NavGroupBlock(blocks.StructBlock):
    """A group of the main navigation (政务公开, 政务服务, 政民互动, 数据开放, 专题专栏 …)."""

    title = blocks.CharBlock(label="分组名称", max_length=10)
    links = blocks.ListBlock(NavLinkBlock(), label="链接", min_num=1)

    class Meta:
        label = "导航分组"
        icon = "list-ul"
