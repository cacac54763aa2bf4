"""StreamField blocks of the site group: the main navigation a site's administrators edit, and the blocks
they arrange on the home page."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils import timezone
from wagtail import blocks
from wagtail.images.blocks import ImageChooserBlock


def safe_nav_url(url: str) -> bool:
    """Whether an address may be a navigation link: a site path or an https:// URL, nothing else (not
    `//host` or `/\\host`, which browsers take to another site)."""
    from .queries import safe_nav_url as check

    return check(url)


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
        elif url and not safe_nav_url(url):
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


# --- Home page blocks -------------------------------------------------------------------------------------
# The blocks a site administrator arranges on the home page (`HomePage.body`). Each block works out what it
# shows in `get_context` from the site it is placed on, so a block never links to a page that is missing,
# unpublished or on another site. The other apps' page types are reached through the app registry, not
# imported: `sites` is a floor the other apps stand on.

MAX_HOME_LABEL = 20
SERVICE_ICONS = [
    ("message", "留言"),
    ("guide", "办事指南"),
    ("policy", "文件"),
    ("question", "问答"),
    ("data", "数据"),
    ("interview", "访谈"),
    ("survey", "征集调查"),
    ("search", "搜索"),
    ("clock", "时限"),
    ("chart", "统计"),
    ("building", "机构"),
    ("link", "链接"),
]
DEFAULT_TILES = [
    {"label": "我要留言", "url": "/hudong/liuyan/", "icon": "message"},
    {"label": "办事指南", "url": "/bszn/", "icon": "guide"},
    {"label": "政策文件库", "url": "/zcwjk/", "icon": "policy"},
    {"label": "智能问答", "url": "/qa/", "icon": "question"},
    {"label": "数据开放", "url": "/sjkf/", "icon": "data"},
    {"label": "在线访谈", "url": "/zxft/", "icon": "interview"},
    {"label": "征集调查", "url": "/zjdc/", "icon": "survey"},
]


def _model(label: str):
    from django.apps import apps

    return apps.get_model(label)


def _chrome():
    from . import chrome

    return chrome.current()


def _site_of(parent_context) -> tuple:
    """The page a block is placed on and that page's Wagtail site (both None outside a page)."""
    page = (parent_context or {}).get("page")
    if page is None:
        return None, None
    found = _chrome().for_page(page)
    return page, found.site if found is not None else page.get_site()


def _home_of(page):
    from wagtail.models import Page

    if page is None:
        return None
    found = _chrome().for_page(page)
    if found is not None and found.root.path == page.path[: Page.steplen * 2]:
        return found.root
    return Page.objects.filter(path=page.path[: Page.steplen * 2]).first()


def _kept(key, build):
    """`build()`, kept with the chrome (`chrome.py`) under `key`: what a block reads of the pages (which pages
    a list shows, in which order, with their titles, dates and pictures) changes only when a page is
    published, unpublished, moved, deleted or saved live, or a picture is saved, and each of those renews the
    chrome's token."""
    return _chrome().memo(key, build)


def _request_site_pk(request) -> int | None:
    from wagtail.models import Site

    site = Site.find_for_request(request) if request is not None else None
    return site.pk if site is not None else None


def listed_items(pages, request) -> list[dict]:
    """What a list on the home page shows of each page: its title, address and date, worked out once per
    item here rather than by tags inside the template's loop (the same text `{% pageurl %}` and the `date`
    filter give: Beijing time, ISO 8601 for the machine and YYYY-MM-DD for people)."""
    items = []
    for page in pages:
        moment = getattr(page, "pub_date", None)
        local = timezone.localtime(moment) if moment else None
        items.append(
            {
                "page": page,
                "title": page.title,
                "url": page.get_url(request=request),
                "datetime": local.isoformat() if local else "",
                "date": f"{local.year:04d}-{local.month:02d}-{local.day:02d}" if local else "",
            }
        )
    return items


