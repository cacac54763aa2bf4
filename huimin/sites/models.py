"""The site group: organisation units, people's roles, site identity, column types and the site pages."""

from __future__ import annotations

from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import models
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import StreamField
from wagtail.models import Collection, Page, Site
from wagtail.search import index

from huimin.safety.publish import SafetyPageForm

from .blocks import HomeStreamBlock, NavGroupBlock
from .enums import OrgUnitKind, Role
from .validators import (
    DEFAULT_ACCENT_COLOUR,
    validate_accent_colour,
    validate_domain,
    validate_icp_number,
    validate_phone,
    validate_police_record_number,
    validate_site_code,
)

NATIONAL_ERROR_REPORT_URL = "https://zfwzgl.www.gov.cn/exposure/jiucuo.html"
LEGACY_ERROR_REPORT_URL = "https://pucha.kaipuyun.cn/exposure/jiucuo.html"
ICP_RECORD_URL = "https://beian.miit.gov.cn/"
POLICE_RECORD_URL = "https://beian.mps.gov.cn/#/query/webSearch?code={code}"
ARTICLES_PER_PAGE = 20
# The section pages of the other apps, each placed below a home page or a column.
SECTION_PAGE_TYPES = [
    "huimin_policies.PolicyLibraryPage",
    "huimin_guides.GuideIndexPage",
    "huimin_guides.HandlingStatisticsPage",
    "huimin_topics.TopicIndexPage",
    "huimin_interviews.InterviewIndexPage",
    "huimin_opendata.DataCatalogPage",
]


