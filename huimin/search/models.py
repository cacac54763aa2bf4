"""The search index (one `SearchDocument` per published thing, analysed text included) and the words editors
manage for it: dictionary words for segmentation and synonym groups for queries."""

from django.conf import settings
from django.db import models
from wagtail.models import Site
from wagtail.search import index

from huimin.sites.models import OrgUnit

from .enums import DocumentKind, KnowledgeOrigin, KnowledgeStatus, Validity


class SearchDocument(models.Model):
    """A published thing as search sees it. Written only by `services.py` (from `sources.py`); the analysed
    token fields are what the full-text engines index (`backends.py`)."""

    key = models.CharField("来源", max_length=64, unique=True, help_text="如 page:123、letter:45")
    kind = models.CharField("类型", max_length=20, choices=DocumentKind.choices, db_index=True)
    site = models.ForeignKey(
        Site, verbose_name="站点", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    unit = models.ForeignKey(
        OrgUnit, verbose_name="单位", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    topic = models.CharField("主题", max_length=100, blank=True, db_index=True)
    year = models.PositiveSmallIntegerField("年份", null=True, blank=True, db_index=True)
    title = models.CharField("标题", max_length=500)
    url = models.CharField("地址", max_length=1000)
    summary = models.TextField("摘要", blank=True)
    keywords = models.TextField("关键词", blank=True)
    body = models.TextField("正文", blank=True)
    published_at = models.DateTimeField("发布时间", null=True, blank=True, db_index=True)
    validity = models.CharField("效力", max_length=10, choices=Validity.choices, blank=True, default="")
    boost = models.FloatField("权重", default=1.0)
    # Analysed text (analysis.index_text): words joined by spaces, and the pinyin keys of title and keywords.
    title_tokens = models.TextField(blank=True)
    keyword_tokens = models.TextField(blank=True)
    body_tokens = models.TextField(blank=True)
    pinyin_tokens = models.TextField(blank=True)
    indexed_at = models.DateTimeField("索引时间", db_index=True)  # the newest names the vocabulary cache

    class Meta:
        verbose_name = verbose_name_plural = "搜索索引条目"
        indexes = [
            models.Index(fields=["site", "kind"]),
            # What the SQLite engine reads of every match (backends.NARROW_INDEX): joining the FTS table to
            # the documents through it never reads their wide rows.
            models.Index(
                fields=["id", "published_at", "site", "kind", "unit", "topic", "year"],
                name="huimin_search_narrow",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}：{self.title}"


class IndexedSearchDocument(index.Indexed, SearchDocument):
    """The documents as Wagtail's search backend indexes them, for the `wagtail` engine
    (`HUIMIN_SEARCH_ENGINE=wagtail`, `wagtail_engine.WagtailEngine`): title, keywords and body as written,
    for the backend's own analyzer (on OpenSearch or Elasticsearch, a Chinese one), the pinyin keys, and the
    facet columns as filters. Only that engine writes to the backend: saving a `SearchDocument` does not
    (`search_auto_update` is off), and Wagtail's `update_index` indexes these only when the engine is
    chosen."""

    search_auto_update = False
    search_fields = [
        index.SearchField("title", boost=10),
        index.SearchField("keywords", boost=5),
        index.SearchField("body"),
        index.SearchField("pinyin_tokens", boost=3),
        index.FilterField("kind"),
        index.FilterField("site"),
        index.FilterField("unit"),
        index.FilterField("topic"),
        index.FilterField("year"),
    ]

    class Meta:
        proxy = True
        verbose_name = verbose_name_plural = "搜索索引条目（Wagtail 搜索后端）"

    @classmethod
    def get_indexed_objects(cls):
        if settings.HUIMIN_SEARCH_ENGINE != "wagtail":
            return cls.objects.none()
        return super().get_indexed_objects()


class SearchWord(models.Model):
    """A word editors add to segmentation (搜索词典), e.g. a new programme's name."""

    word = models.CharField("词语", max_length=30, unique=True)
    note = models.CharField("说明", max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "搜索词典"
        ordering = ["word"]

    def __str__(self):
        return self.word


class SynonymGroup(models.Model):
    """Words that mean the same to a searcher (社保、社会保险): a query for one also finds the others."""

    words = models.TextField("同义词", help_text="用顿号、逗号或空格分隔，如：社保、社会保险")
    note = models.CharField("说明", max_length=200, blank=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "同义词"
        ordering = ["pk"]

    def __str__(self):
        return self.words


# --- queries and best bets


class SearchQueryLog(models.Model):
    """One search as it was asked: the normalized query with personal data replaced by ＊ (see
    `services.log_search`). Feeds 热门搜索 and the 无结果检索 report."""

    site = models.ForeignKey(
        Site, verbose_name="站点", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    query = models.CharField("检索词", max_length=200)
    results_count = models.PositiveIntegerField("结果数", default=0)
    kind = models.CharField("类型筛选", max_length=20, blank=True)
    scope = models.CharField("范围", max_length=10, blank=True)
    # A keyed hash of the client address (`services.visitor_key`), never the address: a query counts once
    # per visitor and period, and 热门搜索 counts distinct visitors.
    visitor = models.CharField("访客", max_length=16, blank=True, default="")
    at = models.DateTimeField("时间", db_index=True)

    class Meta:
        verbose_name = verbose_name_plural = "搜索日志"
        ordering = ["-at"]
        indexes = [
            models.Index(fields=["site", "at", "query"], name="search_log_hot"),
            models.Index(fields=["results_count", "query"], name="search_log_zero"),
        ]

    def __str__(self):
        return self.query


class HotSearchBlock(models.Model):
    """A word editors keep out of 热门搜索 (屏蔽词): no hot search containing it is shown, on any site."""

    word = models.CharField("屏蔽词", max_length=50, unique=True)
    note = models.CharField("说明", max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "热门搜索屏蔽词"
        ordering = ["word"]

    def __str__(self):
        return self.word


class BestBet(models.Model):
    """An editor's answer to a query (推荐结果): shown first, labelled 推荐, for that exact normalized query
    on one site, or on every site when `site` is empty."""

    site = models.ForeignKey(
        Site,
        verbose_name="站点",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        help_text="留空表示全市网站群",
    )
    query = models.CharField("检索词", max_length=100, db_index=True, help_text="保存时自动规范化")
    page = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name="页面",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    url = models.CharField("地址", max_length=1000, blank=True, help_text="不选页面时填写")
    title = models.CharField("标题", max_length=300, blank=True, help_text="不填则使用页面标题")
    description = models.CharField("说明", max_length=300, blank=True)
    sort_order = models.IntegerField("排序", default=0)
    active = models.BooleanField("启用", default=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "推荐结果"
        ordering = ["query", "sort_order", "pk"]

    def __str__(self):
        return f"{self.query} → {self.display_title}"

    @property
    def display_title(self):
        if self.title:
            return self.title
        return self.page.title if self.page_id else self.url

    @property
    def target_url(self):
        if self.page_id:
            return self.page.specific_deferred.url or self.url
        return self.url


# --- knowledge base (答问知识库) ---------------------------------------------------------------------------


class KnowledgeEntry(models.Model):
    """A curated question and its answer (答问知识库), owned by a unit, for one site or the whole group.
    Written only through `services.py` (`# --- knowledge base`); harvested entries start as drafts."""

    question = models.CharField("问题", max_length=200)
    answer = models.TextField("答案", max_length=2000, help_text="纯文本，不超过 2000 字。")
    unit = models.ForeignKey(OrgUnit, verbose_name="所属单位", on_delete=models.PROTECT, related_name="+")
    site = models.ForeignKey(
        Site,
        verbose_name="站点",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        help_text="留空表示适用于整个站群。",
    )
    valid_from = models.DateField("生效日期", null=True, blank=True)
    valid_until = models.DateField("失效日期", null=True, blank=True, help_text="当天起不再使用。")
    status = models.CharField(
        "状态", max_length=20, choices=KnowledgeStatus.choices, default=KnowledgeStatus.DRAFT, db_index=True
    )
    origin = models.CharField(
        "来源类型", max_length=20, choices=KnowledgeOrigin.choices, default=KnowledgeOrigin.MANUAL
    )
    source_key = models.CharField(
        "来源编号", max_length=64, blank=True, help_text="如 letter:12、page:34#materials（办事指南的某一项）"
    )
    source_links = models.JSONField("来源链接", default=list, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "答问知识库"
        ordering = ["-updated_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["origin", "source_key"],
                condition=~models.Q(source_key=""),
                name="knowledge_entry_unique_source",
            )
        ]

    def __str__(self):
        return self.question
