"""Choices of open data: how a dataset is opened, its formats, column types and chart kinds.

How many days each update frequency allows is data (`data/frequencies.json`), read by `quality.py`.
"""

from django.db import models


class OpenType(models.TextChoices):
    UNCONDITIONAL = "unconditional", "无条件开放"
    CONDITIONAL = "conditional", "有条件开放"


class UpdateFrequency(models.TextChoices):
    DAILY = "daily", "每日"
    WEEKLY = "weekly", "每周"
    MONTHLY = "monthly", "每月"
    QUARTERLY = "quarterly", "每季度"
    HALF_YEARLY = "half_yearly", "每半年"
    YEARLY = "yearly", "每年"
    IRREGULAR = "irregular", "不定期"


class ResourceFormat(models.TextChoices):
    CSV = "csv", "CSV"
    XLSX = "xlsx", "XLSX"
    JSON = "json", "JSON"


class ColumnType(models.TextChoices):
    """The type of a column of a resource; the datastore keeps each as a typed, indexed column."""

    TEXT = "text", "文本"
    INTEGER = "integer", "整数"
    NUMBER = "number", "数值"
    DATE = "date", "日期"
    BOOLEAN = "boolean", "是/否"


class VersionStatus(models.TextChoices):
    PENDING = "pending", "待导入"
    LOADED = "loaded", "已导入"
    FAILED = "failed", "导入失败"


class ChartKind(models.TextChoices):
    BAR = "bar", "柱状图"
    LINE = "line", "折线图"
    PIE = "pie", "饼图"


class Aggregation(models.TextChoices):
    NONE = "none", "不汇总（逐行）"
    SUM = "sum", "求和"
    AVG = "avg", "平均值"
    COUNT = "count", "计数"