def _is_site_path(url: str) -> bool:
    return url.startswith("/") and not url.startswith("//")


def _check_link(value, errors: dict, *, required: bool) -> None:
    url = (value.get("url") or "").strip()
    if not value.get("page") and not url:
        if required:
            errors["page"] = ValidationError("请选择页面或填写链接地址。")
    elif url and not safe_nav_url(url):
        errors["url"] = ValidationError("链接地址须为以 / 开头的站内地址，或以 https:// 开头的网址。")


class LinkedStructBlock(blocks.StructBlock):
    """A block that leads somewhere: a page, or a site path or https:// address (`_check_link`)."""

    def clean(self, value):
        value = super().clean(value)
        errors: dict = {}
        _check_link(value, errors, required=True)
        if errors:
            raise blocks.StructBlockValidationError(block_errors=errors)
        return value


def resolve_site_path(site, path: str) -> str | None:
    """The address of a path on a site when it leads somewhere a citizen can go, else None.

    A path served by a view of its own (the letter form, Q&A, search) counts when it resolves; a path of the
    page tree counts when a live, public page answers it. A column with nothing published in it does not
    count either: a tile or slide never leads to an empty list.
    """
    if not _is_site_path(path):
        return None
    if site is not None:  # the same answer until the site's pages change
        return _chrome().memo(("site path", site.pk, path), lambda: _resolve_site_path(site, path))
    return _resolve_site_path(site, path)


def _resolve_site_path(site, path: str) -> str | None:
    from types import SimpleNamespace

    from django.http import Http404
    from django.urls import Resolver404, resolve

    try:
        match = resolve(path.split("?")[0])
    except Resolver404:
        return None
    if match.url_name != "wagtail_serve":
        return path
    if site is None:
        return None
    components = [part for part in path.split("?")[0].split("/") if part]
    try:
        # A stand-in request: routable pages note their sub-route on it, nothing else reads it.
        routed = site.root_page.specific.route(SimpleNamespace(), components)
    except Http404:
        return None
    target = getattr(routed, "page", routed)
    return path if _is_open(target) else None


def _is_open(page) -> bool:
    """Live, public and not an empty column (the same answer until the pages change: kept)."""
    if page is None or not page.live:
        return False
    chrome = _chrome()
    return chrome.memo(("open", page.pk), lambda: _open_now(page, chrome))


def _open_now(page, chrome) -> bool:
    from wagtail.models import Page

    if not chrome.is_public(page):
        return False
    if page.specific_class.__name__ == "ColumnPage":
        return chrome.public(Page.objects.child_of(page).live()).exists()
    return True


def link_target(value, site) -> str | None:
    """The address a link value (page or address) leads to on this site, or None when it leads nowhere."""
    page = value.get("page")
    if page is not None:
        if not _is_open(page):
            return None
        url = page.get_url()
        return url or None
    url = (value.get("url") or "").strip()
    if url.startswith("https://"):
        return url
    return resolve_site_path(site, url) if url else None


class CarouselSlideBlock(LinkedStructBlock):
    """One hand-picked slide: a photograph, a title and where it leads."""

    image = ImageChooserBlock(label="图片", help_text="替代文字取图片的“描述”，未填写描述时用标题。")
    title = blocks.CharBlock(label="标题", max_length=60)
    page = blocks.PageChooserBlock(label="链接页面", required=False)
    url = blocks.CharBlock(label="链接地址", required=False, max_length=300, help_text="已选页面时不填。")

    class Meta:
        label = "幻灯片"
        icon = "image"


