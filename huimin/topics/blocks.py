"""The components of the topic designer: typed StreamField blocks, each with its own template.

`ContentStreamBlock` holds every component that stands on its own (it is also what a layout column and the
online-interview page hold); `TopicStreamBlock` adds the layout rows of two and three columns. Both names
are a contract with `models.py` and the interview page.

Components that look things up when they render (policy, interpretation, guide and news lists, gallery,
video, links) render nothing at all when what they point at is gone (a deleted page, topic, unit, theme,
image or document) or when nothing matches, so a page never fails because of a stale component. Headings of
components are h2 (the page's h1 is the topic title); text inside cards uses h3 at most.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from wagtail import blocks
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.images.blocks import ImageChooserBlock

from huimin.opendata import drawing as charts
from huimin.opendata.blocks import DataChartBlock

RICH_TEXT_FEATURES = ["h2", "h3", "h4", "bold", "italic", "ol", "ul", "link", "document-link", "image", "hr"]
ANSWER_FEATURES = ["bold", "italic", "ol", "ul", "link", "document-link"]
VIDEO_TYPES = {
    "mp4": "video/mp4",
    "m4v": "video/mp4",
    "webm": "video/webm",
    "ogv": "video/ogg",
    "ogg": "video/ogg",
}
CAPTION_EXTENSIONS = ("vtt",)
MAX_LIST_COUNT = 20
VALUE_SEPARATORS = re.compile(r"[,，;；、\s]+")
PHONE_SEPARATORS = re.compile(r"[,，;；、/]+")
PHONE_NUMBER = re.compile(r"\+?\d[\d\-－ ]+\d")

BASIC, LISTS, MEDIA, LAYOUT = "基础", "信息列表", "图片、视频与图表", "布局"


# ---- Choices (module-level callables: migrations refer to them by name, the database is read lazily) ----


BLANK_CHOICE = ("", "（不限）")


def policy_topic_choices():
    from huimin.policies.models import PolicyTopic

    return [BLANK_CHOICE, *((str(pk), name) for pk, name in PolicyTopic.objects.values_list("pk", "name"))]


def service_object_choices():
    from huimin.policies.models import ServiceObject

    return [BLANK_CHOICE, *((str(pk), name) for pk, name in ServiceObject.objects.values_list("pk", "name"))]


def org_unit_choices():
    from huimin.sites.models import OrgUnit

    return [BLANK_CHOICE, *((str(pk), name) for pk, name in OrgUnit.objects.values_list("pk", "name"))]


def service_theme_choices():
    from huimin.guides.models import ServiceTheme

    return [BLANK_CHOICE, *((name, name) for name in ServiceTheme.objects.values_list("name", flat=True))]


def _pk(value) -> int | None:
    """A stored choice as a primary key; None for blank or garbage."""
    text = str(value or "").strip()
    return int(text) if text.isdigit() else None


def _error(**fields) -> blocks.StructBlockValidationError:
    return blocks.StructBlockValidationError(
        block_errors={name: ValidationError(message) for name, message in fields.items()}
    )


def _is_safe_href(url: str) -> bool:
    """A link an editor may enter: http(s) with a host, or a path on this site (no javascript:, no //host)."""
    if url.startswith("/"):
        return not url.startswith("//") and "\\" not in url
    parts = urlsplit(url)
    return parts.scheme in ("http", "https") and bool(parts.netloc)


# ---- The base of components that look things up ----


class ResolvingBlock(blocks.StructBlock):
    """A StructBlock that looks up what it shows when it renders; `resolve` returns the extra context, or
    None when there is nothing to show (then the block renders an empty string)."""

    def resolve(self, value, context) -> dict | None:
        return {}

    def render(self, value, context=None):
        extra = self.resolve(value, context)
        if extra is None:
            return mark_safe("")
        new_context = self.get_context(value, parent_context=dict(context) if context is not None else None)
        new_context.update(extra)
        return mark_safe(render_to_string(self.meta.template, new_context))  # noqa: S308 - template output


def _live_in_order(model, chosen, exclude_ids=()) -> list:
    """The hand-picked pages that are still live and public, in the editor's order (deleted ones are None)."""
    ids = [page.pk for page in chosen if page is not None and page.pk not in exclude_ids]
    found = model.objects.live().public().in_bulk(ids)
    seen, pages = set(), []
    for pk in ids:
        if pk in found and pk not in seen:
            seen.add(pk)
            pages.append(found[pk])
    return pages


# ---- Basic ----


class BannerBlock(ResolvingBlock):
    heading = blocks.CharBlock(
        label="横幅标题", max_length=80, help_text="专题的主题语，显示在横幅上（不是页面标题）。"
    )
    text = blocks.CharBlock(label="副标题", max_length=200, required=False)
    image = ImageChooserBlock(label="横幅图片", required=False)
    image_alt = blocks.CharBlock(
        label="图片替代文字", max_length=200, required=False, help_text="说明图片内容；选择了图片时必填。"
    )

    class Meta:
        label = "横幅"
        icon = "title"
        group = BASIC
        template = "topics/blocks/banner.html"
        description = "专题顶部的横幅：主题语、副标题和可选的图片。"

    def clean(self, value):
        value = super().clean(value)
        if value.get("image") and not (value.get("image_alt") or "").strip():
            raise _error(image_alt="选择了横幅图片时须填写替代文字，说明图片内容。")
        return value

    def resolve(self, value, context):
        # A deleted image leaves the banner's text: the image is then simply not shown.
        return {"image": value.get("image")}


class FaqItemBlock(blocks.StructBlock):
    question = blocks.CharBlock(label="问题", max_length=200)
    answer = blocks.RichTextBlock(label="解答", features=ANSWER_FEATURES)

    class Meta:
        label = "问答"
        icon = "help"


class FaqListBlock(blocks.StructBlock):
    heading = blocks.CharBlock(label="标题", max_length=60, default="常见问题")
    items = blocks.ListBlock(FaqItemBlock(), label="问答", min_num=1)

    class Meta:
        label = "常见问题"
        icon = "help"
        group = BASIC
        template = "topics/blocks/faq_list.html"
        description = "可展开的问题和解答，每个问题都可用键盘打开。"


class LinkItemBlock(blocks.StructBlock):
    title = blocks.CharBlock(label="名称", max_length=60)
    page = blocks.PageChooserBlock(label="站内页面", required=False)
    url = blocks.CharBlock(
        label="链接地址",
        max_length=500,
        required=False,
        help_text="不选站内页面时填写，以 https:// 或 / 开头。链接在当前窗口打开。",
    )
    description = blocks.CharBlock(label="说明", max_length=120, required=False)

    class Meta:
        label = "入口"
        icon = "link"

    def clean(self, value):
        value = super().clean(value)
        url = (value.get("url") or "").strip()
        if not value.get("page") and not url:
            raise _error(url="请选择站内页面或填写链接地址。")
        if url and not _is_safe_href(url):
            raise _error(url="链接地址须以 http://、https:// 或 / 开头。")
        return value


class LinksGridBlock(ResolvingBlock):
    heading = blocks.CharBlock(label="标题", max_length=60, default="办事平台入口")
    links = blocks.ListBlock(LinkItemBlock(), label="入口", min_num=1)

    class Meta:
        label = "链接宫格"
        icon = "link"
        group = BASIC
        template = "topics/blocks/links_grid.html"
        description = "办事平台和相关网站的入口，以宫格排列。"

    def resolve(self, value, context):
        request = (context or {}).get("request")
        links = []
        for item in value.get("links") or []:
            page, url = item.get("page"), (item.get("url") or "").strip()
            if page is not None and page.live:
                href = page.get_url(request=request)
            elif url and _is_safe_href(url):
                href = url
            else:
                continue  # a deleted or unpublished page and no address: leave the entry out
            if href:
                links.append(
                    {"title": item.get("title"), "href": href, "description": item.get("description")}
                )
        return {"links": links} if links else None


def phone_links(text: str) -> list[dict]:
    """The phone numbers written in a field, each with its `tel:` target: "0527-84360000（总机）、12345"."""
    items = []
    for part in PHONE_SEPARATORS.split(text or ""):
        part = part.strip()
        if not part:
            continue
        match = PHONE_NUMBER.search(part)
        tel = re.sub(r"[^\d+]", "", match.group()) if match else ""
        items.append({"text": part, "tel": tel})
    return items


class ContactCardBlock(ResolvingBlock):
    heading = blocks.CharBlock(label="标题", max_length=60, default="联系方式")
    name = blocks.CharBlock(label="单位名称", max_length=100)
    address = blocks.CharBlock(label="地址", max_length=200, required=False)
    phone = blocks.CharBlock(
        label="电话", max_length=200, required=False, help_text="多个号码用逗号或顿号分隔，可加括号说明。"
    )
    email = blocks.EmailBlock(label="电子邮箱", required=False)
    hours = blocks.CharBlock(label="办公时间", max_length=200, required=False)

    class Meta:
        label = "联系方式"
        icon = "mail"
        group = BASIC
        template = "topics/blocks/contact_card.html"
        description = "单位名称、地址、电话（可直接拨打）、邮箱和办公时间。"

    def resolve(self, value, context):
        return {"phones": phone_links(value.get("phone") or "")}


# ---- Lists ----


class _ListBlock(ResolvingBlock):
    """Shared fields of the lists: a heading and how many items to show."""

    def clean(self, value):
        value = super().clean(value)
        if not self.has_source(value):
            raise blocks.StructBlockValidationError(
                non_block_errors=[ValidationError(self.no_source_message)]
            )
        return value

    no_source_message = "请至少设置一种来源。"

    def has_source(self, value) -> bool:
        return True


class PolicyListBlock(_ListBlock):
    heading = blocks.CharBlock(label="标题", max_length=60, default="相关政策")
    topic = blocks.ChoiceBlock(label="主题分类", choices=policy_topic_choices, required=False)
    unit = blocks.ChoiceBlock(label="发布机构", choices=org_unit_choices, required=False)
    keyword = blocks.CharBlock(
        label="关键词", max_length=50, required=False, help_text="在标题、关键词和摘要中查找。"
    )
    pages = blocks.ListBlock(
        blocks.PageChooserBlock(page_type="huimin_policies.PolicyPage"),
        label="指定文件",
        required=False,
        default=[],
        help_text="指定的文件排在最前，其余按条件自动列出最新发布的文件。",
    )
    count = blocks.IntegerBlock(label="显示条数", min_value=1, max_value=MAX_LIST_COUNT, default=6)

    no_source_message = "请至少设置一种来源：主题分类、发布机构、关键词或指定文件。"

    class Meta:
        label = "政策文件列表"
        icon = "doc-full"
        group = LISTS
        template = "topics/blocks/policy_list.html"
        description = (
            "按主题分类、发布机构、关键词或指定文件列出全市网站群的政策文件。条件同时设置时须同时满足。"
        )

    def has_source(self, value):
        return bool(
            value.get("topic")
            or value.get("unit")
            or (value.get("keyword") or "").strip()
            or value.get("pages")
        )

    def resolve(self, value, context):
        from huimin.policies.models import PolicyPage, PolicyTopic
        from huimin.policies.queries import library_scope
        from huimin.sites.models import OrgUnit

        count = min(max(value.get("count") or 6, 1), MAX_LIST_COUNT)
        picked = _live_in_order(PolicyPage, value.get("pages") or [])[:count]
        automatic = []
        topic, unit, keyword = value.get("topic"), value.get("unit"), (value.get("keyword") or "").strip()
        if topic or unit or keyword:
            queryset = library_scope()
            if topic:
                if not PolicyTopic.objects.filter(pk=_pk(topic)).exists():
                    return None  # the topic was deleted
                queryset = queryset.filter(topic_id=_pk(topic))
            if unit:
                if not OrgUnit.objects.filter(pk=_pk(unit)).exists():
                    return None
                queryset = queryset.filter(issuer_id=_pk(unit))
            if keyword:
                queryset = queryset.filter(
                    Q(title__icontains=keyword)
                    | Q(keywords__icontains=keyword)
                    | Q(summary__icontains=keyword)
                )
            queryset = queryset.exclude(pk__in=[p.pk for p in picked]).select_related("issuer")
            automatic = list(queryset.order_by("-pub_date", "-pk")[: count - len(picked)])
        items = picked + automatic
        return {"items": items} if items else None


class InterpretationListBlock(_ListBlock):
    heading = blocks.CharBlock(label="标题", max_length=60, default="政策解读")
    topic = blocks.ChoiceBlock(label="所解读文件的主题分类", choices=policy_topic_choices, required=False)
    keyword = blocks.CharBlock(
        label="关键词", max_length=50, required=False, help_text="在解读及其所解读文件的标题、摘要中查找。"
    )
    pages = blocks.ListBlock(
        blocks.PageChooserBlock(page_type="huimin_policies.InterpretationPage"),
        label="指定解读",
        required=False,
        default=[],
    )
    count = blocks.IntegerBlock(label="显示条数", min_value=1, max_value=MAX_LIST_COUNT, default=4)

    no_source_message = "请至少设置一种来源：主题分类、关键词或指定解读。"

    class Meta:
        label = "政策解读列表"
        icon = "openquote"
        group = LISTS
        template = "topics/blocks/interpretation_list.html"
        description = "按所解读文件的主题分类、关键词或指定解读列出政策解读。"

    def has_source(self, value):
        return bool(value.get("topic") or (value.get("keyword") or "").strip() or value.get("pages"))

    def resolve(self, value, context):
        from huimin.policies.models import InterpretationPage, PolicyTopic

        count = min(max(value.get("count") or 4, 1), MAX_LIST_COUNT)
        picked = _live_in_order(InterpretationPage, value.get("pages") or [])[:count]
        automatic = []
        topic, keyword = value.get("topic"), (value.get("keyword") or "").strip()
        if topic or keyword:
            queryset = InterpretationPage.objects.live().public()
            if topic:
                if not PolicyTopic.objects.filter(pk=_pk(topic)).exists():
                    return None
                queryset = queryset.filter(policies__topic_id=_pk(topic))
            if keyword:
                queryset = queryset.filter(
                    Q(title__icontains=keyword)
                    | Q(summary__icontains=keyword)
                    | Q(policies__title__icontains=keyword)
                    | Q(policies__keywords__icontains=keyword)
                )
            ids = queryset.exclude(pk__in=[p.pk for p in picked]).values("pk").distinct()
            automatic = list(
                InterpretationPage.objects.filter(pk__in=ids).order_by("-pub_date", "-pk")[
                    : count - len(picked)
                ]
            )
        items = picked + automatic
        return {"items": items} if items else None


class GuideListBlock(_ListBlock):
    heading = blocks.CharBlock(label="标题", max_length=60, default="办事指南")
    theme = blocks.ChoiceBlock(label="办事主题", choices=service_theme_choices, required=False)
    unit = blocks.ChoiceBlock(label="办理部门", choices=org_unit_choices, required=False)
    service_object = blocks.ChoiceBlock(label="服务对象", choices=service_object_choices, required=False)
    pages = blocks.ListBlock(
        blocks.PageChooserBlock(page_type="huimin_guides.ServiceGuidePage"),
        label="指定办事指南",
        required=False,
        default=[],
    )
    count = blocks.IntegerBlock(label="显示条数", min_value=1, max_value=MAX_LIST_COUNT, default=8)

    no_source_message = "请至少设置一种来源：办事主题、办理部门、服务对象或指定办事指南。"

    class Meta:
        label = "办事指南列表"
        icon = "clipboard-list"
        group = LISTS
        template = "topics/blocks/guide_list.html"
        description = "按办事主题、办理部门、服务对象或指定指南列出全市网站群的办事指南。"

    def has_source(self, value):
        return bool(
            value.get("theme") or value.get("unit") or value.get("service_object") or value.get("pages")
        )

    def resolve(self, value, context):
        from huimin.guides.models import ServiceGuidePage, ServiceTheme
        from huimin.guides.queries import guides
        from huimin.policies.models import ServiceObject
        from huimin.sites.models import OrgUnit

        count = min(max(value.get("count") or 8, 1), MAX_LIST_COUNT)
        picked = _live_in_order(ServiceGuidePage, value.get("pages") or [])[:count]
        automatic = []
        theme, unit, service_object = value.get("theme"), value.get("unit"), value.get("service_object")
        if theme or unit or service_object:
            if theme and not ServiceTheme.objects.filter(name=theme).exists():
                return None
            if unit and not OrgUnit.objects.filter(pk=_pk(unit)).exists():
                return None
            if service_object and not ServiceObject.objects.filter(pk=_pk(service_object)).exists():
                return None
            queryset = guides(
                themes=[theme] if theme else (),
                unit=_pk(unit) if unit else None,
                service_object=_pk(service_object) if service_object else None,
            )
            ids = queryset.exclude(pk__in=[p.pk for p in picked]).values("pk")
            automatic = list(
                ServiceGuidePage.objects.filter(pk__in=ids)
                .select_related("unit")
                .order_by("title", "pk")[: count - len(picked)]
            )
        items = picked + automatic
        return {"items": items} if items else None


class NewsListBlock(ResolvingBlock):
    heading = blocks.CharBlock(label="标题", max_length=60, default="工作动态")
    column = blocks.PageChooserBlock(label="栏目", page_type="huimin_sites.ColumnPage")
    count = blocks.IntegerBlock(label="显示条数", min_value=1, max_value=MAX_LIST_COUNT, default=5)

    class Meta:
        label = "动态信息"
        icon = "list-ul"
        group = LISTS
        template = "topics/blocks/news_list.html"
        description = "列出所选栏目最新发布的信息。"

    def resolve(self, value, context):
        from huimin.sites.queries import column_articles

        column = value.get("column")
        if column is None or not column.live:
            return None
        count = min(max(value.get("count") or 5, 1), MAX_LIST_COUNT)
        items = list(column_articles(column.specific)[:count])
        return {"column": column, "items": items} if items else None


# ---- Media ----


class GalleryImageBlock(blocks.StructBlock):
    image = ImageChooserBlock(label="图片")
    alt = blocks.CharBlock(label="替代文字", max_length=200, help_text="必填：说明图片内容，供读屏软件朗读。")
    caption = blocks.CharBlock(label="图片说明", max_length=200, required=False)

    class Meta:
        label = "图片"
        icon = "image"

    def clean(self, value):
        if value.get("image") and not (value.get("alt") or "").strip():
            raise _error(alt="请填写图片的替代文字，说明图片内容。")
        return super().clean(value)


class GalleryBlock(ResolvingBlock):
    heading = blocks.CharBlock(label="标题", max_length=60, required=False)
    images = blocks.ListBlock(GalleryImageBlock(), label="图片", min_num=1)

    class Meta:
        label = "图片集"
        icon = "image"
        group = MEDIA
        template = "topics/blocks/gallery.html"
        description = "一组图片，每张都有替代文字和可选的说明；不轮播、无动画。"

    def resolve(self, value, context):
        items = [item for item in value.get("images") or [] if item.get("image") is not None]
        return {"items": items} if items else None


def _same_site_video_url(url: str) -> bool:
    """A path on this site, or an address on one of the group's own sites."""
    from wagtail.models import Site

    if url.startswith("/"):
        return _is_safe_href(url)
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return False
    return Site.objects.filter(hostname=parts.hostname.lower()).exists()


def _extension(document) -> str:
    return (getattr(document, "file_extension", "") or "").lower()


class VideoBlock(ResolvingBlock):
    heading = blocks.CharBlock(label="视频标题", max_length=100)
    video = DocumentChooserBlock(
        label="视频文件", required=False, help_text="上传到本站文档库的 MP4、WebM 或 Ogg 视频。"
    )
    url = blocks.CharBlock(
        label="本站视频地址",
        max_length=500,
        required=False,
        help_text="不选视频文件时填写，须为本站网站群的地址（如 /media/video.mp4），不能嵌入外部网站的视频。",
    )
    captions = DocumentChooserBlock(
        label="字幕文件（WebVTT）", required=False, help_text=".vtt 格式的中文字幕。"
    )
    transcript = blocks.TextBlock(
        label="文字实录", required=False, help_text="视频的完整文字内容。字幕文件和文字实录至少提供一项。"
    )

    class Meta:
        label = "视频"
        icon = "media"
        group = MEDIA
        template = "topics/blocks/video.html"
        description = "本站视频，须带字幕文件或文字实录。"

    def clean(self, value):
        value = super().clean(value)
        video, url = value.get("video"), (value.get("url") or "").strip()
        if not video and not url:
            raise _error(video="请选择视频文件或填写本站视频地址。")
        if video and url:
            raise _error(url="已选择视频文件时不要再填写视频地址。")
        if video and _extension(video) not in VIDEO_TYPES:
            raise _error(video="视频文件须为 MP4、WebM 或 Ogg 格式。")
        if url and not _same_site_video_url(url):
            raise _error(url="只能使用本站网站群的视频地址（以 / 开头的站内路径），不能嵌入外部网站的视频。")
        captions = value.get("captions")
        if captions and _extension(captions) not in CAPTION_EXTENSIONS:
            raise _error(captions="字幕文件须为 WebVTT（.vtt）格式。")
        if not captions and not (value.get("transcript") or "").strip():
            raise blocks.StructBlockValidationError(
                non_block_errors=[ValidationError("视频须提供字幕文件（.vtt）或文字实录，至少填写一项。")]
            )
        return value

    def resolve(self, value, context):
        video, url = value.get("video"), (value.get("url") or "").strip()
        if video is not None:
            source, mime = video.url, VIDEO_TYPES.get(_extension(video), "")
        elif url and _is_safe_href(url):
            source = url
            mime = VIDEO_TYPES.get(urlsplit(url).path.rsplit(".", 1)[-1].lower(), "")
        else:
            return None  # the video document was deleted
        captions = value.get("captions")
        transcript = (value.get("transcript") or "").strip()
        if captions is None and not transcript:
            return None  # the caption file was deleted and there is no transcript: not accessible
        return {
            "source": source,
            "mime": mime,
            "captions_url": captions.url if captions else "",
            "transcript": transcript,
        }


class ChartRowBlock(blocks.StructBlock):
    label = blocks.CharBlock(label="项目", max_length=100)
    values = blocks.CharBlock(
        label="数值",
        max_length=500,
        help_text="只填数字；有多个系列时按系列顺序填写，用逗号分隔，如 12, 15.5。不要带单位或千位分隔符。",
    )

    class Meta:
        label = "数据行"
        icon = "table"

    def clean(self, value):
        value = super().clean(value)
        try:
            parse_values(value.get("values") or "")
        except charts.ChartError as error:
            raise _error(values=str(error)) from error
        return value


def parse_values(text: str) -> list:
    parts = [part for part in VALUE_SEPARATORS.split(text.strip()) if part]
    if not parts:
        raise charts.ChartError("请填写数值。")
    return [charts.parse_number(part) for part in parts]


def split_names(text: str) -> list[str]:
    return [name.strip() for name in re.split(r"[,，;；、]+", text or "") if name.strip()]


def chart_data(value) -> tuple[list[str], list[tuple[str, list]]]:
    """(labels, series) of a chart block value; raises ChartError with a message naming the bad row."""
    names = split_names(value.get("series_names") or "")
    width = max(len(names), 1)
    labels, columns = [], [[] for _ in range(width)]
    for number, row in enumerate(value.get("rows") or [], start=1):
        try:
            values = parse_values(row.get("values") or "")
        except charts.ChartError as error:
            raise charts.ChartError(f"第{number}行：{error}") from error
        if len(values) != width:
            expected = f"系列名称有 {width} 个" if names else "没有填写系列名称，应只有 1 个数值"
            raise charts.ChartError(
                f"第{number}行“{row.get('label')}”有 {len(values)} 个数值，但{expected}。"
            )
        labels.append(row.get("label") or "")
        for column, number_value in zip(columns, values, strict=True):
            column.append(number_value)
    return labels, list(zip(names or [""], columns, strict=True))


class ChartBlock(ResolvingBlock):
    title = blocks.CharBlock(label="图表标题", max_length=100)
    kind = blocks.ChoiceBlock(label="图表类型", choices=list(charts.KINDS.items()), default="bar")
    unit = blocks.CharBlock(label="单位", max_length=20, required=False, help_text="如 件、万元、%。")
    series_names = blocks.CharBlock(
        label="系列名称",
        max_length=200,
        required=False,
        help_text="只有一组数据时留空；有多组时填写各组名称，用逗号分隔，如 受理, 办结（饼图只能有一组）。",
    )
    rows = blocks.ListBlock(ChartRowBlock(), label="数据", min_num=1, max_num=charts.MAX_ROWS)
    summary = blocks.TextBlock(
        label="图表说明",
        required=False,
        help_text="可选：说明数据来源或要点。系统会自动生成最高、最低值的文字摘要。",
    )

    class Meta:
        label = "图表"
        icon = "table"
        group = MEDIA
        template = "topics/blocks/chart.html"
        description = "柱状图、折线图或饼图，同时提供文字摘要和数据表。"

    def clean(self, value):
        value = super().clean(value)
        try:
            labels, series = chart_data(value)
            charts.validate(value.get("kind"), labels, series)
        except charts.ChartError as error:
            raise blocks.StructBlockValidationError(non_block_errors=[ValidationError(str(error))]) from error
        return value

    def resolve(self, value, context):
        try:
            labels, series = chart_data(value)
            chart = charts.render_chart(
                value.get("kind"),
                value.get("title") or "",
                labels,
                series,
                value.get("unit") or "",
                summary=value.get("summary") or "",
            )
        except charts.ChartError:
            return None
        return {"chart": chart}


# ---- The streams ----


class ContentStreamBlock(blocks.StreamBlock):
    """Every component that can stand on its own (also inside a layout column)."""

    banner = BannerBlock()
    rich_text = blocks.RichTextBlock(
        label="图文",
        features=RICH_TEXT_FEATURES,
        icon="pilcrow",
        group=BASIC,
        template="topics/blocks/rich_text.html",
        description="文字和图片。小标题从“标题 2”开始。",
    )
    policy_list = PolicyListBlock()
    interpretation_list = InterpretationListBlock()
    guide_list = GuideListBlock()
    news_list = NewsListBlock()
    faq_list = FaqListBlock()
    links_grid = LinksGridBlock()
    contact_card = ContactCardBlock()
    gallery = GalleryBlock()
    video = VideoBlock()
    chart = ChartBlock()
    data_chart = DataChartBlock(group=MEDIA)


class _ColumnsBlock(ResolvingBlock):
    def resolve(self, value, context):
        columns = [value.get(name) for name in self.child_blocks]
        if not any(column and len(column) for column in columns):
            return None
        return {"columns": columns, "column_count": len(columns)}


class TwoColumnsBlock(_ColumnsBlock):
    left = ContentStreamBlock(label="左栏", required=False)
    right = ContentStreamBlock(label="右栏", required=False)

    class Meta:
        label = "两栏"
        icon = "grip"
        group = LAYOUT
        template = "topics/blocks/columns.html"
        description = "并排两栏，每栏放其他组件；窄屏和长者模式下上下排列。"


class ThreeColumnsBlock(_ColumnsBlock):
    left = ContentStreamBlock(label="左栏", required=False)
    middle = ContentStreamBlock(label="中栏", required=False)
    right = ContentStreamBlock(label="右栏", required=False)

    class Meta:
        label = "三栏"
        icon = "grip"
        group = LAYOUT
        template = "topics/blocks/columns.html"
        description = "并排三栏，每栏放其他组件；窄屏和长者模式下上下排列。"


class TopicStreamBlock(ContentStreamBlock):
    """What a topic page body holds: the components plus layout rows of two or three columns."""

    two_columns = TwoColumnsBlock()
    three_columns = ThreeColumnsBlock()
