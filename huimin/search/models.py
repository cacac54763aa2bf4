"""The search index (one `SearchDocument` per published thing, analysed text included) and the words editors
manage for it: dictionary words for segmentation and synonym groups for queries."""

from django.conf import settings
from django.db import models
from wagtail.models import Site

from huimin.sites.models import OrgUnit

from .enums import DocumentKind, Validity


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
    indexed_at = models.DateTimeField("索引时间")

    class Meta:
        verbose_name = verbose_name_plural = "搜索索引条目"
        indexes = [models.Index(fields=["site", "kind"])]

    def __str__(self):
        return f"{self.get_kind_display()}：{self.title}"


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