class CarouselBlock(blocks.StructBlock):
    """要闻轮播: the newest articles of a column that have a 题图, or hand-picked slides, or both (the
    hand-picked ones first)."""

    heading = blocks.CharBlock(label="标题", max_length=MAX_HOME_LABEL, default="要闻")
    column = blocks.PageChooserBlock(
        label="来源栏目",
        page_type="huimin_sites.ColumnPage",
        required=False,
        help_text="自动取该栏目最新的带题图文章。",
    )
    count = blocks.IntegerBlock(label="条数", min_value=3, max_value=6, default=5)
    slides = blocks.ListBlock(CarouselSlideBlock(), label="手选幻灯片", default=[], min_num=0)

    class Meta:
        label = "要闻轮播"
        icon = "image"
        template = "sites/blocks/carousel.html"

    def clean(self, value):
        value = super().clean(value)
        if not value.get("column") and not value.get("slides"):
            raise blocks.StructBlockValidationError(
                block_errors={"column": ValidationError("请选择来源栏目，或添加手选幻灯片。")}
            )
        return value

    def slides_for(self, value, site) -> list[dict]:
        count = value.get("count") or 5
        slides = []
        for slide in value.get("slides") or []:
            url = link_target(slide, site)
            image = slide.get("image")
            if url and image is not None:
                alt = (image.description or "").strip() or slide["title"]
                slides.append({"title": slide["title"], "url": url, "image": image, "alt": alt, "date": None})
        column = value.get("column")
        if column is not None and column.live and len(slides) < count:
            from .queries import column_articles, listed

            wanted = count - len(slides)
            articles = _kept(
                ("covered articles", column.pk, wanted),
                lambda: list(
                    listed(
                        column_articles(column)
                        .filter(cover_image__isnull=False)
                        .select_related("cover_image"),
                        "cover_image",
                    )[:wanted]
                ),
            )
            for article in articles:
                alt = (article.cover_image.description or "").strip() or article.title
                slides.append(
                    {
                        "title": article.title,
                        "url": article.get_url(),
                        "image": article.cover_image,
                        "alt": alt,
                        "date": article.pub_date,
                    }
                )
        return slides[:count]

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context=parent_context)
        _, site = _site_of(parent_context)
        context["slides"] = self.slides_for(value, site)
        context["block_id"] = f"carousel-{id(value)}"
        return context


class ServiceTileBlock(LinkedStructBlock):
    """A quick service tile: a label, an icon of the fixed set and where it leads."""

    label = blocks.CharBlock(label="名称", max_length=12)
    icon = blocks.ChoiceBlock(label="图标", choices=SERVICE_ICONS, default="link")
    page = blocks.PageChooserBlock(label="链接页面", required=False)
    url = blocks.CharBlock(
        label="链接地址", required=False, max_length=300, help_text="站内地址如 /qa/；已选页面时不填。"
    )

    class Meta:
        label = "服务"
        icon = "link"


class ServiceTilesBlock(blocks.StructBlock):
    """便民服务: tiles to the services people use most. A tile whose target is missing is not shown."""

    heading = blocks.CharBlock(label="标题", max_length=MAX_HOME_LABEL, default="便民服务")
    tiles = blocks.ListBlock(ServiceTileBlock(), label="服务", default=DEFAULT_TILES, min_num=1, max_num=12)

    class Meta:
        label = "便民服务"
        icon = "grip"
        template = "sites/blocks/service_tiles.html"

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context=parent_context)
        _, site = _site_of(parent_context)
        tiles = []
        for tile in value.get("tiles") or []:
            url = link_target(tile, site)
            if url:
                tiles.append({"label": tile["label"], "icon": tile["icon"], "url": url})
        context["tiles"] = tiles
        context["block_id"] = f"services-{id(value)}"
        return context


