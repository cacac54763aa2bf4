from django.db import models


class SubscriptionKind(models.TextChoices):
    TAGS = "tags", "按标签订阅"
    COLUMN = "column", "订阅栏目"
    LIBRARY = "library", "订阅政策文件库筛选"
    TOPIC = "topic", "订阅专题"
    UNIT = "unit", "订阅单位"
    SEARCH = "search", "订阅搜索关键词"


class Frequency(models.TextChoices):
    IMMEDIATE = "immediate", "即时推送"
    DAILY = "daily", "每日汇总"
    WEEKLY = "weekly", "每周汇总"


# The fastest first: a publication matched by subscriptions of several frequencies goes at the fastest.
FREQUENCY_ORDER = (Frequency.IMMEDIATE, Frequency.DAILY, Frequency.WEEKLY)
DIGESTS = (Frequency.DAILY, Frequency.WEEKLY)


class Channel(models.TextChoices):
    INBOX = "inbox", "站内消息"
    EMAIL = "email", "电子邮件"
    SMS = "sms", "短信"


# Channels that leave the site: these count against the rate limits and wait for digests.
OUTSIDE = (Channel.EMAIL, Channel.SMS)


class Mode(models.TextChoices):
    ANY = "any", "满足其一"
    ALL = "all", "全部满足"


class DeliveryStatus(models.TextChoices):
    QUEUED = "queued", "待发送"
    SENT = "sent", "已发送"
    FAILED = "failed", "发送失败"
    SKIPPED = "skipped", "未发送"


class PublicationReason(models.TextChoices):
    FIRST = "first", "首次发布"
    CHANGED = "changed", "内容有实质变更"


class PublicationState(models.TextChoices):
    MATCHING = "matching", "匹配中"
    DONE = "done", "已完成"


# The content kinds that are pushed (the `kind` of huimin.accounts.content_tags), with their names.
PUSHED_KINDS = {
    "policy": "政策文件",
    "interpretation": "政策解读",
    "guide": "办事指南",
    "notice": "通知公告",
    "dataset": "开放数据",
}
