"""The accessibility rules in the editor.

- After a page is created or edited, the editor is told what the content rules (`content_rules`) found: the
  warnings, and for a draft the errors that will block publishing (`forms.AccessiblePageForm` refuses them).
- The content checker (the userbar's 检查 and the editor's 检查 side panel, both run axe on the page
  preview) also runs the axe rules for images, media, tables, lists, contrast and the document title.
"""

from __future__ import annotations

from django.contrib import messages
from wagtail import hooks
from wagtail.admin.userbar import ContentCheckerItem

from . import content_rules
from .forms import PUBLISH_ACTION

#: How many problems one message names; the rest are counted.
MAX_LISTED = 8

#: The axe rules added to Wagtail's own, with their messages (error name, and what to do).
EXTRA_AXE_MESSAGES = {
    "image-alt": {
        "error_name": "图片缺少替代文字",
        "help_text": "为图片填写说明其内容的替代文字；纯装饰性图片须标为装饰性",
    },
    "video-caption": {
        "error_name": "视频没有字幕",
        "help_text": "为视频添加中文字幕，或提供完整的文字实录",
    },
    "td-has-header": {
        "error_name": "表格数据单元格没有对应的表头",
        "help_text": "把表格第一行或第一列设为表头",
    },
    "th-has-data-cells": {
        "error_name": "表头单元格没有对应的数据",
        "help_text": "删除多余的表头，或补全表格数据",
    },
    "table-duplicate-name": {
        "error_name": "表格标题与摘要重复",
        "help_text": "表格标题（caption）和摘要（summary）不要写成一样的内容",
    },
    "list": {
        "error_name": "列表结构不正确",
        "help_text": "列表中只能直接放列表项，请使用编辑器的列表按钮",
    },
    "listitem": {
        "error_name": "列表项不在列表中",
        "help_text": "列表项必须放在有序或无序列表中",
    },
    "color-contrast": {
        "error_name": "文字与背景的对比度不足",
        "help_text": "普通文字对比度至少 4.5:1，大号文字至少 3:1",
    },
    "document-title": {
        "error_name": "页面没有标题",
        "help_text": "填写页面标题，便于读屏软件和搜索引擎识别",
    },
}
EXTRA_AXE_RULES = list(EXTRA_AXE_MESSAGES)

#: Wagtail's own rules, in Chinese (Wagtail's zh-Hans translation leaves these messages in English).
WAGTAIL_AXE_MESSAGES = {
    "button-name": {
        "error_name": "按钮没有文字",
        "help_text": "为按钮写上说明其作用的文字，便于读屏软件用户使用",
    },
    "empty-heading": {"error_name": "标题为空", "help_text": "删除空标题，或填写有意义的标题文字"},
    "empty-table-header": {"error_name": "表头单元格为空", "help_text": "为表头填写说明该行或该列内容的文字"},
    "frame-title": {
        "error_name": "内嵌框架没有标题",
        "help_text": "为内嵌框架（iframe）填写说明其内容的标题",
    },
    "heading-order": {"error_name": "标题层级不正确", "help_text": "请逐级使用标题，不要跳级"},
    "input-button-name": {"error_name": "输入按钮没有文字", "help_text": "为按钮写上说明其作用的文字"},
    "link-name": {"error_name": "链接没有文字", "help_text": "为链接写上说明其去向的文字"},
    "p-as-heading": {"error_name": "用加粗段落代替了标题", "help_text": "请使用编辑器的标题格式"},
    "alt-text-quality": {
        "error_name": "替代文字像是文件名",
        "help_text": "用一句话说明图片内容，不要使用文件名",
    },
    "empty-meta-description": {
        "error_name": "页面没有搜索描述",
        "help_text": "在“推荐”标签页填写搜索描述，便于搜索引擎展示",
    },
}


class HuiminContentCheckerItem(ContentCheckerItem):
    """Wagtail's content checker with the project's extra axe rules."""

    axe_run_only = [
        *ContentCheckerItem.axe_run_only,
        *(rule for rule in EXTRA_AXE_RULES if rule not in ContentCheckerItem.axe_run_only),
    ]
    axe_messages = {**ContentCheckerItem.axe_messages, **WAGTAIL_AXE_MESSAGES, **EXTRA_AXE_MESSAGES}
    # The whole document, not only <body>: "document-title" checks <html>/<title>.
    axe_include = ["html"]


@hooks.register("construct_wagtail_userbar")
def use_project_content_checker(request, items, page=None):
    for index, item in enumerate(items):
        if isinstance(item, ContentCheckerItem) and not isinstance(item, HuiminContentCheckerItem):
            items[index] = HuiminContentCheckerItem(in_editor=item.in_editor)


@hooks.register("after_create_page")
def report_after_create(request, page):
    report_findings(request, page)


@hooks.register("after_edit_page")
def report_after_edit(request, page):
    report_findings(request, page)


def report_findings(request, page) -> None:
    """Tell the editor what the content rules found in the page just saved or published."""
    if not request.accepts("text/html"):
        return  # an autosave: the next full save reports
    page = page.specific
    findings = content_rules.check_page(page)
    model = type(page)
    blocking = content_rules.errors(findings)
    if blocking:
        lead = (
            f"无障碍检查：有 {len(blocking)} 个问题须在发布前修改"
            + ("" if request.POST.get(PUBLISH_ACTION) else "（草稿已保存，但发布时会被拒绝）")
            + "："
        )
        messages.warning(request, lead + _listing(blocking, model))
    advisory = content_rules.warnings(findings)
    if advisory:
        lead = f"无障碍提示：有 {len(advisory)} 处建议修改（不影响发布）："
        messages.warning(request, lead + _listing(advisory, model))


def _listing(findings: list[content_rules.Finding], model) -> str:
    lines = [content_rules.describe(f, model) for f in findings[:MAX_LISTED]]
    text = "；".join(f"{n}. {line.rstrip('。')}" for n, line in enumerate(lines, 1)) + "。"
    if len(findings) > MAX_LISTED:
        text += f"另有 {len(findings) - MAX_LISTED} 个问题未列出。"
    return text