class InfoListBlock(blocks.StructBlock):
    """信息列表: the newest articles of one column, or of several columns in one tabbed box."""

    heading = blocks.CharBlock(
        label="标题", max_length=MAX_HOME_LABEL, required=False, help_text="留空则用栏目名称。"
    )
    columns = blocks.ListBlock(
        blocks.PageChooserBlock(page_type="huimin_sites.ColumnPage", label="栏目"),
        label="栏目",
        min_num=1,
        max_num=5,
        help_text="选择多个栏目时以选项卡显示。",
    )
    count = blocks.IntegerBlock(label="每栏条数", min_value=3, max_value=15, default=8)

    class Meta:
        label = "信息列表"
        icon = "list-ul"
        template = "sites/blocks/info_list.html"

    def get_context(self, value, parent_context=None):
        from .queries import newest_articles

        context = super().get_context(value, parent_context=parent_context)
        count = value.get("count") or 8
        columns = [column for column in value.get("columns") or [] if column is not None and _is_open(column)]
        request = (parent_context or {}).get("request")
        key = ("newest articles", tuple(column.pk for column in columns), count, _request_site_pk(request))

        def items():
            newest = newest_articles(columns, count)  # one query for every tab
            return {pk: listed_items(articles, request) for pk, articles in newest.items()}

        kept = _kept(key, items)
        panels = [
            {"title": column.title, "page": column, "items": kept[column.pk], "key": column.pk}
            for column in columns
        ]
        context["panels"] = panels
        context["title"] = value.get("heading") or (panels[0]["title"] if len(panels) == 1 else "信息公开")
        context["block_id"] = f"list-{id(value)}"
        return context


def _section(home, label: str):
    """The first live, public page of a type directly below a home page (kept with the site's chrome)."""
    if home is None:
        return None
    model = _model(label)
    found = _chrome().for_page(home)
    if found is not None and found.is_root(home):
        return found.section(model)
    return model.objects.child_of(home).live().public().first()


def site_policy_library(home):
    """The policy library of a site: the first live one directly below its home page."""
    return _section(home, "huimin_policies.PolicyLibraryPage")


class PolicyListBlock(blocks.StructBlock):
    """政策与解读: the newest policies and interpretations of the site's policy library (the city portal's
    library gathers the whole group's)."""

    heading = blocks.CharBlock(label="标题", max_length=MAX_HOME_LABEL, default="政策与解读")
    count = blocks.IntegerBlock(label="条数", min_value=3, max_value=10, default=6)

    class Meta:
        label = "政策与解读"
        icon = "doc-full"
        template = "sites/blocks/policy_list.html"

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context=parent_context)
        page, _ = _site_of(parent_context)
        library = site_policy_library(_home_of(page))
        count = value.get("count") or 6
        panels = []
        if library is not None:
            request = (parent_context or {}).get("request")
            policies, interpretations = _kept(
                ("policies", library.pk, count, _request_site_pk(request)),
                lambda: self.newest(library, count, request),
            )
            panels = [
                {"title": "政策文件", "page": library, "items": policies, "key": "policies"},
                {"title": "政策解读", "page": None, "items": interpretations, "key": "interpretations"},
            ]
            panels = [panel for panel in panels if panel["items"]]
        context["library"] = library
        context["panels"] = panels
        context["title"] = value.get("heading") or "政策与解读"
        context["block_id"] = f"policies-{id(value)}"
        return context

    @staticmethod
    def newest(library, count: int, request) -> tuple[list[dict], list[dict]]:
        """The newest policies of the library and the newest interpretations (of the library, or of the
        whole group for a library that gathers it), as list items."""
        from .queries import listed

        policies = list(listed(library.latest_items(count)))
        interpretations = _chrome().public(_model("huimin_policies.InterpretationPage").objects.live())
        if not library.aggregate_group:
            interpretations = interpretations.descendant_of(library)
        interpretations = list(listed(interpretations.order_by("-pub_date", "-pk"))[:count])
        return listed_items(policies, request), listed_items(interpretations, request)


def site_topic_index(home):
    return _section(home, "huimin_topics.TopicIndexPage")