class OrgUnit(models.Model):
    """An organisation unit (组织机构): the city office, a county or district, a department."""

    name = models.CharField("单位名称", max_length=100, unique=True)
    short_name = models.CharField("简称", max_length=50, blank=True)
    kind = models.CharField("单位类型", max_length=20, choices=OrgUnitKind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name="上级单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    sort_order = models.PositiveIntegerField("排序", default=0)
    key_livelihood = models.BooleanField(
        "重点民生部门", default=False, help_text="重点民生部门每年至少开展一次在线访谈"
    )

    panels = [
        FieldPanel("name"),
        FieldPanel("short_name"),
        FieldPanel("kind"),
        FieldPanel("parent"),
        FieldPanel("sort_order"),
        FieldPanel("key_livelihood"),
    ]

    class Meta:
        verbose_name = "组织机构"
        verbose_name_plural = "组织机构"
        ordering = ["sort_order", "name"]

    def __str__(self):
        return self.name

    def clean(self):
        ancestor, seen = self.parent, set()
        while ancestor is not None:
            if ancestor.pk == self.pk or ancestor.pk in seen:
                raise ValidationError({"parent": "上级单位不能是本单位或其下级单位。"})
            seen.add(ancestor.pk)
            ancestor = ancestor.parent


class Membership(models.Model):
    """A person's role in an organisation unit, on one site (or group-wide for platform administrators)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="账号", on_delete=models.CASCADE, related_name="memberships"
    )
    org_unit = models.ForeignKey(
        OrgUnit, verbose_name="所属单位", on_delete=models.PROTECT, related_name="memberships"
    )
    site = models.ForeignKey(
        Site, verbose_name="站点", null=True, blank=True, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField("角色", max_length=20, choices=Role.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "人员角色"
        verbose_name_plural = "人员角色"
        constraints = [
            models.UniqueConstraint(fields=["user", "site", "role"], name="membership_unique_role_per_site"),
            models.UniqueConstraint(
                fields=["user", "role"],
                condition=models.Q(site__isnull=True),
                name="membership_unique_group_wide_role",
            ),
        ]

    def __str__(self):
        return f"{self.user} · {self.get_role_display()} · {self.org_unit}"


class SiteRoleGroup(models.Model):
    """The Wagtail group that carries one role's permissions on one site, or (site empty) on the whole group:
    the security administrator's and the security auditor's groups (docs/decisions/0013)."""

    site = models.ForeignKey(
        Site, null=True, blank=True, on_delete=models.CASCADE, related_name="role_groups"
    )
    role = models.CharField(max_length=20, choices=Role.choices)
    group = models.OneToOneField("auth.Group", on_delete=models.CASCADE, related_name="site_role")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["site", "role"], name="site_role_group_unique"),
            models.UniqueConstraint(
                fields=["role"],
                condition=models.Q(site__isnull=True),
                name="site_role_group_unique_group_wide",
            ),
        ]

    def __str__(self):
        return self.group.name


class ColumnType(models.Model):
    """A ColumnType of the national vocabulary (open list) with its default update cycle."""

    name = models.CharField("栏目类型", max_length=30, unique=True)
    update_cycle_days = models.PositiveIntegerField("默认更新周期（天）")
    is_national = models.BooleanField("国家规范类型", default=False)

    panels = [FieldPanel("name"), FieldPanel("update_cycle_days"), FieldPanel("is_national")]

    class Meta:
        verbose_name = "栏目类型"
        verbose_name_plural = "栏目类型"
        ordering = ["pk"]

    def __str__(self):
        return self.name


@register_setting(icon="site")
class SiteIdentity(BaseSiteSetting):
    """The national identity of one site: its name, 网站标识码, records and the footer items."""

    site_name = models.CharField("网站名称", max_length=100)
    site_code = models.CharField(
        "网站标识码",
        max_length=10,
        validators=[validate_site_code],
        help_text="由全国政府网站信息报送系统分配，10位，如 3213000001 或 bm01000001。",
    )
    domain = models.CharField(
        "网站域名",
        max_length=253,
        validators=[validate_domain],
        help_text="正式域名，不含协议，如 www.suqian.gov.cn。",
    )
    org_unit = models.ForeignKey(
        OrgUnit, verbose_name="主管单位", null=True, on_delete=models.PROTECT, related_name="sites"
    )
    sponsor = models.CharField("主办单位", max_length=100)
    organizer = models.CharField("承办单位", max_length=100, blank=True)
    phone = models.CharField("联系电话", max_length=40, validators=[validate_phone])
    address = models.CharField("联系地址", max_length=200)
    email = models.EmailField("电子邮箱")
    icp_number = models.CharField("ICP备案编号", max_length=30, validators=[validate_icp_number])
    police_record_number = models.CharField(
        "公安机关备案号", max_length=30, validators=[validate_police_record_number]
    )
    conac_url = models.URLField(
        "党政机关网站标识链接",
        help_text="中央编办事业单位登记管理局颁发的党政机关网站标识（“红色标识”）链接。",
    )
    error_report_base = models.URLField(
        "“我为政府网站找错”地址",
        default=NATIONAL_ERROR_REPORT_URL,
        choices=[
            (NATIONAL_ERROR_REPORT_URL, "全国政府网站找错平台"),
            (LEGACY_ERROR_REPORT_URL, "开普云普查平台（旧）"),
        ],
    )
    collection = models.ForeignKey(
        Collection, null=True, editable=False, on_delete=models.SET_NULL, related_name="+"
    )
    notice = models.CharField(
        "全站提示",
        max_length=200,
        blank=True,
        help_text="显示在每个页面顶部和页脚的一句提示，如“本站为演示网站”；留空则不显示。",
    )
    emblem = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name="网站标志",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="显示在页头网站名称左侧，宜用正方形图片（如国徽或单位标志）；留空则用默认标志。",
    )
    banner = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name="页头横幅",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="首页页头的背景图片，宽幅横图为宜；留空则只用主题色。",
    )
    accent_colour = models.CharField(
        "主题色",
        max_length=7,
        default=DEFAULT_ACCENT_COLOUR,
        validators=[validate_accent_colour],
        help_text="页头与导航的底色，格式 #rrggbb；须与白色文字对比度不低于 4.5:1。",
    )

    panels = [
        MultiFieldPanel(
            [FieldPanel("site_name"), FieldPanel("site_code"), FieldPanel("domain"), FieldPanel("org_unit")],
            heading="网站",
        ),
        MultiFieldPanel(
            [
                FieldPanel("sponsor"),
                FieldPanel("organizer"),
                FieldPanel("phone"),
                FieldPanel("address"),
                FieldPanel("email"),
            ],
            heading="主办与联系",
        ),
        MultiFieldPanel(
            [
                FieldPanel("icp_number"),
                FieldPanel("police_record_number"),
                FieldPanel("conac_url"),
                FieldPanel("error_report_base"),
            ],
            heading="备案与标识",
        ),
        MultiFieldPanel(
            [FieldPanel("emblem"), FieldPanel("banner"), FieldPanel("accent_colour"), FieldPanel("notice")],
            heading="外观",
        ),
    ]

    # The footer items of STANDARDS.md §2, in display order, with the fields that carry them.
    FOOTER_ITEMS = {
        "党政机关网站标识": "conac_url",
        "网站标识码": "site_code",
        "ICP备案编号": "icp_number",
        "公安机关备案标识": "police_record_number",
        "主办单位": "sponsor",
        "联系方式": "phone",
    }

    class Meta:
        verbose_name = "网站标识"
        verbose_name_plural = "网站标识"

    def __str__(self):
        return self.site_name or str(self.site)

    def clean(self):
        super().clean()
        host = (urlsplit(self.conac_url or "").hostname or "").lower()
        if self.conac_url and not (host == "conac.cn" or host.endswith(".conac.cn")):
            raise ValidationError({"conac_url": "党政机关网站标识链接应指向 conac.cn 的标识页面。"})

    def missing_items(self) -> list[str]:
        items = {
            "网站名称": self.site_name,
            "网站域名": self.domain,
            **{label: getattr(self, field) for label, field in self.FOOTER_ITEMS.items()},
        }
        return [label for label, value in items.items() if not value]

    @property
    def police_record_code(self) -> str:
        return "".join(ch for ch in self.police_record_number if ch.isdigit())

    @property
    def police_record_url(self) -> str:
        return POLICE_RECORD_URL.format(code=self.police_record_code)

    @property
    def icp_record_url(self) -> str:
        return ICP_RECORD_URL

    def error_report_url(self, page_url: str) -> str:
        """The "我为政府网站找错" link for one page of this site."""
        return f"{self.error_report_base}?{urlencode({'site_code': self.site_code, 'url': page_url})}"


@register_setting(icon="list-ul")
class SiteNavigation(BaseSiteSetting):
    """The main navigation of one site, as its administrators arrange it. Left empty, the navigation is
    built from the site's columns (`queries.main_navigation`)."""

    groups = StreamField(
        [("group", NavGroupBlock())],
        verbose_name="导航分组",
        blank=True,
        help_text="留空则按栏目自动生成：政务公开、政务服务、政民互动、数据开放、专题专栏。",
    )

    panels = [FieldPanel("groups")]

    class Meta:
        verbose_name = "主导航"
        verbose_name_plural = "主导航"

    def __str__(self):
        return f"{self.site} 主导航"


class ChromeToken(models.Model):
    """One row: a random token replaced whenever what every public page shows around its content changes
    (a page published, moved or removed, a site, its identity or navigation; see `chrome.py`)."""

    token = models.CharField(max_length=32)
    changed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "页面框架版本"

    def __str__(self):
        return self.token


class NationalTagsMixin:
    """Pages declare their national tags (STANDARDS.md §1) through these two hooks.

    `column_tags` for column and list pages, `content_tags` for content pages; each returns ordered
    (name, value) pairs. The site tags are added for every page by the `national_tags` template tag.

    Every public page type has it, so it also answers Wagtail's question before serving a page, which view
    restrictions apply (`get_view_restrictions`), from the restrictions this process keeps (`chrome.py`):
    none at all on a group that restricts nothing, without the two queries Wagtail's own answer costs.
    """

    def column_tags(self, identity: SiteIdentity | None) -> list[tuple[str, str]]:
        return []

    def content_tags(self, request, identity: SiteIdentity | None) -> list[tuple[str, str]]:
        return []

    def get_view_restrictions(self):
        from . import chrome

        restrictions = chrome.current().view_restrictions(self)
        return super().get_view_restrictions() if restrictions is None else restrictions


class SectionPage(NationalTagsMixin, Page):
    """A section of a site kept by another app (policy library, guides, statistics, topics, interviews):
    a described list page below a home page or a column, tagged with its `column_type`."""

    description = models.TextField("栏目描述", max_length=500)
    keywords = models.CharField("栏目关键词", max_length=200, help_text="多个词用逗号分隔。")

    column_type = ""  # the value of the ColumnType tag
    content_panels = [*Page.content_panels, FieldPanel("description"), FieldPanel("keywords")]
    search_fields = [*Page.search_fields, index.SearchField("description")]
    parent_page_types = ["huimin_sites.HomePage", "huimin_sites.ColumnPage"]
    base_form_class = SafetyPageForm

    class Meta:
        abstract = True

    def column_tags(self, identity):
        return [
            ("ColumnName", self.title),
            ("ColumnDescription", self.description),
            ("ColumnKeywords", self.keywords),
            ("ColumnType", self.column_type),
        ]


class HomePage(NationalTagsMixin, Page):
    """The home page of one site of the group: blocks its site administrator arranges (`body`); left empty,
    a default arrangement built from the site's own columns and sections (`default_body`)."""

    intro = models.TextField("网站简介", blank=True)
    keywords = models.CharField(
        "关键词", max_length=200, help_text="用于 ColumnKeywords 标签，多个词用逗号分隔。"
    )
    body = StreamField(
        HomeStreamBlock(),
        verbose_name="首页内容",
        blank=True,
        help_text="由上到下排列首页的区块；留空则按本站栏目自动排列。",
    )

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("keywords"), FieldPanel("body")]
    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["huimin_sites.ColumnPage", *SECTION_PAGE_TYPES]
    template = "sites/home_page.html"
    base_form_class = SafetyPageForm

    class Meta:
        verbose_name = "网站首页"

    def column_tags(self, identity):
        return [
            ("ColumnName", "首页"),
            ("ColumnDescription", self.intro or (identity.site_name if identity else self.title)),
            ("ColumnKeywords", self.keywords),
            ("ColumnType", "首页"),
        ]

    def default_body(self):
        """The arrangement of a home page nobody has arranged: the banner, the news carousel when the news
        column has pictures, the services, every column's newest items, the policy library, the topics and
        the site-group bar. Blocks with nothing to show render nothing."""
        from wagtail.blocks import StreamValue

        from . import queries

        news = ColumnPage.objects.child_of(self).live().filter(column_type__name="工作动态").first()
        raw = [{"type": "banner", "value": {"heading": "", "subtitle": self.intro}}]
        if news is not None and queries.column_articles(news).filter(cover_image__isnull=False).exists():
            raw.append({"type": "carousel", "value": {"heading": "要闻", "column": news.pk, "count": 5}})
        raw += [
            {"type": "services", "value": {"heading": "便民服务"}},
            {"type": "columns", "value": None},
            {"type": "policies", "value": {"heading": "政策与解读", "count": 6}},
            {"type": "topics", "value": {"heading": "专题专栏", "count": 4}},
            {"type": "site_group", "value": {"heading": "站群导航"}},
        ]
        stream_block = self.body.stream_block
        for item in raw:  # fill in the defaults of fields left out (the tiles' default list)
            if isinstance(item["value"], dict):
                defaults = stream_block.child_blocks[item["type"]].get_prep_value(
                    stream_block.child_blocks[item["type"]].get_default()
                )
                item["value"] = {**defaults, **item["value"]}
        return StreamValue(stream_block, raw, is_lazy=True)

    def route(self, request, path_components):
        """Wagtail's routing, with the page right below the home page taken from what the process keeps
        (`chrome.py`) rather than looked up again."""
        if path_components:
            from . import chrome

            found = chrome.current().for_page(self)
            child = found.child(path_components[0]) if found is not None and found.is_root(self) else None
            if child is not None:
                child._cached_parent_obj = self
                return child.route(request, path_components[1:])
        return super().route(request, path_components)

    def get_context(self, request, *args, **kwargs):
        from . import chrome, queries

        context = super().get_context(request, *args, **kwargs)
        found = chrome.current().for_page(self)
        kept = found is not None and found.is_root(self) and not getattr(request, "is_preview", False)
        context["columns"] = found.menu_columns if kept else queries.menu_columns(self)
        if len(self.body):
            context["home_blocks"] = self.body
        else:  # the default arrangement depends only on the site's columns: kept with them
            context["home_blocks"] = (
                found.memo("default_body", self.default_body) if kept else self.default_body()
            )
        return context


