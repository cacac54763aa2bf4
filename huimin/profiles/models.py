"""User profiles (用户画像) and what 为您推荐 draws on.

- `Item`, `ItemTag`: the recommendable view of a published page (policy, interpretation, guide, notice,
  news, and the datasets and topics a read can teach about): its site, kind, title, address and tags in
  the group's vocabularies (`huimin.accounts.content_tags`). Kept in step with publishing (`signals.py`,
  `tasks.py`); `huimin profiles-index` rebuilds it.
- `Interaction`: what a consenting citizen read, searched, downloaded or asked: one row per thing (a page,
  or a query's text) with how often and when last. Never written for anyone else.
- `Interest`: the profile: a weight per tag, as it was at `updated_at` (the weight decays with a half-life:
  `rules.decayed`), with the citizen's own corrections (boosted, blocked).
- `Popularity`: views of each item per site and day, counted for everybody without naming anybody; what
  anonymous visitors are recommended.
"""

from __future__ import annotations

from django.db import models
from wagtail.models import Page, Site

from huimin.accounts.models import Account

from .enums import InteractionKind, InterestState


class Item(models.Model):
    page = models.OneToOneField(
        Page, verbose_name="页面", primary_key=True, on_delete=models.CASCADE, related_name="+"
    )
    site = models.ForeignKey(Site, verbose_name="站点", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField("类型", max_length=20, db_index=True)
    title = models.CharField("标题", max_length=500)
    path = models.CharField("站内地址", max_length=1000, help_text="相对于站点根地址，如 /zwgk/zcwj/xxx/")
    published_at = models.DateTimeField("发布时间", null=True, blank=True)
    recommendable = models.BooleanField("可推荐", default=True)
    tags = models.JSONField("标签", default=list, help_text='[["industry", "制造业"], …]')
    indexed_at = models.DateTimeField("索引时间")

    class Meta:
        verbose_name = verbose_name_plural = "推荐条目"
        indexes = [models.Index(fields=["site", "recommendable", "published_at"], name="profiles_item_site")]

    def __str__(self):
        return self.title


class ItemTag(models.Model):
    """One tag of an item, with the item's site and standing copied in so that scoring reads one table."""

    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="tag_rows")
    key = models.CharField(max_length=30)
    value = models.CharField(max_length=100)
    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="+")
    recommendable = models.BooleanField(default=True)
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "推荐条目标签"
        constraints = [
            models.UniqueConstraint(fields=["item", "key", "value"], name="profiles_itemtag_unique")
        ]
        indexes = [models.Index(fields=["site", "key", "value", "item"], name="profiles_itemtag_match")]

    def __str__(self):
        return f"{self.key}:{self.value}"


class Interaction(models.Model):
    account = models.ForeignKey(
        Account, verbose_name="账号", on_delete=models.CASCADE, related_name="profile_interactions"
    )
    kind = models.CharField("行为", max_length=10, choices=InteractionKind.choices)
    subject = models.CharField("对象", max_length=220, help_text="page:页面编号，或 text:搜索词/问题")
    page = models.ForeignKey(
        Page, verbose_name="页面", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    site = models.ForeignKey(
        Site, verbose_name="站点", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    text = models.CharField("内容", max_length=200, blank=True, help_text="标题、搜索词或问题")
    tags = models.JSONField("标签", default=list)
    count = models.PositiveIntegerField("次数", default=1)
    first_at = models.DateTimeField("首次时间")
    at = models.DateTimeField("最近时间")

    class Meta:
        verbose_name = verbose_name_plural = "浏览记录"
        ordering = ["-at"]
        constraints = [
            models.UniqueConstraint(fields=["account", "kind", "subject"], name="profiles_interaction_unique")
        ]
        indexes = [
            models.Index(fields=["account", "at"], name="profiles_interaction_recent"),
            models.Index(fields=["account", "page"], name="profiles_interaction_seen"),
            models.Index(fields=["kind", "site", "at"], name="profiles_interaction_site"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}：{self.text}"


class Interest(models.Model):
    account = models.ForeignKey(
        Account, verbose_name="账号", on_delete=models.CASCADE, related_name="profile_interests"
    )
    key = models.CharField("标签类别", max_length=30)
    value = models.CharField("标签", max_length=100)
    weight = models.FloatField("权重", default=0.0, help_text="截至更新时间的权重，此后按半衰期衰减")
    state = models.CharField(
        "状态", max_length=10, choices=InterestState.choices, default=InterestState.LEARNED
    )
    updated_at = models.DateTimeField("更新时间")

    class Meta:
        verbose_name = verbose_name_plural = "兴趣标签"
        constraints = [
            models.UniqueConstraint(fields=["account", "key", "value"], name="profiles_interest_unique")
        ]
        indexes = [models.Index(fields=["key", "value", "updated_at"], name="profiles_interest_match")]

    def __str__(self):
        return f"{self.key}:{self.value}"


class Popularity(models.Model):
    item = models.ForeignKey(Item, verbose_name="条目", on_delete=models.CASCADE, related_name="popularity")
    site = models.ForeignKey(Site, verbose_name="站点", on_delete=models.CASCADE, related_name="+")
    day = models.DateField("日期")
    views = models.PositiveIntegerField("浏览次数", default=0)

    class Meta:
        verbose_name = verbose_name_plural = "浏览量"
        constraints = [models.UniqueConstraint(fields=["item", "day"], name="profiles_popularity_unique")]
        indexes = [models.Index(fields=["site", "day"], name="profiles_popularity_site")]

    def __str__(self):
        return f"{self.item_id} {self.day}: {self.views}"