class TopicsBlock(blocks.StructBlock):
    """专题专栏: the newest topic pages of the site's /ztzl/, with their cover pictures."""

    heading = blocks.CharBlock(label="标题", max_length=MAX_HOME_LABEL, default="专题专栏")
    count = blocks.IntegerBlock(label="条数", min_value=2, max_value=8, default=4)

    class Meta:
        label = "专题专栏"
        icon = "folder-open-inverse"
        template = "sites/blocks/topics.html"

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context=parent_context)
        page, _ = _site_of(parent_context)
        index = site_topic_index(_home_of(page))
        topics = []
        if index is not None:
            from .queries import listed

            count = value.get("count") or 4
            topics = _kept(
                ("topics", index.pk, count),
                lambda: list(
                    listed(
                        index.latest_items(count).select_related("cover_image"),
                        "cover_image",
                        "cover_alt",
                        "palette",
                    )
                ),
            )
        context["index"] = index
        context["topics"] = topics
        context["block_id"] = f"topics-{id(value)}"
        return context


# 站群导航: which kinds of organisation unit are listed under which heading.
SITE_GROUP_HEADINGS = [
    ("市政府", ("city_office",)),
    ("县区", ("county", "function_area")),
    ("部门", ("dept_tier1", "dept_tier2", "other")),
]


class SiteGroupBlock(blocks.StructBlock):
    """站群导航: links to the group's other sites, grouped 县区 / 部门."""

    heading = blocks.CharBlock(label="标题", max_length=MAX_HOME_LABEL, default="站群导航")

    class Meta:
        label = "站群导航"
        icon = "site"
        template = "sites/blocks/site_group.html"

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context=parent_context)
        _, here = _site_of(parent_context)
        chrome = _chrome()
        here_pk = here.pk if here is not None else None
        context["groups"] = chrome.memo(
            ("site group", here_pk), lambda: self.groups(chrome.identities, here_pk)
        )
        context["block_id"] = f"sites-{id(value)}"
        return context

    @staticmethod
    def groups(identities, here_pk) -> list[dict]:
        groups = []
        for heading, kinds in SITE_GROUP_HEADINGS:
            links = [
                {"name": identity.site_name, "url": identity.site.root_url + "/"}
                for identity in identities
                if identity.org_unit and identity.org_unit.kind in kinds and identity.site_id != here_pk
            ]
            if links:
                groups.append({"heading": heading, "links": links})
        return groups


class BannerBlock(blocks.StructBlock):
    """横幅: the site's banner picture (网站标识 › 页头横幅) with the site's name over it."""

    heading = blocks.CharBlock(label="标题", max_length=40, required=False, help_text="留空则用网站名称。")
    subtitle = blocks.CharBlock(label="副标题", max_length=60, required=False)

    class Meta:
        label = "横幅"
        icon = "image"
        template = "sites/blocks/banner.html"


class ColumnGridBlock(blocks.StaticBlock):
    """栏目信息: every column in the site's menu with its newest articles (the home page of old)."""

    class Meta:
        label = "栏目信息"
        icon = "table"
        admin_text = "按栏目列出本站各栏目的最新信息。"
        template = "sites/blocks/column_grid.html"

    def get_context(self, value, parent_context=None):
        from .queries import home_column_blocks

        context = super().get_context(value, parent_context=parent_context)
        page, _ = _site_of(parent_context)
        home = _home_of(page)
        request = (parent_context or {}).get("request")

        def column_blocks():
            blocks = home_column_blocks(home.specific) if home else []
            return [(column, listed_items(items, request)) for column, items in blocks]

        context["column_blocks"] = _kept(
            ("column grid", home.pk if home else None, _request_site_pk(request)), column_blocks
        )
        return context


class HomeStreamBlock(blocks.StreamBlock):
    banner = BannerBlock()
    carousel = CarouselBlock()
    services = ServiceTilesBlock()
    news = InfoListBlock()
    policies = PolicyListBlock()
    topics = TopicsBlock()
    site_group = SiteGroupBlock()
    columns = ColumnGridBlock()

    class Meta:
        label = "首页内容"