class ColumnPage(NationalTagsMixin, Page):
    """A column (栏目): a list page of articles with its national type and its update duty."""

    column_type = models.ForeignKey(
        ColumnType, verbose_name="栏目类型", on_delete=models.PROTECT, related_name="columns"
    )
    description = models.TextField("栏目描述", max_length=500)
    keywords = models.CharField("栏目关键词", max_length=200, help_text="多个词用逗号分隔。")
    update_cycle_days = models.PositiveIntegerField(
        "更新周期（天）",
        null=True,
        blank=True,
        help_text="留空则始终按栏目类型的默认周期（动态类14天，政策文件、通知公告类6个月）。",
    )
    responsible_unit = models.ForeignKey(
        OrgUnit, verbose_name="责任单位", on_delete=models.PROTECT, related_name="columns"
    )
    responsible_person = models.CharField("责任人", max_length=50)
    responsible_phone = models.CharField("责任人电话", max_length=40, blank=True, validators=[validate_phone])
    quality_requirement = models.CharField(
        "内容质量要求",
        max_length=200,
        blank=True,
        help_text="本栏目信息应达到的要求，如“信息准确、及时，不发布与栏目无关的内容”。列入运维责任清单。",
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("column_type"),
        FieldPanel("description"),
        FieldPanel("keywords"),
        MultiFieldPanel(
            [
                FieldPanel("update_cycle_days"),
                FieldPanel("responsible_unit"),
                FieldPanel("responsible_person"),
                FieldPanel("responsible_phone"),
                FieldPanel("quality_requirement"),
            ],
            heading="更新与责任",
        ),
    ]
    search_fields = [*Page.search_fields, index.SearchField("description")]
    parent_page_types = ["huimin_sites.HomePage", "huimin_sites.ColumnPage"]
    subpage_types = ["huimin_sites.ColumnPage", "huimin_articles.ArticlePage", *SECTION_PAGE_TYPES]
    template = "sites/column_page.html"
    base_form_class = SafetyPageForm

    class Meta:
        verbose_name = "栏目"

    def clean(self):
        super().clean()
        if self.update_cycle_days is not None and self.update_cycle_days < 1:
            raise ValidationError({"update_cycle_days": "更新周期至少为1天。"})

    @property
    def cycle_days(self) -> int:
        """The update cycle in force: the column's own, else its type's current default."""
        return self.update_cycle_days or self.column_type.update_cycle_days

    def latest_items(self, count: int):
        from . import queries

        return queries.column_articles(self)[:count]

    def column_tags(self, identity):
        return [
            ("ColumnName", self.title),
            ("ColumnDescription", self.description),
            ("ColumnKeywords", self.keywords),
            ("ColumnType", self.column_type.name),
        ]

    def get_context(self, request, *args, **kwargs):
        from . import chrome, queries
        from .blocks import listed_items

        context = super().get_context(request, *args, **kwargs)
        paginator = Paginator(queries.listed(queries.column_articles(self)), ARTICLES_PER_PAGE)
        context["articles"] = paginator.get_page(request.GET.get("page"))
        context["article_items"] = listed_items(context["articles"], request)
        # The column's other dated pages and its subcolumns change only with the page tree: kept (chrome.py).
        kept = chrome.current() if not getattr(request, "is_preview", False) else None
        context["other_pages"] = (
            kept.memo(("column pages", self.pk), lambda: queries.column_pages(self))
            if kept
            else queries.column_pages(self)
        )
        context["other_page_items"] = listed_items(context["other_pages"], request)
        context["subcolumns"] = (
            kept.memo(("subcolumns", self.pk), lambda: list(queries.menu_columns(self)))
            if kept
            else queries.menu_columns(self)
        )
        context.update(queries.page_chrome(self))
        return context
